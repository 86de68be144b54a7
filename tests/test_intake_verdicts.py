"""Verdicts, drug contexts and foot-drop patterns met in the sixth set of blind user-style notes (6 Dec 2026): each is
a general pattern, tested on words of our own."""

from __future__ import annotations

import pytest

from nerveroot.assessment.assess import assess
from nerveroot.assessment.case import Case, ProvocativeResult, RegionMark, StrengthTest
from nerveroot.assessment.evidence import derive_evidence
from nerveroot.intake import parse_note
from nerveroot.knowledge.base import KnowledgeBase


@pytest.mark.parametrize(
    ("note", "finding", "status"),
    [
        ("my wees and poos are normal", "bladder_dysfunction", "absent"),
        ("my wees and poos are normal", "bowel_dysfunction", "absent"),
        ("wees n poos normal", "bladder_dysfunction", "absent"),
        ("no temp, no injury", "fever", "absent"),
        ("wees not normal since sunday", "bladder_dysfunction", "present"),
        ("gait not normal", "gait_disturbance", "present"),
        ("gait nl", "gait_disturbance", "absent"),
        ("no problems with bladder or bowels", "bowel_dysfunction", "absent"),
        ("having problems with my pees", "bladder_dysfunction", "present"),
        ("BO normal.", "bowel_dysfunction", "absent"),
        ("perianal sens intact", "saddle_anaesthesia", "absent"),
        ("perianal sens reduced", "saddle_anaesthesia", "present"),
        ("since lunch his foot has gone icy and pale", "cold_or_pulseless_leg", "present"),
        ("lost 10 kg on a diet", "unexplained_weight_loss", "absent"),
        ("lost 10 kg, not dieting", "unexplained_weight_loss", "present"),
        ("lost 20 kg since her gastric bypass", "unexplained_weight_loss", "absent"),
        ("it wakes me if I lie on that side", "night_pain", "absent"),
        ("the pain wakes him at night", "night_pain", "present"),
        ("no feeling on the outside of my leg, bowel and bladder incontinence", "bladder_dysfunction", "present"),
        ("no feeling down below since yesterday", "saddle_anaesthesia", "present"),
        ("she has no perianal or vaginal sensation", "saddle_anaesthesia", "present"),
        ("he is no longer able to have sex", "sexual_dysfunction", "present"),
        ("I could not feel myself passing urine", "bladder_dysfunction", "present"),
        ("no sensory loss, no weakness", "numbness", "absent"),
        (
            "not associated with any symptoms such as tingling, numbness, bowel/bladder dysfunction",
            "bladder_dysfunction",
            "absent",
        ),
        (
            "no neurological symptoms such as numbness or weakness, but now incontinent",
            "bladder_dysfunction",
            "present",
        ),
        ("i could barely walk by the evening", "gait_disturbance", "present"),
        ("its gone numb where i sit", "saddle_anaesthesia", "present"),
        ("both his legs are going weak", "progressive_weakness", "present"),
        ("I cant get up stairs without pulling on the rail", "unable_to_walk", "unknown"),
        ("I cant get up stairs without pulling on the rail", "weakness", "present"),
        ("finished a 5/52 course of rivaroxaban", "anticoagulant_use", "unknown"),
        ("given a 7 day course of prednisolone", "long_term_steroids", "absent"),
        ("had a short course of prednisolone for asthma last year", "long_term_steroids", "absent"),
        ("pred 40mg x 5/7 in March", "long_term_steroids", "absent"),
        ("on prednisolone 10mg daily for 2 years", "long_term_steroids", "present"),
        ("I can feel my bottom fine when wiping", "saddle_anaesthesia", "absent"),
        ("I can't feel my bottom when I wipe", "saddle_anaesthesia", "present"),
        ("B/B: catheter out day 3, normal since.", "bladder_dysfunction", "absent"),
        ("Bladder: normal until yesterday, now leaking", "bladder_dysfunction", "present"),
        ("PR: tone preserved, reduced perianal sensation.", "reduced_anal_tone", "absent"),
        ("PR: tone preserved, reduced perianal sensation.", "saddle_anaesthesia", "present"),
        ("then lost control of bladder and bowels", "bowel_dysfunction", "present"),
        ("saddle NAD (LT perianal - intact)", "saddle_anaesthesia", "absent"),
        ("his right leg went weak on Monday, now both", "progressive_weakness", "present"),
        ("over the summer my foot has started to drop", "progressive_weakness", "present"),
        ("numbness rising to the navel this week", "progressive_weakness", "present"),
        ("O/E: wide-based unsteady gait", "gait_disturbance", "present"),
        ("my walking has felt odd since friday", "gait_disturbance", "present"),
    ],
)
def test_a_verdict_beside_a_function_or_symptom_is_read(
    kb: KnowledgeBase, note: str, finding: str, status: str
) -> None:
    assert parse_note(note, kb).case.status(finding) == status


