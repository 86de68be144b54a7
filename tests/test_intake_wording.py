"""Wording families met in published cases and in shorthand written from them (eval/intake/sentences_dev2.jsonl):
each case is a general phrase family, checked in both directions where a near miss would be wrong."""

from __future__ import annotations

import pytest

from nerveroot.intake import parse_note
from nerveroot.knowledge.base import KnowledgeBase


def _status(kb: KnowledgeBase, text: str, finding: str) -> str | None:
    statuses = {f.status for f in parse_note(text, kb).findings if f.id == finding}
    return "present" if "present" in statuses else next(iter(statuses), None)


@pytest.mark.parametrize(
    ("text", "finding", "status"),
    [
        ("new B&B incont", "bladder_dysfunction", "present"),
        ("new B/B incont", "bowel_dysfunction", "present"),
        ("no radiation, known OP", "osteoporosis", "present"),
        ("weakness of his legs that progressed to paralysis of both legs", "progressive_weakness", "present"),
        ("new R foot drop D4", "progressive_weakness", None),
        ("no new weakness, gait steady", "progressive_weakness", "absent"),
        ("noted an inability to move her bilateral lower extremities", "bilateral_leg_symptoms", "present"),
        ("right greater than left leg pain", "bilateral_leg_symptoms", "present"),
        ("can't move either leg", "unable_to_walk", "present"),
        ("severe and sudden-onset, right-sided flank pain", "sudden_severe_central_pain", "present"),
        ("severe and sudden-onset, right-sided flank pain", "abdominal_or_flank_pain", "present"),
        ("severe and sudden back pain", "abdominal_or_flank_pain", None),
        ("the hip pain would awaken him at night", "night_pain", "present"),
        ("unable to palpate dorsalis pedis or popliteal pulses on the right", "cold_or_pulseless_leg", "present"),
        ("residual urine of 1.2 litres was drained", "bladder_dysfunction", "present"),
        ("increased body temperature (37.8)", "fever", "present"),
        ("petechiae erupted along the right leg", "rash", "present"),
        ("recurrent abdominal liposarcoma under chemotherapy", "cancer_history", "present"),
        ("LBP radiating down L leg, P/N dorsum foot", "paresthesia", "present"),
        ("LBP radiating down L leg, P/N dorsum foot", "sensory:dorsum_foot", "present"),
        ("LBP radiating down L leg, P/N dorsum foot", "pain:dorsum_foot", None),
        ("R leg pain into calf. P&N dorsum of foot", "sensory:dorsum_foot", "present"),
        ("LBP, no P&N", "paresthesia", "absent"),
    ],
)
def test_wording_families(kb: KnowledgeBase, text: str, finding: str, status: str | None) -> None:
    assert _status(kb, text, finding) == status


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("s/p discectomy 2/52", 14),
        ("s/p L4-5 laminectomy + fusion 8/52", 56),
        ("R L5-S1 TFESI, now unable to mobilise", None),
    ],
)
def test_a_procedure_with_a_bare_date_or_a_now_happened(kb: KnowledgeBase, text: str, days: int | None) -> None:
    intake = parse_note(text, kb)
    assert intake.case.red_flags.get("recent_spinal_procedure") == "present" or any(
        f.id == "recent_spinal_procedure" and f.status == "present" for f in intake.findings
    )
    assert next(f.value for f in intake.findings if f.id.startswith("procedure:")) == days


@pytest.mark.parametrize(
    ("text", "finding", "side", "status"),
    [
        (
            "Left lower extremity 5/5 plantar flexion, 4+/5 dorsi-flexion, 5/5 quadriceps.",
            "weak_ankle_dorsiflexion",
            "left",
            "present",
        ),
        (
            "Left lower extremity 5/5 plantar flexion, 4+/5 dorsi-flexion, 5/5 quadriceps.",
            "weak_ankle_plantarflexion",
            "left",
            "absent",
        ),
        ("TA 4/5, EHL 3/5 R", "weak_ankle_dorsiflexion", "right", "present"),
        ("she was unable to dorsiflex her right foot or great toe", "weak_great_toe_extension", "right", "present"),
        ("now I can't lift my right thigh properly", "weak_hip_flexion", "right", "present"),
        ("her foot occasionally catching on the ground while walking", "weak_ankle_dorsiflexion", None, "present"),
        ("Deep tendon reflexes were absent in his legs", "patellar_reflex_reduced", "left", "present"),
        ("↓ sens lat calf + dorsum foot", "sensory:dorsum_foot", None, "present"),
        ("denies trauma, fever, B&B incont", "bladder_dysfunction", None, "absent"),
    ],
)
def test_exam_wording(kb: KnowledgeBase, text: str, finding: str, side: str | None, status: str) -> None:
    statuses = {f.status for f in parse_note(text, kb).findings if f.id == finding and (side is None or f.side == side)}
    assert status in statuses


