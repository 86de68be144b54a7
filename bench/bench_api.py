"""POST /api/assess under load against an endpoint that validates the same body and returns the same bytes.

One uvicorn worker runs the real app with two extra routes, /bench/same-bytes and /bench/cpu, behind the same
middleware; both endpoints get the same varied cases (bench/varied.py).
  1. throughput: closed loop, --connections clients, the two endpoints measured in alternating slices, with the
     server's CPU time per request of each (its process time before and after each slice, `CPU_PATH`);
  2. latency at a fixed rate: open loop (wrk2-style, latency from the intended send time) at --rate req/s;
  3. memory: the app's RSS after a warm-up and after --requests more varied requests (new safety profiles).
Usage: PYTHONPATH=src .venv/bin/python bench/bench_api.py [--seconds 5] [--rate 200] [--requests 10000]
Targets (issue 16): throughput >= 0.5x the same-bytes endpoint; p99 <= 25 ms at 200 req/s; RSS within ±10%.
Reports, never asserts. Loopback only (bench/loadgen.py refuses anything else).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from fastapi import FastAPI, Request, Response
from fastapi.routing import APIRoute

sys.path.insert(0, str(Path(__file__).parent))

from loadgen import Run, closed_loop, open_loop, request_bytes
from varied import varied_cases

HOST = "127.0.0.1"
PATH = "/api/assess"
SAME_PATH = "/bench/same-bytes"
CPU_PATH = "/bench/cpu"
PATHS = {"same": SAME_PATH, "app": PATH}


def bench_app(bodies: list[bytes]) -> FastAPI:
    """The real app plus SAME_PATH: it validates the body as /api/assess does (schema and known ids) and returns
    the bytes /api/assess gives for it (prepared at start), behind the same middleware — the floor any
    /api/assess could reach."""
    from nerveroot.api.app import create_app
    from nerveroot.api.ids import require_known_ids
    from nerveroot.api.routes_assess import assess_json, read_assess_body
    from nerveroot.api.settings import Settings
    from nerveroot.assessment.case import Case
    from nerveroot.knowledge.loader import default_knowledge

    kb = default_knowledge()
    answers = {body: assess_json(read_assess_body(body), kb, "summary") for body in bodies}
    app = create_app(Settings.from_env())

    async def same(request: Request) -> Response:
        raw = await request.body()
        body = read_assess_body(raw)
        if isinstance(body, Case):
            require_known_ids(body, kb)
        return Response(content=answers[raw], media_type="application/json")

    async def cpu(_: Request) -> Response:
        return Response(content=repr(time.process_time()), media_type="text/plain")

    app.router.routes.insert(0, APIRoute(SAME_PATH, same, methods=["POST"]))
    app.router.routes.insert(0, APIRoute(CPU_PATH, cpu, methods=["GET"]))
    return app


def serve(port: int, cases: int) -> None:
    """Run the server in this process (the benchmark's own subprocess)."""
    import uvicorn

    app = bench_app([c.model_dump_json().encode() for c in varied_cases(cases)])
    uvicorn.run(app, host=HOST, port=port, workers=1, access_log=False, log_level="warning")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


SETTLED_NOTE = b'{"text": "Low back pain for a week."}'
"""A note: its answer waits for the language pipeline, which the app builds in the background at start (seconds of
CPU that would otherwise fall on the first slices of both endpoints)."""


def start(env: dict[str, str], cases: int, probe: bytes) -> tuple[subprocess.Popen[bytes], int]:
    """The server on a free port, answering `probe` and done building its language pipeline."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, __file__, "--serve", "--port", str(port), "--cases", str(cases)], env=env)
    deadline = time.monotonic() + 180
    while True:
        try:
            httpx.post(f"http://{HOST}:{port}{PATH}", content=probe, timeout=30).raise_for_status()
            httpx.post(f"http://{HOST}:{port}{PATH}", content=SETTLED_NOTE, timeout=180).raise_for_status()
            return proc, port
        except httpx.TransportError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the server did not start") from None
            time.sleep(0.3)


def server_cpu(port: int) -> float:
    """The server process's CPU seconds so far."""
    return float(httpx.get(f"http://{HOST}:{port}{CPU_PATH}", timeout=30).text)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def row(name: str, run: Run) -> str:
    return (
        f"{name:<34}{run.rps:>9.0f}{run.percentile(50):>9.1f}{run.percentile(99):>9.1f}"
        f"{run.requests:>9}{run.failures:>7}{run.response_bytes / max(run.requests, 1) / 1000:>8.1f}"
    )


def merge(runs: list[Run]) -> Run:
    lat = tuple(x for r in runs for x in r.latencies_ms)
    return Run(
        sum(r.requests for r in runs),
        sum(r.failures for r in runs),
        sum(r.seconds for r in runs),
        lat,
        sum(r.response_bytes for r in runs),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5, help="seconds of closed-loop load per server")
    parser.add_argument("--slices", type=int, default=3, help="alternating slices the seconds are split into")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rate", type=float, default=200, help="fixed request rate of the open-loop phase")
    parser.add_argument("--rate-seconds", type=float, default=10)
    parser.add_argument("--requests", type=int, default=10_000, help="varied requests of the memory phase")
    parser.add_argument("--cases", type=int, default=2000, help="distinct varied cases in the load")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.port, args.cases)
        return
    bodies = [c.model_dump_json().encode() for c in varied_cases(args.cases)]
    memory_bodies = [c.model_dump_json().encode() for c in varied_cases(args.requests, seed=1616)]
    with tempfile.TemporaryDirectory() as home:
        env = {k: v for k, v in os.environ.items() if k != "NERVEROOT_DATABASE_URL"}
        env |= {"NERVEROOT_HOME": home, "NERVEROOT_ACCESS_LOG": "0"}
        proc, port = start(env, args.cases, bodies[0])
        try:
            payloads = {w: [request_bytes(HOST, port, path, b) for b in bodies] for w, path in PATHS.items()}
            closed: dict[str, list[Run]] = {"same": [], "app": []}
            cpu_seconds = {"same": 0.0, "app": 0.0}
            for w in PATHS:  # warm-up
                asyncio.run(closed_loop(HOST, port, payloads[w], args.connections, 1))
            for _ in range(args.slices):
                for w in PATHS:
                    part = args.seconds / args.slices
                    began = server_cpu(port)
                    closed[w].append(asyncio.run(closed_loop(HOST, port, payloads[w], args.connections, part)))
                    cpu_seconds[w] += server_cpu(port) - began
            fixed = {w: asyncio.run(open_loop(HOST, port, payloads[w], args.rate, args.rate_seconds)) for w in PATHS}
            before = rss_mib(proc.pid)
            mem_payloads = [request_bytes(HOST, port, PATH, b) for b in memory_bodies]
            memory_run = asyncio.run(closed_loop(HOST, port, mem_payloads, args.connections, 120, len(mem_payloads)))
            after = rss_mib(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    same, app = merge(closed["same"]), merge(closed["app"])
    print(f"one uvicorn worker (the real app, both endpoints), loopback, {args.cases} varied cases, summary form")
    print(f"{'':<34}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'requests':>9}{'failed':>7}{'KB/resp':>8}")
    print(row(f"same-bytes, {args.connections} conn, closed", same))
    print(row(f"/api/assess, {args.connections} conn, closed", app))
    print(row(f"same-bytes, {args.rate:.0f} req/s, open", fixed["same"]))
    print(row(f"/api/assess, {args.rate:.0f} req/s, open", fixed["app"]))
    per_request = {w: cpu_seconds[w] / max(run.requests, 1) * 1e6 for w, run in (("same", same), ("app", app))}
    print(
        f"server CPU per request (closed loop): same-bytes {per_request['same']:.0f} us, /api/assess "
        f"{per_request['app']:.0f} us"
    )
    ratio = app.rps / same.rps
    p99 = fixed["app"].percentile(99)
    growth = after / before - 1
    print(
        f"throughput ratio (assess / same bytes): {ratio:.2f}   target >= 0.5: {'met' if ratio >= 0.5 else 'NOT met'}"
    )
    print(f"p99 at {args.rate:.0f} req/s: {p99:.1f} ms   target <= 25 ms: {'met' if p99 <= 25 else 'NOT met'}")
    print(
        f"RSS: {before:.0f} MiB after warm-up, {after:.0f} MiB after {memory_run.requests} more varied requests "
        f"({growth:+.1%})   target within ±10%: {'met' if abs(growth) <= 0.10 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
