"""Compiled rule conditions keep the Kleene reading, whatever the order of their parts, and refuse bad trees."""

from __future__ import annotations

import itertools

import pytest

from nerveroot.assessment.case import Case
from nerveroot.assessment.evidence import Evidence
from nerveroot.assessment.logic import evaluate, k_and, k_or, unknown_findings

STATUS = {True: "present", False: "absent", None: "unknown"}


@pytest.mark.parametrize("values", list(itertools.product((True, False, None), repeat=3)))
def test_and_or_not_match_the_truth_tables_in_every_order(values: tuple[bool | None, ...]) -> None:
    evidence = Evidence(status={f"f{i}": STATUS[v] for i, v in enumerate(values)})
    parts = [f"f{i}" for i in range(len(values))]
    case = Case()
    assert evaluate({"all": parts}, evidence, case) is k_and(list(values))
    assert evaluate({"any": parts}, evidence, case) is k_or(list(values))
    either = k_or(list(values))
    assert evaluate({"not": {"any": parts}}, evidence, case) is (None if either is None else not either)


def test_an_unsure_answer_counts_as_not_assessed_and_is_listed() -> None:
    evidence = Evidence(status={"a": "unsure", "b": "absent", "c": "present"})
    when = {"all": ["c", {"any": ["a", "b"]}, {"not": "d"}, {"unless": "e"}]}
    assert evaluate({"all": ["c", {"any": ["a", "b"]}]}, evidence, Case()) is None
    assert unknown_findings(when, evidence) == ["a", "d"]


def test_the_same_tree_object_gives_fresh_answers_for_new_evidence() -> None:
    when = {"all": ["x", {"age_at_least": 50}]}
    assert evaluate(when, Evidence(status={"x": "present"}), Case(age=60)) is True
    assert evaluate(when, Evidence(status={"x": "present"}), Case(age=40)) is False
    assert evaluate(when, Evidence(status={"x": "present"}), Case()) is None


@pytest.mark.parametrize("when", [{"all": ["x"], "any": ["y"]}, {"sometimes": ["x"]}])
def test_a_malformed_tree_is_refused(when: dict[str, list[str]]) -> None:
    with pytest.raises(ValueError, match="operator"):
        evaluate(when, Evidence(status={}), Case())


def test_onsets_within_is_true_for_a_recent_item_and_unknown_while_one_is_undated() -> None:
    when = {"onsets_within": [["numbness", "weakness"], 14]}
    present = Evidence(status={"numbness": "present", "weakness": "present"})
    assert evaluate(when, present, Case(onset_days={"numbness": 3, "weakness": 90})) is True
    assert evaluate(when, present, Case(onset_days={"numbness": 30, "weakness": 90})) is False
    assert evaluate(when, present, Case(onset_days={"numbness": 30})) is None
    assert evaluate(when, Evidence(status={"numbness": "absent"}), Case()) is False
