"""Deterministic varied cases for the benchmarks: the vignettes with ages, drug-safety answers and pain scores
drawn from a seeded generator, so each run sends the same mix of patients and safety profiles.

Each of ten drug-safety answers is unknown (60%), absent (30%) or present (10%), as in notes where most are not
recorded: thousands of distinct safety profiles, weighted like real ones rather than uniformly."""

from __future__ import annotations

import random
from pathlib import Path

from nerveroot.assessment.case import Case, DrugSafety
from nerveroot.evaluation.vignettes import load_vignettes

ROOT = Path(__file__).resolve().parents[1]
SAFETY_FIELDS = (
    "ckd",
    "liver_disease",
    "gi_bleed_or_ulcer",
    "anticoagulant",
    "heart_failure",
    "cardiovascular_disease",
    "hypertension",
    "breastfeeding",
    "nsaid_sensitive_asthma",
    "alcohol_use",
)
STATUSES = ("present", "absent", "unknown")
WEIGHTS = (0.1, 0.3, 0.6)


def base_cases() -> list[Case]:
    cases = [v.case for v in load_vignettes(ROOT / "tests" / "cases" / "vignettes")]
    return [*cases, Case.model_validate_json((ROOT / "examples" / "runner_l4.json").read_text())]


def varied_cases(count: int, seed: int = 16) -> list[Case]:
    """`count` cases: vignettes with a random age, eGFR, weight and drug-safety status per patient."""
    rng = random.Random(seed)
    bases = base_cases()
    out = []
    for n in range(count):
        base = bases[n % len(bases)]
        safety = {f: rng.choices(STATUSES, WEIGHTS)[0] for f in SAFETY_FIELDS}
        safety["egfr"] = rng.choice([None, rng.randint(10, 120)])
        safety["weight_kg"] = rng.choice([None, float(rng.randint(40, 140))])
        safety["pregnancy"] = "absent"
        fields = base.model_dump()
        fields |= {"id": f"bench-{n}", "age": rng.randint(18, 95), "pain_score": rng.randint(0, 10)}
        fields["drug_safety"] = DrugSafety.model_validate(safety)
        out.append(Case.model_validate(fields))
    return out
