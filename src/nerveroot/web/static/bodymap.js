// Clickable body map (front and back, both legs). Region ids are the engine's body-region ids.
// Shapes are drawn for one leg as [distance from the midline, height] and mirrored for the other leg.

import { h } from "./dom.js";

const FRONT = {
  groin: [[2, 124], [46, 112], [48, 126], [10, 150], [2, 150]],
  lateral_hip: [[46, 112], [57, 130], [57, 166], [48, 166], [48, 126]],
  upper_anterior_thigh: [[10, 150], [48, 126], [48, 166], [46, 186], [10, 186]],
  medial_thigh: [[10, 186], [22, 186], [22, 258], [13, 258]],
  anterior_thigh: [[22, 186], [36, 186], [34, 258], [22, 258]],
  anterolateral_thigh: [[36, 186], [46, 186], [48, 166], [57, 166], [51, 220], [44, 258], [34, 258]],
  medial_knee: [[13, 258], [22, 258], [21, 292], [15, 292]],
  anterior_knee: [[22, 258], [44, 258], [40, 292], [21, 292]],
  medial_leg: [[14, 292], [22, 292], [22, 396], [15, 396]],
  anterior_shin: [[22, 292], [31, 292], [30, 396], [22, 396]],
  lateral_leg: [[31, 292], [40, 292], [38, 396], [30, 396]],
  medial_ankle: [[14, 396], [22, 396], [22, 414], [14, 414]],
  dorsum_foot: [[22, 396], [38, 396], [40, 426], [40, 440], [22, 440]],
  great_toe: [[10, 416], [22, 416], [22, 440], [10, 440]],
  lateral_foot: [[38, 396], [45, 404], [47, 440], [40, 440], [40, 426]],
};

const BACK = {
  low_back: [[0, 96], [36, 96], [42, 136], [0, 136]],
  saddle: [[0, 146], [8, 142], [9, 196], [0, 200]],
  buttock: [[8, 138], [46, 136], [48, 184], [30, 194], [9, 192]],
  lateral_hip: [[46, 128], [57, 136], [57, 180], [48, 184], [46, 136]],
  posterior_thigh: [[9, 194], [30, 196], [48, 184], [46, 230], [42, 262], [13, 262]],
  popliteal_fossa: [[13, 262], [42, 262], [40, 292], [15, 292]],
  posterior_calf: [[15, 292], [40, 292], [38, 396], [16, 396]],
  heel: [[16, 396], [38, 396], [36, 418], [18, 418]],
  sole: [[18, 418], [36, 418], [38, 440], [14, 440]],
  lateral_foot: [[38, 396], [45, 404], [47, 440], [38, 440], [36, 418]],
};

const OUTLINE = [
  [0, 40], [22, 42], [42, 50], [46, 72], [40, 100], [46, 118], [60, 134], [60, 182], [52, 222], [46, 262],
  [43, 292], [41, 394], [48, 404], [50, 444], [8, 444], [12, 414], [14, 300], [11, 262], [8, 200], [0, 204],
];

export const SHAPES = { front: FRONT, back: BACK };
export const SIDES = ["left", "right"];
const MID = 130;
const SCALE = 1.4; // legs are drawn wider than life so that small regions stay easy to tap

/** Screen x for a distance from the midline: the patient's right is on the viewer's left in the front view. */
function x(view, side, d) {
  const towardsViewerLeft = (view === "front") === (side === "right");
  return towardsViewerLeft ? MID - d * SCALE : MID + d * SCALE;
}

function points(view, side, shape) {
  return shape.map(([d, y]) => `${x(view, side, d)},${y}`).join(" ");
}

function outline(view) {
  const right = OUTLINE.map(([d, y]) => `${x(view, "right", d)},${y}`);
  const left = [...OUTLINE].reverse().map(([d, y]) => `${x(view, "left", d)},${y}`);
  return [...right, ...left].join(" ");
}

const ARROWS = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };

/** A viewBox around one leg (the zoomed map on a phone: every region at least 24 px wide and tall). */
function legBox(view, side) {
  const xs = [x(view, side, 0), x(view, side, 60)];
  return `${Math.min(...xs) - 4} 88 ${Math.abs(xs[1] - xs[0]) + 8} 382`;
}

function centre(poly) {
  const r = poly.getBoundingClientRect();
  return [r.left + r.width / 2, r.top + r.height / 2, poly.ownerSVGElement];
}

