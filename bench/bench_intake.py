"""Free-text intake latency per note (p50, p95) against tokenising the same notes with a blank spaCy pipeline.

Run on one core: `taskset -c 0 .venv/bin/python bench/bench_intake.py`. Notes are the annotated sentences and
short notes of tests/data/intake_sentences.yaml; no note text is printed.
"""

from __future__ import annotations

import os
import statistics
import time
import warnings
from collections.abc import Callable

import spacy

from nerveroot.intake import parse_note
from nerveroot.intake.evaluate import load_table
from nerveroot.intake.pipeline import pipeline
from nerveroot.knowledge.loader import default_knowledge

ROUNDS = 5


def _timings(notes: list[str], run: Callable[[str], object]) -> list[float]:
    times = []
    for _ in range(ROUNDS):
        for note in notes:
            start = time.perf_counter()
            run(note)
            times.append((time.perf_counter() - start) * 1000)
    return times


def _pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1]


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    kb = default_knowledge()
    table = load_table()
    notes = [str(item["text"]) for item in table]
    notes.append(" ".join(notes[:12]))  # one longer multi-sentence note
    start = time.perf_counter()
    pipeline(kb)
    build_ms = (time.perf_counter() - start) * 1000
    blank = spacy.blank("en")
    for note in notes:  # warm up both
        parse_note(note, kb)
        blank(note)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        intake = _timings(notes, lambda n: parse_note(n, kb))
    tokenise = _timings(notes, blank)
    chars = statistics.mean(len(n) for n in notes)
    print(f"notes: {len(notes)} (mean {chars:.0f} chars) x {ROUNDS} rounds, one core; pipeline build {build_ms:.0f} ms")
    for name, values in (("parse_note", intake), ("blank spaCy tokenise", tokenise)):
        print(f"{name:<22} p50 {_pct(values, 50):7.3f} ms   p95 {_pct(values, 95):7.3f} ms")
    print(
        f"ratio parse/tokenise   p50 {_pct(intake, 50) / _pct(tokenise, 50):7.1f}x   "
        f"p95 {_pct(intake, 95) / _pct(tokenise, 95):7.1f}x   (target p50 <= 20 ms)"
    )


if __name__ == "__main__":
    main()
