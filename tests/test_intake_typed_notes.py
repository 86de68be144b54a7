"""Wording from blind user-style notes (GP, physiotherapy, ED and patient, 6 Dec 2026) that the intake misread:
each case is a general pattern, tested on words of our own."""

from __future__ import annotations

import pytest

from nerveroot.assessment.assess import assess
from nerveroot.intake import parse_note
from nerveroot.knowledge.base import KnowledgeBase


@pytest.mark.parametrize(
    ("note", "finding", "status"),
    [
        ("waterworks fine, nothing numb down below", "saddle_anaesthesia", "absent"),
        ("painkillers do nothing and now my left leg is numb", "numbness", "present"),
        ("the pain doesnt go past the knee", "pain_below_knee", "absent"),
        ("pain does not go below the knee", "pain_below_knee", "absent"),
        ("pain shoots below the knee", "pain_below_knee", "present"),
        ("my left foot has gone all cold and white", "cold_or_pulseless_leg", "present"),
        ("cant really feel my toes", "numbness", "present"),
        ("my toes wont move properly", "weakness", "present"),
        ("struggling to get up from a low chair", "weakness", "present"),
        ("severe back pain since Monday", "severe_pain", "present"),
        ("back pain, not severe", "severe_pain", "unknown"),
        ("right hip pain for a week", "hip_pain", "present"),
        ("walking more for weight loss", "unexplained_weight_loss", "absent"),
        ("two years after a sleeve gastrectomy, lost 30 kg", "unexplained_weight_loss", "absent"),
        ("Abdo: no masses, no pulsatile mass.", "aortic_aneurysm_sign", "absent"),
        ("tender with guarding in the right iliac fossa", "abdominal_or_flank_pain", "present"),
        ("pain worst in the evening and through the night", "night_pain", "present"),
        ("CRP has risen to 26 mg/dL", "raised_inflammatory_markers", "present"),
        ("no recent change in medications, on a stable warfarin dose", "anticoagulant_use", "present"),
        ("the pain prevented him from standing or walking", "unable_to_walk", "present"),
        ("sciatica R>L posterior thigh to ankle", "bilateral_leg_symptoms", "present"),
    ],
)
def test_typed_wording_is_read(kb: KnowledgeBase, note: str, finding: str, status: str) -> None:
    assert parse_note(note, kb).case.status(finding) == status


@pytest.mark.parametrize(
    "note",
    [
        "Paraspinal tenderness L>R, no leg symptoms.",
        "Hip: IR 30 degrees both sides pain-free.",
        "Stocking sensory loss both feet.",
    ],
)
def test_two_sides_of_the_back_or_a_sign_on_both_sides_are_not_two_legged_symptoms(
    kb: KnowledgeBase, note: str
) -> None:
    intake = parse_note(note, kb)
    assert not any(t.group == "cauda_equina" for t in intake.to_confirm)
    assert assess(intake.case, kb).triage.level != "emergency"


@pytest.mark.parametrize(
    "note",
    [
        "Bloods today: FBC, CRP, ESR, PSA, myeloma screen.",
        "CRP awaited.",
        "PU 300 mL, post-void scan 25 mL.",
        "Abdo: no masses, no pulsatile mass.",
    ],
)
def test_tests_ordered_and_normal_measures_are_not_mentions_to_confirm(kb: KnowledgeBase, note: str) -> None:
    assert not parse_note(note, kb).to_confirm


@pytest.mark.parametrize("note", ["PT assessment: multiple red flags identified.", "Red flags present, see letter."])
def test_a_red_flag_affirmed_without_a_name_keeps_the_triage_at_urgent(kb: KnowledgeBase, note: str) -> None:
    intake = parse_note(note, kb)
    assert [t.group for t in intake.to_confirm] == ["unspecified"]
    assert assess(intake.case, kb).triage.level == "urgent"


@pytest.mark.parametrize("note", ["No red flags.", "Red flags: none.", "red flags discussed, leaflet given"])
def test_denied_or_discussed_red_flags_are_not_an_unnamed_red_flag(kb: KnowledgeBase, note: str) -> None:
    assert not any(t.group == "unspecified" for t in parse_note(note, kb).to_confirm)


def test_sudden_severe_hip_pain_from_60_without_a_mechanism_is_an_emergency(kb: KnowledgeBase) -> None:
    case = parse_note("73M, sudden severe right hip pain at rest.", kb).case
    assert assess(case, kb).triage.level == "emergency"


def test_rising_from_a_chair_is_not_an_inability_to_walk(kb: KnowledgeBase) -> None:
    case = parse_note("Can't get up from a low chair without using his arms.", kb).case
    assert case.status("unable_to_walk") == "unknown" and case.status("weakness") == "present"


def test_a_temperature_in_fahrenheit_is_not_an_age_and_sex(kb: KnowledgeBase) -> None:
    case = parse_note("LBP, T 101F, HR 104.", kb).case
    assert case.age is None and case.sex == "unknown" and case.status("fever") == "present"


@pytest.mark.parametrize("note", ["difficulty lifting her right leg into the car", "Can't flex R hip."])
def test_lifting_the_leg_or_bending_the_hip_is_hip_flexion(kb: KnowledgeBase, note: str) -> None:
    strength = parse_note(note, kb).case.strength
    assert [(t.movement, t.side, t.weak) for t in strength] == [("hip_flexion", "right", True)]
