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
        ("no new weakness, gait steady", "progressive_weakness", None),
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
