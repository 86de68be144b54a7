// The patient's view of one assessment: one action in plain words, a few self-care steps, when to get help now,
// and a dated printable handout (at most two printed pages) with the person's own marks and answers.

import { h } from "./dom.js";
import { groupItems } from "./plan.js";
import { leadingRoot } from "./view_clinician.js";

const SELF_CARE_STEPS = 4;

/** The one thing to do, by triage level; `sameDay` raises a routine or self-care result to a same-day call. */
export function patientAction(level, help, sameDay) {
  if (level === "emergency") return { tone: "emergency", title: help.emergency, text: "Do not wait to see if it gets better." };
  if (sameDay) return { tone: "urgent", title: help.sameDay, text: "Some warning-sign questions were answered “not sure”: a clinician needs to check them with you today." };
  if (level === "urgent") return { tone: "urgent", title: "See a clinician within the next few days.", text: "Contact your GP practice or physiotherapist today to book it." };
  if (level === "routine") return { tone: "routine", title: "Book a routine appointment.", text: "See your GP or a physiotherapist in the next week or two." };
  return { tone: "self-care", title: "You can look after this yourself for now.", text: "Follow the steps below, and get help if anything on the warning list happens." };
}

/** Steps the person takes themselves: offered items the knowledge base places in the first days (wherever the
 * plan shows the recommendation they rest on), leaving out education (advice a clinician gives, described in a
 * clinician's words). */
function selfCare(plan, ctx) {
  return plan.steps.flatMap((step) => groupItems(step.items))
    .filter((g) => g.stance === "recommended" || g.stance === "consider")
    .flatMap((g) => g.items)
    .filter((i) => ctx.step(i.id) === "first_days" && ctx.category(i.id) !== "education")
    .slice(0, SELF_CARE_STEPS);
}

/** "Name: what it is." with the first sentence of the knowledge base's description. */
function stepItem(item, ctx) {
  const first = /^[^.]*\./.exec(ctx.about(item.id) || "");
  return h("li", {}, h("strong", {}, item.name), first ? `: ${first[0].charAt(0).toLowerCase()}${first[0].slice(1)}` : null);
}

function warnings(ctx) {
  return ctx.warningSigns.length ? ctx.warningSigns : ["numbness between your legs or around your bottom",
    "new trouble passing urine or controlling your bowels", "weakness in a leg that is getting worse"];
}

function rootSentence(result) {
  const lead = leadingRoot(result);
  return lead
    ? `Your answers fit an irritated nerve in the lower back (the ${lead.label} nerve root). Only an examination can confirm this.`
    : "From the answers given we cannot tell which nerve is involved; a clinician's examination can.";
}

/** On-screen patient view. */
export function patientView(result, ctx) {
  const action = patientAction(result.triage.level, ctx.help, ctx.sameDay);
  const steps = selfCare(result.plan, ctx);
  return h("div", { class: "view view-patient", id: "view-patient" },
    h("div", { class: `action action-${action.tone}`, id: "patient-action", "data-level": result.triage.level, tabindex: "-1" },
      h("p", { class: "action-title" }, action.title), h("p", {}, action.text)),
    h("p", { id: "patient-root" }, rootSentence(result)),
    result.triage.level !== "emergency" && steps.length ? [h("h3", {}, "What you can do now"),
      h("ul", { id: "self-care" }, steps.map((i) => stepItem(i, ctx)))] : null,
    result.triage.level !== "emergency" ? [h("h3", {}, "Get help now if"),
      h("p", {}, `${ctx.help.emergency.replace(/\.$/, "")} if you notice any of these:`),
      h("ul", { id: "seek-help" }, warnings(ctx).map((w) => h("li", {}, w)))] : null,
    h("div", { class: "result-actions" },
      h("button", { type: "button", class: "primary", id: "print-handout-patient" }, "Print or save my handout")));
}

function marksList(ctx) {
  const pain = ctx.marks.filter((m) => m.pain).map((m) => m.label);
  const numb = ctx.marks.filter((m) => m.numb).map((m) => m.label);
  return [
    h("p", {}, h("strong", {}, "Pain: "), pain.length ? pain.join(", ") : "none marked"),
    h("p", {}, h("strong", {}, "Numbness or tingling: "), numb.length ? numb.join(", ") : "none marked"),
  ];
}

/** The printable handout (hidden on screen, the only thing printed). */
export function handout(result, ctx) {
  const action = patientAction(result.triage.level, ctx.help, ctx.sameDay);
  const steps = selfCare(result.plan, ctx);
  const today = new Date().toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" });
  return h("section", { id: "handout", class: "handout", "aria-label": "Printable handout" },
    h("h2", {}, "Your back and leg pain: what to do"),
    h("p", { class: "handout-date" }, `Date: ${today}`),
    h("div", { class: `action action-${action.tone}` }, h("p", { class: "action-title" }, action.title), h("p", {}, action.text)),
    h("p", {}, rootSentence(result)),
    h("h3", {}, "Where you marked it"),
    h("div", { class: "handout-map", id: "handout-map" }),
    marksList(ctx),
    ctx.answers.length ? [h("h3", {}, "Your answers to the safety questions"),
      h("ul", { class: "handout-answers" }, ctx.answers.map((a) => h("li", {}, `${a.question} `, h("strong", {}, a.answer))))] : null,
    result.triage.level !== "emergency" && steps.length ? [h("h3", {}, "What you can do now"), h("ul", {}, steps.map((i) => stepItem(i, ctx)))] : null,
    result.triage.level !== "emergency" ? [h("h3", {}, "Get help now if"),
      h("p", {}, `${ctx.help.emergency.replace(/\.$/, "")} if you notice any of these:`),
      h("ul", {}, warnings(ctx).map((w) => h("li", {}, w)))] : null,
    h("p", { class: "detail" }, result.disclaimer));
}
