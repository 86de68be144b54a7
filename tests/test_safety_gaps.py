"""Triage gaps found on the second published development set: each rule is tested on Cases (not on any
evaluation item's words) and each new red-flag wording on phrasings of our own."""

from __future__ import annotations

from typing import Any

import pytest

from nerveroot.assessment.assess import assess
from nerveroot.assessment.case import Case, Mention, Observations
from nerveroot.intake import parse_note
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.loader import default_knowledge


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return default_knowledge()


def _rules(case: Case, kb: KnowledgeBase) -> tuple[str, set[str]]:
    result = assess(case, kb)
    return result.triage.level, {r.rule for r in result.triage.reasons}


@pytest.mark.parametrize(
    ("deficit", "fires"),
    [
        ({"symptoms": {"numbness": "present"}, "onset_days": {"numbness": 5}}, True),
        ({"red_flags": {"bilateral_leg_symptoms": "present"}}, True),
        ({"symptoms": {"weakness": "present"}, "deficit_course": "stable", "duration_days": 120}, False),
        ({}, False),
    ],
)
def test_fever_with_a_new_deficit_is_an_emergency_without_a_risk_factor(
    deficit: dict[str, Any], fires: bool, kb: KnowledgeBase
) -> None:
    case = Case(observations=Observations(temperature_c=38.6), **{"symptoms": {"back_pain": "present"}} | deficit)
    level, rules = _rules(case, kb)
    assert ("infection_fever_with_deficit" in rules) is fires
    assert level == "emergency" if fires else level != "emergency"


@pytest.mark.parametrize(
    "trauma", [{"history": {"minor_trauma": "present"}}, {"red_flags": {"major_trauma": "present"}}]
)
def test_an_injury_followed_by_a_deficit_is_an_emergency(trauma: dict[str, Any], kb: KnowledgeBase) -> None:
    case = Case(age=30, symptoms={"back_pain": "present", "paresthesia": "present"}, **trauma)
    level, rules = _rules(case, kb)
    assert level == "emergency" and "trauma_with_deficit" in rules
    old = Case(age=30, duration_days=30, symptoms={"paresthesia": "present"}, **trauma)
    assert "trauma_with_deficit" not in _rules(old, kb)[1]


@pytest.mark.parametrize(("age", "days", "fires"), [(65, 1, True), (80, None, True), (64, 1, False), (70, 10, False)])
def test_a_fall_from_age_65_with_back_pain_is_assessed_the_same_day(
    age: int, days: int | None, fires: bool, kb: KnowledgeBase
) -> None:
    case = Case(age=age, duration_days=days, history={"minor_trauma": "present"}, symptoms={"back_pain": "present"})
    assert ("trauma_older_adult" in _rules(case, kb)[1]) is fires
    injured_months_ago = case.model_copy(update={"duration_days": None, "onset_days": {"minor_trauma": 150}})
    assert "trauma_older_adult" not in _rules(injured_months_ago, kb)[1]


@pytest.mark.parametrize(
    ("history", "fires"), [("osteoporosis", True), ("long_term_steroids", True), ("diabetes", False)]
)
def test_lifting_with_fragile_bone_raises_a_fracture(history: str, fires: bool, kb: KnowledgeBase) -> None:
    """CKS: minor trauma, or even strenuous lifting, in someone with osteoporosis or on steroids."""
    case = Case(trigger="lifting", history={history: "present"}, symptoms={"back_pain": "present"})
    assert ("fracture_suspected" in _rules(case, kb)[1]) is fires


def test_arteritis_is_not_a_limb_artery_word(kb: KnowledgeBase) -> None:
    assert "vascular" not in {m.group for m in parse_note("PMH: giant cell arteritis.", kb).to_confirm}


def test_new_tingling_on_an_anticoagulant_is_a_possible_bleed(kb: KnowledgeBase) -> None:
    case = Case(history={"anticoagulant_use": "present"}, symptoms={"paresthesia": "present"})
    level, rules = _rules(case, kb)
    assert level == "emergency" and "haematoma_suspected" in rules


def test_worsening_pain_in_someone_who_injects_drugs_is_an_emergency(kb: KnowledgeBase) -> None:
    level, rules = _rules(Case(course="worsening", history={"iv_drug_use": "present"}), kb)
    assert level == "emergency" and "infection_high_risk_back_pain" in rules
    assert "infection_high_risk_back_pain" not in _rules(Case(course="worsening"), kb)[1]


def test_an_unread_cauda_equina_mention_is_a_same_day_emergency(kb: KnowledgeBase) -> None:
    """GIRFT: any possible CES symptom is suspected CES; words that could not be read are not a 'no'."""
    case = Case(to_confirm=[Mention(group="cauda_equina", text="something odd down there")])
    level, rules = _rules(case, kb)
    assert level == "emergency" and "ces_mention_to_confirm" in rules
    other = Case(to_confirm=[Mention(group="cancer", text="a lump")])
    assert _rules(other, kb)[0] == "urgent"


@pytest.mark.parametrize(
    ("text", "key", "finding"),
    [
        ("I take IV drugs now and then.", "history", "iv_drug_use"),
        ("Lower back treated with facet joint injections.", "history", "recent_spinal_procedure"),
        ("Had a couple of cortisone jabs into my lower back.", "history", "recent_spinal_procedure"),
        ("She had injections into her back muscles last week.", "history", "recent_spinal_procedure"),
        ("Abdo: pulsatile epigastric mass.", "red_flags", "abdominal_or_flank_pain"),
        ("There's a throbbing feeling in my belly.", "red_flags", "abdominal_or_flank_pain"),
        ("BLE numbness since the weekend.", "red_flags", "bilateral_leg_symptoms"),
        ("BP 90/55 on arrival.", "red_flags", "hypotension"),
        ("Slipped, no head injury, and now unable to walk.", "red_flags", "unable_to_walk"),
        ("Fell 2-3 m onto concrete.", "red_flags", "major_trauma"),
        ("It aches right down low in my back.", "symptoms", "back_pain"),
        ("Mech fall 2/7 ago, now LBP.", "history", "minor_trauma"),
    ],
)
def test_red_flag_wordings_are_read(text: str, key: str, finding: str, kb: KnowledgeBase) -> None:
    case = parse_note(text, kb).case
    assert getattr(case, key).get(finding) == "present"


def test_a_one_sided_lower_limb_is_not_both_legs(kb: KnowledgeBase) -> None:
    intake = parse_note("L LL weakness, R leg normal.", kb)
    assert intake.case.red_flags.get("bilateral_leg_symptoms") != "present"
    assert "cauda_equina" not in {m.group for m in intake.to_confirm}


@pytest.mark.parametrize("text", ["Haemodynamically stable.", "Obs stable, apyrexial.", "HD stable."])
def test_stable_observations_are_not_a_stable_course(text: str, kb: KnowledgeBase) -> None:
    assert parse_note(f"Back pain 3 days. {text}", kb).case.course != "stable"


def test_systolic_90_is_low_as_the_rule_says(kb: KnowledgeBase) -> None:
    level, rules = _rules(parse_note("Back and flank pain. BP 90/60.", kb).case, kb)
    assert level == "emergency" and "shock_with_pain" in rules
