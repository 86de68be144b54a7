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

THEME_ORDER = (
    "Causes", "Risk factors", "Anatomy", "Symptoms and examination", "Tests and imaging", "Treatment options",
    "Prevention", "Serious causes", "Conditions that can mimic it", "Measuring outcomes", "Common questions",
    "Study findings", "Warning signs", "Dosing", "Safety", "Coding",
)  # fmt: skip


_ENGINE_ONLY = re.compile(r"\s*\b(?:Approximate prior|nerveroot keeps the default prior)\b.*?\.(?=\s|$)(?:\)\.)?", re.S)
"""Sentences written for the assessment engine (its priors), not for a reader of an answer, wherever they stand: a
sentence-final one after a full stop followed by a lower-case word ('… are safe. nerveroot keeps the default prior
(0.01) only to satisfy the model; …') was not split off and was shown."""


DRUG_QTYPES = frozenset({"dose", "side_effects", "who_should_not_take", "pregnancy"})
"""Question types about taking a medicine: its dose, cautions and safety facts belong in the answer."""


def shown_text(statement: Statement, lead: list[tuple[str, Statement]]) -> str:
    """A card's text without its question and without the sentences already given as the direct answer (the
    whole text when that is all it says)."""
    if statement.kind != "faqs":
        return " ".join(_ENGINE_ONLY.sub("", statement.text).split())
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
