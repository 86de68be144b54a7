// The details form: symptoms, the clinician's examination (strength, reflexes, provocative tests with the SLR
// angle, heel and toe walk, saddle and anal examination), drug-safety factors, STarT Back and ODI. It reads the
// Case vocabulary from the server's own schema so that only keys the engine accepts are ever sent.

import { h, fill } from "./dom.js";
import { SYMPTOMS, HISTORY, MOVEMENTS, REFLEXES, REFLEX_RESULTS, PROVOCATIVE, GAIT, GAIT_RESULTS } from "./questions.js";

const $ = (id) => document.getElementById(id);
const STATUS = [["", "Not known"], ["present", "Yes"], ["absent", "No"]];
const ANTICOAGULANTS = ["apixaban", "rivaroxaban", "edoxaban", "dabigatran", "warfarin", "other"];
const SAFETY_LABELS = {
  egfr: "eGFR (mL/min/1.73 m²)",
  ckd: "Chronic kidney disease",
  liver_disease: "Liver disease",
  gi_bleed_or_ulcer: "GI bleed or peptic ulcer",
  heart_failure: "Heart failure",
  cardiovascular_disease: "Cardiovascular disease",
  hypertension: "Hypertension",
  pregnancy: "Pregnant",
  trimester: "Trimester",
  breastfeeding: "Breastfeeding",
  nsaid_sensitive_asthma: "NSAID-sensitive asthma",
  alcohol_use: "Harmful alcohol use",
  weight_kg: "Weight (kg)",
};
const STARTBACK_AGREE = [["", "Not answered"], ["0", "Disagree"], ["1", "Agree"]];
const BOTHER = [["", "Not answered"], ["0", "Not at all"], ["1", "Slightly"], ["2", "Moderately"], ["3", "Very much"], ["4", "Extremely"]];

/** Allowed keys of red_flags / history / symptoms and the DrugSafety fields, from GET /openapi.json. */
export function vocabulary(openapi) {
  const schemas = openapi.components.schemas;
  const caseSchema = schemas["Case-Input"] || schemas.Case;
  const keys = (field) => {
    const text = (caseSchema.properties[field] || {}).description || "";
    const match = /Keys:\s*([^.]*)/.exec(text);
    return new Set(match ? match[1].split(",").map((k) => k.trim()).filter(Boolean) : []);
  };
  const schema = (name) => schemas[`${name}-Input`] || schemas[name] || { properties: {} };
  return {
    red_flags: keys("red_flags"),
    history: keys("history"),
    symptoms: keys("symptoms"),
    safety: Object.keys(schema("DrugSafety").properties),
    described: "described" in schema("StrengthTest").properties, // ungraded "weak" signs accepted
    observations: Object.entries(schema("Observations").properties).map(([id, p]) => ({ id, label: (p.description || id).replace(/\.$/, "") })),
  };
}

function select(name, label, options, attrs = {}) {
  return h("label", {}, label, h("select", { name, ...attrs }, options.map(([v, t]) => h("option", { value: v }, t))));
}

function examRow(label, name, options) {
  return h("tr", {}, h("th", { scope: "row" }, label), ["left", "right"].map((side) => h("td", {},
    h("select", { name: `${name}-${side}`, "aria-label": `${label}, ${side}` },
      h("option", { value: "" }, "not tested"), options.map(([value, text]) => h("option", { value }, text))))));
}

function table(id, caption, rows) {
  return h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-label": caption }, h("table", { id, class: "exam-table" }, h("caption", {}, caption),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Test"), h("th", { scope: "col" }, "Left"), h("th", { scope: "col" }, "Right"))),
    h("tbody", {}, rows)));
}

