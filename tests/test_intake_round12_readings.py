"""Readings met in the twelfth round (7 Dec 2026: notes typed as users type them and blind outside material): each a
general pattern, tested on words of our own."""

from __future__ import annotations

import pytest

from nerveroot.assessment.assess import assess
from nerveroot.intake import parse_note
from nerveroot.knowledge.base import KnowledgeBase
from readings import confirm, readings


def test_having_to_stand_still_is_relief_by_standing(kb: KnowledgeBase) -> None:
    note = "after 200 yards his calves seize up and he has to stop and stand still for a minute"
    assert ("present", None) in readings(kb, note, "calf_pain_relieved_by_standing_still")


def test_absent_foot_pulses_favour_arterial_claudication(kb: KnowledgeBase) -> None:
    note = "68M, calves ache walking uphill, has to stand still, then fine. Pedal pulses absent both feet."
    leading = max(assess(parse_note(note, kb).case, kb).differential, key=lambda d: d.probability)
    assert leading.id == "vascular_claudication"


@pytest.mark.parametrize("note", ["patella and achilles jerks absent on the left", "knee & Achilles reflexes absent L"])
def test_a_knee_reflex_named_before_achilles_is_read(kb: KnowledgeBase, note: str) -> None:
    assert ("present", "left") in readings(kb, note, "patellar_reflex_reduced")
    assert ("present", "left") in readings(kb, note, "achilles_reflex_reduced")


@pytest.mark.parametrize(
    "note",
    [
        "Red flag Qs: bladder, bowel, saddle and sexual function all normal.",
        "Screen: B+B ✓ saddle ✓",
        "Wee and poo fine, nothing numb down below.",
        "Bladder scan PV 35 ml.",
    ],
)
def test_a_normal_cauda_equina_screen_is_read_not_queried(kb: KnowledgeBase, note: str) -> None:
    assert "cauda_equina" not in confirm(kb, note)
    assert not any(f.status == "present" for f in parse_note(note, kb).findings if f.id == "bladder_dysfunction")


def test_each_item_of_a_shared_verdict_list_is_read(kb: KnowledgeBase) -> None:
    note = "Special Qs: bladder, bowel, saddle, sexual fn all documented normal."
    for fid in ("bladder_dysfunction", "bowel_dysfunction", "saddle_anaesthesia", "sexual_dysfunction"):
        assert ("absent", None) in readings(kb, note, fid)


def test_a_cross_after_a_checklist_item_denies_it(kb: KnowledgeBase) -> None:
    note = "Special Qs: wt loss ✗ night pain ✗ hx Ca ✗ fever ✗"
    for fid in ("night_pain", "cancer_history", "fever"):
        assert ("absent", None) in readings(kb, note, fid)


def test_standing_on_both_feet_is_an_ability_not_two_legged_symptoms(kb: KnowledgeBase) -> None:
    note = "She can walk on her heels on both feet, only the right calf tires on raises."
    assert "cauda_equina" not in confirm(kb, note)


def test_a_side_named_in_the_past_history_is_not_a_symptomatic_side(kb: KnowledgeBase) -> None:
    note = "PC: R sciatica 2/52, pain to R calf.\nPMH: L sciatica 2015 (resolved with physio), asthma."
    assert parse_note(note, kb).case.sides == ["right"]


def test_the_hip_rotation_abbreviation_with_its_result_is_read(kb: KnowledgeBase) -> None:
    assert ("present", "left") in readings(
        kb, "L hip: flex 100, IR 10° painful (groin)", "hip_internal_rotation_positive"
    )


def test_a_side_pair_header_above_the_rows_gives_each_grade_its_side(kb: KnowledgeBase) -> None:
    note = "Power   L | R\nhip flexion   4 | 5\nknee ext     4+ | 5\n"
    assert ("present", "left") in readings(kb, note, "weak_hip_flexion")
    assert ("absent", "right") in readings(kb, note, "weak_hip_flexion")
    assert ("present", "left") in readings(kb, note, "weak_knee_extension")


def _rules(kb: KnowledgeBase, note: str) -> set[str]:
    return {r.rule for r in assess(parse_note(note, kb).case, kb).triage.reasons}


def test_a_severe_weakness_days_old_and_not_worsening_is_urgent(kb: KnowledgeBase) -> None:
    note = "45M L sciatica 3/52. Can't get up on L toes for about 1/52, no change since. PF L 3/5. B/B normal."
    rules = _rules(kb, note)
    assert "severe_motor_deficit_days_old" in rules and "severe_motor_deficit" not in rules


@pytest.mark.parametrize(
    "note",
    [
        "45M L sciatica 3/52. Woke today with L foot drop, DF 1/5.",  # under two days old
        "45M L sciatica 3/52. L DF 2/5.",  # age of the weakness unknown
        "45M L sciatica 3/52. L foot drop for 5 days, getting worse since yesterday, DF 1/5.",  # worsening
    ],
)
def test_a_severe_weakness_new_unknown_or_worsening_stays_an_emergency(kb: KnowledgeBase, note: str) -> None:
    assert assess(parse_note(note, kb).case, kb).triage.level == "emergency"


