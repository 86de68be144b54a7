"""Is a question about lumbar nerve root compression and its care? Decides abstention before retrieval."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nerveroot.knowledge.base import normalise

OUT_OF_SCOPE: tuple[str, ...] = (
    r"cervical",
    r"neck",
    r"arms?",
    r"hands?",
    r"wrists?",
    r"elbows?",
    r"shoulders?",
    r"fingers?",
    r"thumbs?",
    r"carpal tunnel",
    r"c[1-8]",
    r"t[1-9]|t1[0-2]",
    r"thoracic outlet",
    r"migraines?|headaches?",
    r"jaw|tmj",
    r"teeth|tooth|dental",
    r"eyes?|vision",
    r"heart attack|angina|chest pain",
    r"covid|flu vaccine|vaccines?",
    r"recipes?|weather|stock|bitcoin|football|movie|python code",
)
"""Body parts and topics outside the lumbar spine; a question naming them is answered with an abstention."""

IN_SCOPE: tuple[str, ...] = (
    r"(lower |low )?back",
    r"lumbar|lumbosacral|sacral|spine|spinal|vertebra\w*|disc|disk|facet",
    r"l[1-5]|s1",
    r"sciatica|sciatic|radicul\w*|nerve roots?|nerves?|pinched|trapped",
    r"legs?|thighs?|knees?|shins?|calf|calves|feet|foot|ankles?|toes?|buttocks?|hips?|groin|heel|sole",
    r"stenosis|herniat\w*|slipped|bulg\w*|spondyl\w*|cauda equina|foot drop|claudication",
    r"numb\w*|tingl\w*|pins and needles|weak\w*|paraesthesi\w*|paresthesi\w*|reflex\w*",
    r"straight leg raise|slr|femoral stretch|slump",
    r"saddle|bladder|bowel|incontinen\w*",
    r"nsaids?|painkillers?|analgesics?|anti[- ]inflammator\w*|opioids?|gabapentinoids?|steroids?",
)
"""Words that place a question in the lumbar radicular domain."""

_OUT = re.compile(r"\b(" + "|".join(OUT_OF_SCOPE) + r")\b")
_IN = re.compile(r"\b(" + "|".join(IN_SCOPE) + r")\b")


@dataclass(frozen=True)
class Scope:
    """The verdict on a question: in scope or not, and why."""

    in_scope: bool
    reason: str


def check_scope(question: str, known_terms: frozenset[str] = frozenset()) -> Scope:
    """In scope when the question names the lumbar domain or a knowledge-base entity, and no other body region.

    ``known_terms`` holds normalised names of knowledge-base entities (drugs, treatments, conditions …).
    """
    text = normalise(question)
    if not text:
        return Scope(False, "the question is empty")
    outside = _OUT.search(text)
    if outside:
        return Scope(False, f"it is about '{outside[0]}', outside the lumbar spine and its nerve roots")
    if _IN.search(text):
        return Scope(True, "lumbar domain term")
    padded = f" {text} "
    for term in known_terms:
        if f" {term} " in padded:
            return Scope(True, f"names '{term}'")
    return Scope(False, "it does not concern lumbar nerve root compression or its care")
