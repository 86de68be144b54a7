"""Screen an archive of notes in parallel into a Parquet dataset, one row per note, resumable after a crash.

Input: JSONL, one `{"id": ..., "text": ...}` per line, checked in full before anything is written. The notes
are cut into chunks of `chunk_size`; chunk i becomes `part-<i>.parquet` in the output folder, written to a
temporary name and renamed, so a part is either complete or absent. A rerun on the same folder skips the parts
that exist: a crash loses at most the chunks in flight and never duplicates a row. `_manifest.json` pins the
input's hash, the chunk size, the date used for relative dates and the knowledge base, and a rerun with
anything else is refused.

Engines: worker processes on this machine (default), or Ray when a cluster address is given ("local" starts
Ray here). Workers return rows; only this process writes, so the output folder need not be shared.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from datetime import date
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from nerveroot.batch.screen import COLUMNS, screen
from nerveroot.errors import InputValidationError, Problem
from nerveroot.knowledge.base import KnowledgeBase

MANIFEST = "_manifest.json"
MAX_TEXT = 100_000
Note = tuple[str, str]


@dataclass(frozen=True)
class Report:
    notes: int
    chunks: int
    skipped_chunks: int
    seconds: float
    workers: int
    engine: str

    @property
    def screened(self) -> int:
        return self.notes

    def lines(self) -> list[str]:
        rate = self.notes / self.seconds if self.seconds else 0.0
        return [
            f"engine: {self.engine}, workers: {self.workers}",
            f"chunks: {self.chunks} ({self.skipped_chunks} already done, skipped)",
            f"notes screened now: {self.notes} in {self.seconds:.1f} s "
            f"({rate:.1f} notes/s, {rate / max(self.workers, 1):.1f} per worker)",
        ]


def read_notes(path: Path) -> list[Note]:
    """Every (id, text) of a JSONL file; InputValidationError naming the line and field for any bad one."""
    problems: list[Problem] = []
    notes: list[Note] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{path.name}:{number}"
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(Problem(where, f"not JSON ({exc.msg})"))
                continue
            if not isinstance(item, dict):
                problems.append(Problem(where, "expected an object with 'id' and 'text'"))
                continue
            note_id, text = item.get("id"), item.get("text")
            if not isinstance(note_id, str | int) or isinstance(note_id, bool) or str(note_id) == "":
                problems.append(Problem(f"{where}.id", "a non-empty string or integer is required"))
            elif str(note_id) in seen:
                problems.append(Problem(f"{where}.id", f"duplicate note id {note_id!r}"))
            if not isinstance(text, str) or len(text) > MAX_TEXT:
                problems.append(Problem(f"{where}.text", f"a string of at most {MAX_TEXT} characters is required"))
            if not problems or problems[-1].path.split(".")[0] != where:
                seen.add(str(note_id))
                notes.append((str(note_id), str(text)))
    if problems:
        raise InputValidationError(problems[:50])
    return notes


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _part(out: Path, index: int) -> Path:
    return out / f"part-{index:06d}.parquet"


def arrow_schema() -> Any:
    import pyarrow as pa

    types = {"string": pa.string(), "list<string>": pa.list_(pa.string()), "double": pa.float64(), "int32": pa.int32()}
    return pa.schema([(name, types[kind]) for name, kind in COLUMNS])


def write_part(out: Path, index: int, rows: Sequence[dict[str, Any]]) -> None:
    """Write one chunk's rows atomically (temporary file, fsync, rename)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(list(rows), schema=arrow_schema())
    final = _part(out, index)
    temporary = final.with_suffix(".parquet.tmp")
    pq.write_table(table, temporary)
    with temporary.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, final)


