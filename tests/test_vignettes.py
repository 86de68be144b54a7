"""The vignette suite: every case is valid and cites a real source, and the engine meets its targets."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from nerveroot.evaluation.vignettes import Metrics, evaluate, load_vignettes

VIGNETTES = Path(__file__).parent / "cases" / "vignettes"
HOLDOUT = Path(__file__).parent / "cases" / "holdout"
TARGETS = {"emergency_recall": 1.0, "safe_triage": 0.97, "root_top1": 0.85, "differential_top3": 0.85}


@pytest.fixture(scope="module", params=[VIGNETTES, HOLDOUT], ids=["suite", "holdout"])
def metrics(kb, request) -> Metrics:  # type: ignore[no-untyped-def]
    return evaluate(request.param, kb)


def test_suite_size_and_coverage(kb) -> None:  # type: ignore[no-untyped-def]
    cases = load_vignettes(VIGNETTES)
    assert len(cases) >= 80
    assert len({c.id for c in cases}) == len(cases)
    roots = Counter(c.expected.root for c in cases)
    assert all(roots[r] >= 2 for r in ("l2", "l3", "l4", "l5", "s1")), roots
    levels = Counter(c.expected.triage for c in cases)
    assert all(levels[lv] >= 3 for lv in ("emergency", "urgent", "routine", "self_care")), levels
    mimics = {c.id for c in kb.entities["conditions"].values() if c.role == "mimic"}  # type: ignore[attr-defined]
    assert mimics <= {c.expected.differential for c in cases}
    for case in cases:
        assert set(case.sources) <= set(kb.sources), case.id
        assert case.expected.differential in kb.entities["conditions"], case.id


@pytest.mark.parametrize("measure", sorted(TARGETS))
def test_engine_meets_target(metrics: Metrics, measure: str) -> None:
    value = getattr(metrics, measure)
    misses = [o.id for o in metrics.outcomes if not o.root_top1 or not o.differential_top3]
    assert value >= TARGETS[measure], f"{measure} {value:.3f} < {TARGETS[measure]} (misses: {misses[:10]})"