export function renderForm(vocab, instruments) {
  fill($("symptom-list"), SYMPTOMS.filter((s) => vocab.symptoms.has(s.key)).map((s) => h("label", { class: "check" },
    h("input", { type: "checkbox", name: `sym-${s.key}` }), ` ${s.text}`)),
  HISTORY.filter((q) => vocab.history.has(q.key)).map((q) => h("label", { class: "clin-only" }, q.text,
    h("select", { name: `hx-${q.key}` }, STATUS.map(([v, t]) => h("option", { value: v }, t))))));
  const grades = [5, 4, 3, 2, 1, 0].map((g) => [String(g), String(g)]);
  fill($("exam-tables"),
    table("strength-table", "Strength, MRC grade 0–5", MOVEMENTS.map(([id, label]) => examRow(label, `str-${id}`, grades))),
    table("reflex-table", "Reflexes", REFLEXES.map(([id, label]) => examRow(label, `ref-${id}`, REFLEX_RESULTS.map((r) => [r, r])))),
    table("provocative-table", "Provocative tests (side = leg tested or raised)", PROVOCATIVE.map(([id, label]) => examRow(label, `prov-${id}`,
      [["positive", "positive"], ["negative", "negative"]]))),
    table("gait-table", "Gait", GAIT.map(([id, label]) => examRow(label, `gait-${id}`, GAIT_RESULTS))));
  fill($("exam-extra"),
    h("label", {}, "SLR angle, left (degrees)", h("input", { type: "number", id: "slr-angle-left", min: "0", max: "120", inputmode: "numeric" })),
    h("label", {}, "SLR angle, right (degrees)", h("input", { type: "number", id: "slr-angle-right", min: "0", max: "120", inputmode: "numeric" })),
    vocab.observations.map((o) => h("label", {}, o.label, h("input", { type: "number", step: "any", id: `obs-${o.id}`, inputmode: "decimal" }))),
    select("saddle-exam", "Saddle sensation (examined)", [["", "Not examined"], ["normal", "Normal"], ["reduced", "Reduced or absent"]], { id: "saddle-exam" }),
    vocab.red_flags.has("reduced_anal_tone")
      ? select("anal-tone", "Anal tone (examined)", [["", "Not examined"], ["normal", "Normal"], ["reduced", "Reduced"]], { id: "anal-tone" })
      : null);
  fill($("drug-safety-fields"),
    select("anticoagulant", "Anticoagulant", [["", "Not known"], ["none", "None"], ...ANTICOAGULANTS.map((a) => [a, a === "other" ? "Other anticoagulant" : a[0].toUpperCase() + a.slice(1)])], { id: "anticoagulant" }),
    vocab.safety.filter((f) => SAFETY_LABELS[f]).map((f) => {
      if (f === "egfr" || f === "weight_kg") {
        return h("label", {}, SAFETY_LABELS[f], h("input", { type: "number", id: `ds-${f}`, min: "0", max: f === "egfr" ? "200" : "400", inputmode: "numeric" }));
      }
      if (f === "trimester") return select(`ds-${f}`, SAFETY_LABELS[f], [["", "Not pregnant / not known"], ["1", "First"], ["2", "Second"], ["3", "Third"]], { id: `ds-${f}` });
      return select(`ds-${f}`, SAFETY_LABELS[f], STATUS, { id: `ds-${f}` });
    }));
  renderQuestionnaires(Object.fromEntries(instruments.map((i) => [i.id, i])));
}

function renderQuestionnaires(items) {
  const sb = (items.startback || { items: [] }).items;
  const odi = (items.odi || { items: [] }).items;
  fill($("questionnaire-fields"),
    h("fieldset", { class: "grid compact", id: "startback-fields" }, h("legend", {}, "STarT Back: over the last two weeks"),
      sb.map((item, i) => select(`sb-${i}`, `${i + 1}. ${item.topic}`, i === sb.length - 1 ? BOTHER : STARTBACK_AGREE, { "data-sb": String(i) }))),
    h("fieldset", { class: "grid compact", id: "odi-fields" }, h("legend", {}, "Oswestry (ODI): 0 = no limitation, 5 = most"),
      odi.map((item, i) => select(`odi-${i}`, `${i + 1}. ${item.topic}`, [["", "Not answered"], ...[0, 1, 2, 3, 4, 5].map((n) => [String(n), String(n)])], { "data-odi": String(i) }))));
}

