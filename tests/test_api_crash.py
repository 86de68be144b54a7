"""Data safety through the server: `nerveroot serve` killed with SIGKILL mid-writes loses no acknowledged write."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import threading
import time
from datetime import date
from pathlib import Path

import httpx
import pytest

from nerveroot.records import RecordStore
from test_api_server import SERVE, free_port

WRITERS = 4
MIN_ACKNOWLEDGED = 60


def _wait_for(base: str, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while True:
        assert server.poll() is None, "the server exited early"
        try:
            httpx.get(f"{base}/health", timeout=2)
            return
        except httpx.TransportError:
            assert time.monotonic() < deadline, "the server did not start within 60 s"
            time.sleep(0.2)


@pytest.mark.slow
def test_acknowledged_writes_survive_killing_the_server(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if k != "NERVEROOT_DATABASE_URL"} | {"NERVEROOT_HOME": str(home)}
    setup = RecordStore(f"sqlite:///{home / 'records.sqlite3'}")
    token = setup.create_token("crash-test")
    setup.close()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [*SERVE, "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    acknowledged: list[tuple[str, str]] = []
    lock = threading.Lock()
    stop = threading.Event()
    headers = {"Authorization": f"Bearer {token}"}

    def write(patient_id: str) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=10) as client:
            i = 0
            while not stop.is_set():
                try:
                    episode = client.post(f"/api/patients/{patient_id}/episodes", json={"title": f"ep {i}"})
                    if episode.status_code != 201:
                        continue
                    with lock:
                        acknowledged.append(("episode", episode.json()["id"]))
                    score = client.post(
                        f"/api/episodes/{episode.json()['id']}/scores",
                        json={"instrument": "nrs", "value": i % 11, "recorded_on": date.today().isoformat()},
                    )
                    if score.status_code == 201:
                        with lock:
                            acknowledged.append(("score", score.json()["id"]))
                except httpx.TransportError:
                    return  # the server is gone: whatever was acknowledged before is what must survive
                i += 1

    try:
        _wait_for(base, server)
        patients = [
            httpx.post(f"{base}/api/patients", json={"reference": f"crash-{n}"}, headers=headers, timeout=10).json()[
                "id"
            ]
            for n in range(WRITERS)
        ]
        threads = [threading.Thread(target=write, args=(p,)) for p in patients]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 30
        while len(acknowledged) < MIN_ACKNOWLEDGED and time.monotonic() < deadline:
            time.sleep(0.05)
        server.send_signal(signal.SIGKILL)  # writers are mid-request
        server.wait(timeout=10)
    finally:
        stop.set()
        if server.poll() is None:
            server.kill()
    for thread in threads:
        thread.join(timeout=15)
    assert len(acknowledged) >= MIN_ACKNOWLEDGED

    database = home / "records.sqlite3"
    with sqlite3.connect(database) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store = RecordStore(f"sqlite:///{database}")
    try:
        present = {("episode", e.id) for p in patients for e in store.list_episodes("check", p)} | {
            ("score", s.id)
            for p in patients
            for e in store.list_episodes("check", p)
            for s in store.get_episode("check", e.id).scores
        }
    finally:
        store.close()
    missing = [item for item in acknowledged if item not in present]
    assert not missing, f"{len(missing)} acknowledged writes lost, e.g. {missing[:3]}"
