"""Readings met in the fourteenth round (7 Dec 2026): each a general pattern, tested on words of our own."""

from __future__ import annotations

from datetime import date

import pytest

from nerveroot.assessment.assess import assess
from nerveroot.intake import parse_note
from nerveroot.knowledge.base import KnowledgeBase
from readings import confirm, readings


@pytest.mark.parametrize(
    "note",
    [
        "Taking co-codamol. Counselled re side effects: constipation, drowsiness. L sciatica.",
        "SEs of amitriptyline discussed (dry mouth, constipation, urinary retention). R leg pain.",
        "S/E: constipation and nausea on codeine so stopped. Pain down the back of the L leg.",
        "BO - constipated (tramadol). R leg pain to the foot for 2/52.",
    ],
)
def test_a_medicines_side_effects_are_not_cauda_equina_symptoms(kb: KnowledgeBase, note: str) -> None:
    assert ("present", None) not in readings(kb, note, "bowel_dysfunction")
    assert ("present", None) not in readings(kb, note, "bladder_dysfunction")
    assert "cauda_equina" not in confirm(kb, note)
    assert assess(parse_note(note, kb).case, kb).triage.level != "emergency"


@pytest.mark.parametrize(
    "note",
    [
        "No side effects from the naproxen. New urinary retention since yesterday, L sciatica.",
        "Side effects of tramadol discussed. Since yesterday cannot pass urine and numb saddle.",
    ],
)
def test_side_effect_words_elsewhere_do_not_hide_retention(kb: KnowledgeBase, note: str) -> None:
    assert assess(parse_note(note, kb).case, kb).triage.level == "emergency"


def test_the_fever_of_a_past_illness_is_a_recent_infection_not_a_fever_now(kb: KnowledgeBase) -> None:
    note = "Feverish with D&V last week, now fine. L sciatica below the knee for 3/52."
    assert ("present", None) in readings(kb, note, "recent_infection")
    assert ("present", None) not in readings(kb, note, "fever")
    assert ("present", None) in readings(kb, "Febrile today with rigors, had D&V last week.", "fever")


def test_a_muscle_list_grades_each_muscle_named(kb: KnowledgeBase) -> None:
    case = parse_note("MMT L tibialis anterior 0/5, EHL 2/5, EDL 2/5, peroneus longus/brevis 5/5.", kb).case
    grades = {(s.movement, s.grade) for s in case.strength}
    assert {("ankle_dorsiflexion", 0), ("great_toe_extension", 2), ("ankle_eversion", 5)} <= grades


def test_a_start_named_by_month_or_year_is_a_duration(kb: KnowledgeBase) -> None:
    today = date(2026, 12, 7)
    assert parse_note("L leg pain since March 2024, no change.", kb, today=today).case.duration_days == 997
    assert parse_note("Sciatica since Dec.", kb, today=today).case.duration_days == 6
    assert parse_note("Back pain since mid-November.", kb, today=today).case.duration_days == 22
    assert parse_note("Back pain since mid-November.", kb).case.duration_days is None  # no date, no reckoning


@pytest.mark.parametrize(
    ("note", "level"),
    [
        ("R calf swollen and tender since a flight from Australia 3 days ago.", "emergency"),
        ("L calf pain, 2+ pitting oedema of the L shin; breast cancer on chemo.", "emergency"),
        ("L calf tight and swollen after football yesterday.", "urgent"),
        ("Bilateral pitting oedema to the knees, known heart failure. L sciatica.", "routine"),
        ("L calf tight after a run, no swelling.", "routine"),
    ],
)
def test_a_swollen_leg_is_assessed_for_a_clot(kb: KnowledgeBase, note: str, level: str) -> None:
    assert assess(parse_note(note, kb).case, kb).triage.level == level


def test_a_pain_that_lying_down_does_not_ease_is_rest_pain_and_a_score_range_counts(kb: KnowledgeBase) -> None:
    case = parse_note("Now it hurts even sitting or lying down, about 8 or 9 out of 10.", kb).case
    assert case.red_flags.get("night_pain") == "present"
    assert case.pain_score == 9
    note = "My lower tummy is swollen and sore."
    assert ("present", None) in readings(kb, note, "abdominal_or_flank_pain")
    assert "present" not in {s for s, _ in readings(kb, "It hurts when sitting.", "night_pain")}


def test_a_childs_age_is_shown_as_not_used_not_dropped(kb: KnowledgeBase) -> None:
    intake = parse_note("15M fell off a vaulting box, L hip flexion 3/5.", kb)
    assert intake.case.age is None
    assert [u.text for u in intake.unparsed if "under 16" in u.text] == ["15M (under 16: the rules are for adults)"]
    assert not [u for u in parse_note("45M L sciatica. Son aged 12 has asthma.", kb).unparsed if "under 16" in u.text]


def test_single_sacral_dermatomes_are_not_the_saddle(kb: KnowledgeBase) -> None:
    note = "Numbness in the right S1 and S2 dermatomes."
    assert "present" not in {s for s, _ in readings(kb, note, "saddle_anaesthesia")}


def test_a_calf_enlarged_for_years_is_not_a_clot(kb: KnowledgeBase) -> None:
    note = "PC: R calf swelling\nHPC: 2 years progressive R calf enlargement, now a dull ache. R ankle jerk absent."
    assert assess(parse_note(note, kb).case, kb).triage.level == "routine"


