"""Readings met in the thirteenth round (7 Dec 2026): each a general pattern, tested on words of our own."""

from __future__ import annotations

import pytest

from nerveroot.assessment.assess import assess
from nerveroot.intake import parse_note
from nerveroot.knowledge.base import KnowledgeBase
from readings import confirm, readings


@pytest.mark.parametrize(
    "note",
    [
        "Severe LBP since this morning. While waiting he became drowsy.",
        "LBP, now suddenly ↓GCS in the department.",
        "Back pain; GCS 12/15 on arrival.",
        "Back pain with a sudden reduction in alertness.",
    ],
)
def test_a_falling_level_of_consciousness_with_back_pain_is_an_emergency(kb: KnowledgeBase, note: str) -> None:
    assert ("present", None) in readings(kb, note, "collapse_or_syncope")
    assert assess(parse_note(note, kb).case, kb).triage.level == "emergency"


@pytest.mark.parametrize("note", ["L5 sciatica, drowsy on pregabalin", "Back pain. GCS 15/15, alert."])
def test_drowsiness_from_a_medicine_or_a_full_gcs_is_not_a_falling_consciousness(kb: KnowledgeBase, note: str) -> None:
    assert ("present", None) not in readings(kb, note, "collapse_or_syncope")


@pytest.mark.parametrize(
    ("note", "finding"),
    [
        ("She can walk only with a frame since the fall.", "gait_disturbance"),
        ("Weak right leg, which has given way twice.", "gait_disturbance"),
        ("The pain makes it hard for her to walk.", "gait_disturbance"),
        ("Back pain spreading to the L flank.", "abdominal_or_flank_pain"),
        ("Cramping pain in the suprapubic region since noon.", "abdominal_or_flank_pain"),
        ("Mid-low back pain for 3/52.", "thoracic_pain"),
        ("Upper backache for months.", "thoracic_pain"),
        ("LBP 9/10, constant, wakes him.", "night_pain"),
        ("Weakness of both legs increasing over the past three days.", "progressive_weakness"),
        ("A sudden decrease in muscle strength of the legs.", "progressive_weakness"),
        ("Bilat leg weakness -> complete paraplegia by evening.", "progressive_weakness"),
        ("A dull ache but keeping you awake at night.", "night_pain"),
        ("Keeps waking up at night due to his pain.", "night_pain"),
        ("She stepped into a pothole and it hurt by evening.", "minor_trauma"),
        ("Tenderness was found over his upper thoracic spine.", "thoracic_pain"),
        ("Not able to take more than one step at a time.", "gait_disturbance"),
        ("Sciatica was in my left leg, now I feel it on both sides.", "bilateral_leg_symptoms"),
        ("Both legs ache and go heavy after walking ~200 yds.", "exertional_leg_pain"),
        ("Sits on a wall 2-3 min then carries on.", "pain_relieved_by_sitting_or_flexion"),
        ("Leans on the trolley in the supermarket and gets round fine.", "pain_relieved_by_sitting_or_flexion"),
    ],
)
def test_red_flag_wordings_of_the_thirteenth_round(kb: KnowledgeBase, note: str, finding: str) -> None:
    assert "present" in {status for status, _ in readings(kb, note, finding)}


def test_a_knee_that_gives_way_is_not_a_gait_red_flag(kb: KnowledgeBase) -> None:
    note = "Knee gives way on stairs now and then."
    assert not any(status == "present" for status, _ in readings(kb, note, "gait_disturbance"))


@pytest.mark.parametrize(
    "note",
    [
        "80M, HTN, smoker. Weeks of LBP, now tearing LBP.",
        "Today my back pain is a horrible ripping pain, the worst ever.",
        "Sudden ripping interscapular pain.",
    ],
)
def test_tearing_back_pain_is_an_aortic_emergency(kb: KnowledgeBase, note: str) -> None:
    result = assess(parse_note(note, kb).case, kb)
    assert result.triage.level == "emergency"
    assert any("tearing_pain" in reason.findings for reason in result.triage.reasons)


@pytest.mark.parametrize(
    "note", ["Felt a tearing pain in my hamstring while sprinting.", "Sharp tearing pain in the back of the thigh."]
)
def test_a_torn_limb_muscle_is_not_tearing_aortic_pain(kb: KnowledgeBase, note: str) -> None:
    assert ("present", None) not in readings(kb, note, "tearing_pain")


@pytest.mark.parametrize(
    ("note", "finding"),
    [
        ("DH: meprednisone 8 mg OD for PMR.", "long_term_steroids"),
        ("I take a steroid tablet every day for my polymyalgia.", "long_term_steroids"),
        ("Back trouble for years, now much worse.", "back_pain"),
    ],
)
def test_medicines_and_lay_words_of_the_thirteenth_round(kb: KnowledgeBase, note: str, finding: str) -> None:
    assert ("present", None) in readings(kb, note, finding)


