"""Scoring cited answers on questions written by others (`qa-eval --outside FILE`).

Each row of the JSONL file holds ``question``, ``key_facts`` (3–5 sentences written from a public page),
``in_scope`` and ``qtype``. Scores: key facts covered in substance in the first 500 words (`factmatch`),
whether the lead sentence has the shape of an answer to the question type, citation validity, and declines.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from nerveroot.qa.answer import answer_question
from nerveroot.qa.cards import Encoder
from nerveroot.qa.context import AskSettings, QaContext
from nerveroot.qa.evaluation import citation_checks
from nerveroot.qa.factmatch import COVER_SHARE, best_match, sentences, windows
from nerveroot.qa.models import Answer
from nerveroot.qa.text import tokenize

WORD_LIMIT = 500
MEANING_FLOOR = 0.7
"""Second pass (with an encoder): a fact also counts when a sentence of the first 500 words is this similar."""
_SPLIT = re.compile(r"(?<=[.!?;])\s+")
_GENERIC = frozenset(tokenize("sciatica back pain leg nerve lumbar people person patient symptom doctor help"))
_TIME = re.compile(r"\b(\d+|one|two|three|four|six|few)\b[^.]{0,25}\b(days?|weeks?|months?|years?)\b", re.I)
_NUMBER = re.compile(r"\d")
_VERDICT = re.compile(
    r"^(yes|no|not|possibly|uncertain|only|usually|in some cases|it depends|generally|rarely|avoid|do not|don't)\b"
    r"|\b(recommend\w*|advises? against|not advised|should not|safe|avoid\w*|do not|is not|are not)\b",
    re.I,
)
_CARE = re.compile(r"\b(999|111|a&e|a and e|emergency|urgent\w*|gp|same[- ]day|immediately|straight away|call)\b", re.I)
_ACTION = re.compile(
    r"\b(keep|stay|try|use|avoid|do not|don't|move|walk|rest|apply|take|sleep|sit|stretch|exercise|heat|ice|"
    r"return|carry on|continue|gentle|active|yes|no)\b",
    re.I,
)


class OutsideItem(BaseModel):
    """One outside question (dev file rows carry more fields; only these are read)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str
    question: str
    key_facts: list[str] = Field(default_factory=list)
    in_scope: bool = True
    qtype: str = "other"


def load_outside(path: Path) -> list[OutsideItem]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [OutsideItem.model_validate(row) for row in rows]


def first_words(answer: Answer, limit: int = WORD_LIMIT) -> str:
    """The direct answer then the section statements, cut to ``limit`` words (what a reader sees first)."""
    text = " ".join([answer.answer, *(s.text for s in answer.statements())])
    return " ".join(text.split()[:limit])


def fact_covered(fact: str, text: str) -> bool:
    """The fact is said in substance in some window of up to three sentences of the text (`factmatch`)."""
    return best_match(fact, windows(sentences(text))).covered


def lead_sentence(answer: Answer) -> str:
    """The first sentence of the direct answer (with the next one when the first is a bare 'No.')."""
    text = re.sub(r"\s*\[\d+\]", "", answer.answer).strip()
    parts = re.split(r"(?<=[.!?])\s+", text, maxsplit=2) if text else [""]
    return " ".join(parts[:2]) if len(parts[0].split()) < 4 else parts[0]


QTYPE_ALIASES: dict[str, str] = {
    "is_recommended": "is_x_recommended",
    "recommended": "is_x_recommended",
    "when_to_seek_care": "when_where_seek_care",
    "when_seek_care": "when_where_seek_care",
    "seek_care": "when_where_seek_care",
    "who_should_not": "who_should_not_take",
    "contraindication": "who_should_not_take",
    "prognosis": "duration_prognosis",
    "duration": "duration_prognosis",
}
"""The collectors' other names for the shaped question types: the same shape is checked whatever a set calls it
(before, 'seek_care' or 'prognosis' fell back to the looser on-topic check)."""


def lead_answers(question: str, qtype: str, lead: str) -> bool:
    """Heuristic: the lead has the shape the question type needs (a time, a dose, a verdict, an action), or, for
    types without a shape, names something the question asks about."""
    qtype = QTYPE_ALIASES.get(qtype, qtype)
    asked = set(tokenize(question)) - _GENERIC
    said = set(tokenize(lead))
    on_topic = not asked or bool(asked & said)
    shaped = {
        "duration_prognosis": bool(_TIME.search(lead)) or "most" in lead.lower(),
        "dose": bool(_NUMBER.search(lead)),
        "is_x_recommended": bool(_VERDICT.search(lead)),
        "pregnancy": bool(_VERDICT.search(lead)),
        "who_should_not_take": bool(_VERDICT.search(lead)) or "people" in lead.lower(),
        "when_where_seek_care": bool(_CARE.search(lead)),
        "self_care": bool(_ACTION.search(lead)),
    }.get(qtype)
    return shaped if shaped is not None else on_topic


