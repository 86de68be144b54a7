"""Parts built once per knowledge base give the same answers whatever was assessed before."""

from __future__ import annotations

import random

from nerveroot.assessment import differential as differential_module
from nerveroot.assessment import drugs
from nerveroot.assessment.assess import assess
from nerveroot.assessment.case import Case, DrugSafety
from nerveroot.assessment.drugs import EGFR_BANDS, FACTORS, SafetyProfile, assess_drug
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import Drug

STATUSES = ("present", "absent", "unknown")


def _profiles(count: int) -> list[SafetyProfile]:
    rng = random.Random(7)
    return [
        SafetyProfile(tuple(rng.choice(STATUSES) for _ in FACTORS), rng.choice([None, *range(len(EGFR_BANDS) + 1)]))  # type: ignore[arg-type]
        for _ in range(count)
    ]


def test_drug_options_do_not_depend_on_what_was_built_before(kb: KnowledgeBase) -> None:
    profiles = _profiles(40)
    pairs = [(p, d, j) for p in profiles for d in kb.all("drugs", Drug) for j in ("UK", "US")]
    drugs._PARTS.clear()
    forward = [assess_drug(p, kb, d, j).model_dump_json() for p, d, j in pairs]  # type: ignore[arg-type]
    drugs._PARTS.clear()
    backward = [assess_drug(p, kb, d, j).model_dump_json() for p, d, j in reversed(pairs)]  # type: ignore[arg-type]
    assert forward == backward[::-1]
    assert len({o for o in forward}) > len(kb.all("drugs", Drug)) * 2, "the profiles give different options"


def test_an_assessment_is_the_same_with_the_explanations_built_or_not(kb: KnowledgeBase) -> None:
    case = Case(age=70, drug_safety=DrugSafety(ckd="present", egfr=25, anticoagulant="unknown"))
    differential_module._EXPLAINED.clear()
    drugs._PARTS.clear()
    first = assess(case, kb).model_dump_json()
    assert assess(case, kb).model_dump_json() == first
