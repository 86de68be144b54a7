"""Readings met in the fifteenth round (7 Dec 2026): each a general pattern, tested on words of our own."""

from __future__ import annotations

import pytest

from nerveroot.assessment.assess import assess
from nerveroot.intake import parse_note
from nerveroot.knowledge.base import KnowledgeBase
from readings import confirm, readings


@pytest.mark.parametrize(
    ("note", "finding"),
    [
        ("Lost quite a lot of weight since the summer. Hip pain.", "unexplained_weight_loss"),
        ("Hip pain for a month, now stops her sleeping.", "night_pain"),
        ("Groin ache on running and now and then the pain comes back at night.", "night_pain"),
        ("GSW to the L buttock last week, now leg pain.", "major_trauma"),
        ("Stab wound to the R buttock 5 days ago, pain down the leg.", "major_trauma"),
        ("Fell on the ice on Sunday, L sciatica since.", "minor_trauma"),
        ("When I go to the loo I can't get it going and then it just leaks.", "bladder_dysfunction"),
        ("Unsteady, gait veering to the left since Tuesday.", "gait_disturbance"),
        ("The numbness in my legs has got worse this week.", "progressive_weakness"),
        ("75F, R buttock pain to the foot, R leg unusable.", "unable_to_walk"),
        ("my left leg is useless since this morning", "unable_to_walk"),
        ("Had to stop a walk in agony and her husband carried her back.", "unable_to_walk"),
        ("Dorsal (thoracic) back pain for a few weeks.", "thoracic_pain"),
        ("Fever + TL back pain, worse over 5/12.", "thoracic_pain"),
        ("The pain is now constant, including at night.", "night_pain"),
        ("Numbness over the dorsum of the right and left feet.", "bilateral_leg_symptoms"),
        ("No strength in the leg when he walks, he drags his foot.", "foot_drop"),
    ],
)
def test_red_flags_told_in_everyday_words(kb: KnowledgeBase, note: str, finding: str) -> None:
    assert ("present", None) in readings(kb, note, finding)


@pytest.mark.parametrize(
    ("note", "group"),
    [
        ("Shooting pain down the L leg, like an electric shock when I cough.", "vascular"),
        ("Worst pain since my hip op, down the back of the thigh.", "vascular"),
        ("Back pain the day after a heavy leg session at the gym.", "progressive_deficit"),
        ("Wondering whether to go ahead with the epidural or keep on with the physio.", "infection"),
        ("Sciatica for 3/12. The pain team suggested an injection.", "infection"),
        ("?hip rather than back - consider diagnostic injection.", "infection"),
        ("Calf pain on walking 100 m. Check pulses and ABPI.", "vascular"),
    ],
)
def test_words_that_only_sound_like_a_red_flag(kb: KnowledgeBase, note: str, group: str) -> None:
    assert group not in confirm(kb, note)


def test_pulses_said_to_be_good_are_present(kb: KnowledgeBase) -> None:
    note = "L leg pain on walking. KJ reduced L, pulses good bilat."
    assert ("absent", None) in readings(kb, note, "cold_or_pulseless_leg")
    assert "vascular" not in confirm(kb, note)


@pytest.mark.parametrize(
    ("note", "numb"),
    [
        ("Works stocking shelves at the supermarket. Low back pain.", False),
        ("Wears compression stockings since the clot. R sciatica.", False),
        ("Sens: stocking loss to mid-shin both legs (known DM).", True),
        ("Sens reduced both feet (stocking, known).", True),
    ],
)
def test_stocking_is_a_sensory_pattern_only_in_a_sensory_sense(kb: KnowledgeBase, note: str, numb: bool) -> None:
    assert (("present", None) in readings(kb, note, "stocking_distribution_numbness")) is numb


def test_a_plan_to_check_reflexes_is_not_a_reflex_finding(kb: KnowledgeBase) -> None:
    note = "New R foot drop. ?peroneal palsy ?CVA - check reflexes/UMN signs."
    assert ("present", None) not in readings(kb, note, "brisk_reflexes")
    assert assess(parse_note(note, kb).case, kb).triage.level == "emergency"  # the foot drop itself still counts


@pytest.mark.parametrize(
    "note",
    [
        "Fever since last night and something's not right with my peeing.",
        "Legs 'not working properly' and numb since this morning, bladder not right.",
    ],
)
def test_not_right_tells_a_problem_it_does_not_deny_one(kb: KnowledgeBase, note: str) -> None:
    assert assess(parse_note(note, kb).case, kb).triage.level == "emergency"


