"""The core builds its result models without a second validation pass (`Out.built`): each Assessment must be
exactly what validation would make of it — the same types (a float stays a float), the same bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from nerveroot.assessment.assess import assess
from nerveroot.assessment.case import RED_FLAG_KEYS, Case
from nerveroot.assessment.result import Assessment, DifferentialItem
from nerveroot.evaluation.vignettes import load_vignettes
from nerveroot.knowledge.base import KnowledgeBase

CASES = Path(__file__).parent / "cases"
EXAMPLES = Path(__file__).parents[1] / "examples"


def _cases() -> list[Case]:
    cases = [v.case for folder in ("vignettes", "holdout") for v in load_vignettes(CASES / folder)]
    cases += [Case.model_validate_json(p.read_text()) for p in sorted(EXAMPLES.glob("*.json"))]
    everything = Case(age=70, red_flags=dict.fromkeys(RED_FLAG_KEYS, "present"), sides=["left", "right"])
    return [*cases, Case(), everything]


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c.id or "case")
def test_an_assessment_is_what_validation_makes_of_it(kb: KnowledgeBase, case: Case) -> None:
    made = assess(case, kb)
    validated = Assessment.model_validate(made.model_dump())
    assert repr(made) == repr(validated)
    assert made.model_dump_json() == validated.model_dump_json()


def test_built_takes_the_fields_as_given() -> None:
    fields = {
        "id": "x",
        "name": "X",
        "role": "mimic",
        "icd10": ["M00"],
        "probability": 0.5,
        "must_not_miss": False,
        "why": [],
        "against": [],
    }
    made = DifferentialItem.built(**fields)
    assert made == DifferentialItem(**fields)
    assert made.model_fields_set == set(fields)