const value = (name) => {
  const el = document.querySelector(`[name="${name}"]`);
  return el ? el.value : "";
};
const numberOf = (id) => {
  const el = $(id);
  const raw = el ? el.value.trim() : "";
  return raw === "" ? null : Number(raw);
};

function observations(vocab) {
  const out = {};
  for (const o of vocab.observations) {
    const n = numberOf(`obs-${o.id}`);
    if (n !== null) out[o.id] = n;
  }
  return out;
}

function exam(clinician, vocab) {
  const out = { strength: [], reflexes: [], provocative: [] };
  if (!clinician) return out;
  for (const side of ["left", "right"]) {
    for (const [id] of MOVEMENTS) {
      const v = value(`str-${id}-${side}`);
      if (v !== "") out.strength.push({ movement: id, side, grade: Number(v) });
    }
    // Difficulty walking on heels or toes is an ungraded weakness of that movement unless a grade was entered
    // (sent as MRC 4, the grade "weak" stands for, where the server predates ungraded signs).
    for (const [id, , movement] of GAIT) {
      if (value(`gait-${id}-${side}`) === "weak" && !out.strength.some((s) => s.movement === movement && s.side === side)) {
        out.strength.push(vocab.described ? { movement, side, described: "weak" } : { movement, side, grade: 4 });
      }
    }
    for (const [id] of REFLEXES) {
      const v = value(`ref-${id}-${side}`);
      if (v !== "") out.reflexes.push({ reflex: id, side, result: v });
    }
    for (const [id] of PROVOCATIVE) {
      const v = value(`prov-${id}-${side}`);
      if (v === "") continue;
      const angle = id === "slr" ? numberOf(`slr-angle-${side}`) : null;
      out.provocative.push({ test: id, side, result: v, ...(angle !== null ? { angle } : {}) });
    }
  }
  return out;
}

function drugSafety(vocab) {
  const out = {};
  const anticoagulant = value("anticoagulant");
  if (anticoagulant) out.anticoagulant = anticoagulant === "none" ? "absent" : "present";
  for (const f of vocab.safety.filter((k) => SAFETY_LABELS[k])) {
    if (f === "egfr" || f === "weight_kg") {
      const n = numberOf(`ds-${f}`);
      if (n !== null) out[f] = n;
    } else if (f === "trimester") {
      if (value(`ds-${f}`)) out[f] = Number(value(`ds-${f}`));
    } else if (value(`ds-${f}`)) out[f] = value(`ds-${f}`);
  }
  return out;
}

function instruments() {
  const sb = [...document.querySelectorAll("[data-sb]")].map((s) => s.value);
  const odi = [...document.querySelectorAll("[data-odi]")].map((s) => s.value);
  const out = {};
  if (sb.length && sb.every((v) => v !== "")) out.startback = sb.map(Number);
  if (odi.filter((v) => v !== "").length >= 8) out.odi = odi.map((v) => (v === "" ? null : Number(v)));
  return out;
}

