"""Negation in lists, inabilities, units and the red-flag safety net on wording the rules first met in dev3."""

from __future__ import annotations

import pytest

from nerveroot.intake import parse_note
from nerveroot.intake.safety import lexicon
from nerveroot.knowledge.base import KnowledgeBase


def _status(kb: KnowledgeBase, note: str, fid: str) -> str:
    return parse_note(note, kb).case.status(fid)


@pytest.mark.parametrize(
    ("note", "fid", "want"),
    [
        # a list item with its own positive verdict is not denied by a "no" earlier in the list
        ("No injury, apyrexial, WCC normal, ESR/CRP ↑", "raised_inflammatory_markers", "present"),
        ("no fever, CRP not raised", "raised_inflammatory_markers", "absent"),
        # a number is its own verdict after a comma or "and", but not inside the denied item
        ("absent foot pulses, CRP 95", "raised_inflammatory_markers", "present"),
        ("No difficulty passing the catheter and a residual of 0.9 litres drained", "bladder_dysfunction", "present"),
        ("white cells 17.4 × 10³/μL", "raised_inflammatory_markers", "present"),
        # an inability is the finding, never its denial
        ("since the operation her legs won't move at all", "bilateral_leg_symptoms", "present"),
        # a leg that bears weight badly is gait, not body weight
        ("struggling with weight-bearing on the right", "gait_disturbance", "present"),
        ("struggling with weight-bearing on the right", "unexplained_weight_loss", "unknown"),
        # vocabulary: low-molecular-weight heparins by name, cancers inside longer words and by site
        ("started on bemiparin 3500 IU once daily", "anticoagulant_use", "present"),
        ("background of pancreatic adenocarcinoma", "cancer_history", "present"),
        ("PMHx gastric Ca", "cancer_history", "present"),
        # a deficit that grew within hours; the time before a severe pain
        ("flaccid paraplegia within 4 hours of the onset", "progressive_weakness", "present"),
        ("two hours of excruciating low back pain", "sudden_severe_central_pain", "present"),
        ("abdomen rigid and very tender", "abdominal_or_flank_pain", "present"),
        ("abdomen soft, not tender", "abdominal_or_flank_pain", "absent"),
        # "if" with a past verb is what happened; a sudden severe groin pain is a vascular red flag
        ("if he stood up the pain went down both legs", "bilateral_leg_symptoms", "present"),
        ("if the pain goes down both legs, come back", "bilateral_leg_symptoms", "unknown"),
        ("abrupt severe left groin pain an hour ago", "sudden_severe_central_pain", "present"),
    ],
)
def test_reads_the_wording(kb: KnowledgeBase, note: str, fid: str, want: str) -> None:
    assert _status(kb, note, fid) == want


@pytest.mark.parametrize(
    ("note", "group"),
    [
        ("great toe extension 3/5 on both sides", "cauda_equina"),
        ("walking unaided was no longer possible for her", "progressive_deficit"),
        ("she has to rush to the loo all the time now", "cauda_equina"),
        ("sudden onset of pain deep in the left groin", "vascular"),
        ("night sweats for a month", "cancer"),
    ],
)
def test_the_safety_net_keeps_a_red_flag_it_cannot_settle(kb: KnowledgeBase, note: str, group: str) -> None:
    intake = parse_note(note, kb)
    read = {f.id for f in intake.findings if f.status == "present"} & set(lexicon()["groups"][group]["facts"])
    assert group in {item.group for item in intake.to_confirm} or read


@pytest.mark.parametrize(
    ("note", "fid", "side"),
    [
        ("pain runs from the buttock down past the knee", "pain_below_knee", None),
        ("aching medial L calf", "pain:medial_leg", "left"),
        ("numb along the outer blade of the foot", "sensory:lateral_foot", None),
        ("ache down to the outside of his left ankle", "pain:lateral_foot", "left"),
        ("cannot do a single-leg calf raise on the right", "weak_ankle_plantarflexion", "right"),
        ("his big toe has gone weak", "weak_great_toe_extension", None),
        ("Trendelenburg sign positive", "weak_hip_abduction", None),
        # areflexia inside a bilateral phrase is both lower-limb jerks
        ("power reduced and areflexic in both legs", "achilles_reflex_reduced", None),
        ("power reduced and areflexic in both legs", "patellar_reflex_reduced", None),
    ],
)
def test_reads_localising_wording(kb: KnowledgeBase, note: str, fid: str, side: str | None) -> None:
    found = {(f.id, f.side) for f in parse_note(note, kb).findings if f.status == "present"}
    assert (fid, side) in found or (side is None and any(i == fid for i, _ in found)), found


def test_a_span_of_roots_names_no_single_dermatome(kb: KnowledgeBase) -> None:
    intake = parse_note("reduced pin prick over the right L4-5 dermatomes", kb)
    assert any(f.id == "root_distribution" for f in intake.findings)
    assert not any(f.id.startswith("sensory:") for f in intake.findings)


def test_one_leg_that_takes_no_weight_is_gait_not_immobility(kb: KnowledgeBase) -> None:
    intake = parse_note("can't weight-bear through the left leg", kb)
    assert intake.case.status("gait_disturbance") == "present"
    assert intake.case.status("unable_to_walk") != "present"
