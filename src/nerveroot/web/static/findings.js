// What the intake read from a note, in words a clinician checks at a glance: the knowledge base's names for
// findings, body areas and medicines instead of ids, and "yes" / "no" / a value instead of status codes.

import { h, words } from "./dom.js";

const SIDE = { left: "left", right: "right", bilateral: "both sides" };
const NAMED = {
  age: "Age",
  sex: "Sex",
  duration_days: "Duration",
  pain_score: "Pain score",
};
const KINDS = {
  pain: "Pain",
  sensory: "Altered sensation",
  drug: "Medicine",
  procedure: "Procedure",
  observation: "Measured",
  comorbidity: "Medicine safety",
};
const COMORBIDITIES = {
  hypertension: "high blood pressure",
  ckd: "chronic kidney disease",
  heart_failure: "heart failure",
  cardiovascular_disease: "heart or vascular disease",
  liver_disease: "liver disease",
  gi_bleed_or_ulcer: "stomach ulcer or bleed",
  alcohol_use: "alcohol excess",
  nsaid_sensitive_asthma: "asthma set off by NSAIDs",
};
const MEASURES = {
  temperature_c: ["Temperature", "°C"],
  heart_rate: ["Heart rate", "/min"],
  systolic_bp: ["Systolic blood pressure", " mmHg"],
  crp_mg_l: ["CRP", " mg/L"],
  esr_mm_h: ["ESR", " mm/h"],
  wbc_10e9_l: ["White cell count", " ×10⁹/L"],
  post_void_residual_ml: ["Post-void residual", " mL"],
  egfr: ["eGFR", " mL/min/1.73 m²"],
};

const capital = (text) => text.charAt(0).toUpperCase() + text.slice(1);

/** "Reduced patellar reflex (left)" for a finding id, using the names the page has loaded. */
export function findingLabel(finding, names) {
  const [kind, rest] = finding.id.includes(":") ? finding.id.split(/:(.*)/s) : [null, finding.id];
  let label;
  if (kind === "observation") label = (MEASURES[rest] || [capital(words(rest))])[0];
  else if (kind === "pain" || kind === "sensory") label = `${KINDS[kind]}: ${(names.regions[rest] || words(rest)).toLowerCase()}`;
  else if (kind === "drug") label = `${KINDS.drug}: ${names.drugs[rest] || words(rest)}`;
  else if (kind === "comorbidity") label = `${KINDS.comorbidity}: ${COMORBIDITIES[rest] || words(rest)}`;
  else if (kind) label = `${KINDS[kind] || capital(words(kind))}: ${words(rest)}`;
  else label = NAMED[finding.id] || names.findings[finding.id] || capital(words(finding.id));
  return finding.side ? `${label} (${SIDE[finding.side] || finding.side})` : label;
}

/** What the note said about it: the value when there is one, else yes / no / not known. */
export function findingValue(finding) {
  const [kind, rest] = finding.id.includes(":") ? finding.id.split(/:(.*)/s) : [null, finding.id];
  if (finding.status === "absent") return finding.qualifier === "negated" ? "no (denied)" : "no";
  if (finding.status === "unknown") return "not known";
  if (finding.id === "duration_days" && finding.value !== null) return `${finding.value} days`;
  if (kind === "observation" && finding.value !== null) return `${finding.value}${(MEASURES[rest] || [null, ""])[1]}`;
  if (kind === "procedure" && finding.value !== null) return `yes, ${finding.value} days ago`;
  if ((NAMED[finding.id] || finding.id === "sex") && finding.value !== null) return String(finding.value);
  return "yes";
}

/** The list shown under "What was read from the note". */
export function findingsList(findings, names) {
  return h("ul", { class: "findings", id: "note-findings" }, findings.map((f) => h("li", { "data-finding": f.id },
    h("span", { class: "finding-name" }, findingLabel(f, names)), `: ${findingValue(f)} `,
    f.text_span ? h("q", { class: "detail" }, f.text_span) : null)));
}