def test_a_cortisone_shot_is_not_long_term_steroid_use(kb: KnowledgeBase) -> None:
    assert ("present", None) not in readings(kb, "Had a cortisone shot in the hip last week.", "long_term_steroids")


@pytest.mark.parametrize(
    "note",
    [
        "Plan: CES + weakness safety net, leaflet.",
        "CES card given (return immediately if numbness, bladder/bowel change, other leg, worsening weakness).",
        "Urine ACR 4.1.",
        "GP to review codeine (constipation).",
        "Constipated from the codeine.",
    ],
)
def test_advice_lists_labs_and_explained_constipation_are_not_queried_as_cauda_equina(
    kb: KnowledgeBase, note: str
) -> None:
    assert "cauda_equina" not in confirm(kb, note)


def test_a_clause_after_a_condition_is_still_read(kb: KnowledgeBase) -> None:
    note = "If she tries to stand, the pain shoots down her legs and she crumples to the floor."
    assert confirm(kb, note) or any(f.status == "present" for f in parse_note(note, kb).findings)


@pytest.mark.parametrize("note", ["SQ: CES Qs neg.", "Cauda equina screen negative."])
def test_a_cauda_equina_screen_found_negative_denies_its_questions(kb: KnowledgeBase, note: str) -> None:
    for fid in ("saddle_anaesthesia", "bladder_dysfunction", "bowel_dysfunction"):
        assert ("absent", None) in readings(kb, note, fid)


def test_a_bracketed_gloss_between_a_measure_and_its_value_is_read(kb: KnowledgeBase) -> None:
    case = parse_note("PVR (bladder scan after voiding) 35 ml.", kb).case
    assert case.observations.post_void_residual_ml == 35


def test_the_heel_walking_test_is_not_a_numb_heel(kb: KnowledgeBase) -> None:
    case = parse_note("Sensation intact, heel/toe walk ok.", kb).case
    assert not case.sensory_regions


def test_reported_numbness_is_reviewed_not_self_managed(kb: KnowledgeBase) -> None:
    note = "Sciatica R leg 2/52, numb outer foot. No saddle numbness, bladder and bowels normal. Improving."
    assert assess(parse_note(note, kb).case, kb).triage.level == "routine"


def test_stable_claudication_with_cold_feet_is_routine_vascular_care(kb: KnowledgeBase) -> None:
    note = (
        "66M. For some months cramping pain in both calves when I walk 200 yards; I stand still for a minute and it "
        "goes away. No pain at night. Feet sometimes feel cold. Smoker. No bladder, bowel or saddle problems."
    )
    result = assess(parse_note(note, kb).case, kb)
    assert result.triage.level == "routine"
    assert any(r.rule == "stable_arterial_claudication" for r in result.triage.reasons)


def test_a_new_cold_leg_with_walking_pain_stays_urgent_or_above(kb: KnowledgeBase) -> None:
    note = "Cramping pain in my calf when I walk for 2 months; since yesterday the foot is cold and numb."
    assert assess(parse_note(note, kb).case, kb).triage.level in ("urgent", "emergency")


@pytest.mark.parametrize(
    "note", ["PMH: osteoporosis (DEXA T -2.7 2022), HTN.", "Gait: mild antalgic, Trendelenburg neg.", "On alendronate."]
)
def test_answered_bone_density_words_and_an_antalgic_gait_are_not_queried(kb: KnowledgeBase, note: str) -> None:
    assert not confirm(kb, note)


def test_a_t_score_of_minus_2_5_or_lower_is_osteoporosis(kb: KnowledgeBase) -> None:
    assert ("present", None) in readings(kb, "Bone density scan: lumbar T-score of -2.9.", "osteoporosis")


@pytest.mark.parametrize("note", ["No bladder, bowel or saddle problems.", "No bowel, bladder or saddle problems."])
def test_a_negation_opening_a_list_with_one_verdict_denies_every_item(kb: KnowledgeBase, note: str) -> None:
    for fid in ("bladder_dysfunction", "bowel_dysfunction", "saddle_anaesthesia"):
        assert readings(kb, note, fid) == {("absent", None)}


def test_a_stop_to_stand_still_is_not_how_long_the_complaint_has_lasted(kb: KnowledgeBase) -> None:
    case = parse_note("Calf pain on walking for some months; I stand still for a minute and it goes.", kb).case
    assert case.duration_days == 90


def test_a_muscle_said_normal_without_a_grade_is_full_power(kb: KnowledgeBase) -> None:
    case = parse_note("R: DF and EHL weak, eversion weak; inversion, PF and hip abduction normal.", kb).case
    grades = {(s.movement, s.grade) for s in case.strength}
    assert {("ankle_inversion", 5), ("ankle_plantarflexion", 5), ("hip_abduction", 5)} <= grades


def test_a_graded_plus_pair_after_a_stretch_test_is_positive(kb: KnowledgeBase) -> None:
    case = parse_note("SLR neg. FNST +/++ L.", kb).case
    assert any(p.test == "femoral_stretch" and p.result == "positive" for p in case.provocative)


