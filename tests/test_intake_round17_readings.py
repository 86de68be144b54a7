"""Readings and rules met in the seventeenth round (7 Dec 2026): each general, tested on words of our own."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from nerveroot.intake import parse_note
from nerveroot.knowledge.base import KnowledgeBase
from readings import readings, triage


@pytest.mark.parametrize(
    "note",
    [
        "Both legs numb for 4 days and the numbness has now crept up to my ribs.",
        "62F, 3/7 bilateral leg weakness, reduced PP from approx umbilicus down.",
        "Numb from the waist down since this morning, legs wobbly.",
        "Sensory level T8, legs weak.",
    ],
)
def test_a_sensory_level_on_the_trunk_is_a_cord_emergency(kb: KnowledgeBase, note: str) -> None:
    level, rules = triage(kb, note)
    assert level == "emergency"
    assert "cord_sensory_level" in rules


@pytest.mark.parametrize(
    "note",
    ["Power 5/5, reflexes normal, no sensory level, gait normal.", "Sensory level: none. Back pain 2 weeks."],
)
def test_a_denied_sensory_level_denies_only_the_level(kb: KnowledgeBase, note: str) -> None:
    assert ("absent", None) in readings(kb, note, "sensory_level")
    assert not readings(kb, note, "bilateral_leg_symptoms")


def test_numbness_of_one_leg_below_the_knee_is_no_sensory_level(kb: KnowledgeBase) -> None:
    assert not readings(kb, "L leg numb from the knee down for 3 weeks.", "sensory_level")


def test_a_long_standing_level_with_thoracic_pain_still_suspects_cord_compression(kb: KnowledgeBase) -> None:
    note = "Mid back pain for a year. For 4 months both legs numb, now numb up to the ribs. Walking unsteady."
    level, rules = triage(kb, note)
    assert level == "emergency" and "cord_compression_suspected" in rules


@pytest.mark.parametrize(
    ("note", "patients"),
    [
        ("Mum had bowel cancer two years ago and now she's had back pain for a month.", True),
        ("Dad had prostate cancer. He's got bad back pain now, worse at night.", True),
        ("My mum had breast cancer. I have had back pain for 3 weeks.", False),
        ("58F. Mother had breast cancer. She reports back pain for 3 weeks.", False),
        ("Mum had lung cancer last year. Dad has back pain now, he's 70.", False),
        ("Her mother had breast cancer and she has back pain.", False),
    ],
)
def test_a_relative_telling_the_story_owns_the_history_they_tell(kb: KnowledgeBase, note: str, patients: bool) -> None:
    assert (("present", None) in readings(kb, note, "cancer_history")) is patients


def test_could_no_longer_is_an_inability_not_a_denial(kb: KnowledgeBase) -> None:
    note = "Overnight he could no longer feel his legs and could no longer move them."
    assert ("present", None) in readings(kb, note, "unable_to_walk")
    assert ("absent", None) not in readings(kb, note, "unable_to_walk")


def test_a_verb_of_suffering_after_a_comma_ends_an_earlier_denial(kb: KnowledgeBase) -> None:
    note = "The patient, who had no complaints at all, developed weakness of the left leg."
    assert ("present", None) in readings(kb, note, "weakness")


@pytest.mark.parametrize(
    ("note", "finding", "status"),
    [
        ("My bowel movements haven't been right since Sunday.", "bowel_dysfunction", "present"),
        ("Bladder and bowels aren't working right, numb between the legs.", "bladder_dysfunction", "present"),
        ("Denies trauma, fever or urinary changes.", "bladder_dysfunction", "absent"),
        ("Foot pulses (present) and equal.", "cold_or_pulseless_leg", "absent"),
        ("Stabbing pain at the level of the mid thoracic spine for 2 weeks.", "thoracic_pain", "present"),
    ],
)
def test_lay_and_bracketed_forms(kb: KnowledgeBase, note: str, finding: str, status: str) -> None:
    assert (status, None) in readings(kb, note, finding)


@pytest.mark.parametrize(
    ("note", "result"),
    [
        ("Right straight-leg-raise test (+), reflexes normal.", "positive"),
        ("SLR (−) on both sides.", "negative"),
        ("Laségue´s sign positive on the left at 40 degrees.", "positive"),
    ],
)
def test_test_results_in_brackets_and_accented_names(kb: KnowledgeBase, note: str, result: str) -> None:
    assert {p.result for p in parse_note(note, kb).case.provocative} == {result}


@pytest.mark.parametrize(
    "note",
    [
        "On apixaban for AF. Groin pain for 2 days and the left leg isn't working properly.",
        "Warfarin (metal valve). R hip pain on movement, R femoral nerve palsy.",
    ],
)
def test_a_weak_leg_on_an_anticoagulant_is_a_suspected_bleed(kb: KnowledgeBase, note: str) -> None:
    level, rules = triage(kb, note)
    assert level == "emergency" and "haematoma_suspected" in rules


def test_a_sphincter_list_is_not_read_as_a_leg_that_does_not_work(kb: KnowledgeBase) -> None:
    assert ("present", None) in readings(kb, "My legs and my bladder are not working right.", "bladder_dysfunction")


def test_a_muscle_named_inside_a_progressive_weakness_is_graded_too(kb: KnowledgeBase) -> None:
    case = parse_note("Now progressive L plantarflexion weakness.", kb).case
    assert case.red_flags.get("progressive_weakness") == "present"
    assert [(t.movement, t.side, t.weak) for t in case.strength] == [("ankle_plantarflexion", "left", True)]


@pytest.mark.parametrize(("note", "root"), [("S1 hypoaesth R.", "s1"), ("L5 dysaesthesia on the left.", "l5")])
def test_a_root_named_with_a_sensory_abbreviation_marks_its_dermatome(kb: KnowledgeBase, note: str, root: str) -> None:
    case = parse_note(note, kb).case
    assert [n.root for n in case.named_roots] == [root]
    assert case.sensory_regions


def test_a_nerve_block_for_leg_pain_is_a_spinal_procedure(kb: KnowledgeBase) -> None:
    case = parse_note("Had a nerve block injection last week, no better.", kb).case
    assert [(p.kind, p.days_ago) for p in case.procedures] == [("spinal_injection_other", 7)]


@pytest.mark.parametrize("note", ["Weakness of the upper and lower limbs since last night.", "Weak in all four limbs."])
def test_weakness_of_all_limbs_is_weakness_of_both_legs(kb: KnowledgeBase, note: str) -> None:
    assert ("present", None) in readings(kb, note, "bilateral_leg_symptoms")


def test_the_full_power_of_the_other_muscles_is_listed_in_the_same_order_in_every_process() -> None:
    """The order must not follow string hashing, which differs between processes."""
    code = (
        "from nerveroot.knowledge.loader import default_knowledge; from nerveroot.intake import parse_note; "
        "c = parse_note('L DF 2/5, R EHL 3/5; other muscles 5/5.', default_knowledge()).case; "
        "print([(t.movement, t.side) for t in c.strength])"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "4", "5")
    }
    assert len(outputs) == 1


@pytest.mark.parametrize(
    ("note", "status"),
    [
        ("A dull, constant pain that did not ease even at rest.", "present"),
        ("Buttock pain, not relieved by rest.", "present"),
    ],
)
def test_pain_that_rest_does_not_relieve_is_rest_pain(kb: KnowledgeBase, note: str, status: str) -> None:
    assert (status, None) in readings(kb, note, "night_pain")


def test_other_symptoms_said_normal_do_not_deny_the_one_named(kb: KnowledgeBase) -> None:
    assert ("present", None) in readings(kb, "Saddle numbness, other symptoms normal.", "saddle_anaesthesia")


def test_pain_not_settling_with_rest_is_a_course_not_rest_pain(kb: KnowledgeBase) -> None:
    assert not readings(kb, "L leg pain to the foot, not settling with rest.", "night_pain")


@pytest.mark.parametrize(
    "note",
    [
        "Fever, weight loss: none.",
        "Fever, weight loss (none).",
        "Fever, weight loss, or other systemic symptoms (none).",
    ],
)
def test_a_verdict_after_a_list_denies_every_item(kb: KnowledgeBase, note: str) -> None:
    assert ("absent", None) in readings(kb, note, "fever")
    assert ("absent", None) in readings(kb, note, "unexplained_weight_loss")


def test_a_foot_that_has_started_to_go_weak_is_a_weakness_getting_worse(kb: KnowledgeBase) -> None:
    assert ("present", None) in readings(kb, "My left foot has started to go weak.", "progressive_weakness")


@pytest.mark.parametrize(
    ("note", "level"),
    [
        ("Dad is 78. Back pain for years, much worse since yesterday, and now his tummy hurts too.", "emergency"),
        ("Dad is 78. Back pain for years, much worse since yesterday. No tummy pain.", "routine"),
        ("She is 40. Back pain getting worse since yesterday and now her tummy hurts too.", "routine"),
    ],
)
def test_new_abdominal_pain_with_worsening_back_pain_from_65_is_an_aortic_emergency(
    kb: KnowledgeBase, note: str, level: str
) -> None:
    got, rules = triage(kb, note)
    assert got == level
    assert ("aortic_pain_worsening_older" in rules) is (level == "emergency")
