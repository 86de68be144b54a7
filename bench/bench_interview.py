"""Latency of the interview's next-question choice over realistic partial cases.

Usage: .venv/bin/python bench/bench_interview.py [--rounds N]
Replays scripted interviews (patient and clinician audiences: an L4, an S1, a mimic and a "don't know"
presentation), timing every next-question call along the way. Prints p50/p95/max (target: p95 <= 50 ms).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from nerveroot.assessment.case import Case
from nerveroot.interview import Question, apply_answer, next_question
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


def replay(kb: KnowledgeBase, answer: Callable[[Question], str], audience: Audience, timings: list[float]) -> int:
    case, asked = Case(), list[str]()
    while True:
        start = time.perf_counter()
        question = next_question(case, kb, audience, asked)
        timings.append((time.perf_counter() - start) * 1000)
        if question is None:
            return len(asked)
        case = apply_answer(case, question, answer(question))
        asked.append(question.id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    kb = default_knowledge()
    scripts: dict[str, Callable[[Question], str]] = {name: scripted(answers) for name, answers in PRESENTATIONS.items()}
    scripts["dont_know"] = lambda q: "don't know"
    replay(kb, scripts["l4"], "clinician", [])  # warm the compiled tables
    timings: list[float] = []
    lengths: dict[str, int] = {}
    for _ in range(args.rounds):
        audiences: tuple[Audience, ...] = ("patient", "clinician")
        for audience in audiences:
            for name, script in scripts.items():
                lengths[f"{name}/{audience}"] = replay(kb, script, audience, timings)
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(f"next_question calls: {len(timings)} over {args.rounds} round(s)")
    print("questions per interview: " + ", ".join(f"{k} {v}" for k, v in lengths.items()))
    print(
        f"p50 {statistics.median(ordered):.2f} ms  p95 {p95:.2f} ms  max {ordered[-1]:.2f} ms"
        f"  (target p95 <= {TARGET_MS:.0f} ms)"
    )


if __name__ == "__main__":
    main()
