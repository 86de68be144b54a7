"""Two versions of the code answering the same /api/assess bodies in one process, interleaved, for a ratio that
holds on a machine shared with other work.

Each tree's `nerveroot` package is copied to a temporary folder under its own name (its imports renamed), both are
imported side by side, and both answer the same varied cases (bench/varied.py) as /api/assess does (read the body,
check the ids, assess, summary form), in blocks of --block cases taken in turn (the order swapped every block), so
that load from other processes falls on both alike. The answers are checked byte for byte first.
Usage: PYTHONPATH=src .venv/bin/python bench/bench_pair.py OLD/src [NEW/src] [--cases 2000] [--passes 2]
Prints process time per answer for each and their ratio; reports, never asserts.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from varied import varied_cases

from nerveroot.api.app import YOUNG_GENERATION

IMPORT = re.compile(r"\bnerveroot(?=\.[a-z_]|\s+import\b)")
Answer = Callable[[bytes], bytes]


def renamed(src: Path, name: str, into: Path) -> None:
    """Copy the `nerveroot` package under `src` to `into/name`, its own imports renamed."""
    target = into / name
    shutil.copytree(src / "nerveroot", target, ignore=shutil.ignore_patterns("__pycache__"))
    for path in target.rglob("*.py"):
        path.write_text(IMPORT.sub(name, path.read_text()))


def answerer(name: str) -> Answer:
    """What /api/assess does with a body, in the summary form, using package `name`."""
    ids = importlib.import_module(f"{name}.api.ids")
    routes = importlib.import_module(f"{name}.api.routes_assess")
    case_type = importlib.import_module(f"{name}.assessment.case").Case
    kb = importlib.import_module(f"{name}.knowledge.loader").default_knowledge()

    def answer(raw: bytes) -> bytes:
        body = routes.read_assess_body(raw)
        if isinstance(body, case_type):
            ids.require_known_ids(body, kb)
        result: bytes = routes.assess_json(body, kb, "summary")
        return result

    return answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path, help="the old tree's src folder")
    parser.add_argument("new", type=Path, nargs="?", default=Path("src"), help="the new tree's src folder")
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--passes", type=int, default=2)
    parser.add_argument("--block", type=int, default=50)
    args = parser.parse_args()
    bodies = [c.model_dump_json().encode() for c in varied_cases(args.cases)]
    with tempfile.TemporaryDirectory() as folder:
        for side in ("old", "new"):
            renamed(getattr(args, side), f"nerveroot_{side}", Path(folder))
        sys.path.insert(0, folder)
        old, new = compare(bodies, answerer("nerveroot_old"), answerer("nerveroot_new"), args.passes, args.block)
    print(f"{len(bodies)} varied cases x {args.passes} passes, blocks of {args.block} taken in turn, us an answer:")
    print(f"old {old:.0f}  new {new:.0f}  new/old {new / old:.3f}")


def compare(bodies: list[bytes], old: Answer, new: Answer, passes: int, block: int) -> tuple[float, float]:
    """Process time per answer of each, in microseconds, after checking that they give the same bytes."""
    for raw in bodies:  # a warm pass, and the same bytes from both
        if old(raw) != new(raw):
            raise SystemExit("the two versions answer differently")
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_GENERATION, *gc.get_threshold()[1:])
    spent = [0.0, 0.0]
    blocks = [bodies[start : start + block] for start in range(0, len(bodies), block)]
    for n in range(passes * len(blocks)):
        part = blocks[n % len(blocks)]
        for side in (0, 1) if n % 2 == 0 else (1, 0):
            answer = (old, new)[side]
            began = time.process_time()
            for raw in part:
                answer(raw)
            spent[side] += time.process_time() - began
    return spent[0] * 1e6 / (passes * len(bodies)), spent[1] * 1e6 / (passes * len(bodies))


if __name__ == "__main__":
    main()
