"""Readings met in the tenth round of blind material (7 Dec 2026: user-style notes, published cases and sentences):
each a general pattern, tested on words of our own."""

from __future__ import annotations

import pytest

from nerveroot.assessment.assess import assess
from nerveroot.assessment.evidence import derive_evidence
from nerveroot.intake import parse_note
from nerveroot.knowledge.base import KnowledgeBase


def _status(kb: KnowledgeBase, note: str, finding: str) -> set[str]:
    return {f.status for f in parse_note(note, kb).findings if f.id == finding}


@pytest.mark.parametrize(
    ("note", "finding", "status"),
    [
        ("Obs fine. PU/BO N.", "bladder_dysfunction", "absent"),
        ("Obs fine. PU/BO N.", "bowel_dysfunction", "absent"),
        ("O/E: gait N, heel/toe walk ok", "gait_disturbance", "absent"),
        ("no fever/ca hx", "cancer_history", "absent"),
        ("PMH: ca hx (bowel 2019)", "cancer_history", "present"),
        ("T12 fracture, ASIA A", "unable_to_walk", "present"),
        ("paraplegic with bladder and bowel involvement", "bowel_dysfunction", "present"),
        ("no bladder or bowel involvement", "bladder_dysfunction", "absent"),
        ("the ache stops her sleeping", "night_pain", "present"),
        ("tingling in his balls since Sunday", "saddle_anaesthesia", "present"),
        ("numb in the groin and inner thighs", "saddle_anaesthesia", "present"),
        ("midthoracic pain for a week", "thoracic_pain", "present"),
        ("admitted last month with urosepsis", "recent_infection", "present"),
        ("on adjuvant chemotherapy for breast cancer", "cancer_history", "present"),
        ("gradually progressive loss of motor function in both legs", "progressive_weakness", "present"),
        ("L foot cyanosed and cold", "cold_or_pulseless_leg", "present"),
        ("popliteal pulse present, no pulses below the knee", "cold_or_pulseless_leg", "present"),
        ("coldness and tingling of the left leg since this morning", "cold_or_pulseless_leg", "present"),
        ("her foot feels cold and numb", "cold_or_pulseless_leg", "present"),
        ("takes blood thinners", "anticoagulant_use", "present"),
        ("going downstairs my knee felt wobbly", "knee_locking_or_giving_way", "present"),
        ("tripped on the kerb yesterday and landed on her hip", "minor_trauma", "present"),
        ("keeps tripping on the stairs", "weak_ankle_dorsiflexion", "present"),
        ("since Monday my privates feel numb, weeing is fine", "saddle_anaesthesia", "present"),
        ("tingling groin + inner thighs since this morning", "saddle_anaesthesia", "present"),
        ("sciatica shooting down both lower legs", "bilateral_leg_symptoms", "present"),
        ("sciatica shooting down both lower legs", "pain_below_knee", "present"),
        ("pain radiating into her right lower leg", "pain_below_knee", "present"),
        ("SLR neg, L AJ down", "achilles_reflex_reduced", "present"),
        ("my bladder and bowels arent working right", "bladder_dysfunction", "present"),
        ("marked impairment of bladder function", "bladder_dysfunction", "present"),
        ("numbness spreading round my bottom for a week", "saddle_anaesthesia", "present"),
        ("injured after a tackle at football", "minor_trauma", "present"),
        ("post HZ lesion on the left thigh", "rash", "present"),
        ("her leg strength keeps going downhill", "progressive_weakness", "present"),
        ("progressive back pain, numbness and right leg weakness over a month", "progressive_weakness", "present"),
        ("inability to flex the hip and walk", "unable_to_walk", "present"),
        ("fit and well, ive had fevers all week", "fever", "present"),
        ("Everything else fine - wee, poo, no fever.", "bladder_dysfunction", "absent"),
        ("Everything else fine - wee, poo, no fever.", "bowel_dysfunction", "absent"),
        ("All else normal: waterworks.", "bladder_dysfunction", "absent"),
        ("since the op on Monday I've had a temp", "fever", "present"),
        ("my back where the needle went in is swollen and sore", "back_pain", "present"),
    ],
)
def test_outside_wordings_are_read(kb: KnowledgeBase, note: str, finding: str, status: str) -> None:
    assert status in _status(kb, note, finding)


