"""Tempo of a motor deficit in triage (issue 10): new or sudden weakness versus weakness stable for months."""

from __future__ import annotations

from typing import Any

from nerveroot.assessment.assess import assess
from nerveroot.assessment.case import Case
from nerveroot.intake import parse_note
from nerveroot.knowledge.base import KnowledgeBase


def _case(kb: KnowledgeBase, **fields: Any) -> tuple[str, set[str]]:
    result = assess(Case.model_validate(fields), kb)
    return result.triage.level, {r.rule for r in result.triage.reasons}


def test_weakness_that_began_days_ago_without_a_grade_is_urgent(kb: KnowledgeBase) -> None:
    level, rules = _case(kb, age=52, sides=["right"], symptoms={"weakness": "present"}, onset_days={"weakness": 3})
    assert level == "urgent" and "new_weakness_ungraded" in rules
    level, rules = _case(kb, age=52, onset="sudden", symptoms={"weakness": "present"})
    assert level == "urgent" and "new_weakness_ungraded" in rules


def test_ungraded_weakness_known_for_months_does_not_fire_the_new_weakness_rule(kb: KnowledgeBase) -> None:
    _, rules = _case(kb, age=52, duration_days=120, deficit_course="stable", symptoms={"weakness": "present"})
    assert "new_weakness_ungraded" not in rules


def test_grade_four_weakness_is_a_planned_review_unless_it_progresses(kb: KnowledgeBase) -> None:
    stable = {"movement": "great_toe_extension", "side": "left", "grade": 4}
    for onset in ({"weakness": 200}, {"weakness": 5}, {}):  # a muscle at 4/5 is planned review, new or old
        level, rules = _case(kb, strength=[stable], onset_days=onset)
        assert level == "routine" and "moderate_motor_deficit" in rules and "neurological_signs" not in rules, onset
    level, rules = _case(kb, strength=[stable], deficit_course="progressing")
    assert level == "emergency" and "progressive_deficit" in rules


def test_red_flags_recorded_as_not_documented_leave_the_screen_open(kb: KnowledgeBase) -> None:
    for text in ("61F, right calf ache on walking. Red flags: none documented.",):
        case = parse_note(text, kb).case
        assert case.status("bladder_dysfunction") != "absent", text
        assert assess(case, kb).triage.level != "self_care", text
    case = parse_note("61F, right calf ache on walking. Red flags: nil.", kb).case
    assert case.status("bladder_dysfunction") == "absent"  # a clinician's denial still counts


def test_common_abbreviations_of_a_cancer_count_as_a_cancer_history(kb: KnowledgeBase) -> None:
    for text in ("58M, known HCC, new weakness of the left leg this week.", "Prev NSCLC treated 2019. Back ache."):
        case = parse_note(text, kb).case
        assert case.status("cancer_history") == "present", text
    level = assess(parse_note("58M, known HCC, new weakness of the left leg this week.", kb).case, kb).triage.level
    assert level == "emergency"


def test_a_leg_cold_for_months_is_not_acute_limb_ischaemia_but_still_needs_vascular_review(kb: KnowledgeBase) -> None:
    cold = {"cold_or_pulseless_leg": "present"}
    _, rules = _case(
        kb, duration_days=90, red_flags=cold, symptoms={"numbness": "present"}, onset_days={"cold_or_pulseless_leg": 90}
    )
    assert "acute_limb_ischaemia" not in rules and "pulseless_leg" in rules
    # Months of sciatica do not date a leg that is cold now: it is acute until its own onset says otherwise.
    level, rules = _case(kb, duration_days=90, red_flags=cold, symptoms={"numbness": "present"})
    assert level == "emergency" and "acute_limb_ischaemia" in rules
    level, rules = _case(
        kb, duration_days=0, red_flags={"cold_or_pulseless_leg": "present"}, symptoms={"numbness": "present"}
    )
    assert level == "emergency" and "acute_limb_ischaemia" in rules


def test_walking_that_fails_only_at_times_is_not_a_constant_inability_to_walk(kb: KnowledgeBase) -> None:
    case = parse_note("Some days I can't walk far before the leg pain stops me; at times I can't walk at all.", kb).case
    assert case.status("unable_to_walk") != "present"
    case = parse_note("Since yesterday she cannot walk or stand.", kb).case
    assert case.status("unable_to_walk") == "present"


def test_weakness_described_as_developing_is_progressive(kb: KnowledgeBase) -> None:
    case = parse_note("Three days of right sciatica with developing ankle weakness.", kb).case
    assert case.status("progressive_weakness") == "present"


def test_buttock_pain_marked_on_the_body_map_counts_for_the_rules_that_name_buttock_or_hip_pain(
    kb: KnowledgeBase,
) -> None:
    marked = [{"region": "buttock", "side": "left"}]
    level, rules = _case(kb, pain_regions=marked, red_flags={"raised_inflammatory_markers": "present"})
    assert "raised_markers_with_pain" in rules and level == "urgent"
    _, rules = _case(kb, red_flags={"raised_inflammatory_markers": "present"})
    assert "raised_markers_with_pain" not in rules