def test_reflex_pluses_are_not_a_stretch_test_result(kb: KnowledgeBase) -> None:
    case = parse_note("SLR 85° bilat, power 5/5, reflexes ++ symm.", kb).case
    assert not any(p.result == "positive" for p in case.provocative)


def test_each_root_of_a_two_root_span_is_named(kb: KnowledgeBase) -> None:
    case = parse_note("O/E: deficit in L2/L3 distribution on the left.", kb).case
    assert {(r.root, r.side) for r in case.named_roots} == {("l2", "left"), ("l3", "left")}


@pytest.mark.parametrize("note", ["40F runner, 2/52 groin pain, on a crutch.", "SH: keen runner. L groin pain 1/52."])
def test_groin_pain_in_a_runner_raises_a_stress_fracture(kb: KnowledgeBase, note: str) -> None:
    result = assess(parse_note(note, kb).case, kb)
    assert any(r.rule == "stress_fracture_suspected" for r in result.triage.reasons)


def test_a_runner_with_a_named_root_is_not_sent_for_a_stress_fracture(kb: KnowledgeBase) -> None:
    note = "59M runner, L groin and upper thigh pain 6/52, numb L2 dermatome, hip flexion 4/5 L."
    result = assess(parse_note(note, kb).case, kb)
    assert not any(r.rule == "stress_fracture_suspected" for r in result.triage.reasons)


@pytest.mark.parametrize(
    "note",
    [
        "See GP if no better; red-flag advice given verbally (numbness around bottom, bladder/bowel change -> A&E).",
        "Red flag advice given: numbness around bottom/genitals, bladder/bowel change.",
    ],
)
def test_the_list_of_red_flag_advice_is_neither_a_finding_nor_a_query(kb: KnowledgeBase, note: str) -> None:
    intake = parse_note(note, kb)
    assert not any(f.status == "present" for f in intake.findings)
    assert not intake.to_confirm


def test_back_pain_on_both_sides_is_not_a_bilateral_leg_query(kb: KnowledgeBase) -> None:
    assert not confirm(kb, "Pain across lower back both sides, stiff in the mornings.")


def test_chronic_claudication_told_in_shorthand_is_not_bilateral_sciatica(kb: KnowledgeBase) -> None:
    note = "74F legs heavy/achy both thighs+calves after ~200yds, 2yrs, better sitting/leaning on trolley. B+B normal."
    result = assess(parse_note(note, kb).case, kb)
    assert result.triage.level == "routine"


@pytest.mark.parametrize(
    "note",
    [
        "Temp: not measured, feels well.",
        "Gen health: T2 diabetic?",
        "P: refer to spinal team / MRI for consideration of injection or microdiscectomy.",
        "CES + worsening weakness safety net given, written.",
    ],
)
def test_plans_unmeasured_values_and_diabetes_type_are_not_red_flag_queries(kb: KnowledgeBase, note: str) -> None:
    intake = parse_note(note, kb)
    assert not intake.to_confirm
    assert not any(f.status == "present" for f in intake.findings if f.kind in ("red_flag", "history"))


def test_dizziness_put_down_to_a_medicine_in_its_sentence_is_not_a_vascular_query(kb: KnowledgeBase) -> None:
    assert not confirm(kb, "Pregabalin was upped last month and I'm so dizzy, walked into the door frame.")
    assert "vascular" in confirm(kb, "Back pain and I feel dizzy and grey.")


def test_back_pain_spreading_to_both_sides_of_the_back_is_not_bilateral_leg_symptoms(kb: KnowledgeBase) -> None:
    note = "Central low back ache, spreading into both sides of low back. No buttock or leg pain."
    assert "present" not in {status for status, _ in readings(kb, note, "bilateral_leg_symptoms")}


def test_a_rectal_examination_offered_and_declined_is_not_a_query(kb: KnowledgeBase) -> None:
    assert "cauda_equina" not in confirm(kb, "PR offered, declined - agreed not indicated.")


def test_a_runner_with_groin_pain_who_cannot_walk_normally_is_imaged_the_same_day(kb: KnowledgeBase) -> None:
    note = "40F runner. 2/52 sudden L groin pain while running, tender groin, reduced hip flexion, on a crutch."
    result = assess(parse_note(note, kb).case, kb)
    assert result.triage.level == "emergency"
    assert any(r.rule == "stress_fracture_cannot_bear_weight" for r in result.triage.reasons)


def test_a_patients_words_for_a_worse_back_and_a_high_white_count_are_read(kb: KnowledgeBase) -> None:
    note = (
        "i take a steroid tablet every day for my polymyalgia and my back has got much worse this week. "
        "no temperature. bloods at gp said my white count is very high"
    )
    assert assess(parse_note(note, kb).case, kb).triage.level == "emergency"
