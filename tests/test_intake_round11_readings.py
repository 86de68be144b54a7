"""Readings met in the eleventh round of blind material (7 Dec 2026: user-style notes, published cases, sentences and
questions): each a general pattern, tested on words of our own."""

from __future__ import annotations

import pytest

from nerveroot.assessment.assess import assess
from nerveroot.intake import parse_note
from nerveroot.knowledge.base import KnowledgeBase
from readings import readings


def _rules(kb: KnowledgeBase, note: str) -> set[str]:
    return {r.rule for r in assess(parse_note(note, kb).case, kb).triage.reasons}


@pytest.mark.parametrize(
    ("note", "finding"),
    [
        ("spiked 38.9° overnight", "fever"),
        ("rapidly progressive sensorimotor deficit in the right leg", "progressive_weakness"),
        ("numbness started in one leg then both", "bilateral_leg_symptoms"),
        ("weakness of both sides of the lower limbs", "bilateral_leg_symptoms"),
        ("she woke with numb legs", "bilateral_leg_symptoms"),
        ("both my legs have been getting weaker", "bilateral_leg_symptoms"),
        ("pulses 1+ at the ankles", "cold_or_pulseless_leg"),
        ("the nurse could barely feel the pulses in his feet", "cold_or_pulseless_leg"),
        ("blackened toes on the left foot", "cold_or_pulseless_leg"),
        ("subacute, progressive, paraparesis", "progressive_weakness"),
        ("paralysed within hours", "progressive_weakness"),
        ("now in a wheelchair", "unable_to_walk"),
        ("I can't stand up", "unable_to_walk"),
        ("pain aggravated by night", "night_pain"),
        ("shingles on her left thigh last month", "rash"),
        ("some trouble in the bedroom lately", "sexual_dysfunction"),
        ("I can't control when I pee", "bladder_dysfunction"),
        ("her blood pressure was very low", "hypotension"),
        ("it felt odd when I wiped this morning", "saddle_anaesthesia"),
        ("I'm not sure I can feel when my bladder is full", "bladder_dysfunction"),
        ("knee gave way on the stairs and she fell", "weakness"),
        ("gait getting worse for a fortnight", "gait_disturbance"),
    ],
)
def test_red_flags_in_unusual_words_are_read(kb: KnowledgeBase, note: str, finding: str) -> None:
    assert any(status == "present" for status, _ in readings(kb, note, finding))


def test_a_column_header_gives_each_grade_its_side(kb: KnowledgeBase) -> None:
    note = "Power R (L): knee ext 3/5 (5), DF 5 (4)."
    assert ("present", "right") in readings(kb, note, "weak_knee_extension")
    assert ("absent", "left") in readings(kb, note, "weak_knee_extension")
    assert ("present", "left") in readings(kb, note, "weak_ankle_dorsiflexion")
    assert "bilateral_leg_symptoms" not in {f.id for f in parse_note(note, kb).findings}


def test_a_grade_dated_in_the_past_is_not_the_exam(kb: KnowledgeBase) -> None:
    note = "L knee ext 4/5 (3/5 in March per the first physio)"
    grades = {f.value for f in parse_note(note, kb).findings if f.id == "weak_knee_extension"}
    assert grades == {4}


def test_painless_is_not_a_pain_word(kb: KnowledgeBase) -> None:
    parsed = parse_note("Lumbar spine full ROM and painless. SLR 85 both sides.", kb)
    assert not any(f.kind == "pain_region" and f.status == "present" for f in parsed.findings)
    assert parsed.case.sides == []


def test_back_pain_on_both_sides_is_not_bilateral_leg_symptoms(kb: KnowledgeBase) -> None:
    parsed = parse_note("Pain across both sides of the low back, L and R paraspinals tender. Right leg pain only.", kb)
    assert parsed.case.sides == ["right"]


def test_an_old_mark_in_a_past_history_field_is_the_past(kb: KnowledgeBase) -> None:
    note = "R sciatica 1/52 to the big toe.\nPMH: L S1 root decompression 2015, numb L heel ever since."
    assert parse_note(note, kb).case.sides == ["right"]
    assert "ces_bilateral_sciatica" not in _rules(kb, note)


def test_then_and_now_keep_only_the_current_state(kb: KnowledgeBase) -> None:
    note = "Leg pain 3 weeks, settling. Struggled to walk then, now walking fine."
    assert "gait_disturbance" not in _rules(kb, note)


