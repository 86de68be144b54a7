// One assessment, two views: the patient's (with the printable handout) and the clinician's (summary first,
// details folded). Also the dermatome drawing, copy-to-notes, and Markdown / FHIR downloads.

import { kb, ApiError } from "./api.js";
import { h, fill } from "./dom.js";
import { drawBodyMap } from "./bodymap.js";
import { Citations } from "./citations.js";
import { clinicianView, leadingRoot } from "./view_clinician.js";
import { patientView, handout } from "./view_patient.js";

async function sourcesById() {
  try {
    const list = await kb("sources");
    return Object.fromEntries(list.map((s) => [s.id, s]));
  } catch {
    return {}; // no source list: citations then show the source id
  }
}

async function drawDermatome(box, result, ctx) {
  const lead = leadingRoot(result);
  if (!box || !lead) return; // nothing localised: no root named, no dermatome drawn
  const root = (await kb("roots")).find((r) => r.id === lead.root);
  if (!root) return;
  const dermatome = new Set(root.sensory_regions);
  const sides = result.sides && result.sides.length ? result.sides : ["left", "right"];
  const marked = new Map(ctx.marks.map((m) => [`${m.region}|${m.side}`, m]));
  const inner = h("div", { class: "bodymap-row small" });
  drawBodyMap(inner, ctx.regions, {
    idPrefix: "derm",
    state: (region, side) => ({ ...(marked.get(`${region}|${side}`) || {}), dermatome: dermatome.has(region) && sides.includes(side) }),
  });
  fill(box, h("h4", {}, `${lead.label} skin area (dermatome) beside the marked areas`), inner,
    h("p", { id: "dermatome-text" }, `${lead.label} skin area (${sides.join(" and ")} leg): ${root.sensory_regions.map((r) => ctx.names[r] || r).join(", ")}.`));
}

function drawHandoutMap(box, ctx) {
  if (!box) return;
  const marked = new Map(ctx.marks.map((m) => [`${m.region}|${m.side}`, m]));
  drawBodyMap(box, ctx.regions, { idPrefix: "handout", state: (region, side) => ({ ...(marked.get(`${region}|${side}`) || {}) }) });
}

function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = h("a", { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function exportAs(fmt, caseData, status) {
  try {
    const response = await fetch(`/api/export/${fmt}`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ case: caseData }),
    });
    if (!response.ok) throw new ApiError(response.status, "The export could not be made.");
    const text = await response.text();
    download(fmt === "fhir" ? "nerveroot-assessment.fhir.json" : "nerveroot-assessment.md",
      fmt === "fhir" ? "application/fhir+json" : "text/markdown", text);
    status.textContent = fmt === "fhir" ? "FHIR Bundle downloaded." : "Markdown note downloaded.";
  } catch (err) {
    status.textContent = err.message;
  }
}

function notAssessedPart(result, ctx) {
  const items = result.triage.not_assessed;
  if (!items.length) return null;
  // A sign with a red flag of its own is asked there; a red flag joining several signs asks only the others.
  const asked = new Set();
  const own = new Set(items.filter((n) => n.findings.length === 1).flatMap((n) => ctx.questionsFor(n)).map((q) => q.id));
  return h("section", { class: "card not-assessed", id: "not-assessed" },
    h("h3", {}, ctx.audience === "clinician" ? "Not assessed: these could raise the urgency" : "A few more safety questions"),
    ctx.audience === "clinician" ? null : h("p", { id: "not-assessed-advice" },
      "These were not asked, and the answers could change what you should do. If any of them is a problem for you, or you are not sure, ",
      h("strong", {}, `speak to a clinician today (${ctx.help.sameDayShort.replace(/ today$/, "")})`), "."),
    h("ul", {}, items.map((n) => {
      // One question answers every red flag that waits on it, so each is shown once.
      const single = n.findings.length === 1;
      const questions = ctx.questionsFor(n).filter((q) => !asked.has(q.id) && (single || !own.has(q.id)));
      questions.forEach((q) => asked.add(q.id));
      if (!questions.length && ctx.questionsFor(n).length) return null;
      const answers = (q) => h("div", { class: "answers small" }, q.choices.map((choice) => h("button", {
        type: "button", class: "answer", "data-question": q.id, "data-answer": choice,
        onclick: () => ctx.onAnswer(q, choice),
      }, ctx.answerLabel(choice))));
      if (single && questions.length) {
        return h("li", { "data-red-flag": n.red_flag }, questions[0].wording, answers(questions[0]));
      }
      // A red flag joining several signs: its own question, then each sign's question with its answers.
      return h("li", { "data-red-flag": n.red_flag }, n.question, questions.length
        ? h("ul", { class: "sub-questions" }, questions.map((q) => h("li", { "data-question": q.id }, q.wording, answers(q))))
        : null);
    })));
}

/** Render both views into `container`; the one for the current audience is shown. */
export async function renderResult(container, result, ctx) {
  const [sources, treatments, findings, drugs] = await Promise.all([sourcesById(), kb("treatments").catch(() => []),
    kb("findings").catch(() => []), kb("drugs").catch(() => [])]);
  const named = (list) => Object.fromEntries(list.map((r) => [r.id, r.name]));
  const cites = new Citations(sources);
  const byId = Object.fromEntries(treatments.map((t) => [t.id, t]));
  const full = {
    ...ctx,
    cites,
    about: (id) => (byId[id] ? byId[id].description : ""),
    category: (id) => (byId[id] ? byId[id].category : ""),
    step: (id) => (byId[id] ? byId[id].step : ""),
    positions: (id) => (byId[id] && byId[id].positions) || [],
    labels: { regions: ctx.names, findings: named(findings), drugs: named(drugs) },
  };
  const status = h("p", { class: "detail", role: "status", id: "result-status" });
  const views = ctx.audience === "clinician"
    ? [clinicianView(result, full), notAssessedPart(result, ctx)]
    : [patientView(result, full), notAssessedPart(result, ctx)];
  fill(container, views, status, handout(result, full));
  await drawDermatome(container.querySelector("#dermatome-map"), result, ctx);
  drawHandoutMap(container.querySelector("#handout-map"), ctx);
  const on = (id, fn) => container.querySelector(`#${id}`)?.addEventListener("click", fn);
  on("print-handout", () => window.print());
  on("print-handout-patient", () => window.print());
  on("copy-notes", async () => {
    const text = container.querySelector("#notes-text").value;
    try {
      await navigator.clipboard.writeText(text);
      status.textContent = "Copied to the clipboard.";
    } catch {
      container.querySelector("#notes-text").select();
      status.textContent = "Select-all done: press Ctrl+C (or Cmd+C) to copy.";
    }
  });
  on("export-md", () => exportAs("markdown", ctx.caseData, status));
  on("export-fhir", () => exportAs("fhir", ctx.caseData, status));
}
