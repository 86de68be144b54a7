"""Free-text intake cost at 100, 1,000 and 10,000 words against medspaCy's own pipeline on the same text.

Run on one core: `taskset -c 0 .venv/bin/python bench/bench_intake.py`. The notes are built from the structured
renderings of the development cases (eval/published/dev.jsonl when present, else the intake sentence table),
repeated to length; no note text is printed. The baseline is `medspacy.load()` (its default sentence splitter,
target matcher and ConText) called as `nlp(text)` on the same text in the same run. Growth is linear when the
10,000-word cost is about ten times the 1,000-word cost.
"""

from __future__ import annotations

import json
import os
import statistics
import time
import warnings
from collections.abc import Callable
from pathlib import Path

# The real medspaCy first: nerveroot's lean import puts stand-ins for PyRuSH (the default sentence splitter of
# medspacy.load()) only when medspaCy is not yet loaded, and the baseline needs the real one.
import medspacy
from loguru import logger

from nerveroot.intake import parse_note
from nerveroot.intake.evaluate import load_table
from nerveroot.intake.pipeline import pipeline
from nerveroot.knowledge.loader import default_knowledge

SIZES = (100, 1_000, 10_000)
ROUNDS = {100: 7, 1_000: 3, 10_000: 1}
DEV_CASES = Path(__file__).resolve().parents[1] / "eval" / "published" / "dev.jsonl"


def _corpus() -> list[str]:
    if DEV_CASES.exists():
        rows = [json.loads(line) for line in DEV_CASES.read_text(encoding="utf-8").splitlines() if line.strip()]
        return [str(r["renderings"]["structured"]) for r in rows if "renderings" in r]
    return [str(item["text"]) for item in load_table()]


def _note(corpus: list[str], words: int) -> str:
    """Whole notes joined by blank lines until the word count is reached, the last one cut."""
    out: list[str] = []
    count, i = 0, 0
    while count < words:
        note = corpus[i % len(corpus)]
        take = note.split(" ")[: words - count] if count + len(note.split()) > words else [note]
        out.append(" ".join(take))
        count += len(" ".join(take).split())
        i += 1
    return "\n\n".join(out)


def _median_ms(run: Callable[[str], object], text: str, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run(text)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    logger.remove()  # PyRuSH logs sentence text through loguru
    kb = default_knowledge()
    corpus = _corpus()
    pipeline(kb)
    baseline = medspacy.load()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parse_note(corpus[0], kb)  # warm up both
        baseline(corpus[0])
        rows = []
        for words in SIZES:
            text = _note(corpus, words)
            ours = _median_ms(lambda t: parse_note(t, kb), text, ROUNDS[words])
            theirs = _median_ms(baseline, text, ROUNDS[words])
            rows.append((words, ours, theirs))
    print(f"{'words':>7} {'parse_note ms':>14} {'medspaCy nlp ms':>16} {'ratio':>7}")
    for words, ours, theirs in rows:
        print(f"{words:>7} {ours:>14.1f} {theirs:>16.1f} {ours / theirs:>6.1f}x")
    by_size = {w: (o, t) for w, o, t in rows}
    print(
        f"growth 1,000 → 10,000 words: parse_note {by_size[10_000][0] / by_size[1_000][0]:.1f}x, "
        f"medspaCy {by_size[10_000][1] / by_size[1_000][1]:.1f}x (linear ≈ 10x)"
    )


if __name__ == "__main__":
    main()
