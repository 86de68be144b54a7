"""Benchmark of `nerveroot ask` on one core: answer latency against a bare bm25s query, and index scaling.

Run: ``.venv/bin/python bench/bench_qa.py [--repeat 5] [--scale 100] [--questions FILE.jsonl]``.
Prints figures and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path

import bm25s

from nerveroot.knowledge.loader import default_knowledge
from nerveroot.knowledge.models import Cite
from nerveroot.qa import ask, context
from nerveroot.qa.corpus import Statement
from nerveroot.qa.evaluation import load_suite
from nerveroot.qa.index import StatementIndex

SUITE = Path(__file__).resolve().parents[1] / "tests" / "data" / "qa_answers.yaml"
FALLBACK = [
    "What causes L4 nerve root compression?",
    "Should I take gabapentin for sciatica?",
    "What is the maximum daily dose of ibuprofen?",
    "When is back pain with leg numbness an emergency?",
    "Do I need an MRI for sciatica?",
]


def pin_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to CPU {core}"
    return "not pinned (no sched_setaffinity)"


def percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def generated(statements: list[Statement], scale: int, seed: int = 7) -> list[Statement]:
    """`scale`× as many synthetic passages, drawn from the corpus vocabulary (deterministic)."""
    rng = random.Random(seed)
    words = [w for s in statements for w in s.text.split()]
    cite = (Cite(source="generated", locator="synthetic"),)
    out = []
    for i in range(len(statements) * scale):
        text = " ".join(rng.choices(words, k=rng.randint(15, 60)))
        out.append(
            Statement(
                id=f"gen:{i}:passage",
                kind="generated",
                record_id=str(i),
                field="passage",
                title=f"generated {i}",
                text=text,
                index_text=text,
                cites=cite,
                theme="Study findings",
            )
        )
    return out


def build_cost(build: Callable[[], object]) -> tuple[float, float]:
    """(seconds, peak MiB by tracemalloc) of one build; timing and memory measured in separate runs."""
    gc.collect()
    start = time.perf_counter()
    build()
    seconds = time.perf_counter() - start
    gc.collect()
    tracemalloc.start()
    build()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5, help="Passes over the question set.")
    parser.add_argument("--scale", type=int, default=100, help="Size of the generated corpus relative to the KB.")
    parser.add_argument("--questions", type=Path, help="JSONL of questions (a 'question' field) to time instead.")
    args = parser.parse_args()
    print(pin_one_core())
    kb = default_knowledge()
    start = time.perf_counter()
    ctx = context(kb)
    build_ms = 1000 * (time.perf_counter() - start)
    print(f"built-in corpus: {len(ctx.statements)} statements; context build {build_ms:.0f} ms")
    questions = [item.question for item in load_suite(SUITE)] if SUITE.exists() else FALLBACK
    if args.questions:
        rows = [json.loads(line) for line in args.questions.read_text(encoding="utf-8").splitlines() if line.strip()]
        questions = [row["question"] for row in rows]
    texts = [s.index_text for s in ctx.statements]
    bare = bm25s.BM25()
    bare.index(bm25s.tokenize(texts, show_progress=False), show_progress=False)

    def bare_query(q: str) -> object:
        return bare.retrieve(bm25s.tokenize([q], show_progress=False), k=10, show_progress=False)

    for q in questions:  # warm-up
        ask(q, kb), bare_query(q)
    ours = [t for q in questions for t in timed(partial(ask, q, kb), args.repeat)]
    search = [t for q in questions for t in timed(partial(ctx.index.search, q, 40), args.repeat)]
    base = [t for q in questions for t in timed(partial(bare_query, q), args.repeat)]
    (a50, a95), (s50, s95), (b50, b95) = percentiles(ours), percentiles(search), percentiles(base)
    print(f"{len(questions)} questions × {args.repeat}")
    print(f"ask (full answer):       p50 {a50:6.2f} ms  p95 {a95:6.2f} ms  (target p95 <= 50 ms)")
    print(f"our retrieval only:      p50 {s50:6.2f} ms  p95 {s95:6.2f} ms")
    print(f"bare bm25s query (k=10): p50 {b50:6.2f} ms  p95 {b95:6.2f} ms")
    print(f"ratio ask/bare: p50 {a50 / b50:.1f}x  p95 {a95 / b95:.1f}x; retrieval/bare: p50 {s50 / b50:.1f}x")

    big = generated(ctx.statements, args.scale)
    big_texts = [s.index_text for s in big]
    print(f"\nlarge corpus: {len(big)} generated passages ({args.scale}x)")
    ours_s, ours_mb = build_cost(lambda: StatementIndex(big, ctx.index.expansions))
    bare_s, bare_mb = build_cost(
        lambda: bm25s.BM25().index(bm25s.tokenize(big_texts, show_progress=False), show_progress=False)
    )
    print(f"our index build:  {ours_s:6.2f} s  peak {ours_mb:7.1f} MiB")
    print(f"bare bm25s build: {bare_s:6.2f} s  peak {bare_mb:7.1f} MiB")
    print(f"ratio ours/bare: time {ours_s / bare_s:.2f}x  memory {ours_mb / bare_mb:.2f}x")
    index = StatementIndex(big, ctx.index.expansions)
    large = [t for q in questions[:20] for t in timed(partial(index.search, q, 40), 2)]
    l50, l95 = percentiles(large)
    print(f"our retrieval on the large corpus: p50 {l50:.2f} ms  p95 {l95:.2f} ms")


if __name__ == "__main__":
    main()
