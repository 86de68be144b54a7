"""Acute bleeds, dissections and ischaemia found on the third published development set: each rule is tested on
Cases built here (not on any evaluation item's words), and the new skin-colour wording on phrasings of our own."""

from __future__ import annotations

from typing import Any

import pytest

from nerveroot.assessment.assess import assess
from nerveroot.assessment.case import Case, Procedure
from nerveroot.intake import parse_note
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.loader import default_knowledge


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return default_knowledge()


def _rules(case: Case, kb: KnowledgeBase) -> tuple[str, set[str]]:
    result = assess(case, kb)
    return result.triage.level, {r.rule for r in result.triage.reasons}


WEAK = {"symptoms": {"weakness": "present", "back_pain": "present"}}


@pytest.mark.parametrize(
    ("facts", "fires"),
    [
        ({"duration_days": 0}, True),  # weak within hours of onset, whatever the pain
        ({"duration_days": 3, "onset": "sudden", "pain_score": 9}, True),  # abrupt severe pain, then weakness
        ({"duration_days": 3, "onset": "sudden", "pain_score": 9, "trigger": "lifting"}, False),  # a disc mechanism
        ({"duration_days": 3, "onset": "sudden", "pain_score": 5}, False),  # sudden but not severe
        ({"duration_days": 3, "pain_score": 9}, False),  # onset not told: the rule does not wait on it
        ({"duration_days": 60, "onset": "sudden", "pain_score": 9, "onset_days": {"weakness": 50}}, False),
    ],
)
def test_weakness_within_hours_or_after_sudden_severe_pain_is_an_emergency(
    facts: dict[str, Any], fires: bool, kb: KnowledgeBase
) -> None:
    level, rules = _rules(Case(age=40, **WEAK | facts), kb)
    assert ("sudden_deficit_within_hours" in rules) is fires
    if fires:
        assert level == "emergency"


def test_numbness_alone_within_hours_does_not_fire_the_weakness_rule(kb: KnowledgeBase) -> None:
    case = Case(age=40, duration_days=0, symptoms={"numbness": "present", "back_pain": "present"})
    assert "sudden_deficit_within_hours" not in _rules(case, kb)[1]


@pytest.mark.parametrize(
    ("days_ago", "drug", "fires"),
    [
        (0, "antiplatelet_use", True),
        (5, "anticoagulant_use", True),
        (30, "antiplatelet_use", False),  # a month after the injection the pain is not a fresh bleed
        (0, None, False),  # no antithrombotic drug: left to the other rules
    ],
)
def test_new_pain_days_after_a_spinal_injection_on_an_antithrombotic_is_a_bleed(
    days_ago: int, drug: str | None, fires: bool, kb: KnowledgeBase
) -> None:
    history = {drug: "present"} if drug else {}
    case = Case(
        age=70,
        history=history,
        symptoms={"back_pain": "present"},
        procedures=[Procedure(kind="epidural_injection", days_ago=days_ago)],
    )
    level, rules = _rules(case, kb)
    assert ("haematoma_suspected" in rules) is fires
    if fires:
        assert level == "emergency"


def test_an_undated_procedure_on_an_antiplatelet_is_not_taken_for_one_done_this_week(kb: KnowledgeBase) -> None:
    case = Case(
        age=70,
        history={"antiplatelet_use": "present"},
        symptoms={"back_pain": "present"},
        procedures=[Procedure(kind="epidural_injection")],
    )
    level, rules = _rules(case, kb)
    assert "haematoma_suspected" not in rules and level != "self_care"


@pytest.mark.parametrize(
    "note",
    [
        "Sudden pain in the left calf this morning, the foot has gone a dusky purple colour.",
        "Abrupt R buttock pain yesterday with mottled skin over the buttock.",
        "my foot went a bluish colour and really hurts, started suddenly today",
    ],
)
def test_an_ischaemic_skin_colour_with_sudden_pain_is_acute_limb_ischaemia(note: str, kb: KnowledgeBase) -> None:
    case = parse_note(note, kb).case
    assert case.red_flags.get("cold_or_pulseless_leg") == "present"
    level, rules = _rules(case, kb)
    assert level == "emergency" and "acute_limb_ischaemia" in rules


@pytest.mark.parametrize(
    "note",
    [
        "Fell off a ladder, large bruise on the left thigh.",
        "Pain down the back of the left leg to the purple sock line.",
    ],
)
def test_a_bruise_or_a_stray_colour_word_is_not_an_ischaemic_sign(note: str, kb: KnowledgeBase) -> None:
    assert parse_note(note, kb).case.red_flags.get("cold_or_pulseless_leg") != "present"
