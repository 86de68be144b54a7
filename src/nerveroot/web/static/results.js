// Render the Assessment JSON (POST /api/assess): triage banner, root chart, reasons, causes, workup, plan,
// numbered citations with a reference list, and a printable patient handout.

import { h, fill, words, percent } from "./dom.js";

const LEVELS = {
  emergency: { title: "Emergency: get medical help now", tone: "emergency" },
  urgent: { title: "Urgent: see a clinician within days", tone: "urgent" },
  routine: { title: "Routine: book a review", tone: "routine" },
  self_care: { title: "Self-care with safety advice", tone: "self-care" },
};

const STANCES = {
  recommended: "Recommended",
  consider: "Consider",
  not_recommended: "Not recommended",
  insufficient_evidence: "Not enough evidence",
  investigational: "Experimental",
  no_recommendation: "No guideline recommendation",
};

/** Numbers each cited source once per result and builds the reference list. */
export class Citations {
  constructor(sources, prefix = "src") {
    this.sources = sources || {};
    this.prefix = prefix;
    this.order = new Map();
  }

  number(id, locator) {
    if (!this.order.has(id)) this.order.set(id, { n: this.order.size + 1, locators: new Set() });
    const entry = this.order.get(id);
    if (locator) entry.locators.add(locator);
    return entry.n;
  }

  title(id) {
    const source = this.sources[id];
    return source ? `${source.title} (${source.year})` : id;
  }

  /** Superscript links for a list of {source, locator}. */
  links(cites) {
    if (!cites || cites.length === 0) return null;
    const seen = new Set();
    const parts = [];
    for (const cite of cites) {
      const key = `${cite.source}|${cite.locator}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const n = this.number(cite.source, cite.locator);
      parts.push(
        h("a", {
          class: "cite",
          href: `#${this.prefix}-${cite.source}`,
          title: `${this.title(cite.source)}: ${cite.locator}`,
          "aria-label": `Source ${n}: ${this.title(cite.source)}, ${cite.locator}`,
          "data-source": cite.source,
        }, `[${n}]`),
      );
    }
    return h("span", { class: "cites" }, " ", parts);
  }

  /** Text whose "(source_id)" mentions become citation links when the id is a known source. */
  text(value) {
    const out = [];
    let last = 0;
    for (const match of String(value).matchAll(/\(([a-z][a-z0-9_]*)\)/g)) {
      if (!this.sources[match[1]]) continue;
      out.push(value.slice(last, match.index));
      out.push(this.links([{ source: match[1], locator: "figure cited" }]));
      last = match.index + match[0].length;
    }
    out.push(String(value).slice(last));
    return out;
  }

  list() {
    const items = [...this.order.entries()].map(([id, entry]) => {
      const source = this.sources[id];
      const link = source && source.url ? h("a", { href: source.url, rel: "noopener", target: "_blank" }, source.url) : null;
      return h("li", { id: `${this.prefix}-${id}`, tabindex: "-1", value: entry.n },
        h("strong", {}, source ? source.title : id),
        source ? ` ${source.authors ? `${source.authors}, ` : ""}${source.year}.` : " (source id)",
        source && source.verified === false ? h("span", { class: "tag" }, " figures unverified") : null,
        link ? [" ", link] : null,
        h("span", { class: "locators" }, ` Cited for: ${[...entry.locators].join("; ")}.`),
      );
    });
    return h("ol", { class: "references" }, items);
  }
}

function section(title, ...children) {
  return h("section", { class: "result-part" }, h("h3", {}, title), children);
}

/** "Urgent: to be seen within days." -> "To be seen within days." (the title already names the level). */
function withoutLevelPrefix(summary, level) {
  const match = /^([A-Za-z -]+):\s*(.+)$/.exec(summary);
  if (!match || match[1].toLowerCase() !== words(level).toLowerCase()) return summary;
  return match[2].charAt(0).toUpperCase() + match[2].slice(1);
}

function banner(triage, sides) {
  const level = LEVELS[triage.level] || { title: triage.level, tone: "routine" };
  const emergency = triage.level === "emergency";
  return h("div", {
    id: "triage-banner",
    class: `banner banner-${level.tone}`,
    role: emergency ? "alert" : "status",
    tabindex: "-1",
    "data-level": triage.level,
  },
  h("p", { class: "banner-title" }, level.title),
  h("p", { class: "banner-summary" }, withoutLevelPrefix(triage.summary, triage.level)),
  sides && sides.length ? h("p", { class: "banner-sides" }, `Leg: ${sides.join(" and ")}`) : null);
}

