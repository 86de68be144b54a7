// The clinician's view of one assessment: the summary first (triage and why, leading root or "cannot localise",
// top three causes, imaging and its rule, first-line options with this patient's ceilings), details folded, and a
// copy-to-notes text.

import { h, words, percent } from "./dom.js";
import { findingsList } from "./findings.js";
import { STANCES, DRUG_STATUS, SAFETY_EFFECT, stagedPlan, drugGroups, presentFactors, ceilingText, positionBody, phaseOf, inPhase, support } from "./plan.js";

export const LEVELS = {
  emergency: "Emergency",
  urgent: "Urgent",
  routine: "Routine",
  self_care: "Self-care",
};
/** A root is named only when it leads every other explanation (including "not radicular"), reaches this
 * probability (the threshold the CLI handout uses) and something found points to it. */
export const LOCALISE_AT = 0.3;

const FACTORS = {
  ckd: "kidney function",
  anticoagulant: "anticoagulant",
  gi_bleed_or_ulcer: "GI bleed or ulcer",
  heart_failure: "heart failure",
  cardiovascular_disease: "cardiovascular disease",
  hypertension: "hypertension",
  liver_disease: "liver disease",
  pregnancy: "pregnancy",
  pregnancy_third_trimester: "third trimester",
  breastfeeding: "breastfeeding",
  nsaid_sensitive_asthma: "NSAID-sensitive asthma",
  alcohol_use: "alcohol use",
  low_body_weight: "low body weight",
  age_65_plus: "age 65 or over",
  elderly_falls: "falls risk",
};
export const factorName = (id) => FACTORS[id] || words(id);

/** The leading root if it can be named, else null ("cannot localise"): the engine's two-stage summary decides (no
 * root is named when a root lesion is less likely than not, or under an emergency that is not a nerve lesion). */
export function leadingRoot(result) {
  const named = result.level_summary ? result.level_summary.leading : null;
  if (named && !named.length) return null;
  const lead = named
    ? result.levels.find((lv) => lv.root === named[0])
    : [...result.levels].sort((a, b) => b.probability - a.probability)[0];
  if (!lead || lead.root === "none" || lead.probability < LOCALISE_AT) return null;
  return lead.for.some((e) => e.status === "present") ? lead : null;
}

function regionNames(text, names) {
  return String(text).replace(/\b[a-z]+(?:_[a-z]+)+\b|\b[a-z]+\b/g, (id) => (Object.hasOwn(names, id) ? names[id].toLowerCase() : id));
}

function evidenceText(e, names) {
  return `${regionNames(e.name, names)}${e.status === "absent" ? " (absent)" : ""}${e.side.length ? ` (${e.side.join(", ")})` : ""}`;
}

const SUMMARY_DRUGS = 6;

const GROUPS = {
  cauda_equina: "cauda equina",
  progressive_deficit: "worsening nerve deficit",
  infection: "infection",
  cancer: "cancer",
  fracture: "fracture",
  inflammatory: "inflammatory disease",
  vascular: "vascular",
  haematoma: "bleed",
  unspecified: "red flag not named",
};
const URGENCY_RANK = { emergency: 0, urgent: 1, routine: 2, self_care: 3 };

/** Warning signs nobody asked about: how many, how many could make it an emergency, by group; each one named in
 * a fold (emergency-level first), so a long list never buries the triage. */
function notAssessedLine(items) {
  if (!items.length) return null;
  const emergency = items.filter((n) => n.could_raise_to === "emergency").length;
  const groups = new Map();
  for (const n of [...items].sort((a, b) => (URGENCY_RANK[a.could_raise_to] ?? 9) - (URGENCY_RANK[b.could_raise_to] ?? 9))) {
    if (!groups.has(n.group)) groups.set(n.group, []);
    groups.get(n.group).push(n);
  }
  const count = (n) => `${n} warning sign${n === 1 ? "" : "s"}`;
  return h("div", { class: "not-assessed-line", id: "not-assessed-summary" },
    h("p", {}, h("strong", {}, `Not assessed: ${count(items.length)}`),
      emergency ? `, ${emergency} of which could make this an emergency` : "",
      ` (${[...groups.entries()].map(([g, list]) => `${GROUPS[g] || words(g)} ${list.length}`).join(", ")}). Ask before relying on this level.`),
    h("details", { class: "not-assessed-list" }, h("summary", {}, "Which ones"),
      h("ul", {}, [...groups.entries()].map(([g, list]) => h("li", {}, h("strong", {}, `${capitalise(GROUPS[g] || words(g))}: `),
        list.map((n) => `${n.name}${n.could_raise_to === "emergency" ? " (emergency)" : ""}`).join("; "))))));
}

