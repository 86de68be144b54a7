// Page wiring: safety interview first, then the details form (and for clinicians the encounter), one assessment
// shown as the patient's view or the clinician's view, the printable handout, records and the ask box.

import { get, post, kb, token } from "./api.js";
import { h, fill } from "./dom.js";
import { drawBodyMap, markLabel } from "./bodymap.js";
import { SafetyInterview, splitScreen, LABELS } from "./interview.js";
import { setupLocale, help } from "./locale.js";
import { vocabulary, renderForm, buildCase, fillForm } from "./form.js";
import { renderResult } from "./results.js";
import { setupAsk } from "./ask.js";
import { Records } from "./records.js";
import { MIDLINE_REGIONS } from "./questions.js";

const $ = (id) => document.getElementById(id);
const PHONE = window.matchMedia("(max-width: 40rem)");
const marks = new Map(); // "region|side" -> {pain, numb}
const state = {
  regions: [], names: {}, redFlags: [], vocab: null, map: null, zoom: null,
  interview: null, interviewCase: {}, emergency: null, unsure: [],
  result: null, caseData: null, findings: [], disagreements: [], catalogue: { patient: [], clinician: [] },
};

const audience = () => document.body.dataset.audience;
const clinician = () => audience() === "clinician";
const mode = () => document.querySelector("input[name=mark-mode]:checked").value;

// ---- emergency and same-day panels (top of the page, above everything) ----------------------------------

function groupCondition(group) {
  const names = state.redFlags.filter((r) => r.group === group && r.urgency === "emergency").map((r) => /\(([^)]+)\)/.exec(r.name))
    .filter(Boolean).map((m) => m[1].replace(/^possible /, ""));
  return names[0] || null;
}

function renderEmergency(scroll = true) {
  const box = $("emergency");
  const info = state.emergency;
  if (!info) {
    box.hidden = true;
    fill(box);
    return;
  }
  const where = help();
  const q = info.question;
  const items = q ? splitScreen(q.wording)[1] : [];
  const condition = q ? groupCondition(q.group) : null;
  const why = q
    ? (items.length ? `You answered yes to one of: ${items.join("; ")}.` : "You answered yes to a warning sign.")
    : `Because of: ${info.reasons.map((r) => r.name).join("; ")}.`;
  // A clinician arranges the care; the person is told what to do.
  const instruction = clinician()
    ? `Send the person for same-day emergency assessment now: ${where.number} for an ambulance if they cannot travel safely.`
    : where.emergency;
  fill(box,
    h("p", { class: "alert-kicker" }, "Emergency"),
    h("p", { class: "alert-title", id: "emergency-instruction" }, instruction),
    h("p", {}, why, condition ? ` This can be a sign of ${condition}, which needs a scan and a specialist without delay.` : ""),
    h("p", {}, clinician() ? "They should not wait to see if it gets better, or drive themselves." : "Do not wait to see if it gets better, and do not drive yourself."),
    clinician() && !q && info.reasons.length ? h("ul", {}, info.reasons.map((r) => h("li", {}, r.advice))) : null);
  box.hidden = false;
  $("same-day").hidden = true;
  if (!scroll) return;
  window.scrollTo(0, 0);
  box.focus({ preventScroll: true });
}

/** An emergency result (from a note, the form or the EHR) puts its instruction at the top of the page, as an
 * emergency answer in the interview does; a later result that is not an emergency takes it away again. */
function emergencyFromResult(result) {
  if (state.emergency && !state.emergency.fromResult) return; // the interview's own stop stays as it is
  state.emergency = result.triage.level === "emergency"
    ? { question: null, reasons: result.triage.reasons.filter((r) => r.level === "emergency"), fromResult: true }
    : null;
  $("safety").hidden = Boolean(state.emergency); // the warning-sign screens cannot change an emergency already found
  renderEmergency(false);
  renderSameDay();
}

/** What was left unsure: the condition's name when several signs of one emergency are unsure (a long list would
 * push the next question off a phone's screen), else the signs themselves. */
function unsureText(findings, phrases) {
  const groupsOf = (f) => new Set(state.redFlags.filter((r) => (r.findings || []).includes(f)).map((r) => r.group));
  const shared = findings.map(groupsOf).reduce((a, b) => new Set([...a].filter((g) => b.has(g))));
  const condition = shared.size ? groupCondition([...shared][0]) : null;
  return condition && phrases.length > 2 ? `You were not sure about some of the signs of ${condition}.` : `You were not sure about: ${phrases.join("; ")}.`;
}