function triagePart(triage, cites) {
  return section("Why this level of urgency",
    triage.reasons.length === 0
      ? h("p", {}, "No warning sign was found in the answers given.")
      : h("ul", { class: "reasons" }, triage.reasons.map((r) => h("li", { class: `level-${r.level}` },
        h("strong", {}, r.name), ` (${words(r.level)}). `, r.advice, cites.links(r.sources),
        h("p", { class: "clin-only detail" }, r.rationale)))),
    triage.not_assessed.length
      ? h("div", { class: "not-assessed" },
        h("h4", {}, "Not yet asked: these could raise the urgency"),
        h("ul", {}, triage.not_assessed.map((n) => h("li", {}, n.question,
          h("span", { class: "clin-only detail" }, ` (${n.name}; could raise to ${words(n.could_raise_to)})`)))))
      : null);
}

function rootChart(levels) {
  const sorted = [...levels].sort((a, b) => b.probability - a.probability);
  return h("ul", { class: "bars", id: "root-bars", "aria-label": "Likelihood of each nerve root" },
    sorted.map((level, i) => h("li", { class: "bar-row", "data-root": level.root, "data-rank": i + 1 },
      h("span", { class: "bar-label" }, level.label),
      h("span", { class: "bar-track", "aria-hidden": "true" },
        h("span", { class: `bar-fill${i === 0 ? " lead" : ""}`, style: `width:${Math.max(0.5, level.probability * 100)}%` })),
      h("span", { class: "bar-value" }, percent(level.probability)))));
}

/** "pain region: anterior_thigh, medial_leg" -> "pain region: Front of thigh, Inner shin and calf". */
function regionNames(text, names) {
  return text.replace(/\b[a-z]+(?:_[a-z]+)+\b|\b[a-z]+\b/g, (id) => (Object.hasOwn(names, id) ? names[id] : id));
}

function evidenceList(items, cites, names) {
  if (!items.length) return h("p", { class: "detail" }, "None recorded.");
  return h("ul", { class: "evidence" }, items.map((e) => h("li", {},
    `${regionNames(e.name, names)} ${e.status === "absent" ? "(absent)" : ""}${e.side.length ? ` — ${e.side.join(", ")}` : ""}`,
    h("span", { class: "clin-only detail" }, ` ×${e.lr} · `, cites.text(e.basis)))));
}

function reasonsPart(levels, cites, names) {
  const lead = [...levels].sort((a, b) => b.probability - a.probability)[0];
  return section(`Reasons for and against ${lead.label}`,
    h("div", { class: "two-col" },
      h("div", {}, h("h4", {}, "Points towards it"), evidenceList(lead.for, cites, names)),
      h("div", {}, h("h4", {}, "Points away from it"), evidenceList(lead.against, cites, names))));
}

function differentialPart(items) {
  return section("Possible causes",
    h("div", { class: "table-scroll" }, h("table", { class: "differential" },
      h("thead", {}, h("tr", {},
        h("th", { scope: "col" }, "Condition"), h("th", { scope: "col" }, "Kind"),
        h("th", { scope: "col" }, "ICD-10-CM"), h("th", { scope: "col" }, "Likelihood"))),
      h("tbody", {}, items.slice(0, 8).map((c) => h("tr", {},
        h("th", { scope: "row" }, c.name,
          c.why.length || c.against.length
            ? h("details", { class: "why" }, h("summary", {}, "Why"),
              c.why.length ? h("ul", {}, c.why.map((w) => h("li", {}, w))) : null,
              c.against.length ? [h("p", {}, "Against:"), h("ul", {}, c.against.map((w) => h("li", {}, w)))] : null)
            : null),
        h("td", {}, words(c.role)),
        h("td", {}, c.icd10.map((code) => h("code", {}, code)).flatMap((el, i) => (i ? [", ", el] : [el]))),
        h("td", {}, percent(c.probability))))))));
}

function workupPart(workup, cites) {
  return section("Tests",
    h("p", {}, h("strong", {}, workup.imaging_now ? "Imaging now: yes. " : "Imaging now: not needed. "),
      workup.imaging_detail, cites.links(workup.imaging_sources)),
    workup.tests.length
      ? h("ul", {}, workup.tests.map((t) => h("li", {}, h("strong", {}, t.name), ` (${words(t.timing)}): ${t.why}`,
        cites.links(t.sources))))
      : null);
}

function planItem(item, cites) {
  return h("li", {}, h("strong", {}, item.name),
    item.stance ? h("span", { class: `stance stance-${item.stance}` }, STANCES[item.stance] || words(item.stance)) : null,
    h("span", { class: "detail" }, ` ${item.detail}`), cites.links(item.sources));
}