const capitalise = (text) => text.charAt(0).toUpperCase() + text.slice(1);

/** "Urgent: to be seen within days." -> "To be seen within days." (the level is already named). */
export function withoutLevel(summaryText, level) {
  const match = /^([A-Za-z -]+):\s*(.+)$/.exec(summaryText);
  if (!match || match[1].toLowerCase() !== String(LEVELS[level] || level).toLowerCase()) return summaryText;
  return match[2].charAt(0).toUpperCase() + match[2].slice(1);
}

/** This patient's present cautions on a drug, e.g. ["anticoagulant: use with care"]. */
const cautions = (drug) => [...new Set(presentFactors(drug).map((s) => `${factorName(s.factor)}: ${SAFETY_EFFECT[s.effect] || words(s.effect)}`))];
const cautionText = (drug) => (cautions(drug).length ? ` (${cautions(drug).join("; ")})` : "");

function drugLine(drug, cites, phase) {
  const limits = cautions(drug);
  const positions = drug.positions.filter((p) => inPhase(p, phase)).map((p) => `${positionBody(p)}: ${(STANCES[p.stance] || words(p.stance)).toLowerCase()}`).join("; ");
  return h("li", { "data-drug": drug.drug_id },
    h("strong", {}, drug.name), limits.length ? [" — ", h("em", { class: "caution" }, `for this patient: ${limits.join("; ")}`)] : null,
    ` (${drug.drug_class}): ${drug.dose}; `, h("span", { class: "ceiling" }, ceilingText(drug)),
    positions ? h("span", { class: "detail" }, `. ${positions}`) : null,
    cites.links(drug.positions.filter((p) => inPhase(p, phase)).flatMap((p) => p.sources)));
}

/** The medicines a guideline allows for this patient. In an emergency the assessment comes first and gives its own
 * pain relief, so the list is folded under that instruction. */
function medicineOptions(level, drugs, cites, phase) {
  const guidance = drugs.offer.length && drugs.offer.every((d) => support(d, phase) > 1)
    ? h("p", { class: "detail", id: "no-drug-guidance" }, "No guideline recommends a medicine for sciatica itself; these are possible for this patient.") : null;
  const list = drugs.offer.length ? h("ul", { id: "offer-drugs" }, drugs.offer.slice(0, SUMMARY_DRUGS).map((d) => drugLine(d, cites, phase))) : h("p", {}, "No medicine option for this patient.");
  if (level !== "emergency") return [guidance, list];
  return [h("p", { id: "emergency-drugs" }, "Emergency first: pain relief is part of the emergency assessment."),
    h("details", {}, h("summary", {}, "Options for after the emergency has been excluded"), guidance, list)];
}

