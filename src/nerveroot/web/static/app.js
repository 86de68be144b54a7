// Page wiring: intake form and body map -> POST /api/assess -> result; ask box; patient records.

import { post, kb, token } from "./api.js";
import { h, fill } from "./dom.js";
import { drawBodyMap, markLabel } from "./bodymap.js";
import { renderAssessment } from "./results.js";
import { setupAsk } from "./ask.js";
import { Records } from "./records.js";
import {
  RED_FLAGS, ANSWERS, SYMPTOMS, HISTORY, MOVEMENTS, REFLEXES, REFLEX_RESULTS, PROVOCATIVE, MIDLINE_REGIONS,
} from "./questions.js";

const $ = (id) => document.getElementById(id);
const marks = new Map(); // "region|side" -> {pain, numb}
let regions = [];
let names = {};
let map = null;
let lastCase = null;

const audience = () => document.body.dataset.audience;
const mode = () => document.querySelector("input[name=mark-mode]:checked").value;

// ---- red flags -------------------------------------------------------------------------------------

function renderRedFlags(findingNames) {
  const groups = [...new Set(RED_FLAGS.map((q) => q.group))];
  fill($("redflag-list"), groups.map((group) => h("div", { class: "rf-group" }, h("h3", { class: "subhead" }, group),
    RED_FLAGS.filter((q) => q.group === group).map((q) => h("fieldset", { class: "rf", id: `rf-${q.key}` },
      h("legend", {}, q.text, findingNames[q.key] ? h("span", { class: "clin-only term" }, ` (${findingNames[q.key]})`) : null),
      h("div", { class: "rf-answers" }, ANSWERS.map((a) => h("label", { class: "pill" },
        h("input", { type: "radio", name: `rf-${q.key}`, value: a.value, required: true }), ` ${a.label}`))))))));
}

function redFlagAnswers() {
  const answers = {};
  for (const q of RED_FLAGS) {
    const checked = document.querySelector(`input[name="rf-${q.key}"]:checked`);
    if (checked) answers[q.key] = checked.value;
  }
  return answers;
}

function updateGate() {
  const answered = Object.keys(redFlagAnswers()).length;
  const left = RED_FLAGS.length - answered;
  $("rf-progress").textContent = `${answered} of ${RED_FLAGS.length} safety questions answered.`;
  $("assess-btn").disabled = left > 0;
  $("assess-hint").textContent = left > 0
    ? `Answer the ${left} remaining safety question${left === 1 ? "" : "s"} in step 1 to continue.`
    : "All safety questions answered.";
}

// ---- body map ----------------------------------------------------------------------------------------

function markState(region, side) {
  const m = marks.get(`${region}|${side}`) || {};
  return { pain: m.pain, numb: m.numb, pressed: Boolean(m[mode()]) };
}

function describeMark(label, s) {
  const parts = [s.pain ? "pain" : null, s.numb ? "numbness" : null].filter(Boolean);
  return `${label}: ${parts.length ? `${parts.join(" and ")} marked` : "not marked"}`;
}

function toggleMark(region, side) {
  const key = `${region}|${side}`;
  const m = { ...(marks.get(key) || {}) };
  m[mode()] = !m[mode()];
  if (m.pain || m.numb) marks.set(key, m);
  else marks.delete(key);
  refreshMarks();
}

function refreshMarks() {
  if (map) map.update();
  const list = [...marks.entries()].map(([key, m]) => {
    const [region, side] = key.split("|");
    const kinds = [m.pain ? "pain" : null, m.numb ? "numbness" : null].filter(Boolean).join(" and ");
    return `${markLabel(names, region, side)} (${kinds})`;
  });
  $("marked-list").textContent = list.length ? `Marked: ${list.join("; ")}.` : "Nothing marked yet.";
}

// ---- exam tables ----------------------------------------------------------------------------------------

function examRow(label, name, options) {
  return h("tr", {}, h("th", { scope: "row" }, label), ["left", "right"].map((side) => h("td", {},
    h("select", { name: `${name}-${side}`, "aria-label": `${label}, ${side}` },
      h("option", { value: "" }, "not tested"), options.map(([value, text]) => h("option", { value }, text))))));
}