function renderSameDay() {
  const box = $("same-day");
  if (state.emergency || !state.unsure.length) {
    box.hidden = true;
    return;
  }
  const appearing = box.hidden;
  const where = help();
  const phrases = state.unsure.map((f) => (state.interview && state.interview.phrases.get(f)) || f.replaceAll("_", " "));
  fill(box,
    h("p", { class: "alert-kicker" }, "Today"),
    h("p", { class: "alert-title", id: "same-day-instruction" }, where.sameDay),
    h("p", {}, `${unsureText(state.unsure, phrases)} A clinician needs to check this with you today.`),
    h("p", {}, `If you find you do have any of these signs, ${where.emergency.charAt(0).toLowerCase()}${where.emergency.slice(1)}`));
  box.hidden = false;
  if (appearing) box.scrollIntoView({ block: "start" }); // the next question follows just below it, on a phone too
}

// ---- body map -----------------------------------------------------------------------------------------

function markState(region, side) {
  const m = marks.get(`${region}|${side}`) || {};
  return { pain: m.pain, numb: m.numb, pressed: Boolean(m[mode()]) };
}

function describeMark(label, s) {
  const parts = [s.pain ? "pain" : null, s.numb ? "numbness" : null].filter(Boolean);
  return `${label}: ${parts.length ? `${parts.join(" and ")} marked` : "not marked"}`;
}

function setMark(region, side, kind, on) {
  const key = `${region}|${side}`;
  const m = { ...(marks.get(key) || {}) };
  m[kind] = on;
  if (m.pain || m.numb) marks.set(key, m);
  else marks.delete(key);
  refreshMarks();
}

function toggleMark(region, side) {
  const m = marks.get(`${region}|${side}`) || {};
  setMark(region, side, mode(), !m[mode()]);
}

function markedList() {
  return [...marks.entries()].map(([key, m]) => {
    const [region, stated] = key.split("|");
    const side = stated === "left" || stated === "right" ? stated : null; // a note may name a region but no side
    return { region, side, pain: Boolean(m.pain), numb: Boolean(m.numb), label: markLabel(state.names, region, side) };
  });
}

/** The marks of the case that was assessed (form and note together), not only what the form shows. */
function marksOf(data) {
  const byKey = new Map();
  for (const [kind, list] of [["pain", data.pain_regions || []], ["numb", data.sensory_regions || []]]) {
    for (const m of list) {
      const key = `${m.region}|${m.side}`;
      const entry = byKey.get(key) || { region: m.region, side: m.side, pain: false, numb: false, label: markLabel(state.names, m.region, m.side) };
      entry[kind] = true;
      byKey.set(key, entry);
    }
  }
  return [...byKey.values()];
}

function refreshMarks() {
  if (state.map) state.map.update();
  const list = markedList().map((m) => `${m.label} (${[m.pain ? "pain" : null, m.numb ? "numbness" : null].filter(Boolean).join(" and ")})`);
  $("marked-list").textContent = list.length ? `Marked: ${list.join("; ")}.` : "Nothing marked yet.";
  document.querySelectorAll("#region-list input").forEach((box) => {
    const m = marks.get(`${box.dataset.region}|${box.dataset.side}`) || {};
    box.checked = Boolean(m[box.dataset.kind]);
  });
}

function drawMap() {
  state.map = drawBodyMap($("bodymap"), state.regions, { state: markState, onToggle: toggleMark, describe: describeMark, zoom: state.zoom });
  refreshMarks();
  document.querySelectorAll("#map-zoom button").forEach((b) => {
    const z = state.zoom;
    b.setAttribute("aria-pressed", String(z ? b.dataset.zoom === `${z.view}-${z.side}` : b.dataset.zoom === "all"));
  });
}

function renderZoom() {
  const choices = [["all", "Whole body"], ["front-left", "Front, left leg"], ["front-right", "Front, right leg"],
    ["back-left", "Back, left leg"], ["back-right", "Back, right leg"]];
  fill($("map-zoom"), choices.map(([id, text]) => h("button", {
    type: "button", class: "zoom-btn", "data-zoom": id,
    onclick: () => {
      state.zoom = id === "all" ? null : { view: id.split("-")[0], side: id.split("-")[1] };
      drawMap();
    },
  }, text)));
}

function renderRegionList() {
  const rows = [];
  for (const side of ["left", "right"]) {
    for (const r of state.regions) {
      const label = markLabel(state.names, r.id, side);
      rows.push(h("tr", {}, h("th", { scope: "row" }, label),
        ["pain", "numb"].map((kind) => h("td", {}, h("input", {
          type: "checkbox", "data-region": r.id, "data-side": side, "data-kind": kind,
          "aria-label": `${label}: ${kind === "pain" ? "pain" : "numbness"}`,
          onchange: (e) => setMark(r.id, side, kind, e.target.checked),
        })))));
    }
  }
  fill($("region-list"), h("table", { class: "region-table" },
    h("caption", { class: "visually-hidden" }, "Body areas"),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Area"), h("th", { scope: "col" }, "Pain"), h("th", { scope: "col" }, "Numbness"))),
    h("tbody", {}, rows)));
}