function summary(result, ctx) {
  const { cites, names } = ctx;
  const t = result.triage;
  const lead = leadingRoot(result);
  const phase = phaseOf(ctx.caseData);
  const drugs = drugGroups(result.plan.drugs);
  const w = result.workup;
  return h("section", { class: "summary card", id: "clin-summary", "aria-labelledby": "clin-summary-title" },
    h("h3", { id: "clin-summary-title" }, "Summary"),
    h("dl", { class: "summary-list" },
      h("dt", {}, "Triage"),
      h("dd", { "data-level": t.level }, h("strong", {}, LEVELS[t.level] || t.level), `. ${withoutLevel(t.summary, t.level)}`,
        t.reasons.length ? h("ul", {}, t.reasons.map((r) => h("li", {}, h("strong", {}, r.name), `: ${r.advice}`, cites.links(r.sources)))) : null,
        notAssessedLine(t.not_assessed)),
      h("dt", {}, "Root"),
      h("dd", { id: "clin-root" }, lead
        ? [h("strong", {}, `${lead.label} (${percent(lead.probability)})`), ": ",
          lead.for.filter((e) => e.status === "present").slice(0, 4).map((e) => evidenceText(e, names)).join("; ")]
        : h("strong", {}, "Cannot localise from the findings given")),
      h("dt", {}, "Causes"),
      h("dd", {}, h("ol", { class: "causes" }, result.differential.slice(0, 3).map((d) => h("li", {},
        `${d.name} (${percent(d.probability)}, ${words(d.role)})`)))),
      h("dt", {}, "Imaging"),
      h("dd", {}, h("strong", {}, w.imaging_now ? "Now" : "Not now"), `: ${w.imaging_rule}.`, cites.links(w.imaging_sources)),
      h("dt", {}, "Medicine options"),
      h("dd", {}, medicineOptions(t.level, drugs, cites, phase),
        drugs.unsuitable.length ? h("p", { id: "unsuitable-drugs" }, h("strong", {}, "Not suitable for this patient: "),
          drugs.unsuitable.map((d) => `${d.name} (${presentFactors(d).filter((s) => s.effect === "contraindicated" || s.effect === "avoid").map((s) => factorName(s.factor)).join(", ") || "see details"})`).join("; "), ".") : null)),
    h("div", { class: "result-actions" },
      h("button", { type: "button", class: "secondary", id: "copy-notes" }, "Copy to notes"),
      h("button", { type: "button", class: "secondary", id: "export-md" }, "Download Markdown"),
      h("button", { type: "button", class: "secondary", id: "export-fhir" }, "Download FHIR"),
      h("button", { type: "button", class: "secondary", id: "print-handout" }, "Print patient handout")),
    h("label", { for: "notes-text", class: "notes-label" }, "Text for the notes"),
    h("textarea", { id: "notes-text", rows: "8", readonly: true }, notesText(result, ctx)));
}

const SIDE = { left: "L", right: "R" };

/** "Exam: patellar reduced (L); knee extension MRC 4 (L); SLR negative (L, 80°)." from the assessed case. */
function examText(data, names) {
  const parts = [
    ...(data.reflexes || []).map((r) => `${words(r.reflex)} ${r.result} (${r.side ? SIDE[r.side] : "side not stated"})`),
    ...(data.strength || []).map((s) => `${words(s.movement)} ${s.grade !== null && s.grade !== undefined ? `MRC ${s.grade}` : s.described} (${s.side ? SIDE[s.side] : "side not stated"})`),
    ...(data.provocative || []).map((p) => `${words(p.test).replace("slr", "SLR")} ${p.result}${p.side ? ` (${SIDE[p.side]}${p.angle ? `, ${p.angle}°` : ""})` : ""}`),
  ];
  const numb = (data.sensory_regions || []).map((m) => `${(names[m.region] || words(m.region)).toLowerCase()} (${m.side ? SIDE[m.side] : "side not stated"})`);
  if (numb.length) parts.push(`altered sensation: ${numb.join(", ")}`);
  return parts.length ? `Exam: ${parts.join("; ")}.` : "";
}

/** Plain text for the clinical record. */
export function notesText(result, { names, caseData, disagreements }) {
  const t = result.triage;
  const lead = leadingRoot(result);
  const drugs = drugGroups(result.plan.drugs);
  const w = result.workup;
  const lines = [
    `nerveroot assessment ${new Date().toISOString().slice(0, 10)}`,
    `Triage: ${LEVELS[t.level]}. ${withoutLevel(t.summary, t.level)}${t.reasons.length ? ` Why: ${t.reasons.map((r) => r.name).join("; ")}.` : ""}`,
  ];
  if (t.not_assessed.length) lines.push(`Not assessed: ${t.not_assessed.map((n) => n.name).join("; ")}.`);
  lines.push(lead
    ? `Root: ${lead.label} ${percent(lead.probability)}: ${lead.for.filter((e) => e.status === "present").slice(0, 4).map((e) => evidenceText(e, names)).join("; ")}.`
    : "Root: cannot localise from the findings given.");
  lines.push(`Causes: ${result.differential.slice(0, 3).map((d) => `${d.name} ${percent(d.probability)}`).join("; ")}.`);
  lines.push(`Imaging: ${w.imaging_now ? "now" : "not now"} (${w.imaging_rule}).`);
  if (drugs.offer.length) lines.push(`Options: ${drugs.offer.slice(0, SUMMARY_DRUGS).map((d) => `${d.name}${cautionText(d)} ${ceilingText(d)}`).join("; ")}.`);
  if (drugs.unsuitable.length) lines.push(`Not suitable: ${drugs.unsuitable.map((d) => d.name).join(", ")}.`);
  const exam = caseData ? examText(caseData, names) : "";
  if (exam) lines.push(exam);
  const ds = caseData && caseData.drug_safety;
  if (ds) {
    const known = Object.entries(ds).filter(([k, v]) => v !== null && v !== "unknown" && !(Array.isArray(v) && !v.length))
      .map(([k, v]) => `${k === "egfr" ? "eGFR" : factorName(k)} ${v === "present" ? "yes" : v === "absent" ? "no" : v}`);
    if (known.length) lines.push(`Drug safety: ${known.join("; ")}.`);
  }
  for (const [name, value] of Object.entries(result.instruments || {})) {
    if (name === "odi") lines.push(`ODI ${value.percent}% (${value.band}).`);
    if (name === "startback") lines.push(`STarT Back ${value.total}/9, ${value.group} risk.`);
  }
  if (disagreements && disagreements.length) {
    lines.push(`Note and form disagreed on: ${disagreements.map((d) => `${words(d.path.split(".").pop())} (kept ${d.kept})`).join("; ")}.`);
  }
  lines.push(result.disclaimer);
  return lines.join("\n");
}