/** The Case from the form, laid over the interview's case (red flags and history answered there). */
export function buildCase(base, vocab, { marks, midline, clinician }) {
  const pain = [];
  const sensory = [];
  const sides = new Set();
  for (const m of marks) {
    if (m.pain) pain.push({ region: m.region, side: m.side });
    if (m.numb) sensory.push({ region: m.region, side: m.side });
    if (m.side && !midline.has(m.region)) sides.add(m.side);
  }
  const symptoms = { ...(base.symptoms || {}) };
  for (const s of SYMPTOMS) {
    const box = document.querySelector(`input[name="sym-${s.key}"]`);
    if (box && box.checked) symptoms[s.key] = "present";
  }
  const history = { ...(base.history || {}) };
  const redFlags = { ...(base.red_flags || {}) };
  if (clinician) {
    for (const q of HISTORY) if (value(`hx-${q.key}`)) history[q.key] = value(`hx-${q.key}`);
    const saddle = value("saddle-exam");
    if (saddle) redFlags.saddle_anaesthesia = saddle === "reduced" ? "present" : "absent";
    const tone = value("anal-tone");
    if (tone) redFlags.reduced_anal_tone = tone === "reduced" ? "present" : "absent";
  }
  const data = {
    ...base,
    age: numberOf("age"),
    sex: $("sex").value,
    onset: $("onset").value,
    duration_days: numberOf("duration"),
    course: $("course").value,
    sides: ["left", "right"].filter((s) => sides.has(s)),
    pain_regions: pain,
    sensory_regions: sensory,
    red_flags: redFlags,
    history,
    symptoms,
    pain_score: numberOf("pain-score"),
    ...exam(clinician, vocab),
    ...instruments(),
  };
  if (clinician) data.drug_safety = { ...(base.drug_safety || {}), ...drugSafety(vocab) };
  if (clinician && vocab.observations.length) data.observations = { ...(base.observations || {}), ...observations(vocab) };
  return data;
}

/** Put a saved case back into the form (reopening an encounter). Returns the marks to restore. */
export function fillForm(data) {
  const set = (id, v) => { if ($(id)) $(id).value = v ?? ""; };
  set("age", data.age);
  set("sex", data.sex || "unknown");
  set("onset", data.onset || "unknown");
  set("duration", data.duration_days);
  set("course", data.course || "unknown");
  set("pain-score", data.pain_score);
  for (const [key, status] of Object.entries(data.symptoms || {})) {
    const box = document.querySelector(`input[name="sym-${key}"]`);
    if (box) box.checked = status === "present";
  }
  const put = (name, v) => {
    const el = document.querySelector(`[name="${name}"]`);
    if (el) el.value = v;
  };
  for (const [key, status] of Object.entries(data.history || {})) put(`hx-${key}`, status === "unknown" ? "" : status);
  for (const s of data.strength || []) {
    if (s.grade !== null && s.grade !== undefined) put(`str-${s.movement}-${s.side}`, String(s.grade));
    const gait = GAIT.find(([, , movement]) => movement === s.movement);
    if (s.described && gait) put(`gait-${gait[0]}-${s.side}`, "weak");
  }
  for (const [key, v] of Object.entries(data.observations || {})) if (v !== null) set(`obs-${key}`, v);
  for (const r of data.reflexes || []) put(`ref-${r.reflex}-${r.side}`, r.result);
  for (const p of data.provocative || []) {
    if (!p.side) continue;
    put(`prov-${p.test}-${p.side}`, p.result);
    if (p.test === "slr" && p.angle !== null && p.angle !== undefined) set(`slr-angle-${p.side}`, p.angle);
  }
  const saddle = (data.red_flags || {}).saddle_anaesthesia;
  if (saddle === "present" || saddle === "absent") put("saddle-exam", saddle === "present" ? "reduced" : "normal");
  const ds = data.drug_safety || {};
  for (const [key, v] of Object.entries(ds)) {
    if (key === "anticoagulant") continue;
    if ($(`ds-${key}`)) set(`ds-${key}`, v === "unknown" || v === null ? "" : v);
  }
  if (ds.anticoagulant === "absent") put("anticoagulant", "none");
  else if (ds.anticoagulant === "present" && !value("anticoagulant")) put("anticoagulant", "other");
  (data.startback || []).forEach((v, i) => put(`sb-${i}`, String(v)));
  (data.odi || []).forEach((v, i) => put(`odi-${i}`, v === null ? "" : String(v)));
  return [...(data.pain_regions || []).map((m) => ({ ...m, kind: "pain" })), ...(data.sensory_regions || []).map((m) => ({ ...m, kind: "numb" }))];
}