@pytest.mark.parametrize(
    ("note", "finding", "status"),
    [
        ("Known IV drug abuser, back pain for a week.", "iv_drug_use", "present"),
        ("Recent MRSA toe infection, now back pain.", "recent_infection", "present"),
        ("Treated last month for a wound infection.", "recent_infection", "present"),
        ("Has to walk with a stick since the leg went weak.", "gait_disturbance", "present"),
        ("Fever/night sweats/weight loss: she has none.", "fever", "absent"),
        ("No saddle anaesthesia, no anal sphincter tone loss.", "reduced_anal_tone", "absent"),
        ("No anal tone on PR.", "reduced_anal_tone", "present"),
        ("Previously fitted with a valve and is now being anticoagulated.", "anticoagulant_use", "present"),
        ("Chief concern of left anterior thigh pain for a month.", "pain:anterior_thigh", "present"),
        ("LBP, not sleeping d/t pain.", "night_pain", "present"),
        ("Near-trips over his own foot.", "gait_disturbance", "present"),
        ("Buttock pain after a mild fever and sore throat.", "recent_infection", "present"),
        ("He had fallen diving for a ball.", "minor_trauma", "present"),
        ("Mild motor and sensory deficits in his lower extremities.", "bilateral_leg_symptoms", "present"),
        ("D3: L leg looks poorly perfused.", "cold_or_pulseless_leg", "present"),
        ("I wanted to ask about a numb patch on my thigh.", "numbness", "present"),
        ("Asked about bladder: retention since yesterday.", "bladder_dysfunction", "present"),
        ("Decreased movement of bilateral lower limbs for 2 hours.", "bilateral_leg_symptoms", "present"),
        ("Back pain radiating to b/l lower limbs.", "bilateral_leg_symptoms", "present"),
        ("Progressive bilateral limb weakness.", "bilateral_leg_symptoms", "present"),
        ("There was no bladder control at the time.", "bladder_dysfunction", "present"),
        ("Some difficulty in controlling her urinary flow.", "bladder_dysfunction", "present"),
        ("Reduced urge to void/defaecate.", "bladder_dysfunction", "present"),
        ("Reduced urge to void/defaecate.", "bowel_dysfunction", "present"),
        ("Urinary retention and inability to defecate.", "bowel_dysfunction", "present"),
        ("Sensory changes around his anus for two months.", "saddle_anaesthesia", "present"),
        ("Perianal sensory change and intermittent ED.", "sexual_dysfunction", "present"),
        ("Acute non-traumatic quadriplegia.", "unable_to_walk", "present"),
        ("I couldn't take my weight on it.", "unable_to_walk", "present"),
        ("The pain made my legs buckle under me.", "gait_disturbance", "present"),
        ("She has been on corticosteroids for years.", "long_term_steroids", "present"),
        ("Weak right extensor hallicus longus.", "weak_great_toe_extension", "present"),
        ("I lost all strength in the left calf.", "weak_ankle_plantarflexion", "present"),
        ("The pain goes down the side of her leg, down to her foot.", "pain_below_knee", "present"),
        ("Tinel positive just below the fibular head.", "fibular_head_sign", "present"),
        (
            "Hypoaesthesia over the sacral roots, marked on the right in the S2-S3-S4 territory.",
            "saddle_anaesthesia",
            "present",
        ),
        ("S2-4 hypoaesth R>L.", "saddle_anaesthesia", "present"),
        ("That evening I felt that my crotch was numb.", "saddle_anaesthesia", "present"),
        ("A reduced sensation spot near my coccyx.", "saddle_anaesthesia", "present"),
        ("Sudden retention of urine and faeces.", "bowel_dysfunction", "present"),
        ("The pain is severe, especially at night.", "night_pain", "present"),
        ("URTI two weeks ago, then otitis.", "recent_infection", "present"),
        ("He ended up falling to the floor with the wardrobe.", "minor_trauma", "present"),
    ],
)
def test_wordings_of_the_fourteenth_round(kb: KnowledgeBase, note: str, finding: str, status: str) -> None:
    assert status in {s for s, _ in readings(kb, note, finding)}


@pytest.mark.parametrize(
    ("note", "finding"),
    [
        ("Medrol dosepak last month for the sciatica.", "long_term_steroids"),
        ("On standing from the chair he nearly fell.", "minor_trauma"),
        ("I can't walk/sit/lie comfortably.", "unable_to_walk"),
        ("Can't stand and lean back.", "unable_to_walk"),
        ("Knee gave way on the stairs.", "gait_disturbance"),
        ("Verdict: back is 'weak', two weeks of therapy.", "weakness"),
        ("Can't stand up straight or sit comfortably for the exam.", "unable_to_walk"),
        ("Hypercalcaemia sx to ask (thirst, constipation, confusion).", "bowel_dysfunction"),
    ],
)
def test_wordings_of_the_fourteenth_round_that_do_not_state_the_finding(
    kb: KnowledgeBase, note: str, finding: str
) -> None:
    assert "present" not in {s for s, _ in readings(kb, note, finding)}


@pytest.mark.parametrize(
    ("note", "drug"),
    [
        ("He is going to start me on prednisone.", "long_term_steroids"),
        ("Plan: switch to naproxen 500mg BD.", "drug:naproxen"),
        ("Plan: start amitriptyline 10mg on.", "drug:amitriptyline"),
        ("Consider pregabalin.", "drug:pregabalin"),
    ],
)
def test_a_medicine_still_to_start_is_not_taken(kb: KnowledgeBase, note: str, drug: str) -> None:
    assert ("present", None) not in readings(kb, note, drug)
    assert ("present", None) in readings(
        kb, "On prednisolone 10mg daily for PMR, naproxen and pregabalin.", "drug:naproxen"
    )