// ---- assessment -----------------------------------------------------------------------------------------

function currentCase() {
  return buildCase(state.interviewCase, state.vocab, { marks: markedList(), midline: MIDLINE_REGIONS, clinician: clinician() });
}

async function showResult(result, extra = {}) {
  state.result = result;
  Object.assign(state, extra);
  emergencyFromResult(result);
  $("result").hidden = false;
  await renderResult($("result-body"), result, {
    names: state.names,
    regions: state.regions,
    marks: state.caseData ? marksOf(state.caseData) : markedList(),
    caseData: state.caseData,
    findings: state.findings,
    disagreements: state.disagreements,
    answers: state.interview ? state.interview.answers : [],
    warningSigns: warningSigns(),
    // "Not sure" on a sign that could make it an emergency means a clinician today, whether the interview, the
    // form, a note or the EHR recorded it.
    sameDay: state.unsure.length > 0 || result.triage.not_assessed.some((n) => n.unsure.length && n.could_raise_to === "emergency"),
    help: help(),
    audience: audience(),
    questionsFor: questionsFor,
    answerLabel: (choice) => LABELS[choice] || choice,
    onAnswer: answerNotAssessed,
  });
}

// Red flags only an examination or a measurement finds (a person notices fainting, not a low blood pressure), so they
// are not on their warning list.
const FOUND_BY_A_CLINICIAN = new Set(["reduced_anal_tone", "raised_inflammatory_markers", "hypotension"]);

function warningSigns() {
  if (!state.interview) return [];
  // Symptoms that could newly appear (red-flag items at emergency level), not history such as past cancer.
  const emergency = new Set(state.redFlags.filter((r) => r.urgency === "emergency").flatMap((r) => r.findings));
  return [...state.interview.phrases.entries()]
    .filter(([id]) => emergency.has(id) && state.vocab.red_flags.has(id) && !FOUND_BY_A_CLINICIAN.has(id))
    .map(([, words]) => words);
}

async function assessNow() {
  const button = $("assess-btn");
  button.disabled = true;
  $("assess-hint").textContent = "Working it out…";
  try {
    const body = { text: $("note-text").value, case: currentCase() }; // a note typed for this encounter stays in it in either view
    const out = await post("/api/encounter", body);
    await showResult(out.assessment, { caseData: out.case, findings: out.findings, disagreements: out.disagreements });
    $("assess-hint").textContent = "";
    const target = clinician() ? $("clin-summary") : $("patient-action");
    target.scrollIntoView({ block: "start" });
    target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
  } catch (err) {
    $("assess-hint").textContent = "";
    $("result").hidden = false;
    fill($("result-body"), h("p", { class: "error", role: "alert", tabindex: "-1", id: "assess-error" }, err.message));
    $("assess-error").focus();
  } finally {
    button.disabled = false;
  }
}

/** The catalogue's own questions for a red flag the result lists as not assessed, one per sign still to ask, in the
 * red flag's order: each wording is the question answered (yes means the sign is there), unlike the red flag's open
 * question, which may join several signs ("fever, or drug injection, or a recent procedure?"). */
function questionsFor(notAssessed) {
  const list = state.catalogue[audience()] || [];
  const askable = (q) => !q.group && !q.exam && (q.kind === "red_flag" || q.kind === "history");
  return notAssessed.findings.map((id) => list.find((q) => askable(q) && q.target === id)).filter(Boolean);
}

/** A red flag nobody assessed, answered from the result through the interview's own answer rules; "not sure" on
 * an emergency-level sign asks for a clinician today, as it does in the interview. Then assess again. */
async function answerNotAssessed(question, choice) {
  const reply = await post("/api/interview/answer", { case: state.interviewCase, question_id: question.id, answer: choice });
  state.interviewCase = reply.case;
  const unsure = new Set(state.unsure.filter((f) => f !== question.target));
  const emergency = state.redFlags.some((r) => r.urgency === "emergency" && r.findings.includes(question.target));
  if (emergency && (choice === "not sure" || choice === "don't know")) unsure.add(question.target);
  state.unsure = [...unsure];
  renderSameDay();
  await assessNow();
}

// ---- reopening a saved encounter -------------------------------------------------------------------------

