"""Three-valued (Kleene) evaluation of rule conditions: True, False or None (not assessed)."""

from __future__ import annotations

from typing import Any

from nerveroot.assessment.case import Case
from nerveroot.assessment.evidence import UNASSESSED, Evidence

Truth = bool | None


def k_and(values: list[Truth]) -> Truth:
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def k_or(values: list[Truth]) -> Truth:
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def k_not(value: Truth) -> Truth:
    return None if value is None else not value


def _known(value: int | None, test: bool) -> Truth:
    return None if value is None else test


def evaluate(when: Any, evidence: Evidence, case: Case) -> Truth:
    """Evaluate a condition tree; unknown findings and missing facts give None, never False."""
    if isinstance(when, str):
        status = evidence.get(when)
        return None if status in UNASSESSED else status == "present"
    (op, arg), *rest = when.items()
    if rest:
        raise ValueError(f"condition must have one operator, got {sorted(when)}")
    if op == "all":
        return k_and([evaluate(item, evidence, case) for item in arg])
    if op == "any":
        return k_or([evaluate(item, evidence, case) for item in arg])
    if op == "not":
        return k_not(evaluate(arg, evidence, case))
    if op == "unasked":  # true while any listed item is unknown or unsure: keeps self-care from resting on gaps
        return any(evidence.get(f) in UNASSESSED for f in arg)
    if op == "unsure":  # true when any listed item was asked and the person is not sure
        return any(evidence.get(f) == "unsure" for f in arg)
    if op == "reported":  # true only when the finding is known present: a rule about what was told, never a question
        return evidence.get(arg) == "present"
    if op == "unless":  # an exclusion: blocks only when known to hold, so an unasked item never lowers urgency
        return evaluate(arg, evidence, case) is not True
    if op == "mentioned":  # a red-flag mention in these groups that the intake could not resolve
        return any(m.group in arg for m in case.to_confirm)
    if op == "onsets_over":  # every present item began more than n days ago (None if a present item has no onset)
        items, days = arg
        present = [f for f in items if evidence.get(f) == "present"]
        if not present:
            return False
        onsets = [case.onset_days.get(f) for f in present]
        if any(d is None for d in onsets):
            return None
        return all(d is not None and d > days for d in onsets)
    if op == "pain_in":  # the body map: pain marked in one of these regions (None while no pain region is marked)
        return None if not case.pain_regions else any(m.region in arg for m in case.pain_regions)
    if op == "age_at_least":
        return _known(case.age, case.age is not None and case.age >= arg)
    if op == "duration_at_least":
        return _known(case.duration_days, case.duration_days is not None and case.duration_days >= arg)
    if op == "duration_under":
        return _known(case.duration_days, case.duration_days is not None and case.duration_days < arg)
    if op == "pain_at_least":
        return _known(case.pain_score, case.pain_score is not None and case.pain_score >= arg)
    if op == "course":
        return None if case.course == "unknown" else case.course == arg
    if op == "trigger":  # what set the pain off, as the note or the person tells it
        return None if case.trigger == "unknown" else case.trigger == arg
    raise ValueError(f"unknown condition operator {op!r}")


def unknown_findings(when: Any, evidence: Evidence) -> list[str]:
    """Finding ids in a condition tree that nobody has assessed (not asked, or asked and unsure)."""
    if isinstance(when, str):
        return [when] if evidence.get(when) in UNASSESSED else []
    found: list[str] = []
    for op, arg in when.items():
        if op in ("all", "any"):
            for item in arg:
                found += unknown_findings(item, evidence)
        elif op == "not":
            found += unknown_findings(arg, evidence)
    return found
