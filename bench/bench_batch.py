"""`nerveroot batch` throughput on generated notes (bench/gen_notes.py), per worker and per core.

Usage: PYTHONPATH=src .venv/bin/python bench/bench_batch.py [--notes 100000] [--workers N] [--ray local]
Generates the notes deterministically, screens them into a temporary folder with the real command, and prints
notes/s overall, per worker and per core (start-up of the workers included), and notes per CPU-second of the
command and its workers (the figure that holds on a shared machine). Reports, never asserts.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--chunk-size", type=int, default=500)
    parser.add_argument("--ray", help="Ray address ('local' starts Ray here)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        notes = Path(tmp) / "notes.jsonl"
        subprocess.run([sys.executable, str(HERE / "gen_notes.py"), str(args.notes), str(notes)], check=True)
        command = [sys.executable, "-m", "nerveroot", "batch", str(notes), str(Path(tmp) / "out")]
        command += ["--workers", str(args.workers), "--chunk-size", str(args.chunk_size), "--today", "2026-01-01"]
        if args.ray:
            command += ["--ray", args.ray]
        start, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        out = subprocess.run(command, capture_output=True, text=True, check=True)
        elapsed, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        import pyarrow.parquet as pq

        rows = pq.read_table(Path(tmp) / "out").num_rows
    cores = os.cpu_count() or 1
    print(out.stdout.strip())
    print(f"{args.notes} notes, {rows} rows, {elapsed:.1f} s wall (command start to exit), {cores} cores")
    print(
        f"throughput: {rows / elapsed:.1f} notes/s, {rows / elapsed / args.workers:.1f} per worker, "
        f"{rows / elapsed / min(args.workers, cores):.1f} per core used"
    )
    print(f"CPU: {cpu:.1f} s for the command and its workers, {rows / cpu:.1f} notes per CPU-second")


if __name__ == "__main__":
    main()
