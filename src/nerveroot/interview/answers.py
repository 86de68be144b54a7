"""Answers: the choices each kind of question offers, parsing typed replies, and writing them onto a Case."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, cast

from nerveroot.assessment.case import Case, ProvocativeResult, ReflexTest, RegionMark, Side, StrengthTest
from nerveroot.interview.catalogue import EXAM_KINDS, MAP_KINDS, TABLES, Question
from nerveroot.interview.regions import NONE, lexicon, parse_regions, region_ids
from nerveroot.knowledge.base import KnowledgeBase

Answer = str | Sequence[str]
"""A reply: text, or for a body map a list of regions (ids, names or synonyms)."""

UNKNOWN = "unknown"
SIDES: tuple[Side, Side] = ("left", "right")
_UNKNOWN_WORDS = frozenset(
    {
        "unknown",
        "dont know",
        "don't know",
        "do not know",
        "dk",
        "?",
        "not sure",
        "unsure",
        "not tested",
        "nt",
        "skip",
        "",
    }
)
_YES = frozenset({"yes", "y", "present", "true"})
_NO = frozenset({"no", "n", "absent", "false", "none"})
# A grouped red-flag screen tells "not sure" (ask each item) apart from "don't know" (leave them all unknown).
NOT_SURE = "not_sure"
_SCREEN_NOT_SURE = frozenset({"not sure", "not_sure", "unsure", "maybe", "possibly", "perhaps"})
_SCREEN_UNKNOWN = _UNKNOWN_WORDS - _SCREEN_NOT_SURE
_SCREEN_YES = _YES | {"yes to some", "some", "one or more", "at least one"}
_SCREEN_NO = _NO | {"no to all", "none of these", "none of them", "no to all of them", "all no", "nope"}
_CHOICES: dict[str, tuple[str, ...]] = {
    "yes_no": ("yes", "no", "don't know"),
    "screen": ("no to all", "yes", "not sure", "don't know"),
    "strength": ("normal", "weak", "5", "4", "3", "2", "1", "0", "not tested"),
    "reflex": ("normal", "reduced", "absent", "brisk", "not tested"),
    "provocative": ("positive", "negative", "not tested"),
    "sides": ("left", "right", "both", "neither", "don't know"),
    "course": ("improving", "stable", "worsening", "don't know"),
    "body_map": ("body-map regions, separated by commas", NONE, "don't know"),
}
_DURATION = re.compile(r"^(\d+)\s*(d|day|days|w|wk|wks|week|weeks|m|mo|month|months|y|yr|year|years)?$")
_DAYS_PER = {"d": 1, "w": 7, "m": 30, "y": 365}


def choices(question: Question) -> tuple[str, ...]:
    """What the person may answer (numbers are typed for age, duration and pain score)."""
    if question.kind in ("strength", "reflex", "provocative"):
        return _CHOICES[question.kind]
    if question.screen:
        return _CHOICES["screen"]
    if question.body_map:
        return _CHOICES["body_map"]
    if question.kind == "fact" and question.target in ("sides", "course"):
        return _CHOICES[question.target]
    if question.kind == "fact":
        return ("a number", "don't know")
    return _CHOICES["yes_no"]


def _knowledge(kb: KnowledgeBase | None) -> KnowledgeBase:
    if kb is not None:
        return kb
    from nerveroot.knowledge.loader import default_knowledge  # only body maps need the region names

    return default_knowledge()


def parse_answer(question: Question, text: Answer, kb: KnowledgeBase | None = None) -> str:
    """Normalise a reply to the canonical value for the question; ValueError if it cannot be read.

    Body maps take a list of regions or comma-separated text (region ids, names or synonyms from
    body_regions.yaml of ``kb``, by default the packaged knowledge base), "none" or "don't know"; their canonical
    value is "none" or the region ids joined by commas. A grouped screen reads "no to all" ("no"), "yes",
    "not sure" (NOT_SURE) or "don't know" (UNKNOWN). Other questions take one text reply.
    """
    if question.body_map:
        regions = parse_regions(text, lexicon(_knowledge(kb)), _UNKNOWN_WORDS)
        return UNKNOWN if regions is None else regions
    if not isinstance(text, str):
        if len(text) != 1:
            raise ValueError(f"{question.id} takes one answer, not a list of {len(text)}")
        text = text[0]
    reply = " ".join(text.strip().lower().replace("’", "'").split())
    if question.screen:
        return _parse_screen(question, text, reply)
    if reply in _UNKNOWN_WORDS:
        return UNKNOWN
    kind, target = question.kind, question.target
    value: str | None = None
    if kind == "strength":
        value = {"normal": "5", "weak": "4"}.get(reply, reply if reply in {"0", "1", "2", "3", "4", "5"} else None)
    elif kind == "reflex":
        value = reply if reply in {"normal", "reduced", "absent", "brisk"} else None
    elif kind == "provocative":
        value = {"+": "positive", "pos": "positive", "-": "negative", "neg": "negative"}.get(reply, reply)
        value = value if value in {"positive", "negative"} else None
    elif kind == "fact":
        value = _parse_fact(target, reply)
    else:
        value = "yes" if reply in _YES else "no" if reply in _NO else None
    if value is None:
        raise ValueError(
            f"cannot read {text!r} as an answer to {question.id}; expected one of: {', '.join(choices(question))}"
        )
    return value


def _parse_screen(question: Question, text: str, reply: str) -> str:
    reply = reply.rstrip(".!")
    for words, value in ((_SCREEN_UNKNOWN, UNKNOWN), (_SCREEN_NOT_SURE, NOT_SURE), (_SCREEN_YES, "yes")):
        if reply in words:
            return value
    if reply in _SCREEN_NO:
        return "no"
    raise ValueError(
        f"cannot read {text!r} as an answer to {question.id}; expected one of: {', '.join(choices(question))}"
    )


def _parse_fact(target: str, reply: str) -> str | None:
    if target == "sides":
        return reply if reply in {"left", "right", "both", "neither"} else None
    if target == "course":
        return reply if reply in {"improving", "stable", "worsening"} else None
    if target == "duration_days":
        match = _DURATION.match(reply)
        if not match:
            return None
        days = int(match.group(1)) * _DAYS_PER.get((match.group(2) or "d")[0], 1)
        return str(days) if days <= 36500 else None
    if not reply.isdigit():
        return None
    low, high = (16, 120) if target == "age" else (0, 10)
    return reply if low <= int(reply) <= high else None


def _sides(case: Case, question: Question, side: Side | None) -> list[Side]:
    if side is not None:
        return [side]
    if case.sides:
        return sorted(set(case.sides))
    if question.kind in EXAM_KINDS:
        return list(SIDES)  # no leg named: the examination finding is recorded for both legs
    raise ValueError(f"{question.id} needs to know which leg; record the sides first")


def apply_answer(
    case: Case, question: Question, answer: Answer, side: Side | None = None, kb: KnowledgeBase | None = None
) -> Case:
    """A new Case with the answer written in; 'unknown' leaves the item unknown. The input case is not changed.

    A body-map answer (a list of regions, or comma-separated text) replaces that kind of mark on the answered
    side(s): ``side`` if given, else every side in ``case.sides`` (ValueError if no side is known yet).
    """
    value = parse_answer(question, answer, kb)
    return apply_value(case, question, value, side)


def apply_value(case: Case, question: Question, value: str, side: Side | None = None) -> Case:
    """Write an already-canonical value (see parse_answer) onto a copy of the case."""
    if question.screen:
        return _screen_update(case, question, value)
    if value == UNKNOWN:
        return case.model_copy()
    kind, target = question.kind, question.target
    update: dict[str, Any]
    if kind in ("red_flag", "history", "symptom"):
        table = {"red_flag": "red_flags", "history": "history", "symptom": "symptoms"}[kind]
        update = {table: {**getattr(case, table), target: "present" if value == "yes" else "absent"}}
        if kind == "red_flag" and target == "bilateral_leg_symptoms" and value == "yes":
            update["sides"] = list(SIDES)
    elif kind in MAP_KINDS:
        regions = region_ids(value)
        if not regions and side is None and not case.sides:
            return case.model_copy()  # "none" before any leg is named: nothing to record or replace
        update = _map_update(case, question, regions, _sides(case, question, side))
    elif kind == "strength":
        sides = _sides(case, question, side)
        kept = [t for t in case.strength if not (t.movement == target and t.side in sides)]
        update = {
            "strength": kept + [StrengthTest(movement=cast(Any, target), side=s, grade=int(value)) for s in sides]
        }
    elif kind == "reflex":
        sides = _sides(case, question, side)
        kept_r = [t for t in case.reflexes if not (t.reflex == target and t.side in sides)]
        update = {
            "reflexes": kept_r + [ReflexTest(reflex=cast(Any, target), side=s, result=cast(Any, value)) for s in sides]
        }
    elif kind == "provocative":
        sides = _sides(case, question, side)
        kept_p = [t for t in case.provocative if not (t.test == target and t.side in sides)]
        made = [ProvocativeResult(test=cast(Any, target), side=s, result=cast(Any, value)) for s in sides]
        update = {"provocative": kept_p + made}
    else:
        update = _fact_update(target, value)
    return case.model_copy(update=update)


def _map_update(case: Case, question: Question, regions: list[str], sides: list[Side]) -> dict[str, Any]:
    """The answer is the whole map for the answered sides: it replaces their earlier marks of that kind.

    Numbness marked in the saddle area is saddle anaesthesia, a red flag: it is recorded as present even when an
    earlier answer said otherwise (the free-text intake does the same), so the triage can never miss it.
    """
    field = question.target
    kept = [m for m in getattr(case, field) if m.side not in sides]
    update: dict[str, Any] = {field: kept + [RegionMark(region=r, side=s) for s in sides for r in regions]}
    if question.kind == "sensory_map" and "saddle" in regions:
        update["red_flags"] = {**case.red_flags, "saddle_anaesthesia": "present"}
    return update


def _table(key: str) -> str:
    return next(name for name, keys in TABLES.items() if key in keys)


def recorded(case: Case, key: str) -> bool:
    """Whether a red-flag, history or symptom key has an entry, even an explicit 'unknown' (asked, not known)."""
    return key in getattr(case, _table(key))


def _screen_update(case: Case, question: Question, value: str) -> Case:
    """A screen's answer. "no" (to all): every item still unknown becomes absent. "yes" and "not sure": nothing is
    recorded, the items are asked one by one next. "don't know": each item with no entry gets an explicit
    'unknown', which still counts as unassessed everywhere but tells the interview it was asked (so the items are
    not followed up, also across the stateless web API)."""
    if value in ("yes", NOT_SURE):
        return case.model_copy()
    tables: dict[str, dict[str, Any]] = {}
    for key in question.items:
        table = _table(key)
        entries = tables.setdefault(table, dict(getattr(case, table)))
        if value == "no" and entries.get(key, UNKNOWN) == UNKNOWN:
            entries[key] = "absent"
        elif value == UNKNOWN and key not in entries:
            entries[key] = UNKNOWN
    return case.model_copy(update=tables)


def _fact_update(target: str, value: str) -> dict[str, Any]:
    if target == "sides":
        return {"sides": {"both": list(SIDES), "neither": []}.get(value, [value])}
    if target == "course":
        return {"course": value}
    return {target: int(value)}


def is_answered(case: Case, question: Question) -> bool:
    """Whether the case already holds an answer for the item (from an earlier answer or a parsed note).

    An explicit 'unknown' red-flag, history or symptom entry (left by a "don't know" screen) counts as answered:
    the item was asked and the person could not say. It stays unknown (unassessed) for the triage.
    """
    kind, target = question.kind, question.target
    if question.screen:  # every item answered, or marked as asked and not known
        return all(case.status(k) != UNKNOWN or recorded(case, k) for k in question.items)
    if kind in ("red_flag", "history", "symptom"):  # an explicit 'unknown' entry: asked, and not known
        return case.status(target) != UNKNOWN or recorded(case, target)
    if kind in MAP_KINDS:
        return bool(getattr(case, target))
    if kind == "strength":
        return any(t.movement == target for t in case.strength)
    if kind == "reflex":
        return any(t.reflex == target for t in case.reflexes)
    if kind == "provocative":
        return any(t.test == target for t in case.provocative)
    if target == "sides":
        return bool(case.sides)
    if target == "course":
        return case.course != UNKNOWN
    return getattr(case, target) is not None