def test_a_normal_bladder_scan_is_a_measurement_not_a_mention(kb: KnowledgeBase) -> None:
    parsed = parse_note("Bladder scan post-void 40 ml.", kb)
    assert parsed.to_confirm == []
    assert parsed.case.observations.post_void_residual_ml == 40


def test_worst_pain_of_my_life_in_the_leg_is_severe_not_central(kb: KnowledgeBase) -> None:
    leg = parse_note("Sciatica down the R leg for 10 days, worst pain of my life.", kb)
    assert "sudden_severe_central_pain" not in {f.id for f in leg.findings}
    assert "severe_pain" in {f.id for f in leg.findings}
    back = parse_note("Worst back pain of my life since an hour ago.", kb)
    assert "sudden_severe_central_pain" in {f.id for f in back.findings}


def test_a_relative_speaking_about_another_relative_is_the_patients_story(kb: KnowledgeBase) -> None:
    parsed = parse_note("Daughter: mum 81 says her left foot went cold and white this afternoon, calf agony", kb)
    assert parsed.case.age == 81
    assert parsed.case.red_flags.get("cold_or_pulseless_leg") == "present"
    assert assess(parsed.case, kb).triage.level == "emergency"


def test_cancer_with_cord_signs_is_an_emergency(kb: KnowledgeBase) -> None:
    note = "62M prostate ca 2020. 2/52 mid back pain, legs clumsy, sensory level at T8, reflexes brisk both legs."
    parsed = parse_note(note, kb)
    assert parsed.case.red_flags.get("bilateral_leg_symptoms") == "present"
    assert "cancer_with_deficit" in _rules(kb, note)


def test_back_pain_after_a_recent_microdisc_is_read_as_a_spinal_procedure(kb: KnowledgeBase) -> None:
    note = "2/52 post L5/S1 microdisc, now worsening low back pain and night sweats."
    assert "infection_high_risk_back_pain" in _rules(kb, note)


@pytest.mark.parametrize(
    ("note", "finding", "status"),
    [
        ("SLR 45 both sides, reproducing back pain only", "slr_positive", "absent"),
        ("the straight leg raise didn't hurt at all", "slr_positive", "absent"),
        ("legs heavy and achy when walking, eases when she sits down", "neurogenic_claudication", "present"),
        ("he is confused, hot and shaking", "fever", "present"),
    ],
)
def test_verdicts_told_in_other_words(kb: KnowledgeBase, note: str, finding: str, status: str) -> None:
    assert status in {s for s, _ in readings(kb, note, finding)}


def test_a_relative_writing_is_the_speaker_not_family_history(kb: KnowledgeBase) -> None:
    parsed = parse_note("Son writing: Mum (82) fell this morning, now can't weight bear.", kb)
    assert parsed.case.age == 82


def test_left_as_a_verb_is_not_a_side(kb: KnowledgeBase) -> None:
    assert ("present", "right") in readings(kb, "The operation left me with a drop foot on the right.", "foot_drop")
    assert ("present", "right") in readings(kb, "I was left with foot drop on the right side", "foot_drop")


def test_leg_reflexes_named_together_are_both_reduced(kb: KnowledgeBase) -> None:
    note = "Tone normal, absent reflexes in the legs."
    assert "present" in {s for s, _ in readings(kb, note, "patellar_reflex_reduced")}
    assert "present" in {s for s, _ in readings(kb, note, "achilles_reflex_reduced")}


def test_no_new_bladder_or_bowel_symptoms_is_a_denial(kb: KnowledgeBase) -> None:
    note = "Review 2/52: leg pain easing. No new bladder or bowel symptoms."
    assert {s for s, _ in readings(kb, note, "bladder_dysfunction")} == {"absent"}
    assert "present" in {s for s, _ in readings(kb, "no worse leg pain", "radiating_leg_pain")}


def test_upper_motor_neurone_signs_with_suspected_cancer_are_cord_compression(kb: KnowledgeBase) -> None:
    note = "70M, 5 kg wt loss, 3/52 belt-like pain round his chest. Hyperreflexia, numbness below T10."
    parsed = parse_note(note, kb)
    assert any(r.result == "brisk" for r in parsed.case.reflexes)
    assert "cord_compression_suspected" in _rules(kb, note)
    assert "cord_compression_suspected" not in _rules(kb, "35F LBP 1/52, reflexes brisk and symmetrical, no numbness")


