"""Latency of the interview's next-question choice over realistic partial cases.

Usage: .venv/bin/python bench/bench_interview.py [--rounds N] [--trace NAME/AUDIENCE]
Replays scripted interviews (patient and clinician audiences: an L4, an S1, a mimic, a "don't know" presentation
and one who answers "yes" to a red-flag screen but "no" to its items), timing every next-question call along the way.
Prints the questions per interview (total, and how many in the red-flag phase) and p50/p95/max (target: p95 <= 50
ms). --trace l4/patient prints each question id, its phase and the answer given.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from nerveroot.assessment.case import Case
from nerveroot.interview import Question, apply_answer, choose_question
from nerveroot.interview.catalogue import Audience
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.loader import default_knowledge

TARGET_MS = 50.0
FACTS = {"sides": "left", "duration_days": "3 weeks", "course": "stable", "pain_score": "6", "age": "45"}
PRESENTATIONS: dict[str, dict[str, str]] = {
    "l4": {
        "sx_back": "yes",
        "sx_leg_worse": "yes",
        "sx_numb": "yes",
        "map_pain": "front of thigh, inner shin",
        "map_numb": "inner shin",
        "mrc_knee_extension": "4",
        "reflex_patellar": "reduced",
        "test_femoral_stretch": "positive",
    },
    "s1": {
        "sx_back": "yes",
        "sx_leg_worse": "yes",
        "sx_tingling": "yes",
        "map_pain": "back of thigh, calf",
        "map_numb": "outer foot",
        "reflex_achilles": "reduced",
        "test_slr": "positive",
        "mrc_ankle_plantarflexion": "4",
    },
    "hip_oa": {
        "sx_groin_walk": "yes",
        "map_pain": "groin, front of thigh",
        "test_hip_internal_rotation": "positive",
    },
}


def negative(q: Question) -> str:
    if q.kind == "fact":
        return FACTS[q.target]
    return {"strength": "5", "reflex": "normal", "provocative": "negative"}.get(q.kind, "none" if q.body_map else "no")


def scripted(answers: dict[str, str]) -> Callable[[Question], str]:
    return lambda q: answers.get(q.id, negative(q))


def replay(
    kb: KnowledgeBase, answer: Callable[[Question], str], audience: Audience, timings: list[float], trace: bool = False
) -> tuple[int, int]:
    """Run one interview; returns (questions asked, of which in the red-flag phase)."""
    case, asked, flags = Case(), list[str](), 0
    while True:
        start = time.perf_counter()
        choice = choose_question(case, kb, audience, asked)
        timings.append((time.perf_counter() - start) * 1000)
        if choice is None:
            return len(asked), flags
        reply = answer(choice.question)
        if trace:
            print(f"{len(asked) + 1:3d}  {choice.phase:<12}  {choice.question.id:<26}  {reply}")
        flags += choice.phase == "red_flag"
        case = apply_answer(case, choice.question, reply)
        asked.append(choice.question.id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--trace", metavar="NAME/AUDIENCE", help="print each question of one interview, e.g. l4/patient"
    )
    args = parser.parse_args()
    kb = default_knowledge()
    scripts: dict[str, Callable[[Question], str]] = {name: scripted(answers) for name, answers in PRESENTATIONS.items()}
    scripts["dont_know"] = lambda q: "don't know"
    scripts["screen_yes"] = lambda q: "yes" if q.screen else negative(q)
    if args.trace:
        name, _, audience = args.trace.partition("/")
        replay(kb, scripts[name], "clinician" if audience == "clinician" else "patient", [], trace=True)
        return
    replay(kb, scripts["l4"], "clinician", [])  # warm the compiled tables
    timings: list[float] = []
    lengths: dict[str, tuple[int, int]] = {}
    for _ in range(args.rounds):
        audiences: tuple[Audience, ...] = ("patient", "clinician")
        for audience in audiences:
            for name, script in scripts.items():
                lengths[f"{name}/{audience}"] = replay(kb, script, audience, timings)
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(f"next_question calls: {len(timings)} over {args.rounds} round(s)")
    print("questions per interview (total / red-flag phase):")
    for key, (total, flags) in lengths.items():
        print(f"  {key:<22} {total:3d} / {flags}")
    print(
        f"p50 {statistics.median(ordered):.2f} ms  p95 {p95:.2f} ms  max {ordered[-1]:.2f} ms"
        f"  (target p95 <= {TARGET_MS:.0f} ms)"
    )


if __name__ == "__main__":
    main()
