"""Level grouping: when the recorded findings favour two roots equally, the commoner one leads only on its base
rate, so both are named as one uncertain level rather than the commoner alone. A root the note names ("L5
radicular pain") is read, so its published ratio can count."""

from __future__ import annotations

from typing import Any

import pytest

from nerveroot.assessment.assess import assess
from nerveroot.assessment.case import Case
from nerveroot.intake import parse_note
from nerveroot.knowledge.base import KnowledgeBase


def _summary(kb: KnowledgeBase, **fields: Any) -> tuple[str, list[str], bool, str]:
    case = Case.model_validate({"age": 50, "sides": ["right"]} | fields)
    result = assess(case, kb)
    s = result.level_summary
    return result.levels[0].root, s.leading, s.level_uncertain, s.statement


def test_weak_quadriceps_alone_names_l3_and_l4_together(kb: KnowledgeBase) -> None:
    first, leading, uncertain, statement = _summary(
        kb,
        pain_regions=[{"region": "anterior_thigh", "side": "right"}],
        strength=[{"movement": "knee_extension", "side": "right", "grade": 4}],
    )
    assert first == "l4" and set(leading) == {"l3", "l4"} and uncertain
    assert "level uncertain" in statement


def test_weak_ankle_dorsiflexion_alone_names_l4_and_l5_together(kb: KnowledgeBase) -> None:
    first, leading, uncertain, _ = _summary(
        kb,
        symptoms={"radiating_leg_pain": "present"},
        strength=[{"movement": "ankle_dorsiflexion", "side": "right", "grade": 3}],
    )
    assert first == "l5" and {"l4", "l5"} <= set(leading) and uncertain


def test_a_finding_that_separates_the_roots_still_names_one(kb: KnowledgeBase) -> None:
    first, leading, uncertain, _ = _summary(
        kb,
        symptoms={"radiating_leg_pain": "present"},
        pain_regions=[{"region": "medial_leg", "side": "right"}],
        reflexes=[{"reflex": "patellar", "side": "right", "result": "absent"}],
        strength=[{"movement": "ankle_dorsiflexion", "side": "right", "grade": 4}],
    )
    assert first == "l4" and leading == ["l4"] and not uncertain


@pytest.mark.parametrize(
    ("text", "root", "side"),
    [
        ("Left S1 radicular pain for three weeks.", "s1", "left"),
        ("Known right L3 radicular syndrome, numb knee.", "l3", "right"),
    ],
)
def test_a_root_named_with_radicular_is_read_as_named(kb: KnowledgeBase, text: str, root: str, side: str) -> None:
    case = parse_note(text, kb).case
    assert [(n.root, n.side) for n in case.named_roots] == [(root, side)]
    # a diagnosis names the root, not its map: no dermatome regions are marked from it
    assert not any(m.region in {"heel", "sole", "lateral_foot"} for m in case.sensory_regions)
