"""Level-specific positive ratios: a figure for one root against all others makes that root the one a positive
finding points to, while the finding's ratios when negative stay as its root links set them."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from nerveroot.assessment.assess import assess
from nerveroot.assessment.case import Case
from nerveroot.assessment.compiled import LR_CAP, compile_kb, finding_ratios
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import Accuracy, Finding, LocaliserDefault

CITE = [{"source": "suri_2011", "locator": "test"}]


def _probe(level_figure: float) -> Finding:
    return Finding.model_validate(
        {
            "id": "probe_sign",
            "name": "Probe sign",
            "description": "A made-up test pointing to L2-L4.",
            "category": "provocative",
            "roots": [{"root": r, "sources": CITE} for r in ("l2", "l3", "l4")],
            "accuracy": [{"target": "l3", "lr_positive": level_figure, "level_specific": True, "sources": CITE}],
            "sources": CITE,
        }
    )


def test_the_level_root_leads_the_positive_and_the_negative_is_untouched(kb: KnowledgeBase) -> None:
    default = next(d for d in kb.all("localiser", LocaliserDefault) if d.category == "provocative")
    positive = finding_ratios(_probe(4.0), True, default)
    negative = finding_ratios(_probe(4.0), False, default)
    assert positive["l3"][0] == 4.0 and "level-specific" in positive["l3"][1]
    assert positive["l2"][0] == positive["l4"][0] == 1 + (default.lr_positive - 1) / 2
    assert negative["l2"] == negative["l3"] == negative["l4"] == (default.lr_negative, negative["l3"][1])


def test_prone_knee_bend_favours_l3_when_positive_and_counts_evenly_when_negative(kb: KnowledgeBase) -> None:
    ratios = compile_kb(kb).ratios["femoral_stretch_positive"]
    assert ratios["present"]["l3"][0] == LR_CAP > ratios["present"]["l4"][0] == ratios["present"]["l2"][0] > 1
    assert ratios["absent"]["l2"][0] == ratios["absent"]["l3"][0] == ratios["absent"]["l4"][0] < 1


def test_thigh_pain_on_prone_knee_bend_with_a_weak_knee_jerk_keeps_l3_in_the_lead(kb: KnowledgeBase) -> None:
    case = Case.model_validate(
        {
            "age": 58,
            "sides": ["left"],
            "pain_regions": [{"region": "anterior_thigh", "side": "left"}],
            "reflexes": [{"reflex": "patellar", "side": "left", "result": "reduced"}],
            "provocative": [{"test": "femoral_stretch", "side": "left", "result": "positive"}],
        }
    )
    assert "l3" in assess(case, kb).level_summary.leading


@pytest.mark.parametrize(
    "fields",
    [
        {"target": "midlumbar", "lr_positive": 5.0},
        {"target": "l3", "lr_positive": 5.0, "lr_negative": 0.5},
        {"target": "l3", "sensitivity": 0.5},
    ],
)
def test_a_level_specific_figure_must_be_a_positive_ratio_for_one_root(fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Accuracy.model_validate(fields | {"level_specific": True, "sources": CITE})
