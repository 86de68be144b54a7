"""A rule tree written as one function gives the closures' truth value for any answers, and refuses bad trees; every
rule written out in one function gives the rules that hold and those not known, as the closures do."""

from __future__ import annotations

import random
from typing import Any

import pytest

from nerveroot.assessment.case import Case
from nerveroot.assessment.evidence import Evidence
from nerveroot.assessment.logic import compile_condition
from nerveroot.assessment.logic_source import source_test, source_tests
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.loader import predicate_findings
from nerveroot.knowledge.models import TriageRule

STATUSES = ("present", "absent", "unknown", "unsure", None)


def _answers(findings: list[str], rng: random.Random) -> Evidence:
    drawn = {f: rng.choice(STATUSES) for f in findings}
    return Evidence(status={f: s for f, s in drawn.items() if s is not None})


def _mark(region: str, side: str | None) -> dict[str, str | None]:
    return {"region": region, "side": side}


def test_every_triage_rule_reads_as_its_closures_do(kb: KnowledgeBase) -> None:
    rng = random.Random(16)
    cases = [
        Case(),
        Case(age=70, duration_days=200, pain_score=9, course="worsening", pain_regions=[_mark("groin", None)]),
        Case(age=30, duration_days=3, trigger="lifting", pain_regions=[_mark("low_back", None)]),
        Case(age=50, to_confirm=[{"group": "cancer", "text": "a mass?"}], pain_regions=[_mark("calf", "left")]),
    ]
    for rule in kb.all("triage_rules", TriageRule):
        findings = sorted(set(predicate_findings(rule.when)))
        written, closures = source_test(rule.when, compile_condition), compile_condition(rule.when)
        for n in range(60):
            evidence, case = _answers(findings, rng), cases[n % len(cases)]
            assert written(evidence, case) is closures(evidence, case), (rule.id, evidence.status)


def test_every_triage_rule_in_one_function_reads_as_the_closures_do(kb: KnowledgeBase) -> None:
    rng = random.Random(17)
    rules = kb.all("triage_rules", TriageRule)
    findings = sorted({f for rule in rules for f in predicate_findings(rule.when)})
    closures = [compile_condition(rule.when) for rule in rules]
    outcomes = source_tests([rule.when for rule in rules], compile_condition)
    for n in range(200):
        evidence, case = _answers(findings, rng), Case(age=20 + n % 70, duration_days=n, pain_score=n % 11)
        truths = [closure(evidence, case) for closure in closures]
        held, unknown = outcomes(evidence, case)
        assert held == [at for at, truth in enumerate(truths) if truth is True]
        assert unknown == {at for at, truth in enumerate(truths) if truth is None}


@pytest.mark.parametrize(
    "when",
    [
        {"all": ["a", {"unless": {"any": ["b", {"not": "c"}]}}, {"reported": "d"}]},
        {"any": [{"all": ["a", "b"]}, {"not": {"unless": "c"}}, "d"]},
        "a",
        {"not": "a"},
    ],
)
def test_nested_branches_read_as_the_closures_do(when: Any) -> None:
    rng = random.Random(7)
    written, closures = source_test(when, compile_condition), compile_condition(when)
    for _ in range(200):
        evidence = _answers(["a", "b", "c", "d"], rng)
        assert written(evidence, Case()) is closures(evidence, Case())


@pytest.mark.parametrize("when", [{"all": ["a"], "any": ["b"]}, {"all": [{"sometimes": 1}]}])
def test_a_malformed_tree_is_refused(when: Any) -> None:
    with pytest.raises(ValueError):
        source_test(when, compile_condition)
