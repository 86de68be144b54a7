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
        ("30M, fall -> severe LBP.", "minor_trauma", "present"),
        ("67F steroid-dependent PMR.", "long_term_steroids", "present"),
        ("Back pain after 9 months of glucocorticoids.", "long_term_steroids", "present"),
        ("42F RA/MTX, LBP worse.", "immunosuppression", "present"),
        (
            "Leg pain treated by steroid injection in the lumbar spine a few weeks ago.",
            "recent_spinal_procedure",
            "present",
        ),
        ("O/E: Freiberg, Pace, Beatty and FAIR tests positive on R.", "piriformis_provocation_pain", "present"),
        ("L foot drop. Tender over L fibular neck.", "fibular_head_sign", "present"),
        ("Tinel's sign positive at the fibular neck.", "fibular_head_sign", "present"),
        ("Acute, severe back pain without deficits after receiving TFESI.", "recent_spinal_procedure", "present"),
        ("She had severe acute onset back pain at night.", "sudden_severe_central_pain", "present"),
        ("afterwards got sudden really bad back pain", "sudden_severe_central_pain", "present"),
        ("3/12 worsening thoracolumbar back pain", "thoracic_pain", "present"),
        ("Diminished strength in the lower extremities.", "bilateral_leg_symptoms", "present"),
        ("had a flu type thing with fevers", "recent_infection", "present"),
        ("Screen: saddle anaesthesia - denies; no fever.", "saddle_anaesthesia", "absent"),
        ("since this morning a numb feeling in her groin and buttocks", "saddle_anaesthesia", "present"),
        ("Numbness of the scrotum since Tuesday.", "saddle_anaesthesia", "present"),
        ("tingling in the right leg, which two days later spread to the left leg", "bilateral_leg_symptoms", "present"),
        ("Back pain without a clear cause is dull, radiates into both thighs.", "bilateral_leg_symptoms", "present"),
        ("The ache comes and goes, present at night as well.", "night_pain", "present"),
        ("can barely put weight on my left leg", "gait_disturbance", "present"),
        ("i use iv, back pain for a week", "iv_drug_use", "present"),
        ("Weakness of the R foot extensors.", "weakness", "present"),
        ("since the weekend my lower back is really hurting", "back_pain", "present"),
        ("my left hip has started aching", "hip_pain", "present"),
        ("the leg hurts so much i can't think", "severe_pain", "present"),
        ("had a back injection on Monday", "recent_spinal_procedure", "present"),
        ("Dysuria and frequency for 3 days.", "recent_infection", "present"),
        ("LLQ cramping since lunchtime", "abdominal_or_flank_pain", "present"),
        ("stomach cramping and back ache today", "abdominal_or_flank_pain", "present"),
        ("denies stomach cramps", "abdominal_or_flank_pain", "absent"),
        ("the leg hurts day and night now", "night_pain", "present"),
        ("woke him from sleep twice this week", "night_pain", "present"),
        ("The pain is present at rest.", "night_pain", "present"),
        ("No night pain, not present at rest.", "night_pain", "absent"),
        ("Back pain worse, particularly at night.", "night_pain", "present"),
        ("lost my appetite and a bit of weight", "unexplained_weight_loss", "present"),
        ("now needs a walking aid outdoors", "gait_disturbance", "present"),
        ("Not using a walking aid.", "gait_disturbance", "absent"),
        ("getting harder and harder to walk", "gait_disturbance", "present"),
        ("progressive limitation of ambulation over 3 weeks", "gait_disturbance", "present"),
        ("back ache irradiating to both legs", "bilateral_leg_symptoms", "present"),
        ("aching from the buttocks down to the thighs", "bilateral_leg_symptoms", "present"),
        ("bilat back + leg pain since Friday", "bilateral_leg_symptoms", "present"),
        ("bilat L5 weakness on testing", "bilateral_leg_symptoms", "present"),
        ("a fall in power of the lower limbs over two days", "progressive_weakness", "present"),
        ("my wee feels odd since yesterday", "bladder_dysfunction", "present"),
        ("says her urine is 'different' now", "bladder_dysfunction", "present"),
        ("pain started all of a sudden and within minutes became severe", "sudden_severe_central_pain", "present"),
        ("had an epidural blood patch on Tuesday", "recent_spinal_procedure", "present"),
        ("Pulses: R fem weak, R DP weak.", "weakness", "unknown"),
        ("Walks about 150 yds then both thighs ache.", "exertional_leg_pain", "present"),
        ("shivery and unwell, and yes he does use (inject)", "iv_drug_use", "present"),
        ("she uses needles most days", "iv_drug_use", "present"),
        ("Bladder - not passing urine since this morning.", "bladder_dysfunction", "present"),
        ("Passing urine normally.", "bladder_dysfunction", "absent"),
        ("Pulses: R fem weak, R DP weak.", "cold_or_pulseless_leg", "present"),
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


