"""Triage rules and intake readings added for the clinical core (issue 10): each test would fail without its fix."""

from __future__ import annotations

from typing import Any

from nerveroot.assessment.assess import assess
from nerveroot.assessment.case import Case
from nerveroot.intake import parse_note
from nerveroot.knowledge.base import KnowledgeBase


def _note(kb: KnowledgeBase, text: str) -> tuple[Case, str, set[str]]:
    case = parse_note(text, kb).case
    result = assess(case, kb)
    return case, result.triage.level, {r.rule for r in result.triage.reasons}


def _case(kb: KnowledgeBase, **fields: Any) -> tuple[str, set[str]]:
    result = assess(Case.model_validate(fields), kb)
    return result.triage.level, {r.rule for r in result.triage.reasons}


def test_a_sign_found_in_both_legs_is_not_two_legged_sciatica(kb: KnowledgeBase) -> None:
    for text in (
        "68 year old woman, acute low back pain after gardening. Knee reflexes absent in both legs.",
        "LBP 2/7. Power 5/5 both legs, sensation normal.",
    ):
        case, level, rules = _note(kb, text)
        assert len(set(case.sides)) < 2, text
        assert "ces_bilateral_sciatica" not in rules, text
    for text in (
        "Back pain with shooting pain down both legs for 3 days. Reflexes normal.",
        "Fell yesterday. Power 4/5 in both legs.",  # a deficit in both legs still counts
    ):
        case, level, rules = _note(kb, text)
        assert set(case.sides) == {"left", "right"}, text
        assert level == "emergency", text


def test_pain_with_a_pulsatile_mass_or_known_aneurysm_is_an_emergency(kb: KnowledgeBase) -> None:
    level, rules = _case(kb, age=58, red_flags={"aortic_aneurysm_sign": "present"}, symptoms={"back_pain": "present"})
    assert level == "emergency" and "aortic_aneurysm_with_pain" in rules
    level, rules = _case(kb, age=58, red_flags={"aortic_aneurysm_sign": "absent"}, symptoms={"back_pain": "present"})
    assert "aortic_aneurysm_with_pain" not in rules
    note = "66M, two weeks of dull lower back ache, BP 135/80. Abdomen: pulsatile mass above the umbilicus."
    _, level, rules = _note(kb, note)
    assert level == "emergency" and "aortic_aneurysm_with_pain" in rules
