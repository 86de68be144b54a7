"""Load benchmark: POST /api/assess on the real app vs an empty FastAPI endpoint, both under uvicorn (one worker).

Usage:  .venv/bin/python bench/bench_api.py [--duration 10] [--connections 100] [--threads 1]
Needs `wrk` (Debian: `apt-get install -y wrk`). Prints requests/s, p50 and p99 latency for both servers and the
throughput ratio; targets: ratio >= 0.7 and p99 <= 25 ms at 100 connections. Reports, never asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from fastapi import FastAPI

CASE = {
    "id": "bench-l5",
    "age": 38,
    "sex": "male",
    "onset": "sudden",
    "duration_days": 8,
    "trigger": "lifting",
    "course": "stable",
    "sides": ["left"],
    "pain_regions": [
        {"region": "buttock", "side": "left"},
        {"region": "posterior_thigh", "side": "left"},
        {"region": "lateral_leg", "side": "left"},
        {"region": "dorsum_foot", "side": "left"},
    ],
    "sensory_regions": [{"region": "dorsum_foot", "side": "left"}, {"region": "great_toe", "side": "left"}],
    "strength": [
        {"movement": "great_toe_extension", "side": "left", "grade": 4},
        {"movement": "ankle_dorsiflexion", "side": "left", "grade": 5},
        {"movement": "hip_abduction", "side": "left", "grade": 5},
    ],
    "reflexes": [
        {"reflex": "patellar", "side": "left", "result": "normal"},
        {"reflex": "achilles", "side": "left", "result": "normal"},
    ],
    "provocative": [
        {"test": "slr", "side": "left", "result": "positive", "angle": 40},
        {"test": "crossed_slr", "side": "right", "result": "negative"},
    ],
    "red_flags": {
        "saddle_anaesthesia": "absent",
        "bladder_dysfunction": "absent",
        "bowel_dysfunction": "absent",
        "bilateral_leg_symptoms": "absent",
        "progressive_weakness": "absent",
    },
    "symptoms": {"back_pain": "present", "leg_pain_worse_than_back": "present", "paresthesia": "present"},
    "pain_score": 7,
    "drug_safety": {"ckd": "absent", "gi_bleed_or_ulcer": "absent", "anticoagulant": "absent"},
}
"""A realistic L5 presentation (history, body map, examination, red-flag screen, drug safety)."""

LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = {body}
done = function(summary, latency, requests)
  io.write(string.format('RESULT {{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, '
    .. '"non2xx": %d, "errors": %d}}\\n', summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(99), summary.errors.status, summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
end
"""


@dataclass(frozen=True)
class Result:
    name: str
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    failures: int


def empty_app() -> FastAPI:
    app = FastAPI()

    @app.post("/api/assess")
    async def empty() -> dict[str, str]:
        return {}

    return app


def serve(which: str, port: int) -> None:
    """Run one server in this process (used by the benchmark's own subprocesses)."""
    import uvicorn

    if which == "app":
        from nerveroot.api.app import create_app
        from nerveroot.api.settings import Settings

        app = create_app(Settings.from_env())
    else:
        app = empty_app()
    uvicorn.run(app, host="127.0.0.1", port=port, workers=1, access_log=False, log_level="warning")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start(which: str, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, __file__, "--serve", which, "--port", str(port)], env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            response = httpx.post(f"{url}/api/assess", json=CASE, timeout=30)
            response.raise_for_status()
            return proc, url
        except httpx.TransportError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{which} server did not start") from None
            time.sleep(0.2)


def run_wrk(url: str, script: Path, args: argparse.Namespace, seconds: int) -> dict[str, int]:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s", "--timeout", "10s"]
    out = subprocess.run([*command, "-s", str(script), f"{url}/api/assess"], capture_output=True, text=True, check=True)
    line = next(line for line in out.stdout.splitlines() if line.startswith("RESULT "))
    data: dict[str, int] = json.loads(line.removeprefix("RESULT "))
    return data


def measure(name: str, which: str, env: dict[str, str], script: Path, args: argparse.Namespace) -> Result:
    proc, url = start(which, env)
    try:
        run_wrk(url, script, args, 2)  # warm-up
        data = run_wrk(url, script, args, args.duration)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return Result(
        name=name,
        rps=data["requests"] / (data["duration_us"] / 1e6),
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        requests=data["requests"],
        failures=data["non2xx"] + data["errors"],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per server")
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (the machine's cores are shared)")
    parser.add_argument("--serve", choices=["app", "empty"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port)
        return
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk (Debian/Ubuntu)")
    with tempfile.TemporaryDirectory() as home:
        env = {k: v for k, v in os.environ.items() if k != "NERVEROOT_DATABASE_URL"}
        env |= {"NERVEROOT_HOME": home, "NERVEROOT_ACCESS_LOG": "0"}
        script = Path(home) / "assess.lua"
        script.write_text(LUA.format(body=json.dumps(json.dumps(CASE))), encoding="utf-8")
        results = [
            measure("empty FastAPI endpoint", "empty", env, script, args),
            measure("POST /api/assess", "app", env, script, args),
        ]
    print(f"wrk: {args.connections} connections, {args.threads} thread(s), {args.duration} s per server, 1 worker")
    print(f"{'server':<26}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'requests':>10}{'failed':>8}")
    for r in results:
        print(f"{r.name:<26}{r.rps:>10.1f}{r.p50_ms:>10.2f}{r.p99_ms:>10.2f}{r.requests:>10}{r.failures:>8}")
    empty, real = results
    ratio = real.rps / empty.rps
    print(f"throughput ratio (assess / empty): {ratio:.3f}  (target >= 0.70: {'met' if ratio >= 0.7 else 'NOT met'})")
    print(f"p99 of /api/assess: {real.p99_ms:.1f} ms  (target <= 25 ms: {'met' if real.p99_ms <= 25 else 'NOT met'})")


if __name__ == "__main__":
    main()