@pytest.mark.parametrize(
    "note",
    [
        "Plan: SN re CES symptoms.",
        "Gait nl.",
        "PU nl, BO nl.",
        "stocking ↓ both feet",
        "vaginal hysterectomy in May",
        "Plan: physio, safety net (CES + new weakness).",
        "?L5 root vs common peroneal neuropathy",
        "LL power 5/5, reflexes symmetrical.",
        "Could an epidural injection help me?",
        "the amitriptyline is making me dizzy",
        "CES SN repeated.",
        "CES red flags explained - 999/ED if any.",
        "Bladder/bowel: not asked.",
        "P: calf raise progression. Calf feels weak.",
        "injury to the saphenous nerve at the graft site",
    ],
)
def test_safety_netting_and_normal_functions_are_not_mentions_to_confirm(kb: KnowledgeBase, note: str) -> None:
    assert not parse_note(note, kb).to_confirm


def test_a_form_question_answered_on_its_line_is_read_as_a_field(kb: KnowledgeBase) -> None:
    form = "Any loss of control of your bowels? No\nNumbness between the legs? No\nFever? Yes - 38.2 last night"
    case = parse_note(form, kb).case
    assert (case.status("bowel_dysfunction"), case.status("saddle_anaesthesia")) == ("absent", "absent")
    assert case.status("fever") == "present"
    assert parse_note("Will a scan help? No one has examined me yet.", kb).case.status("bowel_dysfunction") == "unknown"


def test_two_legged_words_are_answered_once_both_legs_are_read(kb: KnowledgeBase) -> None:
    claudication = "Walks ~300 yds then both legs ache and feel heavy, eases sitting. Extension reproduces bilat ache."
    intake = parse_note(claudication, kb)
    assert intake.case.status("bilateral_leg_symptoms") == "present"
    assert not intake.to_confirm
    assert any(t.group == "cauda_equina" for t in parse_note("numbness both feet", kb).to_confirm)


@pytest.mark.parametrize(
    ("note", "anticoagulated"),
    [
        ("Plan: core stability program and review.", False),
        ("she takes warferin for AF", True),
        ("DH: ramipril, apixiban", True),
        ("warferin 3 mg daily", True),
    ],
)
def test_a_misspelt_drug_is_read_only_where_a_drug_is_expected(
    kb: KnowledgeBase, note: str, anticoagulated: bool
) -> None:
    intake = parse_note(note, kb)
    assert (intake.case.status("anticoagulant_use") == "present") is anticoagulated
    assert anticoagulated or not any(f.id.startswith("drug:") for f in intake.findings)


def test_a_region_called_intact_after_an_earlier_sensory_loss_is_not_numb(kb: KnowledgeBase) -> None:
    regions = {r.region for r in parse_note("Sens ↓ dorsum L foot; sole intact.", kb).case.sensory_regions}
    assert "dorsum_foot" in regions and "sole" not in regions


def test_a_leg_said_to_have_no_symptoms_is_not_a_second_symptomatic_side(kb: KnowledgeBase) -> None:
    case = parse_note("L sciatica 3/52 to the calf. R leg no sx.", kb).case
    assert case.status("bilateral_leg_symptoms") != "present"


