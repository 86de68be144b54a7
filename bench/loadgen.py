"""A small loopback HTTP/1.1 load generator: closed loop (N connections, as fast as possible) or open loop at a
fixed request rate (wrk2-style: each request has an intended start time and its latency counts from then, so a
stalled server cannot hide its queue — no coordinated omission).

Loopback only: refuses any host but 127.0.0.1/localhost/::1. Bounded in requests and seconds.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
MAX_SECONDS = 120.0


@dataclass(frozen=True)
class Run:
    """What one load run measured."""

    requests: int
    failures: int
    seconds: float
    latencies_ms: tuple[float, ...]
    response_bytes: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        """Latency at quantile q (0–100), nearest rank."""
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
        return ordered[rank]


def request_bytes(host: str, port: int, path: str, body: bytes, headers: Sequence[tuple[str, str]] = ()) -> bytes:
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", "Content-Type: application/json"]
    lines += [f"{k}: {v}" for k, v in headers]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, int]:
    """(status, body length) of one response (Content-Length bodies only)."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    await reader.readexactly(length)
    return status, length


class _Conn:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def send(self, payload: bytes) -> tuple[int, int]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(payload)
        await self.writer.drain()
        return await _read_response(self.reader)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def _check(host: str, seconds: float) -> None:
    if host not in LOOPBACK:
        raise ValueError(f"loopback targets only, not {host!r}")
    if not 0 < seconds <= MAX_SECONDS:
        raise ValueError(f"duration must be in (0, {MAX_SECONDS}] seconds")


async def closed_loop(
    host: str, port: int, payloads: Sequence[bytes], connections: int, seconds: float, limit: int | None = None
) -> Run:
    """`connections` clients, each sending its next request as soon as the last answer arrives, for `seconds`
    or until `limit` requests have been sent."""
    _check(host, seconds)
    latencies: list[float] = []
    counts = {"failures": 0, "bytes": 0, "sent": 0}
    stop = time.perf_counter() + seconds

    async def client(offset: int) -> None:
        conn = _Conn(host, port)
        i = offset
        try:
            while time.perf_counter() < stop and (limit is None or counts["sent"] < limit):
                counts["sent"] += 1
                begin = time.perf_counter()
                try:
                    status, size = await conn.send(payloads[i % len(payloads)])
                except (OSError, asyncio.IncompleteReadError):
                    counts["failures"] += 1
                    conn.close()
                    conn = _Conn(host, port)
                    continue
                latencies.append((time.perf_counter() - begin) * 1000)
                counts["bytes"] += size
                counts["failures"] += status >= 400
                i += connections
        finally:
            conn.close()

    start = time.perf_counter()
    await asyncio.gather(*(client(k) for k in range(connections)))
    elapsed = time.perf_counter() - start
    return Run(len(latencies), counts["failures"], elapsed, tuple(latencies), counts["bytes"])


async def open_loop(
    host: str, port: int, payloads: Sequence[bytes], rate: float, seconds: float, connections: int = 64
) -> Run:
    """Requests sent at a fixed `rate` per second whatever the server does; latency from the intended send time.

    Up to `connections` requests are in flight; a request whose slot comes while all are busy waits, and that
    wait counts in its latency.
    """
    _check(host, seconds)
    total = int(rate * seconds)
    pool: asyncio.Queue[_Conn] = asyncio.Queue()
    for _ in range(connections):
        pool.put_nowait(_Conn(host, port))
    latencies: list[float] = []
    counts = {"failures": 0, "bytes": 0}
    start = time.perf_counter() + 0.05

    async def one(n: int) -> None:
        intended = start + n / rate
        conn = await pool.get()
        try:
            status, size = await conn.send(payloads[n % len(payloads)])
            counts["bytes"] += size
            counts["failures"] += status >= 400
            latencies.append((time.perf_counter() - intended) * 1000)
            pool.put_nowait(conn)
        except (OSError, asyncio.IncompleteReadError):
            counts["failures"] += 1
            conn.close()
            pool.put_nowait(_Conn(host, port))

    tasks = []
    for n in range(total):
        delay = start + n / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(n)))
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=MAX_SECONDS)
    elapsed = time.perf_counter() - start
    while not pool.empty():
        pool.get_nowait().close()
    return Run(len(latencies), counts["failures"], elapsed, tuple(latencies), counts["bytes"])
