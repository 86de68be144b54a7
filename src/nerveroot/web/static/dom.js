// Small DOM helpers: build elements without innerHTML so engine text is never parsed as markup.

/** Create an element: h("a", {href: "#x", class: "c"}, "text", child). */
export function h(tag, attrs = {}, ...children) {
  const svg = ["svg", "path", "polygon", "circle", "text", "g", "line", "polyline", "title", "desc", "rect"];
  const el = svg.includes(tag)
    ? document.createElementNS("http://www.w3.org/2000/svg", tag)
    : document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "style") el.style.cssText = String(value); // CSSOM: allowed by the page's style-src 'self'
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace the children of an element. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** "weak_knee_extension" -> "weak knee extension". */
export function words(id) {
  return String(id).replaceAll("_", " ");
}

/** 0.6777 -> "68%"; small values keep one decimal so they never read as zero. */
export function percent(p) {
  const value = p * 100;
  if (value > 0 && value < 0.1) return "<0.1%";
  if (value > 0 && value < 1) return `${value.toFixed(1)}%`;
  return `${Math.round(value)}%`;
}