@pytest.mark.parametrize(
    "note",
    [
        "PR not indicated.",
        "Abdo - not examined.",
        "PR: not done.",
        "Bladder - passing urine normally; bowels: normal.",
        "The nurse checked the pulses in her feet and they were normal.",
        "Pain wraps round to the front of my left thigh.",
        "Plan: flexion exercise progression, review 2/52. EHL 4/5.",
    ],
)
def test_an_examination_judged_unneeded_or_a_template_field_answered_is_not_a_mention(
    kb: KnowledgeBase, note: str
) -> None:
    assert not parse_note(note, kb).to_confirm


@pytest.mark.parametrize(
    ("note", "regions"),
    [
        ("Sens: dec LT dorsum R foot.", [("dorsum_foot", "right")]),
        ("Sensation: LT intact, reduced PP lat shin R.", [("lateral_leg", "right")]),
    ],
)
def test_lt_beside_a_sensory_word_is_light_touch_not_left(
    kb: KnowledgeBase, note: str, regions: list[tuple[str, str]]
) -> None:
    case = parse_note(note, kb).case
    assert [(m.region, m.side) for m in case.sensory_regions] == regions and case.sides == ["right"]


def test_a_quoted_lay_word_for_foot_drop_is_read(kb: KnowledgeBase) -> None:
    findings = parse_note("3/52 L foot 'slapping' on the stairs.", kb).findings
    assert [(f.id, f.side) for f in findings if f.id == "foot_drop"] == [("foot_drop", "left")]


def test_a_date_is_not_a_duration_and_the_first_age_is_the_patients(kb: KnowledgeBase) -> None:
    case = parse_note("Seen 16/12/26. 68F. Early menopause (age 44). 2/52 L sciatica.", kb).case
    assert case.duration_days == 14 and case.age == 68


@pytest.mark.parametrize(
    ("note", "level"),
    [("On apixaban. L leg numb for 2 months.", "routine"), ("On apixaban. L leg numb since yesterday.", "emergency")],
)
def test_a_deficit_of_weeks_on_an_anticoagulant_is_not_a_suspected_bleed(
    kb: KnowledgeBase, note: str, level: str
) -> None:
    assert assess(parse_note(note, kb).case, kb).triage.level == level


def test_pain_called_severe_in_words_is_not_self_care(kb: KnowledgeBase) -> None:
    case = parse_note("Severe R sciatica for 4 days, can't sleep. No B/B sx, no saddle numbness.", kb).case
    assert assess(case, kb).triage.level == "routine"


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


def test_a_region_named_without_a_side_is_kept_with_its_side_not_stated(kb: KnowledgeBase) -> None:
    case = parse_note("Sudden onset groin pain. Numbness over the front of the thigh.", kb).case
    assert [(m.region, m.side) for m in case.pain_regions] == [("groin", None)]
    assert [(m.region, m.side) for m in case.sensory_regions] == [("anterior_thigh", None)]
    sided = parse_note("Left groin pain. Groin tender.", kb).case
    assert [(m.region, m.side) for m in sided.pain_regions] == [("groin", "left")]