def test_a_leg_said_to_look_thinner_than_the_other_is_wasting_on_one_side(kb: KnowledgeBase) -> None:
    intake = parse_note("sciatica left leg, my left calf looks thinner than the right one", kb)
    assert "muscle_atrophy" in intake.present()
    assert intake.case.status("bilateral_leg_symptoms") != "present"
    assert not parse_note("my calf is thinner than the other", kb).to_confirm


def test_a_lay_question_mark_does_not_cut_a_region_from_its_symptom(kb: KnowledgeBase) -> None:
    regions = {r.region for r in parse_note("sciatica in my leg?? down to inside of my ankle", kb).case.pain_regions}
    assert "medial_ankle" in regions
    sensory = {r.region for r in parse_note("numb under my foot", kb).case.sensory_regions}
    assert sensory == {"sole"}


def test_the_side_of_a_bracketed_comparison_value_is_not_the_regions_side(kb: KnowledgeBase) -> None:
    case = parse_note("L hip: IR 10 (R 35) reproducing groin pain.", kb).case
    assert {(r.region, r.side) for r in case.pain_regions} == {("groin", "left")}
    assert case.status("bilateral_leg_symptoms") != "present"


def _foot_drop(hip_abduction: int) -> Case:
    grades = {"ankle_dorsiflexion": 2, "great_toe_extension": 2, "ankle_eversion": 3, "ankle_inversion": 5}
    grades["hip_abduction"] = hip_abduction
    strength = [StrengthTest(movement=m, side="right", grade=g) for m, g in grades.items()]  # type: ignore[arg-type]
    return Case(age=50, sides=["right"], strength=strength, red_flags={"progressive_weakness": "absent"})


def test_a_foot_drop_with_a_peroneal_pattern_is_urgent_and_one_with_weak_hip_abduction_an_emergency(
    kb: KnowledgeBase,
) -> None:
    peroneal = assess(_foot_drop(hip_abduction=5), kb).triage
    assert peroneal.level == "urgent"
    assert any(r.rule == "peroneal_pattern_foot_drop" for r in peroneal.reasons)
    assert assess(_foot_drop(hip_abduction=4), kb).triage.level == "emergency"


def test_an_upper_lumbar_root_picture_with_signs_is_radicular_not_non_specific_back_pain(kb: KnowledgeBase) -> None:
    case = Case(
        age=60,
        sides=["left"],
        symptoms={"back_pain": "present"},
        pain_regions=[RegionMark(region="groin", side="left"), RegionMark(region="upper_anterior_thigh", side="left")],
        sensory_regions=[RegionMark(region="upper_anterior_thigh", side="left")],
        strength=[StrengthTest(movement="hip_flexion", side="left", grade=4)],
        provocative=[ProvocativeResult(test="femoral_stretch", side="left", result="positive")],
    )
    result = assess(case, kb)
    assert result.level_summary.radicular_probability > 0.5
    assert result.level_summary.leading and result.level_summary.leading[0] in ("l2", "l3")
    nonspecific = next(c for c in result.differential if c.id == "nonspecific_low_back_pain")
    against = " ".join(nonspecific.against)
    assert "femoral" in against and "weakness" in against


@pytest.mark.parametrize(
    ("note", "level"),
    [
        ("Bladder and bowel dysfunction for 1 month. Weakness of both legs for 1 month.", "emergency"),
        ("Urinary incontinence for 3 months. Pain in the left leg only, power 5/5.", "urgent"),
    ],
)
def test_sphincter_symptoms_of_weeks_stay_an_emergency_with_weakness_in_both_legs(
    kb: KnowledgeBase, note: str, level: str
) -> None:
    assert assess(parse_note(note, kb).case, kb).triage.level == level


