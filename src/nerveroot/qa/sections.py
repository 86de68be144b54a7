"""The sections of an answer: their order, the cap on each, and the text a statement shows in one."""

from __future__ import annotations

import re

from nerveroot.qa.context import (
    DISAGREE,
    DOCUMENTS,
    DOSING,
    GUIDELINES,
    PATIENT,
    PLAIN,
    RESEARCH,
    SEEK_CARE,
    AskSettings,
)
from nerveroot.qa.corpus import Statement
from nerveroot.qa.intent import Intent
from nerveroot.qa.ranking import Ranked
from nerveroot.qa.text import SENTENCE_END

THEME_ORDER = (
    "Causes", "Risk factors", "Anatomy", "Symptoms and examination", "Tests and imaging", "Treatment options",
    "Prevention", "Serious causes", "Conditions that can mimic it", "Measuring outcomes", "Common questions",
    "Study findings", "Warning signs", "Dosing", "Safety", "Coding",
)  # fmt: skip


_ENGINE_ONLY = re.compile(r"(Approximate prior among|nerveroot keeps the default prior)")
"""Sentences written for the assessment engine (its priors), not for a reader of an answer."""


DRUG_QTYPES = frozenset({"dose", "side_effects", "who_should_not_take", "pregnancy"})
"""Question types about taking a medicine: its dose, cautions and safety facts belong in the answer."""


def shown_text(statement: Statement, lead: list[tuple[str, Statement]]) -> str:
    """A card's text without its question and without the sentences already given as the direct answer (the
    whole text when that is all it says)."""
    if statement.kind != "faqs":
        return " ".join(p for p in SENTENCE_END.split(statement.text) if not _ENGINE_ONLY.match(p))
    body = statement.text.split(" — ", 1)[-1]
    for text, st in lead:
        if st.id == statement.id and text in body:
            rest = " ".join(body.replace(text, " ", 1).split())
            body = rest if len(rest.split()) >= 5 else body
    return body


def cap(grouped: dict[str, list[Ranked]], settings: AskSettings, carded: bool = False) -> None:
    """At most `section_cap` statements a section (all research themes together count as one section)."""
    faqs = settings.faq_cap if not carded else max(settings.faq_cap, len(grouped.get(PLAIN, [])))
    caps = {PLAIN: faqs, DISAGREE: settings.conflict_cap, SEEK_CARE: settings.max_red_flags}
    research = sorted((r for t, rs in grouped.items() if t.startswith(RESEARCH) for r in rs), key=Ranked.key)
    kept = {r.statement.id for r in research[: settings.section_cap]}
    for title in list(grouped):
        if title.startswith(RESEARCH):
            grouped[title] = [r for r in grouped[title] if r.statement.id in kept]
        else:
            grouped[title] = grouped[title][: caps.get(title, settings.section_cap)]
        if not grouped[title]:
            del grouped[title]


def section_order(grouped: dict[str, list[Ranked]], intent: Intent | None = None) -> list[str]:
    research = sorted(
        (t for t in grouped if t.startswith(RESEARCH)),
        key=lambda t: THEME_ORDER.index(t.split(": ", 1)[1]) if t.split(": ", 1)[1] in THEME_ORDER else 99,
    )
    drug_first = intent is not None and intent.qtype in DRUG_QTYPES
    head = [t for t in (GUIDELINES, PLAIN, DOSING if drug_first else "") if t in grouped]
    tail = [t for t in (DOSING, DISAGREE, PATIENT, DOCUMENTS, SEEK_CARE) if t in grouped and t not in head]
    return head + research + tail