function drugItem(drug, cites) {
  const sources = [...drug.sources, ...drug.ceiling_basis.flatMap((c) => c.sources)];
  return h("li", {}, h("strong", {}, drug.name), ` (${drug.drug_class}): ${drug.dose}`,
    drug.ceiling_mg_per_day ? `; ceiling ${drug.ceiling_mg_per_day} ${drug.dose_unit}/day (${drug.jurisdiction})` : "",
    h("span", { class: `stance status-${drug.status}` }, words(drug.status)), cites.links(sources),
    drug.positions.length
      ? h("ul", { class: "detail" }, drug.positions.map((p) => h("li", {}, `${p.body}: ${STANCES[p.stance] || words(p.stance)}. ${p.detail}`,
        cites.links(p.sources))))
      : null,
    drug.safety.length
      ? h("ul", { class: "detail" }, drug.safety.map((s) => h("li", {}, `${words(s.factor)}: ${s.detail}`, cites.links(s.sources))))
      : null);
}

function planPart(plan, cites) {
  return section("Care plan",
    plan.steps.map((step) => h("div", { class: "plan-step" }, h("h4", {}, step.title),
      h("ul", { class: "plan" }, step.items.map((item) => planItem(item, cites))))),
    plan.drugs.length
      ? h("div", { class: "clin-only plan-step" }, h("h4", {}, "Medicines"),
        h("ul", { class: "plan" }, plan.drugs.map((d) => drugItem(d, cites))))
      : null,
    plan.avoid.length
      ? h("div", { class: "plan-step" }, h("h4", {}, "Not advised"),
        h("ul", { class: "plan" }, plan.avoid.map((item) => planItem(item, cites))))
      : null);
}

function findingsPart(findings) {
  if (!findings || !findings.length) return null;
  return section("What was read from the note",
    h("ul", { class: "findings" }, findings.map((f) => h("li", {},
      `${words(f.id)}: ${f.status}${f.side ? ` (${f.side})` : ""}`,
      f.text_span ? h("q", { class: "detail" }, f.text_span) : null))));
}

function handout(result) {
  const level = LEVELS[result.triage.level] || { title: result.triage.level };
  const lead = [...result.levels].sort((a, b) => b.probability - a.probability)[0];
  const firstSteps = result.plan.steps.length ? result.plan.steps[0] : null;
  return h("section", { id: "handout", class: "handout", "aria-labelledby": "handout-title" },
    h("h3", { id: "handout-title" }, "Your handout"),
    h("p", {}, h("strong", {}, level.title), ". ", result.triage.summary),
    result.triage.reasons.length ? h("ul", {}, result.triage.reasons.map((r) => h("li", {}, r.advice))) : null,
    lead && lead.root !== "none"
      ? h("p", {}, `The nerve most likely involved is ${lead.label} (about ${percent(lead.probability)} likely). `
        + "Only an examination, and sometimes a scan, can confirm this.")
      : null,
    firstSteps ? [h("h4", {}, firstSteps.title), h("ul", {}, firstSteps.items.map((i) => h("li", {}, i.name)))] : null,
    result.plan.avoid.length ? [h("h4", {}, "Not advised at this stage"), h("ul", {}, result.plan.avoid.map((i) => h("li", {}, i.name)))] : null,
    result.plan.seek_care_now.length
      ? [h("h4", {}, "Get medical help the same day if you notice"),
        h("ul", {}, result.plan.seek_care_now.map((s) => h("li", {}, s.split(":")[0])))]
      : null,
    h("p", { class: "print-only" }, document.getElementById("disclaimer").textContent.trim()));
}

/** Render an assessment into the result container; returns the banner element (for focus). */
export function renderAssessment(container, result, sources, regionNamesById = {}) {
  const cites = new Citations(sources);
  const parts = [
    banner(result.triage, result.sides),
    h("div", { class: "result-actions" },
      h("button", { type: "button", class: "secondary", onclick: () => window.print() }, "Print handout")),
    triagePart(result.triage, cites),
    section("Which nerve root?", h("p", { class: "detail" }, "Chance that each nerve root is the one being pressed on."),
      rootChart(result.levels), h("div", { id: "dermatome-map" })),
    reasonsPart(result.levels, cites, regionNamesById),
    findingsPart(result.findings),
    differentialPart(result.differential),
    workupPart(result.workup, cites),
    planPart(result.plan, cites),
    h("details", { class: "clin-only trace" }, h("summary", {}, "How the engine reached this (trace)"),
      h("ul", {}, result.trace.map((t) => h("li", {}, t.detail, cites.links(t.sources))))),
  ];
  parts.push(section("Sources", cites.list(),
    h("p", { class: "detail" }, `Knowledge base ${result.kb_version} (${result.kb_content_hash}).`)));
  parts.push(handout(result));
  fill(container, parts);
  return container.querySelector("#triage-banner");
}