def test_a_weakness_in_an_episode_of_under_two_weeks_is_new_and_never_made_old_by_a_long_one(
    kb: KnowledgeBase,
) -> None:
    def reasons(days: int) -> set[str]:
        case = Case(age=63, duration_days=days, symptoms={"weakness": "present", "back_pain": "present"})
        return {r.rule for r in assess(case, kb).triage.reasons}

    assert "new_weakness_ungraded" in reasons(10)
    assert "new_weakness_ungraded" not in reasons(90)
    severe = Case(age=50, duration_days=180, strength=[StrengthTest(movement="knee_extension", side="left", grade=2)])
    assert assess(severe, kb).triage.level == "emergency"


def test_the_worst_reading_of_a_trend_counts(kb: KnowledgeBase) -> None:
    case = parse_note("Obs: HR 128, T 37.4 -> 38.8 on recheck, BP 118/76 then 84/50.", kb).case
    assert case.observations.temperature_c == 38.8
    assert case.observations.systolic_bp == 84
    assert case.status("fever") == "present"


def test_muscles_not_named_are_full_when_the_note_says_so(kb: KnowledgeBase) -> None:
    case = parse_note("O/E: R ankle dorsiflexion 2/5, eversion 2/5, EHL 2/5; other muscles 5/5.", kb).case
    grades = {(t.movement, t.side): t.grade for t in case.strength}
    assert grades[("ankle_inversion", "right")] == 5 and grades[("hip_abduction", "right")] == 5
    assert assess(case, kb).triage.level == "urgent"  # a common peroneal pattern
    plain = parse_note("O/E: R ankle dorsiflexion 2/5.", kb).case
    assert ("ankle_inversion", "right") not in {(t.movement, t.side) for t in plain.strength}


def test_a_grade_for_the_rest_is_not_the_grade_of_the_muscle_before_it(kb: KnowledgeBase) -> None:
    grades = {(t.movement, t.side): t.grade for t in parse_note("EHL 4/5 L, rest 5/5.", kb).case.strength}
    knee = {(t.movement, t.side): t.grade for t in parse_note("Knee ext 3/5 L, other muscles 5/5.", kb).case.strength}
    assert knee[("knee_extension", "left")] == 3
    assert grades[("great_toe_extension", "left")] == 4
    assert grades[("ankle_dorsiflexion", "left")] == 5


@pytest.mark.parametrize(
    ("when", "level"), [("7/52 ago", "urgent"), ("5 days ago", "urgent"), ("yesterday", "emergency")]
)
def test_a_deficit_since_the_operation_dates_from_it(kb: KnowledgeBase, when: str, level: str) -> None:
    note = f"L hip replacement {when}. L leg weak and numb since op. Knee extension 3/5 L, other muscles 5/5."
    assert assess(parse_note(note, kb).case, kb).triage.level == level


def test_a_lay_loss_of_feeling_around_the_bottom_is_listed_and_could_is_no_hypothetical(kb: KnowledgeBase) -> None:
    groups = {t.group for t in parse_note("he could barely feel anything around his bottom", kb).to_confirm}
    assert "cauda_equina" in groups
    assert parse_note("she could not feel the toilet paper", kb).case.status("saddle_anaesthesia") == "present"


def test_a_calf_weaker_on_tiptoe_is_ungraded_plantarflexion_weakness(kb: KnowledgeBase) -> None:
    [test] = parse_note("my right calf feels weaker going up on tiptoes", kb).case.strength
    assert (test.movement, test.side, test.described) == ("ankle_plantarflexion", "right", "weak")
    assert parse_note("my calf is sore", kb).case.strength == []


@pytest.mark.parametrize(
    ("note", "described"),
    [
        ("my foot catches now and again", "weak"),
        ("keeps tripping over his left foot", "weak"),
        ("my foot drags", "severe"),
    ],
)
def test_a_catching_foot_is_ungraded_weakness_and_a_dragging_foot_is_foot_drop(
    kb: KnowledgeBase, note: str, described: str
) -> None:
    [test] = parse_note(note, kb).case.strength
    assert (test.movement, test.described) == ("ankle_dorsiflexion", described)


def test_a_short_steroid_course_and_normal_feeling_when_wiping_are_not_left_to_confirm(kb: KnowledgeBase) -> None:
    for note in ("had a short course of prednisolone last year", "I can feel my bottom fine when wiping"):
        assert parse_note(note, kb).to_confirm == []