def test_sudden_groin_pain_on_an_anticoagulant_is_a_suspected_bleed(kb: KnowledgeBase) -> None:
    result = assess(parse_note("On warfarin. Sudden onset groin pain, cannot straighten the hip.", kb).case, kb)
    assert result.triage.level == "emergency"
    assert "haematoma_suspected" in [r.rule for r in result.triage.reasons]


def test_a_doubt_on_one_test_of_a_list_leaves_the_other_grades(kb: KnowledgeBase) -> None:
    case = parse_note("R leg: Quads 2/5, hip flex limited by pain, adductors 5/5.", kb).case
    assert [(t.movement, t.grade) for t in case.strength] == [("knee_extension", 2), ("hip_adduction", 5)]


def test_a_severity_word_governs_the_ungraded_movements_it_lists(kb: KnowledgeBase) -> None:
    case = parse_note("Profound weakness R ankle dorsiflexion and plantarflexion. L quads weak.", kb).case
    assert {(t.movement, t.side, t.described) for t in case.strength} == {
        ("ankle_dorsiflexion", "right", "severe"),
        ("ankle_plantarflexion", "right", "severe"),
        ("knee_extension", "left", "weak"),
    }


@pytest.mark.parametrize(
    ("note", "status"),
    [
        ("Abdo: pulsatile expansile mass above the umbilicus.", "present"),
        ("Never had AAA screening.", "unknown"),
    ],
)
def test_an_expansile_mass_is_an_aneurysm_sign_and_screening_is_not(kb: KnowledgeBase, note: str, status: str) -> None:
    assert parse_note(note, kb).case.status("aortic_aneurysm_sign") == status


@pytest.mark.parametrize(
    "note",
    [
        "Now can't stand at work for the pain.",
        "Self-retaining retractor used.",
        "Wound healed, clean and dry.",
    ],
)
def test_tolerance_instruments_and_a_healed_wound_are_not_red_flags(kb: KnowledgeBase, note: str) -> None:
    intake = parse_note(note, kb)
    assert not intake.to_confirm and intake.case.status("unable_to_walk") == "unknown"


@pytest.mark.parametrize(
    ("note", "graded"),
    [
        ("profound R ankle DF + PF weakness", {("ankle_dorsiflexion", "severe"), ("ankle_plantarflexion", "severe")}),
        ("Severe L sciatica with EHL weakness.", {("great_toe_extension", "weak")}),
    ],
)
def test_a_severity_word_before_the_muscles_grades_them_and_not_other_words(
    kb: KnowledgeBase, note: str, graded: set[tuple[str, str]]
) -> None:
    assert {(t.movement, t.described) for t in parse_note(note, kb).case.strength} == graded


@pytest.mark.parametrize(
    "note", ["Back pain with urinary and fecal urgencies.", "i keep getting sudden urges to pee and poo"]
)
def test_urgency_of_both_sphincters_is_bladder_and_bowel_dysfunction(kb: KnowledgeBase, note: str) -> None:
    case = parse_note(note, kb).case
    assert case.status("bladder_dysfunction") == "present" and case.status("bowel_dysfunction") == "present"


@pytest.mark.parametrize(
    ("note", "days"),
    [
        ("Chronic low back pain for 30 years with a 3-month history of worsening low back pain.", 90),
        ("Chronic LBP for 10 years, worse for the last 3 weeks with L sciatica.", 21),
        ("41M 3y LBP + L sciatica.", 1095),
        ("35F 2y recurrent R LBP radiating to the thigh.", 730),
    ],
)
def test_the_episode_is_the_flare_of_a_chronic_complaint_and_shorthand_years_are_read(
    kb: KnowledgeBase, note: str, days: int
) -> None:
    assert parse_note(note, kb).case.duration_days == days


@pytest.mark.parametrize(
    ("note", "status"),
    [("EHL 3/5 R (was 4/5 last wk).", "present"), ("EHL 4/5 R (was 3/5 last wk).", "absent")],
)
def test_a_grade_beside_an_earlier_one_in_brackets_is_a_change(kb: KnowledgeBase, note: str, status: str) -> None:
    intake = parse_note(note, kb)
    assert intake.case.status("progressive_weakness") == status and not intake.to_confirm