function renderExam() {
  const grades = [5, 4, 3, 2, 1, 0].map((g) => [String(g), String(g)]);
  fill($("strength-table").tBodies[0], MOVEMENTS.map(([id, label]) => examRow(label, `str-${id}`, grades)));
  fill($("reflex-table").tBodies[0], REFLEXES.map(([id, label]) => examRow(label, `ref-${id}`,
    REFLEX_RESULTS.map((r) => [r, r]))));
  fill($("provocative-table").tBodies[0], PROVOCATIVE.map(([id, label]) => examRow(label, `prov-${id}`,
    [["positive", "positive"], ["negative", "negative"]])));
}

function examFindings() {
  const value = (name) => document.querySelector(`select[name="${name}"]`).value;
  const out = { strength: [], reflexes: [], provocative: [] };
  for (const side of ["left", "right"]) {
    for (const [id] of MOVEMENTS) {
      const v = value(`str-${id}-${side}`);
      if (v !== "") out.strength.push({ movement: id, side, grade: Number(v) });
    }
    for (const [id] of REFLEXES) {
      const v = value(`ref-${id}-${side}`);
      if (v !== "") out.reflexes.push({ reflex: id, side, result: v });
    }
    for (const [id] of PROVOCATIVE) {
      const v = value(`prov-${id}-${side}`);
      if (v !== "") out.provocative.push({ test: id, side, result: v });
    }
  }
  return out;
}

// ---- symptoms and history -------------------------------------------------------------------------------

function renderSymptoms() {
  fill($("symptom-list"), SYMPTOMS.map((s) => h("label", { class: "check" },
    h("input", { type: "checkbox", name: `sym-${s.key}` }), ` ${s.text}`)));
  fill($("history-list"), HISTORY.map((q) => h("label", {}, q.text,
    h("select", { name: `hx-${q.key}` }, h("option", { value: "" }, "Not asked"),
      h("option", { value: "present" }, "Yes"), h("option", { value: "absent" }, "No"),
      h("option", { value: "unknown" }, "Don’t know")))));
}

// ---- the Case ----------------------------------------------------------------------------------------------

function numberOrNull(id) {
  const raw = $(id).value.trim();
  return raw === "" ? null : Number(raw);
}

/** The Case JSON (nerveroot.assessment.case.Case) from the form. */
function buildCase() {
  const pain = [];
  const sensory = [];
  const sides = new Set();
  for (const [key, m] of marks) {
    const [region, side] = key.split("|");
    if (m.pain) pain.push({ region, side });
    if (m.numb) sensory.push({ region, side });
    if (!MIDLINE_REGIONS.has(region)) sides.add(side);
  }
  const symptoms = {};
  for (const s of SYMPTOMS) if (document.querySelector(`input[name="sym-${s.key}"]`).checked) symptoms[s.key] = "present";
  const history = {};
  for (const q of HISTORY) {
    const v = document.querySelector(`select[name="hx-${q.key}"]`).value;
    if (v) history[q.key] = v;
  }
  const data = {
    age: numberOrNull("age"),
    sex: $("sex").value,
    onset: $("onset").value,
    duration_days: numberOrNull("duration"),
    course: $("course").value,
    sides: ["left", "right"].filter((s) => sides.has(s)),
    pain_regions: pain,
    sensory_regions: sensory,
    red_flags: redFlagAnswers(),
    history,
    symptoms,
    pain_score: numberOrNull("pain-score"),
  };
  return audience() === "clinician" ? { ...data, ...examFindings() } : data;
}

// ---- result ------------------------------------------------------------------------------------------------

async function sourcesById() {
  try {
    const list = await kb("sources");
    return Object.fromEntries(list.map((s) => [s.id, s]));
  } catch {
    return {}; // the API lists no sources: citations then show the source id.
  }
}

