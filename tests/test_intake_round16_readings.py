"""Readings and rules met in the sixteenth round (7 Dec 2026): each general, tested on words of our own."""

from __future__ import annotations

import pytest

from nerveroot.assessment.assess import assess
from nerveroot.intake import parse_note
from nerveroot.knowledge.base import KnowledgeBase
from readings import readings


def _level(kb: KnowledgeBase, note: str) -> str:
    return assess(parse_note(note, kb).case, kb).triage.level


@pytest.mark.parametrize(
    "note",
    [
        "70M, LBP 2 months, not improving, worse at night.",
        "Back ache isn't getting better and it is worse at night.",
        "Pain not settling, night pain.",
    ],
)
def test_a_course_not_improving_does_not_deny_what_follows(kb: KnowledgeBase, note: str) -> None:
    assert ("present", None) in readings(kb, note, "night_pain")


def test_a_course_that_is_not_getting_better_is_not_improving(kb: KnowledgeBase) -> None:
    assert parse_note("The sciatica isn't getting better.", kb).case.course == "stable"
    assert parse_note("The sciatica is getting better.", kb).case.course == "improving"


@pytest.mark.parametrize(
    ("note", "current"),
    [
        ("Asthma worse with ibuprofen. L5 sciatica.", False),
        ("Can't take naproxen (indigestion). Sciatica.", False),
        ("Sciatica. Takes ibuprofen 400 mg tds.", True),
        ("Back pain worse with sitting, takes ibuprofen 400 mg tds.", True),
    ],
)
def test_a_drug_that_causes_a_reaction_is_not_a_current_drug(kb: KnowledgeBase, note: str, current: bool) -> None:
    drugs = parse_note(note, kb).case.drug_safety.current_drugs
    assert any(d in drugs for d in ("ibuprofen", "naproxen")) is current


@pytest.mark.parametrize(
    "note",
    [
        "Allergic to penicillin, on warfarin. Sudden back pain.",
        "Came off warfarin, now on rivaroxaban. LBP.",
        "Can't take NSAIDs, on apixaban. LBP.",
        "PMH: history of DVT, on warfarin.",
        "Past medical history included asthma on inhalers, atrial fibrillation on warfarin.",
        "70F (history of AVR and CABG, taking warfarin). Fell at home.",
    ],
)
def test_a_current_anticoagulant_after_a_stop_word_or_in_a_history_list(kb: KnowledgeBase, note: str) -> None:
    assert parse_note(note, kb).case.history.get("anticoagulant_use") == "present"


@pytest.mark.parametrize("note", ["Stopped taking warfarin last year. LBP.", "Previously on warfarin, stopped 2019."])
def test_a_stopped_drug_stays_stopped(kb: KnowledgeBase, note: str) -> None:
    assert parse_note(note, kb).case.history.get("anticoagulant_use") != "present"


@pytest.mark.parametrize("note", ["60F, T2DM. LBP 4 days. HR 112.", "60F, T2DM. LBP 4 days, tachycardic, afebrile."])
def test_infection_risk_with_a_fast_pulse_goes_the_same_day(kb: KnowledgeBase, note: str) -> None:
    assert _level(kb, note) == "emergency"


def test_infection_risk_with_a_normal_pulse_stays_urgent(kb: KnowledgeBase) -> None:
    assert _level(kb, "60F, T2DM. LBP 4 days. HR 84, afebrile.") == "urgent"
    assert ("absent", None) in readings(kb, "Not tachycardic.", "tachycardia")


@pytest.mark.parametrize(
    "note",
    [
        "On apixaban. Groin pain, hip held flexed.",
        "On warfarin. My hip hurts and I have to keep my leg bent up.",
        "Haemophilia A. Thigh pain, psoas sign positive.",
    ],
)
def test_hip_held_bent_on_an_anticoagulant_is_a_possible_iliopsoas_bleed(kb: KnowledgeBase, note: str) -> None:
    assert _level(kb, note) == "emergency"


