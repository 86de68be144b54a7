"""CPU time per case of each stage of an /api/assess answer, in process, to compare two versions of the code.

Stages: reading the body, evidence, triage, localisation, differential, drug options, the whole assessment, the
summary form and the whole answer (read + known ids + assess + summary), each over --cases varied cases
(bench/varied.py) after a warm pass, with the collector set as the app sets it (`YOUNG_GENERATION`).
Compare versions by running this alternately with each tree on PYTHONPATH, several times, and taking ratios:
  for i in 1 2 3; do for t in OLD/src src; do PYTHONPATH=$t .venv/bin/python bench/bench_stages.py; done; done
Prints microseconds per case (process time, best of --rounds passes); reports, never asserts.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from varied import varied_cases

from nerveroot.api.app import YOUNG_GENERATION
from nerveroot.api.assess_output import render
from nerveroot.api.ids import require_known_ids
from nerveroot.api.routes_assess import assess_json, read_assess_body
from nerveroot.assessment.assess import assess
from nerveroot.assessment.case import Case
from nerveroot.assessment.differential import differential
from nerveroot.assessment.drugs import SafetyProfile, plan_drugs
from nerveroot.assessment.evidence import derive_evidence
from nerveroot.assessment.localise import localise
from nerveroot.assessment.triage import triage
from nerveroot.knowledge.loader import default_knowledge


def _per_case(fn: Callable[[int], object], count: int, rounds: int) -> float:
    """Best of `rounds` passes, in microseconds of process time per case."""
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for i in range(count):
            fn(i)
        best = min(best, (time.process_time() - start) * 1e6 / count)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    kb = default_knowledge()
    cases = varied_cases(args.cases)
    bodies = [c.model_dump_json().encode() for c in cases]
    evidence = [derive_evidence(c) for c in cases]
    regions = [({m.region for m in c.pain_regions}, {m.region for m in c.sensory_regions}) for c in cases]
    results = [assess(c, kb) for c in cases]
    assess(Case(), kb)
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_GENERATION, *gc.get_threshold()[1:])

    def answer(i: int) -> bytes:
        body = read_assess_body(bodies[i])
        if isinstance(body, Case):
            require_known_ids(body, kb)
        return assess_json(body, kb, "summary")

    def located(i: int) -> object:
        return localise(cases[i], evidence[i], kb)

    stages: dict[str, Callable[[int], object]] = {
        "read": lambda i: read_assess_body(bodies[i]),
        "evidence": lambda i: derive_evidence(cases[i]),
        "triage": lambda i: triage(cases[i], evidence[i], kb),
        "localise": located,
        "differential+localise": lambda i: differential(
            evidence[i].status, localise(cases[i], evidence[i], kb), kb, *regions[i]
        ),
        "plan_drugs": lambda i: plan_drugs(cases[i], kb),
        "assess": lambda i: assess(cases[i], kb),
        "summary": lambda i: render(results[i], SafetyProfile.of(cases[i]), kb, "summary"),
        "answer": answer,
    }
    times = {name: _per_case(fn, len(cases), args.rounds) for name, fn in stages.items()}
    print(f"{len(cases)} varied cases, us per case (process time, best of {args.rounds}):")
    print("  ".join(f"{name} {value:.0f}" for name, value in times.items()))


if __name__ == "__main__":
    main()