async function drawDermatome(result) {
  const box = $("dermatome-map");
  const lead = [...result.levels].filter((l) => l.root !== "none").sort((a, b) => b.probability - a.probability)[0];
  if (!box || !lead) return;
  const roots = await kb("roots");
  const root = roots.find((r) => r.id === lead.root);
  if (!root) return;
  const dermatome = new Set(root.sensory_regions);
  const sides = result.sides && result.sides.length ? result.sides : ["left", "right"];
  const inner = h("div", { class: "bodymap-row small" });
  drawBodyMap(inner, regions, {
    idPrefix: "derm",
    state: (region, side) => ({ ...(marks.get(`${region}|${side}`) || {}), dermatome: dermatome.has(region) && sides.includes(side) }),
  });
  const skin = root.sensory_regions.map((r) => names[r] || r).join(", ");
  fill(box,
    h("h4", {}, `Where the ${lead.label} nerve root supplies the skin, beside the areas you marked`),
    inner,
    h("div", { class: "legend" },
      h("span", {}, h("i", { class: "swatch dermatome", "aria-hidden": "true" }), ` ${lead.label} skin area (dermatome)`),
      h("span", {}, h("i", { class: "swatch pain", "aria-hidden": "true" }), " Pain you marked"),
      h("span", {}, h("i", { class: "swatch numb", "aria-hidden": "true" }), " Numbness you marked")),
    h("p", { id: "dermatome-text" }, `${lead.label} skin area (${sides.join(" and ")} leg): ${skin}.`));
}

async function showResult(result) {
  const section = $("result");
  section.hidden = false;
  const banner = renderAssessment($("result-body"), result, await sourcesById(), names);
  await drawDermatome(result);
  banner.focus();
  banner.scrollIntoView({ block: "start" });
}

async function submitCase(event) {
  event.preventDefault();
  updateGate();
  if ($("assess-btn").disabled) {
    $("redflags").querySelector("input:not(:checked)")?.focus();
    return;
  }
  const data = buildCase();
  await runAssessment(data, data);
}

async function runAssessment(body, caseData) {
  const button = $("assess-btn");
  const label = button.textContent;
  button.disabled = true;
  button.textContent = "Checking…";
  try {
    const result = await post("/api/assess", body);
    lastCase = caseData;
    await showResult(result);
  } catch (err) {
    $("result").hidden = false;
    fill($("result-body"), h("p", { class: "error", role: "alert", tabindex: "-1", id: "assess-error" }, err.message));
    $("assess-error").focus();
  } finally {
    button.textContent = label;
    updateGate();
  }
}

// ---- start-up ------------------------------------------------------------------------------------------------

function setAudience(value) {
  document.body.dataset.audience = value;
  $("assess-btn").textContent = value === "clinician" ? "Assess" : "Check my symptoms";
}

async function start() {
  setAudience(document.querySelector("input[name=audience]:checked").value);
  renderSymptoms();
  renderExam();
  let findingNames = {};
  try {
    const [bodyRegions, findings] = await Promise.all([kb("body_regions"), kb("findings")]);
    regions = bodyRegions;
    names = Object.fromEntries(regions.map((r) => [r.id, r.name]));
    findingNames = Object.fromEntries(findings.filter((f) => f.category === "red_flag").map((f) => [f.id, f.name]));
  } catch (err) {
    $("load-error").hidden = false;
    $("load-error").textContent = `The page could not load its data: ${err.message}`;
  }
  renderRedFlags(findingNames);
  map = drawBodyMap($("bodymap"), regions, { state: markState, onToggle: toggleMark, describe: describeMark });
  if (map.missing.length) console.warn("body regions without a shape:", map.missing);
  refreshMarks();
  updateGate();

  $("redflags").addEventListener("change", updateGate);
  $("case-form").addEventListener("submit", submitCase);
  $("clear-marks").addEventListener("click", () => {
    marks.clear();
    refreshMarks();
  });
  document.querySelectorAll("input[name=mark-mode]").forEach((r) => r.addEventListener("change", refreshMarks));
  document.querySelectorAll("input[name=audience]").forEach((r) => r.addEventListener("change", () => setAudience(r.value)));
  $("note-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("note-text").value.trim();
    if (text) runAssessment({ text }, null);
  });
  setupAsk($("ask-form"), $("ask-input"), $("ask-result"));

  const records = new Records($("records-body"), $("records-status"), { currentCase: () => lastCase });
  $("token-input").value = token.get();
  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    token.set($("token-input").value.trim());
    records.start();
  });
  records.start();
}

start();
