"""Assessment + serialisation against the least work any implementation must do, in one run.

The floor per case: validate the JSON body, run the numeric core (evidence, root likelihoods, condition scores)
and write the answer's bytes (prepared beforehand). Each form is then measured as validate + assess + render.
Usage: PYTHONPATH=src .venv/bin/python bench/bench_assess.py [--cases 300] [--rounds 5]
Prints cases/s and each form's cost as a multiple of the floor; reports, never asserts.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from varied import varied_cases

from nerveroot.api.assess_output import render
from nerveroot.assessment.assess import assess
from nerveroot.assessment.case import Case
from nerveroot.assessment.compiled import compile_kb
from nerveroot.assessment.differential import condition_scores
from nerveroot.assessment.drugs import SafetyProfile
from nerveroot.assessment.evidence import derive_evidence
from nerveroot.assessment.localise import root_likelihoods
from nerveroot.knowledge.loader import default_knowledge


def _rate(fn: Callable[[int], object], count: int, rounds: int) -> float:
    """Median cases per second over `rounds` passes."""
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        for i in range(count):
            fn(i)
        rates.append(count / (time.perf_counter() - start))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    kb = default_knowledge()
    model = compile_kb(kb)
    cases = varied_cases(args.cases)
    bodies = [c.model_dump_json().encode() for c in cases]
    answers = {
        form: [render(assess(c, kb), SafetyProfile.of(c), kb, form) for c in cases] for form in ("summary", "full")
    }

    def floor(form: str) -> Callable[[int], object]:
        def run(i: int) -> object:
            case = Case.model_validate_json(bodies[i])
            evidence = derive_evidence(case)
            pain = {m.region for m in case.pain_regions}
            sensory = {m.region for m in case.sensory_regions}
            loc = root_likelihoods(model, evidence.status, pain, sensory)
            condition_scores(model, evidence.status, loc, pain, sensory)
            return io.BytesIO().write(answers[form][i])

        return run

    def whole(form: str) -> Callable[[int], object]:
        def run(i: int) -> object:
            case = Case.model_validate_json(bodies[i])
            return render(assess(case, kb), SafetyProfile.of(case), kb, form)  # type: ignore[arg-type]

        return run

    validate = _rate(lambda i: Case.model_validate_json(bodies[i]), len(cases), args.rounds)
    rows = [("validation only", validate, None)]
    for form in ("summary", "full"):
        low = _rate(floor(form), len(cases), args.rounds)
        real = _rate(whole(form), len(cases), args.rounds)
        size = statistics.median(len(a) for a in answers[form])
        rows.append((f"floor, {form} bytes ({size / 1000:.0f} KB)", low, None))
        rows.append((f"assess + render {form}", real, low / real))
    print(f"{len(cases)} varied cases, median of {args.rounds} passes, one process")
    print(f"{'work':<36}{'cases/s':>10}{'× floor':>10}")
    for name, rate, ratio in rows:
        print(f"{name:<36}{rate:>10.0f}{'' if ratio is None else f'{ratio:.1f}':>10}")


if __name__ == "__main__":
    main()
