"""Crash safety: a writer killed with SIGKILL mid-loop loses no acknowledged write and leaves a sound database."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from nerveroot.records import RecordStore
from nerveroot.records.tables import EpisodeRow, ScoreRow
from test_records_support import BACKENDS, fresh_database

WRITER = """
import sys
from datetime import date
from nerveroot.records import EpisodeIn, PatientIn, RecordStore, ScoreIn

store = RecordStore(sys.argv[1])
patient = store.create_patient("crash-test", PatientIn())
print("patient", patient.id, flush=True)
i = 0
while True:
    episode = store.create_episode("crash-test", patient.id, EpisodeIn(title=f"episode {i}"))
    print("episode", episode.id, flush=True)
    score = store.add_score("crash-test", episode.id, ScoreIn(instrument="nrs", value=i % 11, recorded_on=date.today()))
    print("score", score.id, flush=True)
    i += 1
"""
ACKNOWLEDGED = 120
"""Lines to read before the kill (each printed only after its transaction committed)."""


def _run_and_kill(url: str) -> list[tuple[str, str]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 20
    while len(lines) < ACKNOWLEDGED and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
    proc.send_signal(signal.SIGKILL)  # while the loop is inside its next transaction or about to begin one
    rest, errors = proc.communicate(timeout=10)
    assert proc.returncode == -signal.SIGKILL, errors
    acknowledged = [tuple(line.split()) for line in [*lines, *rest.splitlines()] if line.strip()]
    assert len(acknowledged) >= ACKNOWLEDGED, errors
    return [(kind, ident) for kind, ident in acknowledged]


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_acknowledged_writes_survive_sigkill(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        acknowledged = _run_and_kill(url)
        if backend == "sqlite":
            engine = create_engine(url)
            with engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
                assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            engine.dispose()
        with RecordStore(url) as store:
            patient_id = next(ident for kind, ident in acknowledged if kind == "patient")
            assert store.get_patient("checker", patient_id).id == patient_id
            engine = create_engine(store.url)
            with engine.connect() as conn:
                episodes = set(conn.scalars(select(EpisodeRow.id)))
                scores = set(conn.scalars(select(ScoreRow.id)))
            engine.dispose()
        assert {i for kind, i in acknowledged if kind == "episode"} <= episodes
        assert {i for kind, i in acknowledged if kind == "score"} <= scores
        # at most the one write in flight at the kill may have committed without being acknowledged
        assert len(episodes) + len(scores) - (len(acknowledged) - 1) <= 1