@dataclass
class OutsideReport:
    questions: int = 0
    facts: int = 0
    facts_found: int = 0
    facts_found_meaning: int = 0
    meaning_pass: bool = False
    leads_ok: int = 0
    answered_in_scope: int = 0
    in_scope: int = 0
    out_of_scope: int = 0
    declined_out_of_scope: int = 0
    citations: int = 0
    citation_problems: list[str] = field(default_factory=list)
    by_type: Counter[str] = field(default_factory=Counter)
    by_type_found: Counter[str] = field(default_factory=Counter)
    by_type_facts: Counter[str] = field(default_factory=Counter)
    by_type_leads: Counter[str] = field(default_factory=Counter)
    rows: list[dict[str, object]] = field(default_factory=list)

    @property
    def key_fact_recall(self) -> float:
        return self.facts_found / self.facts if self.facts else 0.0

    @property
    def meaning_recall(self) -> float:
        return self.facts_found_meaning / self.facts if self.facts else 0.0

    @property
    def lead_rate(self) -> float:
        return self.leads_ok / self.in_scope if self.in_scope else 0.0

    @property
    def citation_validity(self) -> float:
        return 1 - len(self.citation_problems) / self.citations if self.citations else 1.0


def _by_meaning(encoder: Encoder, facts: list[str], text: str) -> list[str]:
    """The facts some sentence of the text says in other words (cosine similarity at least MEANING_FLOOR)."""
    sentences = [s for s in _SPLIT.split(re.sub(r"\s*\[\d+\]", "", text)) if s.strip()]
    if not facts or not sentences:
        return []
    sims = encoder.encode(facts) @ encoder.encode(sentences).T
    return [f for f, row in zip(facts, sims, strict=True) if float(row.max()) >= MEANING_FLOOR]


def evaluate_outside(ctx: QaContext, items: list[OutsideItem], settings: AskSettings | None = None) -> OutsideReport:
    """Score every item; ``rows`` keeps per-question detail (lead, misses) for reading. With an encoder on the
    context, a second pass also counts facts said in other words."""
    report = OutsideReport()
    encoder = ctx.cards.encoder
    report.meaning_pass = encoder is not None
    for item in items:
        answer = answer_question(ctx, item.question, settings)
        report.questions += 1
        if not item.in_scope:
            report.out_of_scope += 1
            report.declined_out_of_scope += answer.abstained
            report.rows.append({"id": item.id, "in_scope": False, "declined": answer.abstained})
            continue
        report.in_scope += 1
        report.answered_in_scope += not answer.abstained
        text = first_words(answer)
        spans = windows(sentences(text))
        found = [f for f in item.key_facts if not answer.abstained and best_match(f, spans).covered]
        meant = _by_meaning(encoder, [f for f in item.key_facts if f not in found], text) if encoder else []
        report.facts_found_meaning += len(found) + len(meant)
        lead = lead_sentence(answer) if not answer.abstained else ""
        ok = bool(lead) and lead_answers(item.question, item.qtype, lead)
        report.facts += len(item.key_facts)
        report.facts_found += len(found)
        report.leads_ok += ok
        report.by_type[item.qtype] += 1
        report.by_type_facts[item.qtype] += len(item.key_facts)
        report.by_type_found[item.qtype] += len(found)
        report.by_type_leads[item.qtype] += ok
        checked, problems = citation_checks(ctx, answer)
        report.citations += checked
        report.citation_problems += [f"{item.id}: {p}" for p in problems]
        missed = [f for f in item.key_facts if f not in found]
        report.rows.append({"id": item.id, "qtype": item.qtype, "question": item.question, "lead": lead,
                            "lead_ok": ok, "missed": missed, "abstained": answer.abstained,
                            "words": len(first_words(answer, 10_000).split())})  # fmt: skip
    return report


def format_outside(report: OutsideReport) -> str:
    lines = [
        f"outside questions: {report.questions} ({report.in_scope} in scope, {report.out_of_scope} out of scope)",
        f"key facts in first {WORD_LIMIT} words (in substance, window share ≥{COVER_SHARE:.0%}): "
        f"{report.key_fact_recall:.1%} ({report.facts_found}/{report.facts})",
        *(
            [
                f"key facts by stem overlap or meaning (MiniLM cosine ≥{MEANING_FLOOR}): {report.meaning_recall:.1%} "
                f"({report.facts_found_meaning}/{report.facts})"
            ]
            if report.meaning_pass
            else []
        ),
        f"lead sentence answers (heuristic): {report.lead_rate:.1%} ({report.leads_ok}/{report.in_scope})",
        f"citation validity: {report.citation_validity:.1%} ({report.citations} citations, "
        f"{len(report.citation_problems)} invalid)",
        f"in-scope answered: {report.answered_in_scope}/{report.in_scope}; "
        f"out-of-scope declined: {report.declined_out_of_scope}/{report.out_of_scope}",
        "by question type (n, facts, leads):",
    ]
    for qtype, n in sorted(report.by_type.items()):
        facts = report.by_type_found[qtype] / report.by_type_facts[qtype] if report.by_type_facts[qtype] else 0.0
        lines.append(f"  {qtype:28s} {n:3d}  {facts:6.1%}  {report.by_type_leads[qtype] / n:6.1%}")
    return "\n".join(lines)


__all__ = ["OutsideItem", "OutsideReport", "evaluate_outside", "fact_covered", "format_outside", "lead_answers",
           "load_outside"]  # fmt: skip
