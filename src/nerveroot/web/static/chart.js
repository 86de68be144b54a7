// Score-over-time chart (inline SVG) with a minimal-important-change verdict and a data table.

import { h } from "./dom.js";

/**
 * Did the score improve by at least the minimal important change?
 * `points`: [{date, value}] oldest first; `mcid`: points; `mcidPercent`: optional relative threshold.
 * Lower is better for ODI and NRS.
 */
export function mcidVerdict(points, mcid, mcidPercent) {
  if (points.length < 2) return { change: null, passes: false, text: "One score so far: add another to see change." };
  const first = points[0].value;
  const last = points[points.length - 1].value;
  const change = last - first;
  const drop = first - last;
  const byPoints = mcid !== null && mcid !== undefined && drop >= mcid;
  const byPercent = Boolean(mcidPercent) && first > 0 && (drop / first) * 100 >= mcidPercent;
  const passes = byPoints || byPercent;
  const rule = mcidPercent ? `${mcid} points or ${mcidPercent}%` : `${mcid} points`;
  const sign = change > 0 ? "+" : "";
  const text = passes
    ? `Improved by ${drop} (${sign}${change}): passes the minimal important change of ${rule}.`
    : `Change ${sign}${change}: does not reach the minimal important change of ${rule} improvement.`;
  return { change, passes, text };
}

/** Line chart of one instrument. */
export function scoreChart({ id, title, points, max, unit, verdict }) {
  const w = 320;
  const ht = 160;
  const pad = { l: 34, r: 24, t: 12, b: 26 };
  const xs = (i) => pad.l + (points.length === 1 ? (w - pad.l - pad.r) / 2 : (i * (w - pad.l - pad.r)) / (points.length - 1));
  const ys = (v) => pad.t + (1 - v / max) * (ht - pad.t - pad.b);
  const ticks = [0, max / 2, max];
  const svg = h("svg", { viewBox: `0 0 ${w} ${ht}`, class: "chart", role: "img", "aria-labelledby": `${id}-t ${id}-d` },
    h("title", { id: `${id}-t` }, title),
    h("desc", { id: `${id}-d` }, `${points.map((p) => `${p.date}: ${p.value}${unit}`).join("; ")}. ${verdict.text}`),
    ticks.map((t) => [
      h("line", { x1: pad.l, x2: w - pad.r, y1: ys(t), y2: ys(t), class: "grid" }),
      h("text", { x: pad.l - 4, y: ys(t) + 4, "text-anchor": "end", class: "axis" }, `${t}`),
    ]),
    h("polyline", { points: points.map((p, i) => `${xs(i)},${ys(p.value)}`).join(" "), class: "line" }),
    points.map((p, i) => [
      h("circle", { cx: xs(i), cy: ys(p.value), r: 4, class: "dot" }),
      h("text", { x: xs(i), y: ht - 8, "text-anchor": "middle", class: "axis" }, p.date.slice(5)),
    ]));
  const table = h("table", { class: "data-table" },
    h("caption", {}, `${title}: values`),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Date"), h("th", { scope: "col" }, "Score"))),
    h("tbody", {}, points.map((p) => h("tr", {}, h("td", {}, p.date), h("td", {}, `${p.value}${unit}`)))));
  return h("figure", { class: "chart-box", id },
    h("figcaption", {}, h("strong", {}, title)), svg,
    h("p", { class: verdict.passes ? "mcid pass" : "mcid", "data-passes": String(verdict.passes) }, verdict.text),
    h("details", {}, h("summary", {}, "Show values"), table));
}