@pytest.mark.parametrize(
    ("note", "finding"),
    [
        ("no pulses below the knee", "pain_below_knee"),  # pulses, not pain, are missing below the knee
        ("her thigh looks thinner than the other", "anticoagulant_use"),
        ("unable to run or walk without pain since the race", "unable_to_walk"),
    ],
)
def test_wordings_that_do_not_say_the_finding(kb: KnowledgeBase, note: str, finding: str) -> None:
    assert not _status(kb, note, finding)


@pytest.mark.parametrize(
    "note",
    [
        "Plan: ibuprofen, heat, leaflet incl CES signs.",
        "Plan: physio/falls referral. BP check at review.",
        "The quads look thinner on the left.",
        "HPC: woke with it, worse sitting.",
        "RF screen: B+B NAD, saddle sens N, sexual fn N, no fever.",
        "Plan: graded activity, work modification (stool breaks).",
        "Abdo/groin NAD, no hernia.",
    ],
)
def test_plans_screens_and_comparisons_are_not_red_flags_to_confirm(kb: KnowledgeBase, note: str) -> None:
    assert parse_note(note, kb).to_confirm == []


def test_light_touch_written_first_is_not_the_left_side(kb: KnowledgeBase) -> None:
    """'LT reduced medial shin R' is light touch on the right shin, not a left-sided finding (which made a one-sided
    radiculopathy bilateral and an emergency)."""
    parsed = parse_note("KJ R 1+, L 2+. LT reduced medial shin R.", kb)
    sides = {f.side for f in parsed.findings if f.id == "sensory:medial_leg"}
    assert sides == {"right"}
    assert not {f.status for f in parsed.findings if f.id == "bilateral_leg_symptoms"} & {"present"}


def test_a_sentence_that_traces_a_course_takes_the_symptom_of_the_sentence_before(kb: KnowledgeBase) -> None:
    parsed = parse_note(
        "I have had pain in my left leg for weeks. It starts in my hip and goes down the front of my thigh.", kb
    )
    assert "pain:anterior_thigh" in {f.id for f in parsed.findings if f.status == "present"}
    parsed = parse_note("Hip screen normal. The knee goes into valgus on squat.", kb)
    assert not [f for f in parsed.findings if f.id.startswith("pain:")]


@pytest.mark.parametrize(
    ("note", "rule"),
    [
        # a leg that turns numb abruptly from 50 without a trigger or dermatomal pain (limb ischaemia, haematoma)
        ("81M. Sudden onset pain and numbness of the left lower limb an hour ago.", "sudden_numb_leg_older"),
        # abrupt leg pain without a trigger on an anticoagulant (spinal haematoma; embolism in AF)
        ("70F on apixaban for AF. Sharp onset R leg pain this morning at rest.", "haematoma_suspected"),
        # raised markers with a deficit, without fever or a known risk
        ("45M. LBP 3/12, legs getting weaker over weeks. Apyrexial. CRP 140.", "raised_markers_with_deficit"),
    ],
)
def test_new_emergency_rules(kb: KnowledgeBase, note: str, rule: str) -> None:
    result = assess(parse_note(note, kb).case, kb)
    assert result.triage.level == "emergency"
    assert rule in {r.rule for r in result.triage.reasons}


@pytest.mark.parametrize(
    "note",
    [
        "81M. Sudden onset pain and numbness of the left lower limb after lifting a box.",
        "35M. Sudden onset pain and numbness of the left lower limb an hour ago.",
        "70M. Sudden pain and numbness down the back of the leg to the foot, SLR 30 L.",
    ],
)
def test_sudden_numb_leg_rule_spares_triggers_youth_and_sciatica(kb: KnowledgeBase, note: str) -> None:
    result = assess(parse_note(note, kb).case, kb)
    assert "sudden_numb_leg_older" not in {r.rule for r in result.triage.reasons}


def test_lifting_an_object_is_a_trigger_without_an_onset_word(kb: KnowledgeBase) -> None:
    """'Sudden severe LBP yesterday lifting shopping' has a mechanism, so the aortic rule for sudden pain without
    one stays silent while the fragility-fracture rule still asks for prompt imaging."""
    note = "74F on long-term prednisolone. Sudden severe LBP yesterday lifting a suitcase. Tender L2."
    rules = {r.rule for r in assess(parse_note(note, kb).case, kb).triage.reasons}
    assert "sudden_pain_older_no_injury" not in rules and "fracture_suspected" in rules