@pytest.mark.parametrize(
    ("note", "finding"),
    [
        ("Care advice: check skin daily; any leg weakness, B+B change or fever -> call back/ED.", "weakness"),
        ("SN: rest pain, colour change, cold/numb foot -> urgent.", "numbness"),
        ("Plan: physio. SN CES.", "saddle_anaesthesia"),
    ],
)
def test_safety_netting_asserts_nothing(kb: KnowledgeBase, note: str, finding: str) -> None:
    intake = parse_note(note, kb)
    assert intake.case.status(finding) == "unknown"
    assert intake.to_confirm == []


def test_a_differential_names_what_may_be(kb: KnowledgeBase) -> None:
    case = parse_note("Imp: ?amyotrophy vs radiculopathy vs malignancy given wt loss.", kb).case
    assert (case.status("cancer_history"), case.status("unexplained_weight_loss")) == ("unknown", "present")


@pytest.mark.parametrize("note", ["L leg weakness 4/5 -> referred urgently", "new leg weakness, numbness -> ED"])
def test_an_arrow_to_a_clinicians_action_keeps_the_finding(kb: KnowledgeBase, note: str) -> None:
    assert parse_note(note, kb).case.status("weakness") == "present"


@pytest.mark.parametrize(
    "note",
    [
        "S/S CES: no saddle anaesthesia, B+B normal, no sexual dysfunction.",
        "PR: prostate enlarged, hard and nodular.",
        "I'm a dental receptionist.",
        "HPC: 4/12 gradually worsening R groin pain. Power 5/5.",
        "Plan: analgesia, walking stick, physio.",
    ],
)
def test_answered_or_unrelated_red_flag_words_are_not_left_to_confirm(kb: KnowledgeBase, note: str) -> None:
    assert parse_note(note, kb).to_confirm == []


def test_worsening_weakness_after_pain_is_still_progressive(kb: KnowledgeBase) -> None:
    note = "back pain, then worsening leg pain and weakness despite physio"
    assert parse_note(note, kb).case.status("progressive_weakness") == "present"


def test_a_relatives_body_told_by_the_asker_is_the_patients(kb: KnowledgeBase) -> None:
    case = parse_note("My dad's legs went weak this morning and he can't pee", kb).case
    assert case.status("bladder_dysfunction") == "present"
    assert parse_note("my dad had sciatica", kb).case.status("radiating_leg_pain") == "unknown"


def test_a_weak_pulse_is_not_a_weak_leg_and_any_is_not_a_year(kb: KnowledgeBase) -> None:
    case = parse_note("Pulses: popliteal R not felt, L weak. Any leg weakness?", kb).case
    assert case.status("weakness") != "present"
    assert case.duration_days is None


