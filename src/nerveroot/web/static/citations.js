// Numbered citations: one number per source for the whole result, links deduplicated and in number order,
// and a reference list that grades each source by its kind (guideline, systematic review, study, seed…).

import { h } from "./dom.js";

const GRADES = {
  guideline: "Guideline",
  systematic_review: "Systematic review",
  cohort: "Study",
  cross_sectional: "Study",
  standard: "Reference",
  textbook: "Reference",
  drug_label: "Drug label",
  code_set: "Reference",
  patient_information: "Low-grade source",
  expert_answer: "Low-grade source",
};

function hostname(url) {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}

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

  grade(id) {
    const source = this.sources[id];
    return source ? GRADES[source.kind] || "Reference" : "Reference";
  }

  /** One superscript link per source, in number order: [2][5], never [5][2][5]. */
  links(cites) {
    if (!cites || cites.length === 0) return null;
    const numbers = new Map();
    for (const cite of cites) {
      const n = this.number(cite.source, cite.locator);
      numbers.set(cite.source, n);
    }
    const parts = [...numbers.entries()].sort((a, b) => a[1] - b[1]).map(([id, n]) => h("a", {
      class: "cite",
      href: `#${this.prefix}-${id}`,
      "aria-label": `Source ${n}: ${this.title(id)} (${this.grade(id)})`,
      "data-source": id,
    }, `[${n}]`));
    return h("span", { class: "cites" }, " ", parts);
  }

  list() {
    const items = [...this.order.entries()].map(([id, entry]) => {
      const source = this.sources[id];
      const grade = this.grade(id);
      return h("li", { id: `${this.prefix}-${id}`, tabindex: "-1", value: entry.n },
        h("span", { class: `grade grade-${grade.toLowerCase().replace(/[^a-z]+/g, "-")}` }, grade), " ",
        h("strong", {}, source ? source.title : id),
        source ? ` ${source.authors ? `${source.authors}, ` : ""}${source.year}.` : "",
        source && source.verified === false ? h("span", { class: "tag" }, " Figures not checked against the original.") : null,
        source && source.url ? [" ", h("a", { href: source.url, rel: "noopener", target: "_blank" }, hostname(source.url))] : null,
        h("span", { class: "locators detail" }, ` Cited for: ${[...entry.locators].join("; ")}.`));
    });
    return h("ol", { class: "references" }, items);
  }
}
