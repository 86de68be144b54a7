"""Stateless API workers on one PostgreSQL database: two uvicorn processes on loopback, used alternately."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from test_records_support import fresh_database

ROOT = Path(__file__).resolve().parents[1]
WORKER = [sys.executable, "-m", "uvicorn", "--factory", "nerveroot.api.app:create_app", "--host", "127.0.0.1"]


def _port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait(base: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while True:
        assert proc.poll() is None, "a worker exited early"
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "a worker did not start within 120 s"
        time.sleep(0.3)


@pytest.mark.slow
def test_two_workers_share_records_and_answer_alike(tmp_path: Path) -> None:
    with fresh_database("postgresql", tmp_path) as url:
        env = os.environ | {
            "NERVEROOT_DATABASE_URL": url,
            "NERVEROOT_HOME": str(tmp_path),
            "NERVEROOT_ACCESS_LOG": "0",
            "PYTHONPATH": str(ROOT / "src"),
        }
        made = subprocess.run(
            [sys.executable, "-m", "nerveroot", "token", "create", "two-workers"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        token = made.stdout.strip().split()[-1]
        ports = [_port(), _port()]
        procs = [subprocess.Popen([*WORKER, "--port", str(p)], env=env, text=True) for p in ports]
        bases = [f"http://127.0.0.1:{p}" for p in ports]
        try:
            for base, proc in zip(bases, procs, strict=True):
                _wait(base, proc)
            auth = {"Authorization": f"Bearer {token}"}
            a, b = bases
            patient = httpx.post(f"{a}/api/patients", json={"reference": "TW-1"}, headers=auth, timeout=30)
            assert patient.status_code == 201, patient.text
            pid = patient.json()["id"]
            assert httpx.get(f"{b}/api/patients/{pid}", headers=auth, timeout=30).json() == patient.json()
            episode = httpx.post(
                f"{b}/api/patients/{pid}/episodes", json={"title": "sciatica"}, headers=auth, timeout=30
            )
            assert episode.status_code == 201, episode.text
            case = {"id": "tw", "age": 44, "sides": ["left"], "red_flags": {"saddle_anaesthesia": "absent"}}
            stored = httpx.post(
                f"{a}/api/episodes/{episode.json()['id']}/assessments", json={"case": case}, headers=auth, timeout=30
            )
            assert stored.status_code == 201, stored.text
            detail = httpx.get(f"{b}/api/episodes/{episode.json()['id']}", headers=auth, timeout=30).json()
            assert [s["id"] for s in detail["assessments"]] == [stored.json()["id"]]
            answers = [httpx.post(f"{base}/api/assess", json=case, timeout=30) for base in bases]
            assert answers[0].status_code == 200
            assert answers[0].content == answers[1].content, "any worker gives the same bytes"
            link = answers[0].json()["plan"]["drugs"]["href"]
            assert httpx.get(f"{b}{link}", timeout=30).json() == httpx.get(f"{a}{link}", timeout=30).json()
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(timeout=30)
