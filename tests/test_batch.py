"""`nerveroot batch`: one Parquet row per note, the same with local processes and Ray, resumable after a kill."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest
from typer.testing import CliRunner

from nerveroot.batch.run import read_notes, read_rows, run_batch
from nerveroot.batch.screen import COLUMNS, screen
from nerveroot.errors import InputValidationError
from nerveroot.interfaces.cli import app
from nerveroot.knowledge.base import KnowledgeBase

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 1, 1)
CAUDA = "58 yo woman, 3 days of bilateral leg pain, numb around the back passage and new difficulty passing urine."


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_notes", ROOT / "bench" / "gen_notes.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_notes(path: Path, count: int) -> Path:
    import random

    rng = random.Random(7)
    note = _generator().note
    lines = [json.dumps({"id": f"n{i:04d}", "text": note(rng)}) for i in range(count)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_cauda_equina_note_is_an_emergency_row(kb: KnowledgeBase) -> None:
    row = screen("x1", CAUDA, kb, TODAY)
    assert set(row) == {name for name, _ in COLUMNS}
    assert row["error"] is None
    assert row["triage_level"] == "emergency"
    assert row["red_flags"], "the red flags named in the note are listed"
    assert 0 <= row["leading_root_probability"] <= 1


def test_a_note_that_cannot_be_read_is_a_row_with_an_error(kb: KnowledgeBase) -> None:
    row = screen("x2", "   ", kb, TODAY)
    assert row["error"] and row["triage_level"] is None


def test_bad_lines_are_refused_naming_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "notes.jsonl"
    path.write_text('{"id": "a", "text": "x"}\n{"id": "a", "text": "y"}\nnot json\n{"text": "z"}\n', encoding="utf-8")
    with pytest.raises(InputValidationError) as caught:
        read_notes(path)
    paths = [p.path for p in caught.value.problems]
    assert paths == ["notes.jsonl:2.id", "notes.jsonl:3", "notes.jsonl:4.id"]
    result = CliRunner().invoke(app, ["batch", str(path), str(tmp_path / "out")])
    assert result.exit_code == 2
    assert not (tmp_path / "out").exists(), "nothing is written for bad input"


def test_rows_are_one_per_note_and_a_rerun_adds_nothing(tmp_path: Path, kb: KnowledgeBase) -> None:
    notes = write_notes(tmp_path / "notes.jsonl", 12)
    out = tmp_path / "out"
    first = run_batch(notes, out, kb, TODAY, chunk_size=5, workers=1)
    assert (first.chunks, first.skipped_chunks, first.notes) == (3, 0, 12)
    rows = read_rows(out)
    assert [r["note_id"] for r in rows] == [n for n, _ in read_notes(notes)]
    assert rows == [screen(n, t, kb, TODAY) for n, t in read_notes(notes)]
    again = run_batch(notes, out, kb, TODAY, chunk_size=5, workers=1)
    assert (again.skipped_chunks, again.notes) == (3, 0)
    assert read_rows(out) == rows
    with pytest.raises(InputValidationError, match="chunk_size"):
        run_batch(notes, out, kb, TODAY, chunk_size=4, workers=1)


@pytest.mark.slow
def test_a_killed_run_resumes_without_duplicates(tmp_path: Path, kb: KnowledgeBase) -> None:
    notes = write_notes(tmp_path / "notes.jsonl", 40)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "nerveroot", "batch", str(notes), str(out), "--workers", "1"]
    command += ["--chunk-size", "2", "--today", TODAY.isoformat()]
    env = os.environ | {"PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(command, env=env, start_new_session=True)
    deadline = time.monotonic() + 240
    while not list(out.glob("part-*.parquet")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    written = len(list(out.glob("part-*.parquet")))
    assert 0 < written < 20, "killed mid-run"
    resumed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    assert f"({written} already done, skipped)" in resumed.stdout or f"({written + 1} already done" in resumed.stdout
    ids = [r["note_id"] for r in read_rows(out)]
    assert ids == [n for n, _ in read_notes(notes)], "every note once, none twice"
    assert not list(out.glob("*.tmp"))


@pytest.mark.slow
def test_ray_gives_the_same_rows_as_local_processes(tmp_path: Path, kb: KnowledgeBase) -> None:
    ray = pytest.importorskip("ray")
    notes = write_notes(tmp_path / "notes.jsonl", 10)
    run_batch(notes, tmp_path / "local", kb, TODAY, chunk_size=3, workers=2)
    try:
        report = run_batch(notes, tmp_path / "ray", kb, TODAY, chunk_size=3, workers=2, ray_address="local")
    finally:
        ray.shutdown()
    assert report.engine.startswith("ray")
    assert read_rows(tmp_path / "ray") == read_rows(tmp_path / "local")