def test_not_right_sided_still_denies_nothing_else(kb: KnowledgeBase) -> None:
    assert ("absent", None) in readings(
        kb, "Not right sided, it's the left leg. No bladder problems.", "bladder_dysfunction"
    )


def test_could_barely_move_tells_the_pain_not_the_gait(kb: KnowledgeBase) -> None:
    assert ("present", None) not in readings(kb, "Twinged my back on Monday and could barely move.", "gait_disturbance")
    assert ("present", None) in readings(kb, "Since last week I can barely walk, legs feel wobbly.", "gait_disturbance")


def test_an_examination_that_suggested_a_sign_is_not_a_plan(kb: KnowledgeBase) -> None:
    assert "vascular" in confirm(kb, "Vascular examination suggested abnormal pulses in her groin.")
    assert "infection" not in confirm(kb, "No red flags, nothing to suggest infection.")


def test_a_half_in_a_duration(kb: KnowledgeBase) -> None:
    assert parse_note("For the past two and a half weeks I have had sciatica.", kb).case.duration_days == 18
    assert parse_note("Back pain for six and a half months.", kb).case.duration_days == 195


def test_and_now_starts_a_new_clause_for_onsets(kb: KnowledgeBase) -> None:
    case = parse_note("Six weeks of terrible back pain and sciatica and now I'm stuck in bed.", kb).case
    assert "unable_to_walk" not in case.onset_days
    assert assess(case, kb).triage.level == "emergency"


def test_an_inability_to_walk_weeks_old_and_not_worsening_is_urgent(kb: KnowledgeBase) -> None:
    def level(note: str) -> str:
        return assess(parse_note(note, kb).case, kb).triage.level

    assert level("Unable to walk for 3 weeks.") == "urgent"
    assert level("Unable to walk for 3 weeks, getting worse.") == "emergency"
    assert level("Unable to walk for 3 weeks. PMH breast cancer.") == "emergency"
    assert level("Unable to walk since yesterday.") == "emergency"


def test_a_walker_leant_on_with_claudication_is_its_relief(kb: KnowledgeBase) -> None:
    note = "78F, L leg pain/numbness after 200m, fine pushing a trolley/walker."
    assert "progressive_deficit" not in confirm(kb, note)
    assert "progressive_deficit" in confirm(kb, "New walker since last week, struggling.")


def test_a_procedure_being_requested_is_not_one_done(kb: KnowledgeBase) -> None:
    assert "infection" not in confirm(kb, "PC: buttock pain, requesting a nerve root block.")
    assert "infection" in confirm(kb, "Spinal surgery requested after an epidural abscess was drained.")


def test_a_hamstring_pull_is_not_a_positive_straight_leg_raise(kb: KnowledgeBase) -> None:
    note = "LBP R>L. SLR 65 bilat, hamstring pull only."
    assert ("present", "left") not in readings(kb, note, "slr_positive")
    assert assess(parse_note(note, kb).case, kb).triage.level != "emergency"
    assert ("present", "right") in readings(kb, "SLR R 40, reproduces leg pain.", "slr_positive")


def test_rising_stiffly_is_not_a_gait_disturbance(kb: KnowledgeBase) -> None:
    note = "Got out of bed yesterday and could barely stand up, better as the day went on."
    assert ("present", None) not in readings(kb, note, "gait_disturbance")


def test_back_pain_with_diabetes_asks_for_infection_markers(kb: KnowledgeBase) -> None:
    result = assess(parse_note("55M, T2DM. L lower back pain x2/7, getting worse. Afebrile.", kb).case, kb)
    assert result.triage.level == "urgent"
    assert "infection_risk_back_pain" in {r.rule for r in result.triage.reasons}


def test_conditions_that_change_medicine_safety_are_read(kb: KnowledgeBase) -> None:
    safety = parse_note("55M. PMH T2DM, HTN, CKD 3b, old MI, no PUD. L sciatica 3/52.", kb).case.drug_safety
    assert (safety.hypertension, safety.ckd, safety.cardiovascular_disease) == ("present", "present", "present")
    assert safety.gi_bleed_or_ulcer == "absent"
    assert parse_note("Mum has heart failure. Sciatica.", kb).case.drug_safety.heart_failure == "unknown"
    assert parse_note("EtOH excess. LBP.", kb).case.drug_safety.alcohol_use == "present"
