"""Readings met in the thirteenth round (7 Dec 2026): each a general pattern, tested on words of our own."""

from __future__ import annotations

import pytest

from nerveroot.assessment.assess import assess
from nerveroot.intake import parse_note
from nerveroot.knowledge.base import KnowledgeBase
from readings import readings


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
