// The ask box: POST /api/ask and render sections, numbered citations and the reference list.

import { post } from "./api.js";
import { h, fill } from "./dom.js";

function citationLinks(numbers) {
  return h("span", { class: "cites" }, " ", numbers.map((n) =>
    h("a", { class: "cite", href: `#ask-ref-${n}`, "aria-label": `Reference ${n}` }, `[${n}]`)));
}

/** Render an Answer (nerveroot.qa to_json) into a container. */
export function renderAnswer(container, answer) {
  if (answer.abstained) {
    fill(container, h("p", { class: "notice" }, answer.answer ||
      "nerveroot has no cited answer to that question. Try asking about nerve root pain, its tests or treatments."));
    return;
  }
  fill(container,
    h("div", { class: "answer-direct" }, h("h3", {}, "Answer"), h("p", {}, answer.answer)),
    answer.sections.map((s) => h("section", { class: "answer-section" }, h("h4", {}, s.title),
      h("ul", {}, s.statements.map((st) => h("li", {}, st.text, st.citations.length ? citationLinks(st.citations) : null))))),
    h("h4", {}, "References"),
    h("ol", { class: "references" }, answer.references.map((r) => h("li", { id: `ask-ref-${r.n}`, value: r.n, tabindex: "-1" },
      h("strong", {}, r.title), ` (${r.year})`,
      r.url ? [" ", h("a", { href: r.url, rel: "noopener", target: "_blank" }, r.url)] : h("span", { class: "detail" }, ` [${r.source_id}]`)))),
  );
}

export function setupAsk(form, input, output) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const question = input.value.trim();
    if (!question) return;
    fill(output, h("p", { class: "detail" }, "Looking up cited sources…"));
    try {
      renderAnswer(output, await post("/api/ask", { question }));
    } catch (err) {
      fill(output, h("p", { class: "error", role: "alert" }, err.message));
    }
  });
}