def test_a_reflex_whose_leg_is_not_said_is_kept_with_its_side_not_stated(kb: KnowledgeBase) -> None:
    assert [(r.reflex, r.side, r.result) for r in parse_note("AJ absent.", kb).case.reflexes] == [
        ("achilles", None, "absent")
    ]
    sided = parse_note("L AJ absent, R AJ normal.", kb).case.reflexes
    assert {(r.side, r.result) for r in sided} == {("left", "absent"), ("right", "normal")}


def test_a_leg_that_stopped_working_hours_ago_is_an_emergency(kb: KnowledgeBase) -> None:
    note = "My left leg suddenly stopped working about 6 hours ago, cant move it or feel it at all. doesnt hurt."
    case = parse_note(note, kb).case
    assert case.status("weakness") == "present" and case.status("numbness") == "present"
    assert assess(case, kb).triage.level == "emergency"


@pytest.mark.parametrize(
    "note",
    [
        "Runs 60 miles a week. L groin pain for 3 weeks. Pain on single-leg hop.",
        "training for a marathon and the front of my right hip hurts when i run",
    ],
)
def test_hip_pain_in_a_distance_runner_or_pain_on_hopping_is_a_possible_stress_fracture(
    kb: KnowledgeBase, note: str
) -> None:
    result = assess(parse_note(note, kb).case, kb)
    assert result.triage.level == "urgent"
    assert "stress_fracture_suspected" in [r.rule for r in result.triage.reasons]


def test_a_numb_leg_with_sudden_severe_upper_back_pain_is_an_emergency(kb: KnowledgeBase) -> None:
    note = "all of a sudden a terrible pain between my shoulder blades and now my left leg is numb"
    assert assess(parse_note(note, kb).case, kb).triage.level == "emergency"
    strained = "i lifted a box yesterday, sudden terrible pain in my upper back, left leg numb"
    assert assess(parse_note(strained, kb).case, kb).triage.level != "emergency"


def test_conditions_suspected_by_an_emergency_rule_come_before_those_of_an_urgent_one(kb: KnowledgeBase) -> None:
    note = "70M. Sudden severe pain between the shoulder blades 1h ago, L foot cold and pale, HR 112. On apixaban."
    ranked = [d.id for d in assess(parse_note(note, kb).case, kb).differential]
    assert ranked.index("aortic_aneurysm_or_dissection") < ranked.index("vertebral_fracture")


def test_a_hip_that_hurts_after_a_back_injection_on_an_antiplatelet_is_a_suspected_bleed(kb: KnowledgeBase) -> None:
    note = "had my back injection yesterday and since then my right hip has been hurting more and more. on clopidogrel"
    result = assess(parse_note(note, kb).case, kb)
    assert result.triage.level == "emergency" and "haematoma_suspected" in [r.rule for r in result.triage.reasons]


def test_a_possibly_progressing_weakness_with_a_urinary_infection_is_treated_as_an_abscess(kb: KnowledgeBase) -> None:
    note = "leg pain getting worse every week and the last 3 weeks my right leg is weak. it burns when i pee"
    result = assess(parse_note(note, kb).case, kb)
    assert result.triage.level == "emergency"
    assert "infection_risk_with_markers_or_deficit" in [r.rule for r in result.triage.reasons]


@pytest.mark.parametrize(
    ("note", "sides"),
    [
        ("Lassegue positive on the left at 40 degrees.", {"left"}),
        ("Exam revealed a positive bilateral Lasegue sign.", {"left", "right"}),
    ],
)
def test_lasegue_in_either_spelling_is_a_positive_slr(kb: KnowledgeBase, note: str, sides: set[str]) -> None:
    found = {f.side for f in parse_note(note, kb).findings if f.id == "slr_positive" and f.status == "present"}
    assert found == sides
