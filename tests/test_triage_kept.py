"""A triage is kept per all that decides it (`nerveroot.assessment.triage._Reads`): the kept one must be the one the
rules give, on either side of every figure the rules compare with."""

from __future__ import annotations

from itertools import cycle
from pathlib import Path

import pytest

from nerveroot.assessment import triage
from nerveroot.assessment.evidence import derive_evidence
from nerveroot.evaluation.vignettes import load_vignettes
from nerveroot.knowledge.base import KnowledgeBase

VIGNETTES = Path(__file__).parent / "cases" / "vignettes"
VARIANTS = (
    {"age": None, "pain_score": None, "duration_days": None},
    {"age": 49, "pain_score": 7, "duration_days": 6},
    {"age": 50, "pain_score": 8, "duration_days": 7},
    {"age": 64, "pain_score": 3, "duration_days": 41},
    {"age": 65, "pain_score": 10, "duration_days": 42},
    {"age": 90, "pain_score": 0, "duration_days": 90},
)


def test_a_kept_triage_is_the_one_the_rules_give(kb: KnowledgeBase) -> None:
    tables = triage._tables(kb)
    for vignette, variant in zip(load_vignettes(VIGNETTES), cycle(VARIANTS)):
        for fields in (variant, VARIANTS[0]):
            case = vignette.case.model_copy(update=fields)
            evidence = derive_evidence(case)
            kept = triage.triage(case, evidence, kb)
            assert kept == triage._triage(case, evidence, tables), vignette.case.id


def test_an_operator_the_key_does_not_know_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown condition operator"):
        triage._walk({"any": [{"weight_at_least": 40}]}, set(), {op: set() for op in triage.THRESHOLDS})