def test_hip_flexion_strength_is_not_a_hip_held_bent(kb: KnowledgeBase) -> None:
    assert ("present", None) not in readings(kb, "On apixaban. Hip flexion 4/5 L, thigh pain.", "hip_held_flexed")


def test_a_paler_leg_is_a_pale_leg(kb: KnowledgeBase) -> None:
    note = "Suddenly my calf hurt on a walk; now my foot is paler and colder than the other one."
    assert ("present", None) in readings(kb, note, "cold_or_pulseless_leg")
    assert _level(kb, note) == "emergency"


def test_bilateral_leg_pain_on_walking_eased_by_sitting_is_claudication(kb: KnowledgeBase) -> None:
    note = "She is 82. Whenever she walks a few steps she gets pain down both legs; as soon as she sits it goes."
    assert ("present", None) in readings(kb, note, "exertional_leg_pain")
    assert ("present", None) in readings(kb, note, "pain_relieved_by_sitting_or_flexion")
    assert _level(kb, note) != "emergency"


def test_a_deficit_said_to_be_progressive(kb: KnowledgeBase) -> None:
    note = "The neurological deficit was progressive over the day."
    assert ("present", None) in readings(kb, note, "progressive_weakness")
    assert ("absent", None) in readings(kb, "Weakness is not progressive.", "progressive_weakness")


def test_a_leg_that_will_not_move(kb: KnowledgeBase) -> None:
    assert _level(kb, "Since this morning my right leg won't move at all.") == "emergency"
    assert ("present", None) not in readings(kb, "My leg won't move properly in the mornings.", "severe_motor_deficit")


def test_a_course_of_steroids_tried_for_the_pain_is_not_long_term_use(kb: KnowledgeBase) -> None:
    note = "LBP + L thigh pain 2/52, not settling w oral steroids/NSAIDs."
    assert parse_note(note, kb).case.history.get("long_term_steroids") != "present"
    assert parse_note("On long-term oral steroids for RA. LBP.", kb).case.history.get("long_term_steroids") == "present"


def test_pain_that_is_not_settling_is_not_improving(kb: KnowledgeBase) -> None:
    assert parse_note("Pain down my right leg for four months and it isn't settling.", kb).case.course == "stable"


@pytest.mark.parametrize(
    ("note", "finding"),
    [
        ("Pain in the thoracolumbar spine since Friday.", "thoracic_pain"),
        ("Difficulty passing urine and stool since yesterday.", "bowel_dysfunction"),
        ("Shingles rash healing; recent varicella-zoster virus infection.", "recent_infection"),
        ("The pain doesn't leave me day or night.", "night_pain"),
    ],
)
def test_red_flags_told_another_way(kb: KnowledgeBase, note: str, finding: str) -> None:
    assert ("present", None) in readings(kb, note, finding)


@pytest.mark.parametrize(
    ("note", "root"), [("Numb along the first sacral nerve.", "s1"), ("Fifth lumbar dermatome.", "l5")]
)
def test_a_root_named_in_words(kb: KnowledgeBase, note: str, root: str) -> None:
    assert root in {n.root for n in parse_note(note, kb).case.named_roots}
    assert not parse_note("Second sacral nerve.", kb).case.named_roots


def test_new_severe_worsening_back_pain_from_60_without_a_mechanism_is_examined_within_a_day(kb: KnowledgeBase) -> None:
    assert _level(kb, "71M. Severe low back pain for 5 days, getting worse, no injury.") == "urgent"
    assert _level(kb, "71M. Severe low back pain for 5 days after lifting a sofa, getting worse.") == "routine"
    assert _level(kb, "51M. Severe low back pain for 5 days, getting worse, no injury.") == "routine"


@pytest.mark.parametrize(
    "note", ["He's on tablets for blood pressure. LBP.", "Takes BP meds. Sciatica.", "On antihypertensives."]
)
def test_treatment_for_blood_pressure_is_hypertension(kb: KnowledgeBase, note: str) -> None:
    assert parse_note(note, kb).case.drug_safety.hypertension == "present"