def test_prolonged_kneeling_before_a_dropped_foot_favours_the_peroneal_nerve(kb: KnowledgeBase) -> None:
    note = "62M spent the whole weekend kneeling laying a floor, now a dropped foot on the left, no back pain."
    intake = parse_note(note, kb)
    assert ("present", None) in readings(kb, note, "fibular_pressure_risk")
    assert ("present", "left") in readings(kb, note, "foot_drop")
    plain = "62M now a dropped foot on the left, no back pain."
    peroneal = {d.id: d.probability for d in assess(intake.case, kb).differential}["common_peroneal_palsy"]
    without = {d.id: d.probability for d in assess(parse_note(plain, kb).case, kb).differential}[
        "common_peroneal_palsy"
    ]
    assert peroneal > 1.5 * without


def test_skin_that_hurts_to_touch_is_allodynia_and_needs_assessment(kb: KnowledgeBase) -> None:
    note = "70F 2 days burning band round L flank to thigh, can't bear her clothes touching it, no rash yet."
    assert ("present", None) in readings(kb, note, "allodynia")
    assert "mimic_needs_assessment" in _rules(kb, note)


def test_pregnancy_and_a_thigh_only_numb_patch_raise_meralgia(kb: KnowledgeBase) -> None:
    note = "30 weeks pregnant, numb burning patch on the outside of my left thigh for a week, nothing below the knee."
    ranked = [d.id for d in sorted(assess(parse_note(note, kb).case, kb).differential, key=lambda d: -d.probability)]
    assert "meralgia_paresthetica" in ranked[:2]


@pytest.mark.parametrize(
    "note",
    [
        "Consultant wants to do a nerve root block next month.",
        "Should I be pushing for a scan or an injection?",
    ],
)
def test_a_planned_or_asked_about_procedure_is_not_a_mention_toconfirm(kb: KnowledgeBase, note: str) -> None:
    assert "infection" not in confirm(kb, note)


def test_a_relative_calling_about_the_patient_keeps_the_patients_age(kb: KnowledgeBase) -> None:
    assert parse_note("Caller: son, re father 81M, back pain 2/7.", kb).case.age == 81


def test_a_general_claim_about_a_condition_is_not_a_finding(kb: KnowledgeBase) -> None:
    assert ("present", None) not in readings(kb, "my friend says sciatica can damage the nerves", "radiating_leg_pain")


def test_calf_pain_that_goes_on_standing_still_and_no_need_to_sit(kb: KnowledgeBase) -> None:
    note = "Cramp in the L calf after 200 yds, goes after a minute standing still. No need to sit down to ease it."
    assert ("present", None) in readings(kb, note, "calf_pain_relieved_by_standing_still")
    assert ("absent", None) in readings(kb, note, "pain_relieved_by_sitting_or_flexion")


def test_a_bleeding_disorder_with_groin_pain_and_a_new_femoral_deficit_is_a_possible_bleed(kb: KnowledgeBase) -> None:
    note = "19M with haemophilia B. 2 days severe R groin pain after football, hip held flexed, knee ext 3/5 R."
    assert ("present", None) in readings(kb, note, "bleeding_disorder")
    assert "haematoma_suspected" in _rules(kb, note)


def test_walking_pain_with_no_relief_told_is_claudication_not_neurogenic(kb: KnowledgeBase) -> None:
    generic = "70M calves ache after walking 100 yards."
    assert ("present", None) in readings(kb, generic, "exertional_leg_pain")
    assert not readings(kb, generic, "neurogenic_claudication")
    stenotic = "70M legs ache and go heavy after walking 5 mins, has to sit down to ease it."
    evidence_ranked = sorted(assess(parse_note(stenotic, kb).case, kb).differential, key=lambda d: -d.probability)
    assert evidence_ranked[0].id == "lumbar_spinal_stenosis"


def test_walking_pain_not_eased_by_stooping_with_weak_pulses_points_to_the_arteries(kb: KnowledgeBase) -> None:
    note = "66M R calf pain on walking, eases on resting, not relieved by bending forward. R foot pulses weak."
    assert ("absent", None) in readings(kb, note, "pain_relieved_by_sitting_or_flexion")
    ranked = [d.id for d in sorted(assess(parse_note(note, kb).case, kb).differential, key=lambda d: -d.probability)]
    assert ranked.index("vascular_claudication") < ranked.index("lumbar_spinal_stenosis")


