"""Inflammatory markers written in words, and bilateral reflex loss that is not bilateral leg symptoms: each on
phrasings and Cases of our own (no evaluation item's words)."""

from __future__ import annotations

import pytest

from nerveroot.assessment.assess import assess
from nerveroot.assessment.case import Case, Observations
from nerveroot.assessment.evidence import derive_evidence
from nerveroot.intake import parse_note
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.loader import default_knowledge


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return default_knowledge()


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Bloods: CRP markedly raised.", "present"),
        ("Raised CRP/ESR on admission.", "present"),
        ("Inflammatory markers elevated.", "present"),
        ("bloods: CRP high", "present"),
        ("CRP >300", "present"),
        ("CRP normal.", "absent"),
        ("Inflammatory markers normal.", "absent"),
    ],
)
def test_markers_in_words_reach_the_case(text: str, status: str, kb: KnowledgeBase) -> None:
    intake = parse_note(f"Low back pain for a week. {text}", kb)
    assert derive_evidence(intake.case).get("raised_inflammatory_markers") == status
    assert not any(m.group == "infection" for m in intake.to_confirm)  # read, not left to confirm


def test_markers_in_words_feed_the_infection_rules(kb: KnowledgeBase) -> None:
    after_injection = parse_note("Back pain since a lumbar epidural injection. CRP markedly raised.", kb).case
    result = assess(after_injection, kb)
    assert result.triage.level == "emergency"
    assert "infection_risk_with_markers_or_deficit" in {r.rule for r in result.triage.reasons}


@pytest.mark.parametrize(
    ("case", "level"),
    [
        (Case(red_flags={"raised_inflammatory_markers": "present"}, symptoms={"back_pain": "present"}), "urgent"),
        (Case(observations=Observations(crp_mg_l=80), symptoms={"back_pain": "present"}), "urgent"),
        (Case(red_flags={"raised_inflammatory_markers": "absent"}, symptoms={"back_pain": "present"}), None),
    ],
)
def test_raised_markers_with_back_pain_need_prompt_review(case: Case, level: str | None, kb: KnowledgeBase) -> None:
    result = assess(case, kb)
    fired = "raised_markers_with_pain" in {r.rule for r in result.triage.reasons}
    assert fired is (level is not None)
    if level:
        assert result.triage.level == level


def test_a_measured_raised_value_beats_normal_words() -> None:
    case = Case(red_flags={"raised_inflammatory_markers": "absent"}, observations=Observations(crp_mg_l=150))
    assert derive_evidence(case).get("raised_inflammatory_markers") == "present"