function folded(title, ...children) {
  return h("details", { class: "fold" }, h("summary", {}, title), children);
}

function rootChart(levels) {
  const sorted = [...levels].sort((a, b) => b.probability - a.probability);
  return h("ul", { class: "bars", id: "root-bars", "aria-label": "Probability of each nerve root" },
    sorted.map((level, i) => h("li", { class: "bar-row", "data-root": level.root, "data-rank": i + 1 },
      h("span", { class: "bar-label" }, level.label),
      h("span", { class: "bar-track", "aria-hidden": "true" },
        h("span", { class: `bar-fill${i === 0 ? " lead" : ""}`, style: `width:${Math.max(0.5, level.probability * 100)}%` })),
      h("span", { class: "bar-value" }, percent(level.probability)))));
}

function evidenceList(items, cites, names) {
  if (!items.length) return h("p", { class: "detail" }, "None recorded.");
  return h("ul", { class: "evidence" }, items.map((e) => h("li", {}, evidenceText(e, names),
    h("span", { class: "detail" }, ` ×${e.lr}`))));
}

/** Positions of the knowledge base that differ from the stance shown: the disagreement is shown, not dropped. */
function otherPositions(group, positions, cites) {
  const others = group.items.flatMap((i) => positions(i.id)).filter((p) => p.stance !== group.stance);
  if (!others.length) return null;
  return h("ul", { class: "detail other-positions" }, others.map((p) => h("li", {},
    `Sources differ: ${positionBody(p)}: ${(STANCES[p.stance] || words(p.stance)).toLowerCase()}. ${p.detail}`, cites.links(p.sources))));
}

const NAMES_SHOWN = 3;

/** Treatments resting on one statement: the first few by name, the rest folded below the statement ("all 11"),
 * so one line of advice is not padded with every kind of exercise or operation. */
const shownNames = (list) => (list.length <= NAMES_SHOWN + 1 ? list.join(", ") : `${list.slice(0, NAMES_SHOWN).join(", ")} and others`);

function moreNames(list) {
  if (list.length <= NAMES_SHOWN + 1) return null;
  return h("details", { class: "more-names" }, h("summary", {}, `All ${list.length} covered by this statement`), h("p", {}, list.join(", ")));
}

function planDetails(plan, cites, positions) {
  const staged = stagedPlan(plan);
  const groupLine = (g) => h("li", { "data-treatments": g.items.map((i) => i.id).join(" "), "data-stance": g.stance || "" },
    g.stance ? h("span", { class: `stance stance-${g.stance}` }, STANCES[g.stance] || words(g.stance)) : null, " ",
    h("strong", {}, shownNames(g.items.map((i) => i.name))),
    h("span", { class: "detail" }, `: ${g.detail}`), cites.links(g.sources), moreNames(g.items.map((i) => i.name)),
    g.stance === "not_recommended" ? otherPositions(g, positions, cites) : null);
  return [
    staged.steps.map((step) => h("div", { class: "plan-step" }, h("h4", {}, step.title), h("ul", { class: "plan" }, step.groups.map(groupLine)))),
    staged.avoid.length ? h("div", { class: "plan-step" }, h("h4", {}, "Advised against"), h("ul", { class: "plan" }, staged.avoid.map(groupLine))) : null,
  ];
}