@pytest.mark.parametrize(
    ("note", "finding"),
    [
        ("reduced pinprick over the left hemi-saddle", "saddle_anaesthesia"),
        ("it feels numb on the left side down below", "saddle_anaesthesia"),
        ("bad ache in my upper tummy and back since lunch", "abdominal_or_flank_pain"),
        (
            "pain in the right side of his back coming in waves into his groin and right testicle",
            "abdominal_or_flank_pain",
        ),
        ("he is struggling to pee", "bladder_dysfunction"),
        ("feverish with diarrhoea and vomiting last week", "recent_infection"),
        ("since the weekend he can't get his willy to work", "sexual_dysfunction"),
        ("known AAA 5.1 cm under surveillance", "aortic_aneurysm_sign"),
        ("the doctor said something was wrong with the big artery in his tummy", "aortic_aneurysm_sign"),
        ("my back and tummy have been hurting all week", "abdominal_or_flank_pain"),
        ("she has suddenly become very drowsy", "collapse_or_syncope"),
        ("sudden severe upper and lower back pain", "thoracic_pain"),
        ("some loss of feeling in the skin surrounding the back passage", "saddle_anaesthesia"),
        ("a bit of urgency to pee since Tuesday", "bladder_dysfunction"),
    ],
)
def test_twelfth_round_red_flag_wordings_are_read(kb: KnowledgeBase, note: str, finding: str) -> None:
    assert any(status == "present" for status, _ in readings(kb, note, finding))


def test_a_fever_elsewhere_last_month_is_not_read_from_last_month_alone(kb: KnowledgeBase) -> None:
    assert not readings(kb, "Back pain since last month, otherwise well.", "recent_infection")


@pytest.mark.parametrize(
    ("note", "drug"),
    [
        ("Rx etodolac 300 mg bd", "etodolac"),
        ("metamizole for the pain", "metamizole"),
        ("DH: tamsulosin", "tamsulosin"),
    ],
)
def test_more_medicines_are_named(kb: KnowledgeBase, note: str, drug: str) -> None:
    assert f"drug:{drug}" in {f.id for f in parse_note(note, kb).findings}


def test_a_subarachnoid_block_is_a_spinal_procedure(kb: KnowledgeBase) -> None:
    note = "Caesarean section under subarachnoid block yesterday; now both legs weak."
    assert ("present", None) in readings(kb, note, "recent_spinal_procedure")


def test_positive_sacroiliac_provocation_in_pregnancy_leads_to_the_joint(kb: KnowledgeBase) -> None:
    note = "29F, 32/40 pregnant, L buttock pain to back of thigh, nothing below knee, thigh thrust +ve L, SLR neg."
    assert ("present", "left") in readings(kb, note, "sij_provocation_positive")
    ranked = sorted(assess(parse_note(note, kb).case, kb).differential, key=lambda d: -d.probability)
    assert ranked[0].id == "sacroiliac_joint_pain"


def test_a_no_of_an_earlier_item_does_not_turn_a_positive_test_negative(kb: KnowledgeBase) -> None:
    note = "no pain below the knee, FNST +ve L"
    assert ("present", "left") in readings(kb, note, "femoral_stretch_positive")
    assert ("absent", None) in readings(kb, "no positive SLR", "slr_positive")


def test_an_older_person_unable_to_stand_after_a_fall_with_groin_pain_leads_to_a_hip_fracture(
    kb: KnowledgeBase,
) -> None:
    note = "84F fell in the kitchen yesterday, can't weight bear, R groin pain, osteoporosis. No numbness."
    result = assess(parse_note(note, kb).case, kb)
    assert result.triage.level == "emergency"
    assert max(result.differential, key=lambda d: d.probability).id == "hip_fracture"
    assert result.level_summary.leading == []  # a fracture's pain names no root


def test_the_imaging_follows_the_cause_not_the_generic_deficit_at_the_same_level(kb: KnowledgeBase) -> None:
    note = "81M fell 2 days ago, now can't walk, severe low back pain, on alendronic acid for osteoporosis."
    workup = assess(parse_note(note, kb).case, kb).workup
    assert workup.imaging_now and workup.imaging_rule.startswith("ACR 2021 variant 6")


def test_one_sided_sciatica_becoming_two_sided_in_shorthand_is_an_emergency(kb: KnowledgeBase) -> None:
    note = "48M, sciatica R 2 wks, now L leg numb too since this am, B&B ok, no saddle numbness"
    intake = parse_note(note, kb)
    assert not [f for f in intake.findings if f.id == "root_distribution"]  # "R 2 wks" is a side and a time
    assert "ces_bilateral_sciatica" in _rules(kb, note)


def test_a_denial_of_one_list_item_does_not_deny_the_onset_after_it(kb: KnowledgeBase) -> None:
    note = "L buttock pain to the foot 2/7, on rivaroxaban, no injury, came on suddenly at rest"
    assert parse_note(note, kb).case.onset == "sudden"
    assert "haematoma_suspected" in _rules(kb, note)
    assert parse_note("no sudden onset, gradual over weeks", kb).case.onset == "gradual"


def test_screening_and_side_effects_are_not_red_flags(kb: KnowledgeBase) -> None:
    assert not readings(kb, "never had AAA screening", "aortic_aneurysm_sign")
    assert not readings(kb, "pregabalin makes me drowsy", "collapse_or_syncope")
