"""Triage rules and intake readings added for the clinical core (issue 10): each test would fail without its fix."""

from __future__ import annotations

from typing import Any

from nerveroot.assessment.assess import assess
from nerveroot.assessment.case import Case
from nerveroot.intake import parse_note
from nerveroot.knowledge.base import KnowledgeBase


def _note(kb: KnowledgeBase, text: str) -> tuple[Case, str, set[str]]:
    case = parse_note(text, kb).case
    result = assess(case, kb)
    return case, result.triage.level, {r.rule for r in result.triage.reasons}


def _case(kb: KnowledgeBase, **fields: Any) -> tuple[str, set[str]]:
    result = assess(Case.model_validate(fields), kb)
    return result.triage.level, {r.rule for r in result.triage.reasons}


def test_a_sign_found_in_both_legs_is_not_two_legged_sciatica(kb: KnowledgeBase) -> None:
    for text in (
        "68 year old woman, acute low back pain after gardening. Knee reflexes absent in both legs.",
        "LBP 2/7. Power 5/5 both legs, sensation normal.",
    ):
        case, level, rules = _note(kb, text)
        assert len(set(case.sides)) < 2, text
        assert "ces_bilateral_sciatica" not in rules, text
        assert not [m for m in case.to_confirm if m.group == "cauda_equina"], text
    for text in (
        "Back pain with shooting pain down both legs for 3 days. Reflexes normal.",
        "Fell yesterday. Power 4/5 in both legs.",  # a deficit in both legs still counts
    ):
        case, level, rules = _note(kb, text)
        assert set(case.sides) == {"left", "right"}, text
        assert level == "emergency", text


def test_pain_with_a_pulsatile_mass_or_known_aneurysm_is_an_emergency(kb: KnowledgeBase) -> None:
    level, rules = _case(kb, age=58, red_flags={"aortic_aneurysm_sign": "present"}, symptoms={"back_pain": "present"})
    assert level == "emergency" and "aortic_aneurysm_with_pain" in rules
    level, rules = _case(kb, age=58, red_flags={"aortic_aneurysm_sign": "absent"}, symptoms={"back_pain": "present"})
    assert "aortic_aneurysm_with_pain" not in rules
    note = "66M, two weeks of dull lower back ache, BP 135/80. Abdomen: pulsatile mass above the umbilicus."
    _, level, rules = _note(kb, note)
    assert level == "emergency" and "aortic_aneurysm_with_pain" in rules


def test_a_couple_of_days_without_the_article_is_a_duration(kb: KnowledgeBase) -> None:
    for text, days in (
        ("over the last couple of days my lower back has been aching", 2),
        ("sciatica down the right leg for several days", 3),
    ):
        case, _, _ = _note(kb, text)
        assert case.duration_days == days, text


def test_sudden_pain_from_sixty_without_a_mechanism_is_an_emergency(kb: KnowledgeBase) -> None:
    level, rules = _case(kb, age=68, onset="sudden", pain_score=9, symptoms={"back_pain": "present"})
    assert level == "emergency" and "sudden_pain_older_no_injury" in rules
    others: list[dict[str, Any]] = [{"trigger": "lifting"}, {"age": 45}, {"duration_days": 30}, {"pain_score": 5}]
    for other in [*others, {"history": {"minor_trauma": "present"}}]:
        fields: dict[str, Any] = {"age": 68, "onset": "sudden", "pain_score": 9, "symptoms": {"back_pain": "present"}}
        fields |= other
        assert "sudden_pain_older_no_injury" not in _case(kb, **fields)[1], other
    note = "I'm a 70 year old man and this morning a severe pain in my left groin came on suddenly, 9/10."
    _, level, rules = _note(kb, note)
    assert "sudden_pain_older_no_injury" in rules


def test_sudden_sciatica_from_sixty_is_explained_by_the_root(kb: KnowledgeBase) -> None:
    """Sudden pain below the knee, a named root or a positive tension test is sciatica, not a vascular alarm."""
    base: dict[str, Any] = {"age": 67, "onset": "sudden", "symptoms": {"back_pain": "present"}}
    for extra in (
        {"pain_regions": [{"region": "lateral_leg", "side": "left"}]},
        {"provocative": [{"test": "slr", "side": "left", "result": "positive"}]},
    ):
        assert "sudden_pain_older_no_injury" not in _case(kb, **base, **extra)[1], extra
    note = "71F, sudden onset L sciatica 3/7, pain to lateral calf and big toe, SLR 35 L, no B/B sx"
    _, level, rules = _note(kb, note)
    assert "sudden_pain_older_no_injury" not in rules and level != "emergency"


