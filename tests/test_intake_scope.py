"""Scope and list mechanisms met in outside material: grades paired with sides by "respectively", a verdict after
a list item that denies that item only, a denied test verdict, nested red flags, timelines of hours, and the
safety net for mild weakness in both legs and unspecified incontinence."""

from __future__ import annotations

from nerveroot.intake import Intake, parse_note
from nerveroot.knowledge.base import KnowledgeBase


def _sides(intake: Intake, fid: str, status: str = "present") -> set[str | None]:
    return {f.side for f in intake.findings if f.id == fid and f.status == status}


def _groups(intake: Intake) -> set[str]:
    return {item.group for item in intake.to_confirm}


def test_grades_listed_with_respectively_go_to_the_sides_in_order(kb: KnowledgeBase) -> None:
    note = "Power of the right and left ankle dorsiflexion was 4/5 and 1/5, respectively."
    intake = parse_note(note, kb)
    grades = {(t.side, t.grade) for t in intake.case.strength if t.movement == "ankle_dorsiflexion"}
    assert grades == {("right", 4), ("left", 1)}
    assert _sides(intake, "foot_drop") == {"left"}


def test_a_past_tense_copula_is_not_an_earlier_grade(kb: KnowledgeBase) -> None:
    intake = parse_note("Great toe extension was 2/5 and 5/5 (L / R).", kb)
    assert _sides(intake, "weak_great_toe_extension") == {"left"}
    assert _sides(intake, "weak_great_toe_extension", "absent") == {"right"}


def test_a_verdict_after_a_list_item_denies_only_that_item(kb: KnowledgeBase) -> None:
    intake = parse_note("Reduced sensation L5 dermatome R, KJ absent R.", kb)
    assert intake.status("root_distribution") == "present"
    assert intake.status("patellar_reflex_reduced") == "present"
    assert parse_note("No sensory loss in an L5 dermatome.", kb).status("root_distribution") == "absent"


def test_a_denied_positive_word_makes_a_test_negative(kb: KnowledgeBase) -> None:
    intake = parse_note("Straight leg raising did not provoke leg pain on the right.", kb)
    assert _sides(intake, "slr_positive", "absent") == {"right"}
    assert _sides(intake, "slr_positive") == set()


def test_a_positive_nerve_tension_test_on_both_sides_is_bilateral_sciatica(kb: KnowledgeBase) -> None:
    assert parse_note("SLR positive at 40 degrees on both sides.", kb).status("bilateral_leg_symptoms") == "present"
    assert parse_note("SLR negative on both sides.", kb).status("bilateral_leg_symptoms") != "present"


def test_a_red_flag_inside_another_red_flags_phrase_is_read_too(kb: KnowledgeBase) -> None:
    intake = parse_note("Progressive leg weakness then paraplegia over two days.", kb)
    assert intake.status("progressive_weakness") == "present"
    assert intake.status("unable_to_walk") == "present"
    # a degree of the same thing is not: a fall from a roof is not also a minor fall
    fall = parse_note("Fell off a roof onto his back.", kb)
    assert fall.status("major_trauma") == "present"
    assert fall.status("minor_trauma") != "present"


def test_a_deficit_appearing_within_hours_is_progressing(kb: KnowledgeBase) -> None:
    for note in ("Back pain, then 6 hours later she could not lift either foot.", "Within hours, weak in both legs."):
        assert parse_note(note, kb).status("progressive_weakness") == "present", note
    assert parse_note("Four weeks later the foot drop was unchanged.", kb).status("progressive_weakness") != "present"


def test_mild_weakness_on_both_sides_is_asked_about(kb: KnowledgeBase) -> None:
    intake = parse_note("Her strength was 4/5 for hip flexion on both sides.", kb)
    assert intake.status("bilateral_leg_symptoms") != "present"
    assert "cauda_equina" in _groups(intake)
    assert "cauda_equina" not in _groups(parse_note("Ankle reflexes 2+ in both legs.", kb))


def test_incontinence_written_as_not_continent(kb: KnowledgeBase) -> None:
    assert parse_note("No longer continent of urine.", kb).status("bladder_dysfunction") == "present"
    assert parse_note("Not continent of faeces since Sunday.", kb).status("bowel_dysfunction") == "present"
    unspecified = parse_note("She is no longer continent.", kb)
    assert unspecified.status("bladder_dysfunction") != "absent"
    assert "cauda_equina" in _groups(unspecified)


def test_everyday_red_flag_wording(kb: KnowledgeBase) -> None:
    cases = {
        "History of intravenous (IV) heroin use.": "iv_drug_use",
        "Used to shoot up years back, clean now.": "iv_drug_use",
        "Pain began after a slip on the stairs.": "minor_trauma",
        "Injured in a tractor accident.": "major_trauma",
        "It has become hard to walk to the shops.": "gait_disturbance",
        "The pain is worse at night.": "night_pain",
        "Flaccid lower limb paralysis on arrival.": "unable_to_walk",
        "Numbness of bilateral lower extremities.": "bilateral_leg_symptoms",
    }
    for note, fid in cases.items():
        assert parse_note(note, kb).status(fid) == "present", note


def test_a_relative_named_with_an_age_tells_the_patients_story(kb: KnowledgeBase) -> None:
    intake = parse_note("Dad is 79 and on warfarin, his legs have gone weak.", kb)
    assert intake.status("anticoagulant_use") == "present"
    assert parse_note("Father had bowel cancer.", kb).status("cancer_history") != "present"


def test_weight_lost_without_trying_does_not_deny_what_follows(kb: KnowledgeBase) -> None:
    intake = parse_note("Lost a stone without trying, can hardly walk now.", kb)
    assert intake.status("unexplained_weight_loss") == "present"
    assert intake.status("gait_disturbance") == "present"
