"""Three-valued (Kleene) evaluation of rule conditions: True, False or None (not assessed).

A condition tree is compiled once into nested closures (`compile_condition`), and `evaluate` keeps per tree object
one function written from it (`nerveroot.assessment.logic_source`), so the assessment reads each rule without
walking its dictionaries again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nerveroot.assessment.case import Case
from nerveroot.assessment.evidence import UNASSESSED, Evidence
from nerveroot.assessment.logic_source import source_test

Truth = bool | None
Test = Callable[[Evidence, Case], Truth]


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


def _finding(finding: str) -> Test:
    def test(evidence: Evidence, case: Case) -> Truth:
        status = evidence.status.get(finding, "unknown")
        return None if status in UNASSESSED else status == "present"

    return test


def _all(findings: tuple[str, ...], parts: tuple[Test, ...]) -> Test:
    """Kleene and of the listed findings and the other parts (findings read first: conditions have no side
    effects, so the order does not change the outcome)."""

    def test(evidence: Evidence, case: Case) -> Truth:
        get = evidence.status.get
        unknown = False
        for finding in findings:
            status = get(finding)
            if status == "absent":
                return False
            unknown = unknown or status != "present"
        for part in parts:
            value = part(evidence, case)
            if value is False:
                return False
            unknown = unknown or value is None
        return None if unknown else True

    return test


def _any(findings: tuple[str, ...], parts: tuple[Test, ...]) -> Test:
    """Kleene or of the listed findings and the other parts (findings read first)."""

    def test(evidence: Evidence, case: Case) -> Truth:
        get = evidence.status.get
        unknown = False
        for finding in findings:
            status = get(finding)
            if status == "present":
                return True
            unknown = unknown or status != "absent"
        for part in parts:
            value = part(evidence, case)
            if value is True:
                return True
            unknown = unknown or value is None
        return None if unknown else False

    return test


def _branches(items: list[Any]) -> tuple[tuple[str, ...], tuple[Test, ...]]:
    """The plain findings of an and/or, and its other items compiled."""
    findings = tuple(item for item in items if isinstance(item, str))
    return findings, tuple(compile_condition(item) for item in items if not isinstance(item, str))


def _onsets_over(items: list[str], days: int) -> Test:
    def test(evidence: Evidence, case: Case) -> Truth:
        present = [f for f in items if evidence.get(f) == "present"]
        if not present:
            return False
        onsets = [case.onset_days.get(f) for f in present]
        if any(d is None for d in onsets):
            return None
        return all(d is not None and d > days for d in onsets)

    return test


def _onsets_within(items: list[str], days: int) -> Test:
    def test(evidence: Evidence, case: Case) -> Truth:
        onsets = [case.onset_days.get(f) for f in items if evidence.get(f) == "present"]
        if any(d is not None and d <= days for d in onsets):
            return True
        return None if any(d is None for d in onsets) else False

    return test


def _procedure_within(evidence: Evidence, case: Case, days: int) -> Truth:
    if any(p.days_ago is not None and p.days_ago <= days for p in case.procedures):
        return True
    undated = any(p.days_ago is None for p in case.procedures) or (
        not case.procedures and evidence.get("recent_spinal_procedure") == "present"
    )
    return None if undated else False


def _fact(op: str, arg: Any) -> Test:
    """An operator on the case's facts rather than on findings."""
    if op == "mentioned":  # a red-flag mention in these groups that the intake could not resolve
        return lambda evidence, case: any(m.group in arg for m in case.to_confirm)
    if op == "procedure_within":  # a spinal procedure done at most n days ago (None if one is present but undated)
        return lambda evidence, case: _procedure_within(evidence, case, arg)
    if op == "pain_in":  # the body map: pain marked in one of these regions (None while no pain region is marked)
        return lambda evidence, case: None if not case.pain_regions else any(m.region in arg for m in case.pain_regions)
    if op == "age_at_least":
        return lambda evidence, case: _known(case.age, case.age is not None and case.age >= arg)
    if op == "duration_at_least":
        return lambda evidence, case: _known(
            case.duration_days, case.duration_days is not None and case.duration_days >= arg
        )
    if op == "duration_under":
        return lambda evidence, case: _known(
            case.duration_days, case.duration_days is not None and case.duration_days < arg
        )
    if op == "pain_at_least":
        return lambda evidence, case: _known(case.pain_score, case.pain_score is not None and case.pain_score >= arg)
    if op == "course":
        return lambda evidence, case: None if case.course == "unknown" else case.course == arg
    if op == "trigger":  # what set the pain off, as the note or the person tells it
        return lambda evidence, case: None if case.trigger == "unknown" else case.trigger == arg
    raise ValueError(f"unknown condition operator {op!r}")


