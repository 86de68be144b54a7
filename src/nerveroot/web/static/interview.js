// The safety interview: red-flag screens one at a time through POST /api/interview/next and /answer.
// The first emergency answer stops it; "not sure" or "don't know" on an emergency-level item asks for same-day care.

import { post } from "./api.js";
import { h, fill } from "./dom.js";

export const LABELS = {
  "no to all": "No, none of these",
  yes: "Yes",
  "not sure": "Not sure: ask me one at a time",
  "don't know": "Don’t know",
  no: "No",
};
const UNSURE = new Set(["not sure", "don't know"]);

/** Lead-in and the items of a grouped screen: "Have you had any of these: a; b; c?" -> ["Have you…", [a, b, c]]. */
export function splitScreen(wording) {
  const at = wording.indexOf(":");
  if (at < 0) return [wording, []];
  const items = wording.slice(at + 1).replace(/\?\s*$/, "").split(";").map((s) => s.trim()).filter(Boolean);
  return [wording.slice(0, at + 1), items];
}

export class SafetyInterview {
  /**
   * `redFlags`: GET /api/kb/red_flags. Callbacks: onEmergency({question, items, reasons}), onSameDay(findings[]),
   * onDone(case), onChange() after every answer.
   */
  constructor(root, { audience, redFlags, onEmergency, onSameDay, onDone }) {
    this.root = root;
    this.audience = audience;
    this.onEmergency = onEmergency;
    this.onSameDay = onSameDay;
    this.onDone = onDone;
    this.emergencyFindings = new Set(redFlags.filter((r) => r.urgency === "emergency").flatMap((r) => r.findings));
    this.phrases = new Map(); // finding id -> the words the screen used for it (for warnings in plain words)
    this.reset();
  }

  reset(initial = {}) {
    this.case = initial;
    this.asked = [];
    this.answers = []; // [{question, answer}] in the words shown, for the handout
    this.unsure = new Set(); // emergency-level findings answered "not sure" / "don't know" and not yet resolved
    this.history = [];
    this.stopped = false;
  }

  /** Begin with what is already known (e.g. a case from the EHR): its answered items are not asked again. */
  async start(initial = {}) {
    this.reset(initial);
    await this.step();
  }

  /** Items of a question that are emergency-level red flags (a screen covers several, a single item one). */
  emergencyItems(q) {
    const items = q.items && q.items.length ? q.items : [q.target];
    return items.filter((i) => this.emergencyFindings.has(i));
  }

  async step() {
    this.root.dataset.state = "loading";
    fill(this.root, h("p", { class: "detail" }, "Loading the next question…"));
    const next = await post("/api/interview/next", { case: this.case, asked: this.asked, audience: this.audience() });
    if (next.outcome.triage.level === "emergency") {
      this.stop(null, next.outcome.triage.reasons);
      return;
    }
    if (!next.question || next.phase !== "red_flag") {
      this.finish();
      return;
    }
    this.render(next.question);
  }

  render(q) {
    this.root.dataset.state = "question";
    const [lead, items] = q.group ? splitScreen(q.wording) : [q.wording, []];
    if (items.length === q.items.length) q.items.forEach((id, i) => this.phrases.set(id, items[i]));
    const number = this.asked.length + 1;
    const buttons = q.choices.map((choice) => h("button", {
      type: "button",
      class: `answer answer-${choice.replace(/[^a-z]+/g, "-")}`,
      "data-answer": choice,
      onclick: () => this.answer(q, choice, items.length ? items : [q.wording]),
    }, LABELS[choice] || choice));
    fill(this.root,
      h("div", { class: "question", "data-question": q.id, role: "group", "aria-labelledby": "q-text" },
        h("p", { class: "q-count" }, `Safety question ${number}`),
        h("h3", { id: "q-text", class: "q-text" }, lead),
        items.length ? h("ul", { class: "q-items" }, items.map((i) => h("li", {}, i))) : null,
        h("div", { class: "answers" }, buttons),
        q.help ? h("p", { class: "hint" }, q.help) : null,
        this.history.length
          ? h("button", { type: "button", class: "link", onclick: () => this.undo() }, "Change my last answer")
          : null));
    this.root.querySelector(".q-text").setAttribute("tabindex", "-1");
    if (this.asked.length) this.root.querySelector(".q-text").focus({ preventScroll: true });
  }

  async answer(q, choice, shownItems) {
    this.history.push({ case: this.case, asked: [...this.asked], answers: [...this.answers], unsure: new Set(this.unsure) });
    this.root.dataset.state = "loading";
    this.root.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    const reply = await post("/api/interview/answer", { case: this.case, question_id: q.id, answer: choice });
    this.case = reply.case;
    this.asked.push(q.id);
    this.answers.push({ question: q.group ? splitScreen(q.wording)[0] + " " + shownItems.join("; ") : q.wording,
      answer: LABELS[choice] || choice });
    const urgent = this.emergencyItems(q);
    if (UNSURE.has(choice)) urgent.forEach((f) => this.unsure.add(f));
    else urgent.forEach((f) => this.unsure.delete(f));
    // "Yes" to a screen whose every item is an emergency-level red flag is an emergency whichever item it is.
    if (choice === "yes" && q.group && urgent.length === q.items.length && urgent.length > 0) {
      this.onSameDay([...this.unsure]);
      this.stop(q, []);
      return;
    }
    this.onSameDay([...this.unsure]);
    await this.step();
  }

  async undo() {
    const last = this.history.pop();
    if (!last) return;
    Object.assign(this, { case: last.case, asked: last.asked, answers: last.answers, unsure: last.unsure, stopped: false });
    this.onSameDay([...this.unsure]);
    this.onEmergency(null);
    await this.step();
  }

  stop(question, reasons) {
    this.stopped = true;
    this.root.dataset.state = "stopped";
    fill(this.root,
      h("p", { class: "stopped" }, "The safety questions stopped here because of your last answer. ",
        "Please follow the instruction at the top of the page."),
      h("button", { type: "button", class: "link", onclick: () => this.undo() }, "I answered by mistake: change my last answer"));
    this.onEmergency({ question, reasons, answers: this.answers });
  }

  /** The current question again, in the words of the audience now chosen (a clinician reads the clinician's). */
  async refresh() {
    if (!this.stopped && this.root.dataset.state === "question") await this.step();
  }

  finish() {
    this.root.dataset.state = "done";
    fill(this.root,
      h("p", { class: "done" }, h("strong", {}, "Safety questions done. "),
        this.unsure.size ? "Some answers were “not sure”: see the advice at the top." : "Thank you."),
      h("details", {}, h("summary", {}, "Your answers"),
        h("ul", { id: "safety-answers" }, this.answers.map((a) => h("li", {}, `${a.question} — `, h("strong", {}, a.answer))))),
      h("button", { type: "button", class: "link", onclick: () => this.undo() }, "Change my last answer"));
    this.onDone(this.case);
  }
}