def _prepare(out: Path, manifest: dict[str, Any]) -> set[int]:
    """Create or check the output folder; the chunk indexes already written."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / MANIFEST
    if path.exists():
        found = json.loads(path.read_text(encoding="utf-8"))
        changed = sorted(k for k in manifest if found.get(k) != manifest[k])
        if changed:
            raise InputValidationError(
                [Problem("out", f"holds a run with another {', '.join(changed)}; use a new output folder")]
            )
    else:
        path.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    for stale in out.glob("part-*.parquet.tmp"):
        stale.unlink()
    return {int(p.stem.removeprefix("part-")) for p in out.glob("part-*.parquet")}


# ---------------------------------------------------------------- engines

_WORKER_KB: KnowledgeBase | None = None


def _worker_kb() -> KnowledgeBase:
    global _WORKER_KB
    if _WORKER_KB is None:
        from nerveroot.knowledge.loader import default_knowledge

        _WORKER_KB = default_knowledge()
    return _WORKER_KB


def screen_chunk(index: int, notes: Sequence[Note], today: str) -> tuple[int, list[dict[str, Any]]]:
    """Screen one chunk in a worker (the knowledge base and language pipeline load once per worker)."""
    kb = _worker_kb()
    day = date.fromisoformat(today)
    return index, [screen(note_id, text, kb, day) for note_id, text in notes]


Chunk = tuple[int, list[Note]]
Sink = Callable[[int, list[dict[str, Any]]], None]


def _local(chunks: Iterator[Chunk], today: str, workers: int, sink: Sink) -> None:
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        running: set[Future[tuple[int, list[dict[str, Any]]]]] = set()
        for index, notes in chunks:
            running.add(pool.submit(screen_chunk, index, notes, today))
            if len(running) >= 2 * workers:
                done, running = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    sink(*future.result())
        for future in running:
            sink(*future.result())


def _ray(chunks: Iterator[Chunk], today: str, address: str, workers: int, sink: Sink) -> int:
    import ray

    if not ray.is_initialized():
        if address == "local":
            ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
        else:
            ray.init(address=address, log_to_driver=False)
    task = ray.remote(screen_chunk)
    slots = max(int(ray.cluster_resources().get("CPU", workers)), 1)  # type: ignore[no-untyped-call]
    running: list[Any] = []
    for index, notes in chunks:
        running.append(task.remote(index, notes, today))
        if len(running) >= 2 * slots:
            done, running = ray.wait(running, num_returns=1)
            for ref in done:
                sink(*ray.get(ref))
    for ref in running:
        sink(*ray.get(ref))
    return slots


def run_batch(
    notes_path: Path,
    out: Path,
    kb: KnowledgeBase,
    today: date | None = None,
    chunk_size: int = 500,
    workers: int | None = None,
    ray_address: str | None = None,
) -> Report:
    """Screen every note of `notes_path` into `out` (see the module docstring); resumes a run left unfinished."""
    notes = read_notes(notes_path)
    previous = json.loads((out / MANIFEST).read_text(encoding="utf-8")) if (out / MANIFEST).exists() else {}
    day = (today or date.fromisoformat(previous.get("today", date.today().isoformat()))).isoformat()
    manifest = {
        "input_sha256": _digest(notes_path),
        "chunk_size": chunk_size,
        "today": day,
        "kb_content_hash": kb.content_hash,
    }
    done = _prepare(out, manifest)
    total = (len(notes) + chunk_size - 1) // chunk_size
    todo = [i for i in range(total) if i not in done]
    count = sum(min(chunk_size, len(notes) - i * chunk_size) for i in todo)
    chunks = ((i, notes[i * chunk_size : (i + 1) * chunk_size]) for i in todo)

    def sink(index: int, rows: list[dict[str, Any]]) -> None:
        write_part(out, index, rows)

    size = workers or os.cpu_count() or 1
    start = time.perf_counter()
    if ray_address:
        size = _ray(chunks, day, ray_address, size, sink)
        engine = f"ray ({ray_address})"
    else:
        _local(chunks, day, size, sink)
        engine = "local processes"
    return Report(count, total, total - len(todo), time.perf_counter() - start, size, engine)


def read_rows(out: Path) -> list[dict[str, Any]]:
    """Every row written to `out`, in note order."""
    import pyarrow.parquet as pq

    parts = sorted(out.glob("part-*.parquet"))
    rows: list[dict[str, Any]] = []
    for part in parts:
        rows.extend(pq.read_table(part, schema=arrow_schema()).to_pylist())
    return rows
