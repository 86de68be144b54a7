"""Deficits written in case-report and ward-note wording: both legs weak, an absent sphincter verdict, a deficit that
has just appeared (asked about, not assumed progressive), walking aids, and procedures counted in the plural."""

from __future__ import annotations

from nerveroot.intake import parse_note
from nerveroot.knowledge.base import KnowledgeBase


def _status(note: str, kb: KnowledgeBase, fid: str) -> str:
    return parse_note(note, kb).status(fid)


def test_severe_weakness_on_each_side_is_a_bilateral_deficit(kb: KnowledgeBase) -> None:
    assert _status("Ankle DF 3/5 on the right, EHL 2/5 on the left.", kb, "bilateral_leg_symptoms") == "present"
    assert _status("Ankle DF 3/5 on the right, EHL 5/5 on the left.", kb, "bilateral_leg_symptoms") == "unknown"
    assert _status("Hip abduction 4/5 on both sides.", kb, "bilateral_leg_symptoms") != "present"  # mild, not severe


def test_reflexes_reduced_on_both_sides_alone_are_not_a_bilateral_deficit(kb: KnowledgeBase) -> None:
    assert _status("Both ankle jerks diminished, power full.", kb, "bilateral_leg_symptoms") != "present"


def test_an_absent_sphincter_verdict_is_the_sign(kb: KnowledgeBase) -> None:
    for note in ("On PR the voluntary anal contraction was absent.", "Exam: nil anal tone, sensory level at T10."):
        assert _status(note, kb, "reduced_anal_tone") == "present", note
    assert _status("PR: anal tone normal.", kb, "reduced_anal_tone") == "absent"


def test_a_deficit_that_has_just_appeared_is_listed_to_confirm_progression(kb: KnowledgeBase) -> None:
    intake = parse_note("Over the afternoon she became paraplegic.", kb)
    assert intake.status("unable_to_walk") == "present"
    assert "progressive_deficit" in {c.group for c in intake.to_confirm}
    settled = parse_note("Her right leg went weak on Monday and the weakness is getting worse.", kb)
    assert "progressive_deficit" not in {c.group for c in settled.to_confirm}


def test_a_walking_aid_after_a_negated_clause_is_still_read(kb: KnowledgeBase) -> None:
    note = "Used to walk without any help, she has now bought a walking stick."
    assert _status(note, kb, "gait_disturbance") == "present"
    assert _status("He has fallen four times this month.", kb, "gait_disturbance") == "present"


def test_falling_asleep_is_no_fall(kb: KnowledgeBase) -> None:
    assert _status("My foot fell asleep while sitting on the train.", kb, "minor_trauma") == "unknown"


def test_saddle_sensory_loss_named_by_its_distribution(kb: KnowledgeBase) -> None:
    for note in ("Saddle distribution hypoaesthesia noted.", "I can't feel my bottom or my genitals."):
        assert _status(note, kb, "saddle_anaesthesia") == "present", note


def test_injections_in_the_plural_are_procedures(kb: KnowledgeBase) -> None:
    intake = parse_note("Back pain a fortnight, despite three caudal epidural injections.", kb)
    assert any(f.id == "procedure:epidural_injection" for f in intake.findings)
    intake = parse_note("I had two epidurals last month.", kb)
    assert any(f.id == "procedure:epidural_injection" for f in intake.findings)


def test_bladder_and_bowel_inability_in_one_phrase(kb: KnowledgeBase) -> None:
    intake = parse_note("Since this morning he can't wee or poo.", kb)
    assert (intake.status("bladder_dysfunction"), intake.status("bowel_dysfunction")) == ("present", "present")


def test_toe_extension_abbreviated_in_a_graded_list(kb: KnowledgeBase) -> None:
    intake = parse_note("R: TA, peroneals + toe ext 3/5.", kb)
    assert intake.status("weak_great_toe_extension", "right") == "present"


def test_a_region_named_by_its_aspect_of_the_leg(kb: KnowledgeBase) -> None:
    intake = parse_note("Pins and needles down the anterolateral surface of the right leg.", kb)
    assert any(f.id == "sensory:lateral_leg" and f.side == "right" for f in intake.findings)