def test_fever_with_raised_markers_is_an_emergency_without_a_risk_factor(kb: KnowledgeBase) -> None:
    level, rules = _case(kb, age=30, red_flags={"fever": "present", "raised_inflammatory_markers": "present"})
    assert level == "emergency" and "fever_with_raised_markers" in rules
    level, rules = _case(kb, age=30, red_flags={"fever": "present", "raised_inflammatory_markers": "absent"})
    assert level == "urgent" and "fever_with_raised_markers" not in rules


def test_markers_named_together_or_in_shorthand_are_read(kb: KnowledgeBase) -> None:
    for text in ("Her ESR and CRP were both raised.", "CRP ++ on admission bloods.", "the doctor said my crp was high"):
        case, _, _ = _note(kb, text)
        assert case.red_flags.get("raised_inflammatory_markers") == "present", text
    case, _, _ = _note(kb, "ESR and CRP normal.")
    assert case.red_flags.get("raised_inflammatory_markers") == "absent"


def test_the_intake_and_the_engine_share_the_marker_limits(kb: KnowledgeBase) -> None:
    from nerveroot.assessment import evidence
    from nerveroot.intake.values import measures

    limits = {name: spec["upper"] for name, spec in measures().items() if "upper" in spec}
    engine = {"crp_mg_l": evidence.CRP_RAISED, "esr_mm_h": evidence.ESR_RAISED, "wbc_10e9_l": evidence.WBC_RAISED}
    assert limits == engine
    case, _, _ = _note(kb, "Back pain for a week. ESR 26.")
    assert case.red_flags.get("raised_inflammatory_markers") == "present"


def test_doubt_about_a_cauda_equina_item_is_unsure_and_never_routine(kb: KnowledgeBase) -> None:
    for text, item in (
        ("Right sciatica for 10 days. I'm not sure whether my waterworks are normal.", "bladder_dysfunction"),
        ("pain down my right leg, and I don't know if my bottom feels numb or not", "saddle_anaesthesia"),
    ):
        case, level, rules = _note(kb, text)
        assert case.red_flags.get(item) == "unsure", text
        assert level in ("urgent", "emergency") and "ces_answer_unsure" in rules, text
    case, level, _ = _note(kb, "Left sciatica. If you notice any bladder change, go to A&E.")
    assert "bladder_dysfunction" not in case.red_flags  # safety-netting advice is not doubt


def test_a_knee_that_will_not_straighten_is_knee_extension_weakness(kb: KnowledgeBase) -> None:
    case, level, _ = _note(kb, "Since yesterday my right knee just won't straighten properly when I walk.")
    assert [(t.movement, t.side) for t in case.strength] == [("knee_extension", "right")]
    assert level in ("urgent", "emergency")


def test_a_motor_sign_with_no_side_still_counts_as_weakness(kb: KnowledgeBase) -> None:
    for text, rule in (
        ("Past history of prostate cancer. Back pain for a week. Foot drop on examination.", "cancer_with_deficit"),
        ("Temp 38.9. Low back pain. Tib ant 3/5.", "infection_fever_with_deficit"),
    ):
        case, level, rules = _note(kb, text)
        assert case.symptoms.get("weakness") == "present", text
        assert level == "emergency" and rule in rules, text


def test_unsure_about_the_other_leg_is_not_overruled_by_one_marked_leg(kb: KnowledgeBase) -> None:
    fields: dict[str, Any] = {"sides": ["right"], "symptoms": {"radiating_leg_pain": "present"}}
    level, rules = _case(kb, red_flags={"bilateral_leg_symptoms": "unsure"}, **fields)
    assert level == "urgent" and "ces_answer_unsure" in rules
    level, rules = _case(kb, red_flags={"bilateral_leg_symptoms": "absent"}, **fields)
    assert "ces_answer_unsure" not in rules