/** A drug's safety notes, each said once (two cautions on one factor, e.g. two eGFR bands, read the same here). */
function safetyLines(drug) {
  return [...new Set(drug.safety.map((s) =>
    `${factorName(s.factor)} (${s.factor_status === "present" ? "present" : "not recorded"}): ${SAFETY_EFFECT[s.effect] || words(s.effect)}.`))];
}

function drugDetails(drugs, cites) {
  const groups = drugGroups(drugs);
  const block = (title, list) => (list.length ? [h("h4", {}, title), h("ul", { class: "plan" }, list.map((d) => h("li", { "data-drug": d.drug_id },
    h("strong", {}, d.name), ` (${d.drug_class}) — ${DRUG_STATUS[d.status]}. ${d.dose}; ${ceilingText(d)}.`, cites.links(d.sources),
    d.safety.length ? h("ul", { class: "detail" }, safetyLines(d).map((line) => h("li", {}, line))) : null)))] : null);
  return [block("Options for this patient", groups.offer), block("Not suitable for this patient", groups.unsuitable),
    block("Advised against for sciatica", groups.against)];
}

/** Render the clinician view into a container. */
export function clinicianView(result, ctx) {
  const { cites, names } = ctx;
  const lead = [...result.levels].sort((a, b) => b.probability - a.probability)[0];
  return h("div", { class: "view view-clinician", id: "view-clinician" },
    summary(result, ctx),
    ctx.findings && ctx.findings.length ? folded("What was read from the note", findingsList(ctx.findings, ctx.labels)) : null,
    ctx.disagreements && ctx.disagreements.length ? h("p", { class: "notice", id: "disagreements" },
      `The note and the form disagreed on ${ctx.disagreements.map((d) => words(d.path.split(".").pop())).join(", ")}; the “present” reading was kept.`) : null,
    folded("Root level: probabilities and evidence",
      rootChart(result.levels), h("div", { id: "dermatome-map" }),
      h("div", { class: "two-col" },
        h("div", {}, h("h4", {}, `For ${lead.label}`), evidenceList(lead.for, cites, names)),
        h("div", {}, h("h4", {}, `Against ${lead.label}`), evidenceList(lead.against, cites, names)))),
    folded("Causes and mimics (ICD-10-CM)", h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-label": "Causes and mimics" }, h("table", { class: "differential" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Condition"), h("th", { scope: "col" }, "Kind"),
        h("th", { scope: "col" }, "ICD-10-CM"), h("th", { scope: "col" }, "Probability"))),
      h("tbody", {}, result.differential.slice(0, 8).map((c) => h("tr", {}, h("th", { scope: "row" }, c.name),
        h("td", {}, words(c.role)), h("td", {}, c.icd10.map((code) => h("code", {}, code)).flatMap((el, i) => (i ? [", ", el] : [el]))),
        h("td", {}, c.must_not_miss ? `rule out (estimate ${percent(c.probability)})` : percent(c.probability)))))))),
    folded("Tests", h("p", {}, result.workup.imaging_detail, ctx.cites.links(result.workup.imaging_sources)),
      result.workup.tests.length ? h("ul", {}, result.workup.tests.map((t) => h("li", {}, h("strong", {}, t.name), ` (${words(t.timing)}): ${t.why}`, cites.links(t.sources)))) : null),
    folded("Care plan by stage", result.triage.level === "emergency" ? h("p", { class: "plan-after" },
      "Emergency first: these steps are for nerve root pain once the suspected emergency has been excluded or treated.") : null,
      planDetails(result.plan, cites, ctx.positions || (() => []))),
    folded("Medicines", drugDetails(result.plan.drugs, cites)),
    Object.keys(result.instruments || {}).length ? folded("Questionnaires", h("ul", {},
      result.instruments.odi ? h("li", { id: "odi-result" }, `ODI: ${result.instruments.odi.percent}% (${result.instruments.odi.band})`) : null,
      result.instruments.startback ? h("li", { id: "startback-result" }, `STarT Back: ${result.instruments.startback.total}/9, ${result.instruments.startback.group} risk. ${result.instruments.startback.treatment}`) : null)) : null,
    folded("How the engine reached this", h("ul", {}, result.trace.map((t) => h("li", {}, t.detail)))),
    folded("Sources", cites.list(), h("p", { class: "detail" }, `Knowledge base ${result.kb_version} (${result.kb_content_hash}).`)));
}
