"""Markdown and JSON renderings of an Answer."""

from __future__ import annotations

import json

from nerveroot.qa.context import RESEARCH
from nerveroot.qa.models import Answer
from nerveroot.qa.sources import KIND_LABEL


def to_json(answer: Answer) -> str:
    """`{"question", "abstained", "answer", "sections", "references", "kb_version"}` as JSON text."""
    return json.dumps(answer.model_dump(mode="json"), ensure_ascii=False, indent=2)


def to_markdown(answer: Answer) -> str:
    """The answer as Markdown: direct answer, sections of cited statements, numbered references."""
    lines = [f"# {answer.question}", "", f"**Answer.** {answer.answer}", ""]
    research_open = False
    for section in answer.sections:
        if section.title.startswith(f"{RESEARCH}: "):
            if not research_open:
                lines += [f"## {RESEARCH}", ""]
                research_open = True
            lines += [f"### {section.title.split(': ', 1)[1]}", ""]
        else:
            lines += [f"## {section.title}", ""]
        for statement in section.statements:
            marks = "".join(f"[{n}]" for n in statement.citations)
            label = f" _({statement.label})_" if statement.label else ""
            lines.append(f"- {statement.text}{label} {marks}")
        lines.append("")
    if answer.references:
        lines += ["## References", ""]
        for ref in answer.references:
            link = f" {ref.url}" if ref.url else ""
            kind = KIND_LABEL.get(ref.kind, ref.kind)
            lines.append(f"{ref.n}. {ref.title}. {ref.authors}, {ref.year}.{link} [{kind}]")
        lines.append("")
    lines.append(f"_Knowledge base {answer.kb_version}. Supports clinicians; does not replace clinical judgement._")
    return "\n".join(lines) + "\n"
