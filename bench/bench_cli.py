"""Start-to-exit time of CLI commands against `python -c "import fastapi, pydantic"`, as ratios in one run.

Usage: PYTHONPATH=src .venv/bin/python bench/bench_cli.py [--runs 5]
Each command runs --runs times, interleaved with the baseline; medians are compared. Target (issue 16): every
command <= 3x the baseline. Reports, never asserts. No note text is printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTE = "45 year old man, left leg pain to the outer foot for 2 weeks, ankle jerk absent, SLR positive at 40 degrees."
BASELINE = ("import fastapi, pydantic", [sys.executable, "-c", "import fastapi, pydantic"])
CLI = [sys.executable, "-m", "nerveroot"]
COMMANDS = (
    ("--help", [*CLI, "--help"]),
    ("assess CASE.json", [*CLI, "assess", str(ROOT / "examples" / "runner_l4.json"), "--format", "json"]),
    ("kb show ibuprofen", [*CLI, "kb", "show", "ibuprofen"]),
    ("assess --text NOTE", [*CLI, "assess", "--text", NOTE, "--format", "json"]),
    ("ask QUESTION", [*CLI, "ask", "How long does sciatica usually last?"]),
)


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = os.environ | {"NERVEROOT_HOME": home}
        env.pop("NERVEROOT_DATABASE_URL", None)
        for _, command in (BASELINE, *COMMANDS):  # warm the file cache
            timed(command, env)
        times: dict[str, list[float]] = {name: [] for name, _ in (BASELINE, *COMMANDS)}
        for _ in range(args.runs):
            for name, command in (BASELINE, *COMMANDS):
                times[name].append(timed(command, env))
    base = statistics.median(times[BASELINE[0]])
    print(f"median of {args.runs} runs, interleaved; baseline {BASELINE[0]!r}: {base:.2f} s")
    print(f"{'command':<22}{'seconds':>9}{'× baseline':>12}   target <= 3x")
    for name, _ in COMMANDS:
        t = statistics.median(times[name])
        print(f"{name:<22}{t:>9.2f}{t / base:>12.1f}   {'met' if t / base <= 3 else 'NOT met'}")


if __name__ == "__main__":
    main()