@pytest.mark.parametrize(
    "note", ["2 yr history of hip pain with L foot drop.", "3 wk history of leg pain with foot drop."]
)
def test_a_history_of_n_units_is_the_present_episode(kb: KnowledgeBase, note: str) -> None:
    assert parse_note(note, kb).case.strength, "the foot drop is read as present, not as past history"


def test_pain_that_has_got_worse_is_a_worsening_course(kb: KnowledgeBase) -> None:
    assert parse_note("This week the pain has got a lot worse.", kb).case.course == "worsening"
    assert parse_note("The pain is worse at night.", kb).case.course != "worsening"


def test_with_after_a_comma_starts_a_new_finding(kb: KnowledgeBase) -> None:
    note = "Weakness of the legs, not in the arms, with inability to walk."
    assert ("present", None) in readings(kb, note, "unable_to_walk")
    assert ("absent", None) in readings(kb, "No fever, with no weight loss.", "unexplained_weight_loss")


def test_unable_to_leave_the_sofa_is_unable_to_walk(kb: KnowledgeBase) -> None:
    note = "She has been unable to move from the sofa since Sunday."
    assert ("present", None) in readings(kb, note, "unable_to_walk")


def test_neither_urine_nor_a_bowel_movement_passed(kb: KnowledgeBase) -> None:
    note = "He has not urinated or had a bowel movement since last night."
    assert ("present", None) in readings(kb, note, "bowel_dysfunction")
    assert ("present", None) in readings(kb, note, "bladder_dysfunction")


@pytest.mark.parametrize(
    ("note", "finding"),
    [
        ("Two days later she could no longer put her foot on the ground.", "unable_to_walk"),
        ("The leg was very painful and cold.", "cold_or_pulseless_leg"),
        ("Sensory loss from the S3 territory and below.", "saddle_anaesthesia"),
        ("Disturbance of urination/defecation since Monday.", "bowel_dysfunction"),
        ("Disturbance of urination/defecation since Monday.", "bladder_dysfunction"),
        ("Since spring my thighs feel heavy and tired when I walk.", "exertional_leg_pain"),
    ],
)
def test_findings_told_in_case_report_words(kb: KnowledgeBase, note: str, finding: str) -> None:
    assert ("present", None) in readings(kb, note, finding)


def test_a_side_that_names_the_spine_s_curve_is_not_a_leg(kb: KnowledgeBase) -> None:
    case = parse_note("R sciatica for 6 months. O/E L scoliosis, SLR + at 30 deg.", kb).case
    assert case.sides == ["right"]


def test_an_age_told_by_decade(kb: KnowledgeBase) -> None:
    assert parse_note("I'm in my late 20s, desk job.", kb).case.age == 28
    assert parse_note("My grandmother is in her 80s.", kb).case.age == 85
    assert parse_note("My mum had breast cancer in her 60s.", kb).case.age is None


def test_what_a_search_engine_suggested_is_not_a_history(kb: KnowledgeBase) -> None:
    case = parse_note("Numb thigh. Googled it and it says slipped disc or even a tumour.", kb).case
    assert case.history.get("cancer_history") != "present"


def test_a_condition_to_come_back_on_is_not_a_finding(kb: KnowledgeBase) -> None:
    note = "The doctor said come back for surgery when I can't walk."
    assert ("present", None) not in readings(kb, note, "unable_to_walk")


def test_a_start_named_by_season(kb: KnowledgeBase) -> None:
    from datetime import date

    assert parse_note("Leg pain since the summer.", kb, today=date(2026, 12, 7)).case.duration_days == 145


def test_sudden_leg_numbness_with_no_age_given_is_not_taken_as_young(kb: KnowledgeBase) -> None:
    assert _level(kb, "All of a sudden my right leg started hurting and went numb.") == "emergency"
    assert _level(kb, "25M, all of a sudden my right leg started hurting and went numb.") != "emergency"
