"""Structured assessment throughput against plain JSON validation of the same cases, in one run.

Usage: .venv/bin/python bench/bench_assess.py [--rounds N]
Prints cases per second for both and the ratio (target: an assessment costs at most 3x its validation).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from nerveroot.assessment.assess import assess
from nerveroot.assessment.case import Case
from nerveroot.evaluation.vignettes import load_vignettes
from nerveroot.knowledge.loader import default_knowledge

ROOT = Path(__file__).resolve().parents[1]


def _rate(fn, payloads: list[str], rounds: int) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    for _ in range(rounds):
        for payload in payloads:
            fn(payload)
    return rounds * len(payloads) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    kb = default_knowledge()
    cases = [v.case for v in load_vignettes(ROOT / "tests" / "cases" / "vignettes")]
    cases += [Case.model_validate_json((ROOT / "examples" / p).read_text()) for p in ("runner_l4.json",)]
    payloads = [json.dumps(c.model_dump(mode="json")) for c in cases]
    _rate(lambda p: assess(Case.model_validate_json(p), kb), payloads, 1)  # warm caches
    validate = _rate(Case.model_validate_json, payloads, args.rounds)
    full = _rate(lambda p: assess(Case.model_validate_json(p), kb), payloads, args.rounds)
    print(f"cases: {len(payloads)}, rounds: {args.rounds}")
    print(f"JSON validation only : {validate:10.0f} cases/s")
    print(f"validation + assess  : {full:10.0f} cases/s")
    print(f"ratio (cost of a whole assessment / cost of validation): {validate / full:.1f}x (target <= 3x)")


if __name__ == "__main__":
    main()
