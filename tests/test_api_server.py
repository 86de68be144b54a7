"""`nerveroot serve` for real: start it on a free port, call /health and /api/assess, stop it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

SERVE = [sys.executable, "-c", "from nerveroot.interfaces.cli import app; app()", "serve"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.mark.slow
def test_serve_answers_health_and_assess(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "NERVEROOT_DATABASE_URL"} | {"NERVEROOT_HOME": str(tmp_path)}
    server = subprocess.Popen(
        [*SERVE, "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, "the server exited early"
            try:
                health = httpx.get(f"{base}/health", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the server did not start within 60 s"
                time.sleep(0.2)
        assert health.status_code == 200
        assert health.json()["status"] == "ok"
        assert health.json()["database"] == "sqlite"
        case = {"id": "needle-7f3a", "age": 52, "sides": ["left"], "symptoms": {"back_pain": "present"}}
        assessed = httpx.post(f"{base}/api/assess", json=case, timeout=30)
        assert assessed.status_code == 200
        assert assessed.json()["case_id"] == "needle-7f3a"
        assert httpx.get(f"{base}/api/kb/search", params={"q": "needle-q"}, timeout=10).status_code == 200
    finally:
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=30)
    assert server.returncode in (0, 130), output  # uvicorn re-raises Ctrl+C after a clean shutdown (128 + SIGINT)
    assert f"http://127.0.0.1:{port}/" in output.splitlines()[0]
    assert "POST /api/assess 200" in output  # the path-only access log
    assert "needle" not in output  # neither bodies nor query strings are logged
    assert (tmp_path / "records.sqlite3").is_file()
