"""Emergency classes reached from free text in every note style: each phrase family reaches its rule, and the
safety net keeps an unread red-flag word at urgent or above."""

from __future__ import annotations

import pytest

from nerveroot.assessment.assess import assess
from nerveroot.assessment.case import Case
from nerveroot.assessment.triage import ORDER
from nerveroot.intake import parse_note
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.loader import default_knowledge


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return default_knowledge()


def _triage(text: str, kb: KnowledgeBase) -> tuple[str, set[str]]:
    result = assess(parse_note(text, kb).case, kb)
    return result.triage.level, {r.rule for r in result.triage.reasons}


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Sudden severe pain in my buttock, then I passed out for a minute.", "collapse_with_pain"),
        ("Acute LBP then collapse with brief LOC.", "collapse_with_pain"),
        ("Back pain, hypotensive and clammy.", "shock_with_pain"),
        ("Severe LBP. Recent hip joint inj.", "infection_high_risk_back_pain"),
        (
            "Had an injection in my hip joint not long ago and now my lower back is in agony.",
            "infection_high_risk_back_pain",
        ),
        ("Hurt my back lifting. I have used IV drugs in the past if that's relevant.", "infection_high_risk_back_pain"),
        ("Woke up this morning and my left foot just flops, can't lift it.", "severe_motor_deficit"),
        ("Both my feet went floppy, I can't lift the front of either foot.", "severe_motor_deficit"),
        ("Can't walk without holding on to someone since yesterday.", "unable_to_walk"),
        ("Back pain and I've had some accidents, wee and poo, couldn't hold it.", "ces_sphincter_or_saddle"),
        ("2/7 LBP + urinary & faecal incont.", "ces_sphincter_or_saddle"),
        ("LBP and R sciatica. Now straining to PU.", "ces_sphincter_or_saddle"),
        ("Sciatica. Perianal sens ↓.", "ces_sphincter_or_saddle"),
        ("Sudden ripping pain in my back that went into my tummy.", "aortic_sudden_pain"),
        ("My dad (81) has back pain, his tummy hurts and he is clammy.", "aortic_shock_mention"),
        # fever with root pain, not only back pain; fever after a spinal procedure (Darouiche 2006)
        ("IVDU. Febrile, pain down the back of my calf.", "infection_risk_with_markers_or_deficit"),
        ("Spinal injection 1/52 ago, now T 38.4.", "infection_risk_with_markers_or_deficit"),
    ],
)
def test_emergency_phrase_families(text: str, rule: str, kb: KnowledgeBase) -> None:
    level, rules = _triage(text, kb)
    assert level == "emergency" and rule in rules


def test_collapse_needs_pain_to_be_an_emergency(kb: KnowledgeBase) -> None:
    calm = assess(Case(red_flags={"collapse_or_syncope": "present"}), kb)
    assert "collapse_with_pain" not in {r.rule for r in calm.triage.reasons}
    sudden = assess(Case(onset="sudden", red_flags={"collapse_or_syncope": "present"}), kb)
    assert sudden.triage.level == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "3 months of back pain. I also found a lump in my right breast.",
        "LBP 3/12, non-mech, not settling. O/E axillary LNs.",
    ],
)
def test_possible_cancer_words_are_kept_for_a_clinician(text: str, kb: KnowledgeBase) -> None:
    intake = parse_note(text, kb)
    assert "cancer" in {m.group for m in intake.to_confirm}
    assert ORDER[assess(intake.case, kb).triage.level] >= ORDER["urgent"]


@pytest.mark.parametrize("text", ["Conservative Rx no help.", "Pain not settling.", "Physio has not helped."])
def test_not_improving_is_not_self_care(text: str, kb: KnowledgeBase) -> None:
    intake = parse_note(text, kb)
    assert intake.case.course == "stable"
    assert "not_improving_course" in {r.rule for r in assess(intake.case, kb).triage.reasons}