def test_barely_passing_water_is_a_bladder_symptom(kb: KnowledgeBase) -> None:
    assert "present" in {
        s for s, _ in readings(kb, "I can barely pass water, hardly anything comes out", "bladder_dysfunction")
    }


def test_a_pair_header_gives_a_spaced_pair_one_value_per_side(kb: KnowledgeBase) -> None:
    note = "Power R / L: DF 2 / 5, EHL 2 / 5, PF 5 / 5."
    assert ("present", "right") in readings(kb, note, "weak_ankle_dorsiflexion")
    assert ("absent", "left") in readings(kb, note, "weak_ankle_dorsiflexion")
    assert "bilateral_leg_symptoms" not in {f.id for f in parse_note(note, kb).findings}


def test_the_condition_named_in_a_note_that_answers_the_screen_is_answered(kb: KnowledgeBase) -> None:
    note = "R foot drop since yesterday, ?CES. Bladder and bowels normal, saddle sensation normal."
    assert parse_note(note, kb).to_confirm == []
    assert parse_note("R foot drop since yesterday, ?CES.", kb).to_confirm != []


def test_legs_said_to_work_normally_are_not_symptoms(kb: KnowledgeBase) -> None:
    note = "L sciatica 3/52. I can stand on tiptoe on both legs fine. I pee fine, poo fine."
    parsed = parse_note(note, kb)
    assert parsed.case.sides == ["left"] and parsed.to_confirm == []
    assert parsed.case.red_flags.get("bladder_dysfunction") == "absent"
    assert (
        parse_note("both legs feel weak but bladder is okay", kb).case.red_flags.get("bilateral_leg_symptoms")
        == "present"
    )


@pytest.mark.parametrize(
    ("note", "finding"),
    [
        ("back pain spreading bilaterally into the thighs", "bilateral_leg_symptoms"),
        ("her legs were flaccid", "bilateral_leg_symptoms"),
        ("a week later the left leg became similarly affected", "bilateral_leg_symptoms"),
        ("a 3 weeks' history of progressive weakness of the legs", "progressive_weakness"),
        ("passing urine less often than usual", "bladder_dysfunction"),
        ("breast adenoCa 2018", "cancer_history"),
        ("both her feet drop when she walks", "foot_drop"),
    ],
)
def test_more_red_flags_in_unusual_words(kb: KnowledgeBase, note: str, finding: str) -> None:
    assert "present" in {s for s, _ in readings(kb, note, finding)}


@pytest.mark.parametrize(
    ("note", "finding"),
    [
        ("numbness of both feet and the saddle", "saddle_anaesthesia"),
        ("her 'saddle' area feels numb", "saddle_anaesthesia"),
        ("reflexes globally depressed", "achilles_reflex_reduced"),
        ("depressed lower limb reflexes", "patellar_reflex_reduced"),
        ("difficulty straightening his leg at the knee", "weak_knee_extension"),
        ("paralysis of the left gastrocnemius", "weak_ankle_plantarflexion"),
    ],
)
def test_saddle_reflex_and_strength_words(kb: KnowledgeBase, note: str, finding: str) -> None:
    assert "present" in {s for s, _ in readings(kb, note, finding)}


def test_a_leg_that_collapses_is_not_a_faint(kb: KnowledgeBase) -> None:
    assert "collapse_or_syncope" not in {f.id for f in parse_note("Call reason: 'leg keeps collapsing'", kb).findings}
    assert "present" in {s for s, _ in readings(kb, "he collapsed at home with back pain", "collapse_or_syncope")}


def test_no_root_is_named_under_a_suspected_limb_ischaemia(kb: KnowledgeBase) -> None:
    note = "78M, R foot white and cold since this morning, calf agony, numb toes. On no anticoagulant, AF."
    result = assess(parse_note(note, kb).case, kb)
    assert result.triage.level == "emergency"
    assert result.levels[0].root == "none" and result.level_summary.leading == []
    assert "acute limb ischaemia" in result.level_summary.statement
    radicular = assess(parse_note("45M L sciatica to the sole 2/52, AJ absent L, SLR 40 L.", kb).case, kb)
    assert radicular.levels[0].root == "s1"
