"""Clause scope of negation and doubt in comma-separated notes: a verdict word belongs to the item it follows, a
medicine list item is not denied by the list of symptoms before it, and a questioned red flag is never read absent.
Each sentence pairs a red flag or a localising finding with a second, unrelated item, as GPs and ED doctors type."""

from __future__ import annotations

import pytest

from nerveroot.assessment.assess import assess
from nerveroot.intake import parse_note
from nerveroot.knowledge.base import KnowledgeBase


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("Reports saddle numbness, reflexes normal.", "saddle_anaesthesia"),
        ("New urinary retention, power normal.", "bladder_dysfunction"),
        ("Saddle numbness, sensation otherwise intact.", "saddle_anaesthesia"),
        ("L leg weakness, sensation intact.", "weakness"),
        ("Numb dorsum of R foot, reflexes normal.", "numbness"),
        ("Sciatica L leg, neuro exam otherwise normal.", "radiating_leg_pain"),
    ],
)
def test_a_verdict_after_a_comma_belongs_to_the_item_it_follows(kb: KnowledgeBase, text: str, finding: str) -> None:
    assert parse_note(text, kb).status(finding) == "present"


@pytest.mark.parametrize(
    ("text", "findings"),
    [
        ("Bladder, bowel normal.", ["bladder_dysfunction", "bowel_dysfunction"]),
        ("Perianal sensation, anal tone and bladder function normal.", ["saddle_anaesthesia", "reduced_anal_tone"]),
        ("SLR, FNST negative.", ["slr_positive", "femoral_stretch_positive"]),
    ],
)
def test_a_verdict_after_a_list_still_covers_every_item(kb: KnowledgeBase, text: str, findings: list[str]) -> None:
    intake = parse_note(text, kb)
    assert [intake.status(f) for f in findings] == ["absent"] * len(findings)


@pytest.mark.parametrize(
    ("text", "drug"),
    [
        ("No B/B sx, on apixaban.", "apixaban"),
        ("No red flags, on rivaroxaban for AF.", "rivaroxaban"),
        ("Denies fever, taking warfarin.", "warfarin"),
    ],
)
def test_a_medicine_after_a_denied_list_is_taken(kb: KnowledgeBase, text: str, drug: str) -> None:
    intake = parse_note(text, kb)
    assert intake.status(f"drug:{drug}") == "present"
    assert intake.case.drug_safety.anticoagulant == "present"


def test_a_questioned_red_flag_after_a_denial_is_kept_to_confirm(kb: KnowledgeBase) -> None:
    intake = parse_note("Back pain 1 week, no fever, bilat leg weakness?", kb)
    assert intake.status("bilateral_leg_symptoms") != "absent"
    assert intake.to_confirm
    assert assess(intake.case, kb).triage.level in ("urgent", "emergency")


def test_absent_after_a_reflex_denies_nothing_that_follows(kb: KnowledgeBase) -> None:
    intake = parse_note("Ankle jerk absent L, PF 4/5 L, SLR L 35 deg, slump +ve.", kb)
    assert intake.status("achilles_reflex_reduced", "left") == "present"
    assert intake.status("slr_positive", "left") == "present"
    assert intake.status("slump_positive", "left") == "present"
