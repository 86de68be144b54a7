"""Growth curves: free-text intake against note length, ingest and /ask against stored documents, and record
listings against stored patients. Each step doubles the size; the printed ratio is time(2n) / time(n):
about 2 means linear per step, about 4 quadratic (for a per-item cost: about 1 means flat).

Usage: PYTHONPATH=src .venv/bin/python bench/bench_growth.py [--quick]
Runs in a temporary NERVEROOT_HOME; reports, never asserts. No note text is printed.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from gen_notes import note
from varied import varied_cases


def seconds(fn: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def curve(title: str, unit: str, sizes: list[int], measure: Callable[[int], float]) -> None:
    print(f"\n{title}")
    print(f"{'n':>8}{unit:>16}{'× previous':>12}")
    last = None
    for n in sizes:
        value = measure(n)
        ratio = "" if last is None else f"{value / last:.2f}"
        print(f"{n:>8}{value * 1000:>14.1f}ms{ratio:>12}")
        last = value


def notes_curve(sizes: list[int]) -> None:
    from nerveroot.intake import parse_note
    from nerveroot.knowledge.loader import default_knowledge

    kb = default_knowledge()
    rng = random.Random(3)
    sentences = " ".join(note(rng) for _ in range(400)).split(". ")
    parse_note(sentences[0], kb)

    def measure(words: int) -> float:
        text, count, i = [], 0, 0
        while count < words:
            text.append(sentences[i % len(sentences)])
            count += len(sentences[i % len(sentences)].split())
            i += 1
        body = ". ".join(text)
        return seconds(lambda: parse_note(body, kb, today=date(2026, 1, 1)), repeat=2)

    curve("free-text intake: one note of n words", "time", sizes, measure)


def documents_curve(sizes: list[int], home: Path) -> None:
    from nerveroot.knowledge.loader import default_knowledge
    from nerveroot.qa import DocumentStore, ask

    kb = default_knowledge()
    store = DocumentStore(home)
    folder = home / "incoming"
    folder.mkdir()
    rng = random.Random(5)
    have = 0

    def add() -> float:
        nonlocal have
        path = folder / f"doc{have}.txt"
        path.write_text(f"Guideline {have}\n\n" + " ".join(note(rng) for _ in range(20)), encoding="utf-8")
        start = time.perf_counter()
        store.add(path)
        have += 1
        return time.perf_counter() - start

    def measure(n: int) -> float:
        while have < n - 5:
            add()
        return statistics.median(add() for _ in range(5))

    curve("ingest: adding the n-th document (median of the 5 adds up to n)", "time", sizes, measure)

    question = "How long does sciatica last?"
    in_hand = DocumentStore(home).list()
    ask(question, kb, documents=in_hand)  # the first ask after a change builds the retrieval context

    def timed(fn: Callable[[], object]) -> float:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start

    reading = statistics.median(timed(lambda: DocumentStore(home).list()) for _ in range(7))
    per_request = statistics.median(
        timed(lambda: ask(question, kb, documents=DocumentStore(home).list())) for _ in range(7)
    )
    given = statistics.median(timed(lambda: ask(question, kb, documents=in_hand)) for _ in range(7))
    print(
        f"ask with {have} documents stored, as /api/ask does it (store read per request): {per_request * 1000:.1f} ms;"
        f" documents already in hand: {given * 1000:.1f} ms; the store read alone: {reading * 1000:.1f} ms"
    )


def records_curve(sizes: list[int], home: Path) -> None:
    from sqlalchemy import func, select

    from nerveroot.assessment.assess import assess
    from nerveroot.knowledge.loader import default_knowledge
    from nerveroot.records import RecordStore
    from nerveroot.records.models import EpisodeIn, PatientIn
    from nerveroot.records.tables import AssessmentDictionaryRow, AssessmentRow

    kb = default_knowledge()
    store = RecordStore(f"sqlite:///{home / 'records.sqlite3'}")
    cases = varied_cases(sizes[-1])
    have, full = 0, 0

    def measure(n: int) -> float:
        nonlocal have, full
        while have < n:
            case = cases[have]
            result = assess(case, kb)
            full += len(result.model_dump_json())
            patient = store.create_patient("bench", PatientIn(reference=f"B{have}"))
            episode = store.create_episode("bench", patient.id, EpisodeIn(title="sciatica"))
            store.add_assessment("bench", episode.id, case, result, kb)
            have += 1
        return seconds(lambda: store.list_patients("bench"))

    curve("records: listing all patients with n stored", "time", sizes, measure)
    with store.engine.connect() as conn:
        body = conn.scalar(select(func.sum(func.length(AssessmentRow.body)))) or 0
        shared = conn.scalar(select(func.sum(func.length(AssessmentDictionaryRow.body)))) or 0
    size = (home / "records.sqlite3").stat().st_size
    print(
        f"stored assessment ({have} varied cases): {full / have / 1000:.0f} KB of JSON each, stored in "
        f"{body / have / 1000:.1f} KB (+ {shared / 1000:.0f} KB once per knowledge base); "
        f"database {size / 1e6:.1f} MB for {have} patients"
    )
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        os.environ["NERVEROOT_HOME"] = str(home)
        os.environ.pop("NERVEROOT_DATABASE_URL", None)
        notes_curve([125, 250, 500, 1000] if args.quick else [250, 500, 1000, 2000, 4000])
        documents_curve([25, 50, 100] if args.quick else [50, 100, 200, 400], home)
        records_curve([100, 200, 400] if args.quick else [250, 500, 1000, 2000], home)


if __name__ == "__main__":
    main()
