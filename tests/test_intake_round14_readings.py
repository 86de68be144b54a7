"""Readings met in the fourteenth round (7 Dec 2026): each a general pattern, tested on words of our own."""

from __future__ import annotations

import pytest

from nerveroot.assessment.assess import assess
from nerveroot.intake import parse_note
from nerveroot.knowledge.base import KnowledgeBase
from readings import confirm, readings


@pytest.mark.parametrize(
    "note",
    [
        "Taking co-codamol. Counselled re side effects: constipation, drowsiness. L sciatica.",
        "SEs of amitriptyline discussed (dry mouth, constipation, urinary retention). R leg pain.",
        "S/E: constipation and nausea on codeine so stopped. Pain down the back of the L leg.",
        "BO - constipated (tramadol). R leg pain to the foot for 2/52.",
    ],
)
def test_a_medicines_side_effects_are_not_cauda_equina_symptoms(kb: KnowledgeBase, note: str) -> None:
    assert ("present", None) not in readings(kb, note, "bowel_dysfunction")
    assert ("present", None) not in readings(kb, note, "bladder_dysfunction")
    assert "cauda_equina" not in confirm(kb, note)
    assert assess(parse_note(note, kb).case, kb).triage.level != "emergency"


@pytest.mark.parametrize(
    "note",
    [
        "No side effects from the naproxen. New urinary retention since yesterday, L sciatica.",
        "Side effects of tramadol discussed. Since yesterday cannot pass urine and numb saddle.",
    ],
)
def test_side_effect_words_elsewhere_do_not_hide_retention(kb: KnowledgeBase, note: str) -> None:
    assert assess(parse_note(note, kb).case, kb).triage.level == "emergency"


def test_the_fever_of_a_past_illness_is_a_recent_infection_not_a_fever_now(kb: KnowledgeBase) -> None:
    note = "Feverish with D&V last week, now fine. L sciatica below the knee for 3/52."
    assert ("present", None) in readings(kb, note, "recent_infection")
    assert ("present", None) not in readings(kb, note, "fever")
    assert ("present", None) in readings(kb, "Febrile today with rigors, had D&V last week.", "fever")


@pytest.mark.parametrize(
    ("note", "finding", "status"),
    [
        ("Known IV drug abuser, back pain for a week.", "iv_drug_use", "present"),
        ("Recent MRSA toe infection, now back pain.", "recent_infection", "present"),
        ("Treated last month for a wound infection.", "recent_infection", "present"),
        ("Has to walk with a stick since the leg went weak.", "gait_disturbance", "present"),
        ("Fever/night sweats/weight loss: she has none.", "fever", "absent"),
    ],
)
def test_wordings_of_the_fourteenth_round(kb: KnowledgeBase, note: str, finding: str, status: str) -> None:
    assert status in {s for s, _ in readings(kb, note, finding)}