@pytest.mark.parametrize(
    ("text", "root"),
    [
        ("↓ sens S1 derm R", "S1"),
        ("a right lumbosciatica of type L5", "L5"),
        ("vesicular rash in the L2/3 region", "L2"),
    ],
)
def test_a_root_named_by_abbreviation_or_after_sciatica(kb: KnowledgeBase, text: str, root: str) -> None:
    assert any(f.id == "root_distribution" and f.value == root for f in parse_note(text, kb).findings)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("sudden severe R buttock pain 30 min, pulses absent", 0),
        ("dull low back pain since 5–6 weeks", 38),
        ("43M, LBP radiating down L leg x2y, worse last 10/7", 730),
        ("EHL 2/5 L, stable x6/52 per last visit", None),
        ("After 17 days of antibiotic therapy the back pain worsened", None),
        ("two epidural injections for sciatica 1/52 apart", None),
        ("After 10 days, she presented with worsened low back pain", None),
    ],
)
def test_duration_of_the_complaint_not_of_a_state_or_treatment(kb: KnowledgeBase, text: str, days: int | None) -> None:
    assert parse_note(text, kb).case.duration_days == days


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Facet joint injection was done using methylprednisolone acetate", None),
        ("recently treated with a methylprednisolone dosepack", None),
        ("on prednisolone 10 mg daily for polymyalgia", "present"),
    ],
)
def test_a_single_steroid_dose_is_not_long_term_use(kb: KnowledgeBase, text: str, status: str | None) -> None:
    assert _status(kb, text, "long_term_steroids") == status


@pytest.mark.parametrize(
    ("text", "finding", "status"),
    [
        ("LBP radiating down L leg", "radiating_leg_pain", "present"),
        ("back pain shooting distally R leg", "radiating_leg_pain", "present"),
        ("back ache, right leg radiation", "radiating_leg_pain", "present"),
        ("no leg radiation", "radiating_leg_pain", "absent"),
        ("pain radiating to the L thigh", "radiating_leg_pain", None),
        ("EHL 2/5 L, stable x6/52 per last visit", "progressive_weakness", "absent"),
        ("no new weakness, gait steady", "progressive_weakness", "absent"),
        ("DP/PT palpable", "cold_or_pulseless_leg", "absent"),
        ("Clinical examination including digital rectal examination (DRE) was normal.", "reduced_anal_tone", "absent"),
        ("She did not report any disturbance of sphincter function.", "bowel_dysfunction", "absent"),
        ("no fall, no fever", "minor_trauma", "absent"),
    ],
)
def test_more_wording_families(kb: KnowledgeBase, text: str, finding: str, status: str | None) -> None:
    assert _status(kb, text, finding) == status


@pytest.mark.parametrize(
    ("text", "side"),
    [("SLR R 60°, EHL 3/5 bilat, ↓ sens S1 derm R", "right"), ("L5 dermatome on the left, R leg fine", "left")],
)
def test_a_named_area_takes_the_side_said_just_after_it(kb: KnowledgeBase, text: str, side: str) -> None:
    assert {f.side for f in parse_note(text, kb).findings if f.id == "root_distribution"} == {side}


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("her temperature, pulse, respiratory rate and blood pressure were all normal", "fever"),
        ("He denies any bladder or bowel disturbances.", "bowel_dysfunction"),
        ("no S/S CES", "saddle_anaesthesia"),
        ("mobilising independently, gait normal", "unable_to_walk"),
        ("a 23-year-old immunocompetent woman", "immunosuppression"),
        ("no wt loss, no night pain, no hx Ca", "cancer_history"),
    ],
)
def test_denial_families(kb: KnowledgeBase, text: str, finding: str) -> None:
    assert _status(kb, text, finding) == "absent"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ankle jerk diminished R, power intact.", {("achilles", "right", "reduced")}),
        ("AJ ↓ L, light touch intact", {("achilles", "left", "reduced")}),
        ("ankle jerk absent L, present R.", {("achilles", "left", "absent"), ("achilles", "right", "normal")}),
        ("KJ 1+ on the right, 2+ on the left", {("patellar", "right", "reduced"), ("patellar", "left", "normal")}),
    ],
)
def test_a_verdict_after_the_next_item_does_not_overwrite_the_reflex(
    kb: KnowledgeBase, text: str, expected: set[tuple[str, str, str]]
) -> None:
    case = parse_note(text, kb).case
    assert {(r.reflex, r.side, r.result) for r in case.reflexes} == expected