def compile_condition(when: Any) -> Test:
    """A condition tree as a function of (evidence, case); unknown findings and missing facts give None, never
    False. ValueError for a malformed tree."""
    if isinstance(when, str):
        return _finding(when)
    (op, arg), *rest = when.items()
    if rest:
        raise ValueError(f"condition must have one operator, got {sorted(when)}")
    if op == "all":
        return _all(*_branches(arg))
    if op == "any":
        return _any(*_branches(arg))
    if op == "not":
        inner = compile_condition(arg)
        return lambda evidence, case: k_not(inner(evidence, case))
    if op == "unasked":  # true while any listed item is unknown or unsure: keeps self-care from resting on gaps
        return lambda evidence, case: any(evidence.get(f) in UNASSESSED for f in arg)
    if op == "unsure":  # true when any listed item was asked and the person is not sure
        return lambda evidence, case: any(evidence.get(f) == "unsure" for f in arg)
    if op == "reported":  # true only when the finding is known present: a rule about what was told, never a question
        return lambda evidence, case: evidence.get(arg) == "present"
    if op == "unless":  # an exclusion: blocks only when known to hold, so an unasked item never lowers urgency
        blocker = compile_condition(arg)
        return lambda evidence, case: blocker(evidence, case) is not True
    if op == "onsets_over":  # every present item began more than n days ago (None if a present item has no onset)
        items, days = arg
        return _onsets_over(items, days)
    if op == "onsets_within":  # a present item began at most n days ago (None while a present item has no onset)
        items, days = arg
        return _onsets_within(items, days)
    return _fact(op, arg)


_COMPILED: dict[int, tuple[Any, Test, tuple[str, ...]]] = {}
COMPILED_LIMIT = 4096
"""Trees kept compiled (the knowledge base has a few hundred); past this the store starts again."""


def _asked(when: Any) -> tuple[str, ...]:
    """The finding ids under the tree's and/or/not branches, in order (repeats kept): those an interview can ask."""
    if isinstance(when, str):
        return (when,)
    found: list[str] = []
    for op, arg in when.items():
        if op in ("all", "any"):
            for item in arg:
                found += _asked(item)
        elif op == "not":
            found += _asked(arg)
    return tuple(found)


def _entry(when: Any) -> tuple[Any, Test, tuple[str, ...]]:
    hit = _COMPILED.get(id(when))
    if hit is not None and hit[0] is when:
        return hit
    if len(_COMPILED) >= COMPILED_LIMIT:
        _COMPILED.clear()
    hit = _COMPILED[id(when)] = (when, source_test(when, compile_condition), _asked(when))
    return hit


def compiled(when: Any) -> tuple[Test, tuple[str, ...]]:
    """A condition tree's test and the finding ids under its and/or/not branches, for a caller that keeps them."""
    return _entry(when)[1:]


def evaluate(when: Any, evidence: Evidence, case: Case) -> Truth:
    """Evaluate a condition tree; unknown findings and missing facts give None, never False."""
    return _entry(when)[1](evidence, case)


def unknown_findings(when: Any, evidence: Evidence) -> list[str]:
    """Finding ids in a condition tree that nobody has assessed (not asked, or asked and unsure)."""
    status = evidence.status
    return [f for f in _entry(when)[2] if status.get(f, "unknown") in UNASSESSED]
