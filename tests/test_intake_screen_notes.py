"""Documented screens and safety-netting in GP, ED and physiotherapy notes: a negative screen is read as the
answers it stands for, and advice given about a red flag is not a mention of it (user trial, 5 Dec 2026)."""

from __future__ import annotations

import pytest

from nerveroot.intake import parse_note
from nerveroot.knowledge.base import KnowledgeBase

CES = ("saddle_anaesthesia", "bladder_dysfunction", "bowel_dysfunction")


@pytest.mark.parametrize(
    "note",
    [
        "Obs fine, CES screen neg, neuro NAD.",
        "Red flags screened - nil, CES screen neg.",
        "LBP 3/52. B/B neg, SLR +ve 40 L.",
    ],
)
def test_a_negative_screen_inside_a_comma_list_answers_its_questions(kb: KnowledgeBase, note: str) -> None:
    intake = parse_note(note, kb)
    assert all(intake.case.status(fid) == "absent" for fid in CES[1:])
    assert not intake.to_confirm


def test_a_screen_item_does_not_deny_a_symptom_named_present(kb: KnowledgeBase) -> None:
    case = parse_note("Saddle numbness since last night, b/b neg.", kb).case
    assert case.status("saddle_anaesthesia") == "present" and case.status("bladder_dysfunction") == "absent"


@pytest.mark.parametrize("note", ["Naproxen, physio ref, CES safety net card given.", "Given CES leaflet."])
def test_advice_about_cauda_equina_is_not_a_mention_to_confirm(kb: KnowledgeBase, note: str) -> None:
    intake = parse_note(note, kb)
    assert not intake.to_confirm and all(intake.case.status(fid) == "unknown" for fid in CES)


@pytest.mark.parametrize("note", ["PU normally in dept.", "PU'd normally, PVR 40ml."])
def test_passed_urine_normally_answers_the_bladder_question(kb: KnowledgeBase, note: str) -> None:
    intake = parse_note(note, kb)
    assert intake.case.status("bladder_dysfunction") == "absent" and not intake.to_confirm


def test_a_mention_with_its_own_complaint_still_reaches_the_net(kb: KnowledgeBase) -> None:
    """Advice words alone settle a cue; a complaint in the same breath is still read or listed."""
    intake = parse_note("CES safety net card given but now says she can't feel the toilet paper when wiping.", kb)
    assert intake.case.status("saddle_anaesthesia") == "present" or intake.to_confirm


def test_pain_across_both_sides_of_the_low_back_is_not_a_two_legged_mention(kb: KnowledgeBase) -> None:
    assert not parse_note("Central/bilat lumbar pain, no leg pain.", kb).to_confirm
    intake = parse_note("Bilat lumbar and leg pain for a week.", kb)
    assert intake.case.status("bilateral_leg_symptoms") == "present" or intake.to_confirm


def test_a_screen_line_ends_at_its_full_stop(kb: KnowledgeBase) -> None:
    intake = parse_note("Red flags screened - nil, CES screen neg. Neuro NAD.", kb)
    assert intake.case.status("bowel_dysfunction") == "absent" and not intake.to_confirm


@pytest.mark.parametrize("note", ["Can't move toes properly.", "can't wiggle my toes", "Cannot move his foot."])
def test_toes_or_foot_that_will_not_move_are_weakness(kb: KnowledgeBase, note: str) -> None:
    assert parse_note(note, kb).case.status("weakness") == "present"


@pytest.mark.parametrize(("note", "pregnant"), [("BP 70/40, abdo rigid.", False), ("34F, 36/40, sciatica.", True)])
def test_a_blood_pressure_over_40_is_not_a_gestation(kb: KnowledgeBase, note: str, pregnant: bool) -> None:
    assert (parse_note(note, kb).case.drug_safety.pregnancy == "present") is pregnant


@pytest.mark.parametrize("note", ["Hip PROM full, FADIR/FABER don't reproduce.", "FADIR doesn't reproduce her pain."])
def test_a_contracted_denial_makes_a_provocative_test_negative(kb: KnowledgeBase, note: str) -> None:
    assert parse_note(note, kb).status("hip_internal_rotation_positive") == "absent"