def test_leg_pain_and_tingling_on_walking_is_neurogenic_claudication(kb: KnowledgeBase) -> None:
    note = "63M. Bilat leg ache & numbness on walking 200 yards, eased by sitting. 2 years. Foot pulses present."
    result = assess(parse_note(note, kb).case, kb)
    assert derive_evidence(parse_note(note, kb).case).get("neurogenic_claudication") == "present"
    assert result.triage.level == "urgent"


def test_n_after_a_region_or_a_leg_is_normal(kb: KnowledgeBase) -> None:
    parsed = parse_note("L foot drop. LT reduced dorsum foot L, sole N. R leg N.", kb)
    assert "sole" not in {f.id.split(":")[-1] for f in parsed.findings if f.status == "present"}
    assert parsed.case.sides == ["left"]


@pytest.mark.parametrize(
    ("note", "finding"),
    [
        ('Legs "really heavy" since yesterday.', "bilateral_leg_symptoms"),
        ('Says she "can\'t feel her bottom" when she wipes.', "saddle_anaesthesia"),
        ('c/o "pins and needles" down the R leg', "paresthesia"),
    ],
)
def test_quoted_patient_words_are_read(kb: KnowledgeBase, note: str, finding: str) -> None:
    parsed = parse_note(note, kb)
    assert "present" in _status(kb, note, finding) or any(u.group for u in parsed.to_confirm)


def test_a_quote_does_not_hide_a_red_flag_from_the_safety_net(kb: KnowledgeBase) -> None:
    assert parse_note('Legs "a bit heavy" on the stairs.', kb).to_confirm


def test_a_relative_who_started_with_symptoms_is_the_patient(kb: KnowledgeBase) -> None:
    assert "present" in _status(kb, "mum started with fevers and back pain on Monday", "fever")
    assert "present" not in _status(kb, "FHx: mum had bowel cancer", "cancer_history")
    assert parse_note("FHx: mum had bowel cancer", kb).to_confirm == []


def test_a_history_ends_where_the_presentation_begins(kb: KnowledgeBase) -> None:
    note = "An 80-year-old with a history of gout and angina sought care for mid-thoracic back pain."
    assert "present" in _status(kb, note, "thoracic_pain")


def test_a_relatives_age_opening_a_message_is_read(kb: KnowledgeBase) -> None:
    parsed = parse_note("Dad is 81, slipped on the stairs this morning, now bad low back pain.", kb)
    assert parsed.case.age == 81
    result = assess(parsed.case, kb)
    assert "trauma_older_adult" in {r.rule for r in result.triage.reasons}


def test_fever_after_a_spinal_injection_is_an_emergency(kb: KnowledgeBase) -> None:
    note = "Had a nerve root injection last Tuesday, since yesterday I've had a temp and my back is really sore."
    assert assess(parse_note(note, kb).case, kb).triage.level == "emergency"


def test_a_relative_named_as_the_speaker_is_not_family_history(kb: KnowledgeBase) -> None:
    note = 'Caller: wife, for husband 70M. Wife: foot "gone pale and cold", came on suddenly tonight, numb toes.'
    assert "present" in _status(kb, note, "cold_or_pulseless_leg")
    assert "present" not in _status(kb, "Mother: bowel cancer at 60", "cancer_history")


def test_a_severe_deficit_in_an_improving_episode_of_weeks_is_not_new(kb: KnowledgeBase) -> None:
    note = "46F. R knee ext 3/5 since her operation 4 weeks ago, slowly improving. No back pain. B+B N."
    rules = {r.rule for r in assess(parse_note(note, kb).case, kb).triage.reasons}
    assert "severe_motor_deficit" not in rules and "severe_motor_deficit_days_old" in rules


def test_hip_or_groin_pain_after_a_fall_from_65_is_an_emergency(kb: KnowledgeBase) -> None:
    fall = assess(parse_note("79M tripped on the step yesterday, now groin pain and limping.", kb).case, kb)
    assert "hip_fracture_after_fall" in {r.rule for r in fall.triage.reasons}
    old = assess(parse_note("79M, groin pain on walking for a year, no injury.", kb).case, kb)
    assert "hip_fracture_after_fall" not in {r.rule for r in old.triage.reasons}
