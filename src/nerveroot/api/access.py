"""A path-only access log: method, route, status and time; never query strings, headers, bodies or record ids.

The logged path is the matched route's template (`/api/patients/{patient_id}`), so ids never reach the log; an
unmatched path is logged with control characters escaped (a `%0A` in a URL cannot forge a second log line).
"""

from __future__ import annotations

import logging
import re
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("nerveroot.access")
MAX_LOGGED_PATH = 200
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\\]")


def escape(text: str) -> str:
    """Control characters (and backslashes) as visible escapes, cut to MAX_LOGGED_PATH characters."""
    cut = text[:MAX_LOGGED_PATH] + ("…" if len(text) > MAX_LOGGED_PATH else "")
    return _UNSAFE.sub(lambda m: "\\\\" if m.group() == "\\" else f"\\x{ord(m.group()):02x}", cut)


def logged_path(scope: Scope) -> str:
    """The route template when a route matched, else the escaped path."""
    route = scope.get("route")
    template = getattr(route, "path", None)
    return escape(template if isinstance(template, str) and template else scope["path"])


class AccessLog:
    """ASGI middleware writing one INFO line per HTTP request to the 'nerveroot.access' logger."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            ms = (time.perf_counter() - start) * 1000
            logger.info("%s %s %d %.1fms", escape(scope["method"]), logged_path(scope), status, ms)