@pytest.mark.parametrize(
    ("note", "finding"),
    [
        ("Bladder scan revealed over 700cc of urine.", "bladder_dysfunction"),
        ("they scanned his bladder and there was 700ml in it", "bladder_dysfunction"),
        ("a feeling of incomplete voiding since the fall", "bladder_dysfunction"),
        ("kneeling to pee and wearing pads", "bladder_dysfunction"),
        ("loss of power and sensation in the lower half of his body", "bilateral_leg_symptoms"),
        ("numb from the waist down", "bilateral_leg_symptoms"),
        ("weakness (MRC grade 4/5) in both lower limbs", "bilateral_leg_symptoms"),
        ("decreased sensation in the legs", "bilateral_leg_symptoms"),
        ("LBP rad both legs + N&T x5/7", "bilateral_leg_symptoms"),
        ("numb buttocks since the injection", "saddle_anaesthesia"),
        ("she has difficulty standing", "gait_disturbance"),
        ("diff walking since Monday", "gait_disturbance"),
        ("he became paralysed rapidly over 2 days", "progressive_weakness"),
        ("dads right leg suddenly went agony an hour ago", "severe_pain"),
        ("diminished strength in the lower extremities and absent rectal tone", "bilateral_leg_symptoms"),
        ("pain in his thighs and buttocks on walking", "bilateral_leg_symptoms"),
        ("bilateral L5 lumbosciatica for a year", "bilateral_leg_symptoms"),
        ("sudden neck pain and tetraparesis", "bilateral_leg_symptoms"),
        ("weakness and decreased reflexes were noted in bilateral lower extremities", "bilateral_leg_symptoms"),
        ("it troubles him each night", "night_pain"),
        ("Now progressive R leg pain + weakness", "progressive_weakness"),
        ("severe chest pressure with radiation to the back", "sudden_severe_central_pain"),
        ("78M sudden onset back pain", "sudden_severe_central_pain"),
        ("LBP + R leg pain since a fall", "minor_trauma"),
        ("a 1-year history of steroid use for arthritis", "long_term_steroids"),
        ("my brother injected heroin yesterday", "iv_drug_use"),
        ("mum suddenly went pale and collapsed", "collapse_or_syncope"),
        ("since Tuesday his willy feels numb", "saddle_anaesthesia"),
        ("he had an accident in bed last night", "bladder_dysfunction"),
        ("went to loo and 'couldn't get started'", "bladder_dysfunction"),
        ("new numbness 'down there' on the R side when wiping", "saddle_anaesthesia"),
        ("48F dorsolumbar pain for 2 months", "thoracic_pain"),
        ("temp 37.8-38 on the ward", "fever"),
        ("cold immobile extremities", "cold_or_pulseless_leg"),
        ("Both legs 0/5, sensory level T12", "bilateral_leg_symptoms"),
        ("husband suddenly couldnt feel or move both legs", "bilateral_leg_symptoms"),
        ("43M day 0 post L3/4 microdiscectomy, within hrs bilat foot drop", "recent_spinal_procedure"),
        ("R leg power 4/5, SLR neg, R leg cold + pale c/w L", "cold_or_pulseless_leg"),
        ("Unable to sit, stand, walk or lie, I went straight to A&E.", "unable_to_walk"),
    ],
)
def test_outside_wordings_of_red_flags_are_read(kb: KnowledgeBase, note: str, finding: str) -> None:
    assert parse_note(note, kb).case.status(finding) == "present"


def test_groin_numbness_alone_is_left_to_confirm(kb: KnowledgeBase) -> None:
    intake = parse_note("new onset groin numbness", kb)
    assert intake.case.status("saddle_anaesthesia") == "unknown"
    assert "cauda_equina" in {t.group for t in intake.to_confirm}


@pytest.mark.parametrize(
    ("note", "finding", "status"),
    [
        ("L hip FROM, FADIR + FABER neg.", "hip_internal_rotation_positive", "absent"),
        ("SLR +, FST neg", "slr_positive", "present"),
        ("SLR +, FST neg", "femoral_stretch_positive", "absent"),
        ("SLR and slump positive L", "slr_positive", "present"),
        ("slump and SLR negative", "slump_positive", "absent"),
    ],
)
def test_a_plus_joins_two_tests_or_ends_one(kb: KnowledgeBase, note: str, finding: str, status: str) -> None:
    assert {f.status for f in parse_note(note, kb).findings if f.id == finding} == {status}


def test_walking_slowly_is_not_a_gradual_onset(kb: KnowledgeBase) -> None:
    assert parse_note("can walk ok just slowly", kb).case.onset == "unknown"
    assert parse_note("it came on slowly over weeks", kb).case.onset == "gradual"


@pytest.mark.parametrize(
    ("note", "grades"),
    [
        (
            "O/E: power 4/5 bilat hip flex + knee ext, 5/5 distally.",
            {("hip_flexion", "left", 4), ("hip_flexion", "right", 4), ("knee_extension", "left", 4)},
        ),
        ("EHL 4/5 L, 5/5 elsewhere", {("great_toe_extension", "left", 4), ("ankle_dorsiflexion", "left", 5)}),
        ("TA 3/5 L, 5/5 R", {("ankle_dorsiflexion", "left", 3), ("ankle_dorsiflexion", "right", 5)}),
        ("myotomes 5/5 except L quads 4+/5", {("knee_extension", "left", 4), ("ankle_dorsiflexion", "left", 5)}),
    ],
)
def test_a_grade_before_its_muscles_or_for_the_rest_goes_where_it_is_written(
    kb: KnowledgeBase, note: str, grades: set[tuple[str, str, int]]
) -> None:
    read = {(t.movement, t.side, t.grade) for t in parse_note(note, kb).case.strength}
    assert grades <= read