/** Arrow keys: move focus to the nearest shape in that direction (same picture first), roving tabindex. */
function moveFocus(shapes, from, [dx, dy]) {
  const [fx, fy, svg] = centre(from);
  let best = null;
  let bestScore = Infinity;
  for (const poly of shapes) {
    if (poly === from) continue;
    const [px, py, other] = centre(poly);
    const ax = dx ? (px - fx) * dx : 0;
    const ay = dy ? (py - fy) * dy : 0;
    if ((dx && ax <= 0) || (dy && ay <= 0)) continue;
    const along = dx ? ax : ay;
    const across = dx ? Math.abs(py - fy) : Math.abs(px - fx);
    const score = along + across * 2 + (other === svg ? 0 : 1000);
    if (score < bestScore) {
      bestScore = score;
      best = poly;
    }
  }
  if (!best) return;
  from.setAttribute("tabindex", "-1");
  best.setAttribute("tabindex", "0");
  best.focus();
}

/** Label of one region mark, e.g. "Left Front of thigh". */
export function markLabel(names, region, side) {
  const name = (names[region] || region).toLowerCase();
  return side ? `${side === "left" ? "Left" : "Right"} ${name}` : `${name[0].toUpperCase()}${name.slice(1)} (side not stated)`;
}

/**
 * Draw the map. `regions`: [{id, name, view}] from GET /api/kb/body_regions.
 * `state(region, side)` -> {pain, numb, dermatome} decides how each shape is filled.
 * With `onToggle(region, side)` the shapes are keyboard-operable buttons.
 */
export function drawBodyMap(container, regions, { state, onToggle, describe, idPrefix = "bm", zoom = null }) {
  const names = Object.fromEntries(regions.map((r) => [r.id, r.name]));
  const known = new Set(regions.map((r) => r.id));
  const shapes = [];
  container.replaceChildren();
  container.classList.toggle("zoomed", Boolean(zoom));
  for (const view of zoom ? [zoom.view] : ["front", "back"]) {
    const titleId = `${idPrefix}-${view}-title`;
    const svg = h(
      "svg",
      {
        viewBox: zoom ? legBox(view, zoom.side) : "0 0 260 470",
        class: "bodymap",
        role: "group",
        "aria-labelledby": titleId,
      },
      h("title", { id: titleId }, `${view === "front" ? "Front" : "Back"} of the body${zoom ? `, ${zoom.side} leg` : ""}`),
      h("polygon", { class: "silhouette", points: outline(view), "aria-hidden": "true" }),
      h("circle", { class: "silhouette", cx: MID, cy: 20, r: 18, "aria-hidden": "true" }),
    );
    for (const [region, shape] of Object.entries(SHAPES[view])) {
      if (!known.has(region)) continue;
      for (const side of zoom ? [zoom.side] : SIDES) {
        const poly = h("polygon", {
          class: "region",
          points: points(view, side, shape),
          "data-region": region,
          "data-side": side,
          "data-view": view,
        });
        if (onToggle) {
          poly.setAttribute("role", "button");
          poly.setAttribute("tabindex", shapes.length === 0 ? "0" : "-1");
          poly.addEventListener("click", () => onToggle(region, side));
          poly.addEventListener("keydown", (event) => {
            if (event.key === "Enter" || event.key === " ") {
              event.preventDefault();
              onToggle(region, side);
            } else if (ARROWS[event.key]) {
              event.preventDefault();
              moveFocus(shapes, poly, ARROWS[event.key]);
            }
          });
        } else {
          poly.setAttribute("aria-hidden", "true");
        }
        svg.append(poly);
        shapes.push(poly);
      }
    }
    for (const side of zoom ? [zoom.side] : SIDES) {
      svg.append(h("text", { x: x(view, side, 30), y: 462, class: "side-label", "text-anchor": "middle", "aria-hidden": "true" },
        side === "left" ? "Left" : "Right"));
    }
    if (!zoom) {
      svg.append(h("text", { x: MID, y: 68, class: "view-label", "text-anchor": "middle", "aria-hidden": "true" },
        view === "front" ? "FRONT" : "BACK"));
    }
    const caption = view === "front" ? "Front (facing you)" : "Back (from behind)";
    container.append(h("figure", { class: "bodymap-view" }, svg,
      h("figcaption", {}, zoom ? `${caption}: ${zoom.side} leg` : caption)));
  }
  const update = () => {
    for (const poly of shapes) {
      const region = poly.dataset.region;
      const side = poly.dataset.side;
      const s = state(region, side);
      poly.classList.toggle("pain", Boolean(s.pain));
      poly.classList.toggle("numb", Boolean(s.numb));
      poly.classList.toggle("dermatome", Boolean(s.dermatome));
      if (onToggle) {
        poly.setAttribute("aria-pressed", String(Boolean(s.pressed)));
        poly.setAttribute("aria-label", describe(markLabel(names, region, side), s));
      }
    }
  };
  update();
  return { update, names, missing: regions.filter((r) => !SHAPES.front[r.id] && !SHAPES.back[r.id]).map((r) => r.id) };
}