async function reopen(stored) {
  const data = stored.case;
  const restored = fillForm(data);
  marks.clear();
  for (const m of restored) setMark(m.region, m.side, m.kind, true);
  state.interviewCase = { red_flags: data.red_flags || {}, history: data.history || {}, symptoms: data.symptoms || {},
    drug_safety: data.drug_safety || {} };
  $("case-form").hidden = false;
  await showResult(stored.assessment, { caseData: data, findings: [], disagreements: [] });
  $("result").scrollIntoView({ block: "start" });
}

/** The case a SMART EHR launch hands over in the fragment (`/#case=<base64url JSON>`), then removed from the URL. */
function launchedCase() {
  const match = /^#case=([A-Za-z0-9_-]+)$/.exec(window.location.hash);
  if (!match) return null;
  history.replaceState(null, "", window.location.pathname + window.location.search);
  try {
    const b64 = match[1].replaceAll("-", "+").replaceAll("_", "/");
    const bytes = Uint8Array.from(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    $("load-error").hidden = false;
    $("load-error").textContent = "The record sent by the EHR could not be read; please enter the findings here.";
    return null;
  }
}

function openLaunched(data) {
  document.querySelector('input[name=audience][value="clinician"]').checked = true;
  setAudience("clinician");
  const restored = fillForm(data);
  for (const m of restored) setMark(m.region, m.side, m.kind, true);
  state.interviewCase = { ...data };
  $("case-form").hidden = false;
  $("assess-hint").textContent = "Opened from the EHR: check what it holds, complete the examination, then assess.";
}

// ---- start-up ---------------------------------------------------------------------------------------------

function setAudience(value) {
  document.body.dataset.audience = value;
  $("assess-btn").textContent = value === "clinician" ? "Assess" : "See my result";
  if (value === "clinician") $("case-form").hidden = false;
  if (state.interview) state.interview.refresh();
  if (state.emergency) renderEmergency(false);
  if (state.result) showResult(state.result);
}

function startInterview(initial = {}) {
  state.interview = new SafetyInterview($("interview"), {
    audience,
    redFlags: state.redFlags,
    onEmergency: (info) => {
      state.emergency = info;
      renderEmergency();
      renderSameDay();
      if (info && !clinician()) $("case-form").hidden = true;
    },
    onSameDay: (findings) => {
      state.unsure = findings;
      renderSameDay();
    },
    onDone: (data) => {
      state.interviewCase = data;
      $("case-form").hidden = false;
    },
  });
  return state.interview.start(initial);
}

async function start() {
  try {
    const [regions, redFlags, openapi, instruments, patientQs, clinicianQs] = await Promise.all([
      kb("body_regions"), kb("red_flags"), get("/openapi.json"), kb("instruments"),
      get("/api/interview/questions?audience=patient"), get("/api/interview/questions?audience=clinician")]);
    state.catalogue = { patient: patientQs, clinician: clinicianQs };
    state.regions = regions;
    state.names = Object.fromEntries(regions.map((r) => [r.id, r.name]));
    state.redFlags = redFlags;
    state.vocab = vocabulary(openapi);
    renderForm(state.vocab, instruments);
  } catch (err) {
    $("load-error").hidden = false;
    $("load-error").textContent = `The page could not load its data: ${err.message}`;
    return;
  }
  setupLocale($("locale"), () => {
    renderEmergency();
    renderSameDay();
    if (state.result) showResult(state.result);
  });
  state.zoom = PHONE.matches ? { view: "front", side: "left" } : null;
  renderZoom();
  renderRegionList();
  drawMap();
  setAudience(document.querySelector("input[name=audience]:checked").value);
  document.querySelectorAll("input[name=audience]").forEach((r) => r.addEventListener("change", () => setAudience(r.value)));
  document.querySelectorAll("input[name=mark-mode]").forEach((r) => r.addEventListener("change", refreshMarks));
  $("clear-marks").addEventListener("click", () => {
    marks.clear();
    refreshMarks();
  });
  $("case-form").addEventListener("submit", (event) => {
    event.preventDefault();
    assessNow();
  });
  setupAsk($("ask-form"), $("ask-input"), $("ask-result"));
  const records = new Records($("records-body"), $("records-status"), { currentCase: () => state.caseData, reopen });
  $("token-input").value = token.get();
  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    token.set($("token-input").value.trim());
    records.start();
  });
  records.start();
  const launched = launchedCase();
  if (launched) openLaunched(launched);
  try {
    await startInterview(launched || {});
  } catch (err) {
    fill($("interview"), h("p", { class: "error", role: "alert" }, err.message));
  }
  document.body.dataset.ready = "true";
}

start();