def test_a_foot_that_cannot_be_lifted_is_foot_drop_and_not_a_lifting_trigger(kb: KnowledgeBase) -> None:
    note = "67F, sciatica 10 days, now can't lift R foot properly since yesterday. On rivaroxaban for AF."
    intake = parse_note(note, kb)
    assert intake.case.status("foot_drop") == "present" or any(t.severe for t in intake.case.strength)
    assert intake.case.trigger != "lifting"
    assert assess(intake.case, kb).triage.level == "emergency"


@pytest.mark.parametrize(
    ("note", "status"),
    [
        ("Sleeve gastrectomy 2024, lost 25kg since. Imp: palsy after rapid wt loss.", "absent"),
        ("Lost 10 kg on a diet last year. Now 5kg unintentional wt loss.", "present"),
    ],
)
def test_a_weight_loss_explained_once_explains_its_other_mentions(kb: KnowledgeBase, note: str, status: str) -> None:
    assert parse_note(note, kb).case.status("unexplained_weight_loss") == status


def test_a_safety_netting_sentence_and_a_slash_list_of_hip_movements(kb: KnowledgeBase) -> None:
    note = "Power R: hip flex/abd/ext 5/5, DF 2/5. SN: return if weakness spreads, other leg affected, B/B sx."
    intake = parse_note(note, kb)
    assert {t.movement for t in intake.case.strength if t.grade == 5} >= {"hip_abduction", "hip_extension"}
    assert intake.to_confirm == []


@pytest.mark.parametrize(
    ("note", "finding"),
    [
        ("left lower back pain that radiates down to his left foot", "pain_below_knee"),
        ("65M, 3/7 L LBP → L foot, shock-like", "pain_below_knee"),
        ("pain from my lower back all the way down to the tips of my toes", "pain_below_knee"),
        ("Examination revealed reduced knee and absent ankle reflexes", "patellar_reflex_reduced"),
    ],
)
def test_outside_wordings_of_root_findings_are_read(kb: KnowledgeBase, note: str, finding: str) -> None:
    assert "present" in {f.status for f in parse_note(note, kb).findings if f.id == finding}


def test_a_buckling_knee_that_cannot_be_straightened_on_warfarin_is_an_emergency(kb: KnowledgeBase) -> None:
    note = (
        "72yo lady, 2 wks of pain in her left thigh and groin, on warfarin for AF. Today her left knee keeps buckling "
        "and she cant straighten it properly. No back pain."
    )
    intake = parse_note(note, kb)
    assert intake.case.status("weakness") == "present"
    assert assess(intake.case, kb).triage.level == "emergency"


@pytest.mark.parametrize(("when", "level"), [("postnatal 6/52", "urgent"), ("8 days postpartum", "emergency")])
def test_a_deficit_since_the_birth_dates_from_it(kb: KnowledgeBase, when: str, level: str) -> None:
    note = f"29F {when}. L foot numb dorsum and weak DF 3/5 since delivery, not worsening. No back pain."
    assert assess(parse_note(note, kb).case, kb).triage.level == level


def test_bilateral_buttock_and_thigh_pain_on_walking_is_neurogenic_claudication_not_an_emergency(
    kb: KnowledgeBase,
) -> None:
    note = "45M, 6/12 bilat buttock/thigh pain on walking 200m, eased by sitting/bending. Neuro NAD. B&B normal."
    intake = parse_note(note, kb)
    assert derive_evidence(intake.case).get("neurogenic_claudication") == "present"
    assert assess(intake.case, kb).triage.level != "emergency"
