"""One input gate in front of every endpoint (before routing and auth), and the security headers on every answer.

Bodies: a size cap checked on Content-Length and again while streaming (nothing past the cap is read); JSON only,
strict UTF-8, nesting at most MAX_DEPTH, numbers within limits, no duplicate keys, no NUL or lone surrogates.
Paths and query strings: no NUL. Every refusal is a JSON 4xx in the 422 shape ({"detail": [{loc, msg, type}]})
naming the field path; the body the app reads is the one that was checked.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nerveroot.api.settings import DEFAULT_MAX_BODY_BYTES

MAX_DEPTH = 32
MAX_INT_DIGITS = 18
MAX_NUMBER_CHARS = 40
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_NOT_BRACKET = re.compile(r"[^()]+")
_BRACKETS = str.maketrans({"[": "(", "{": "(", "]": ")", "}": ")"})
_SURROGATE = re.compile("[\ud800-\udfff]")
_NUL_IN_QUERY = re.compile(rb"%00|\x00", re.I)
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        b"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
]
NO_STORE = (b"cache-control", b"no-store")
PRIVATE_PREFIXES = ("/api/", "/fhir", "/cds-services")
"""Answers under these paths may hold patient data (assessments, records, exports): never cached."""


class Rejected(Exception):
    """The request is refused before it reaches the app."""

    def __init__(self, status: int, loc: list[str | int], msg: str, kind: str) -> None:
        super().__init__(msg)
        self.status, self.loc, self.msg, self.kind = status, loc, msg, kind

    def body(self) -> bytes:
        return json.dumps({"detail": [{"loc": self.loc, "msg": self.msg, "type": self.kind}]}).encode()


class _Bad:
    """A marker left in the parsed tree where a value broke a rule (found again to name its path)."""

    def __init__(self, msg: str, key: str | None = None) -> None:
        self.msg, self.key = msg, key


class _BadObject(dict[str, Any]):
    bad: _Bad


class _Strict(Exception):
    pass


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _Strict
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if len(text) > MAX_NUMBER_CHARS or not math.isfinite(value):
        raise _Strict
    return value


def _constant(_: str) -> Any:
    raise _Strict


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise _Strict
    return obj


def _marked_int(text: str) -> int | _Bad:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        return _Bad(f"integer with more than {MAX_INT_DIGITS} digits")
    return int(text)


def _marked_float(text: str) -> float | _Bad:
    value = float(text)
    if len(text) > MAX_NUMBER_CHARS or not math.isfinite(value):
        return _Bad(f"number out of range (at most {MAX_NUMBER_CHARS} characters, finite)")
    return value


def _marked_constant(name: str) -> _Bad:
    return _Bad(f"{name} is not a JSON number")


def _marked_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    seen: set[str] = set()
    duplicate = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
    marked = _BadObject(obj)
    marked.bad = _Bad("duplicate key in object", duplicate)
    return marked


def _text_problem(value: str) -> str | None:
    if "\x00" in value:
        return "NUL characters are not accepted"
    if _SURROGATE.search(value):
        return "lone UTF-16 surrogates are not accepted"
    return None


def _find(node: Any, path: list[str | int]) -> tuple[list[str | int], str] | None:
    """The path and message of the first rule broken in a parsed tree (markers, NUL, lone surrogates)."""
    if isinstance(node, _Bad):
        return path, node.msg
    if isinstance(node, str):
        problem = _text_problem(node)
        return (path, problem) if problem else None
    if isinstance(node, _BadObject):
        return [*path, node.bad.key or ""], node.bad.msg
    if isinstance(node, dict):
        for key, value in node.items():
            problem = _text_problem(key)
            if problem:
                return path, f"a key in this object: {problem}"
            found = _find(value, [*path, key])
            if found:
                return found
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found = _find(item, [*path, index])
            if found:
                return found
    return None


def _depth(text: str) -> int:
    """How deeply arrays and objects nest (strings removed first); stops counting past MAX_DEPTH."""
    shape = _NOT_BRACKET.sub("", _STRING.sub("", text).translate(_BRACKETS))
    depth = 0
    while shape and depth <= MAX_DEPTH:
        shorter = shape.replace("()", "")
        if shorter == shape:  # unbalanced: the JSON parser reports where
            return depth
        shape, depth = shorter, depth + 1
    return depth


def check_json(raw: bytes) -> None:
    """Rejected(422) naming the field path when `raw` is not acceptable JSON; nothing when it is."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Rejected(422, ["body"], f"not UTF-8 (byte {exc.start})", "json_invalid") from exc
    if text.count("[") + text.count("{") > MAX_DEPTH and _depth(text) > MAX_DEPTH:
        raise Rejected(422, ["body"], f"arrays and objects nest deeper than {MAX_DEPTH} levels", "json_too_deep")
    try:
        json.loads(text, object_pairs_hook=_pairs, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except _Strict:
        pass
    except (ValueError, RecursionError) as exc:
        raise Rejected(422, ["body"], f"invalid JSON: {exc}", "json_invalid") from exc
    else:
        if "\\u" not in text:  # NUL and lone surrogates can only arrive as \u escapes (strict UTF-8, no raw controls)
            return
    tree = json.loads(
        text,
        object_pairs_hook=_marked_pairs,
        parse_int=_marked_int,
        parse_float=_marked_float,
        parse_constant=_marked_constant,
    )
    found = _find(tree, ["body"])
    if found:
        raise Rejected(422, found[0], found[1], "value_error")


def _is_json(content_type: bytes) -> bool:
    kind = content_type.split(b";", 1)[0].strip().lower()
    return kind in {b"", b"application/json"} or (kind.startswith(b"application/") and kind.endswith(b"+json"))


class InputGate:
    """ASGI middleware: the input gate and the security headers (cheap: one pass over headers, body only once)."""

    def __init__(self, app: ASGIApp, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _with_headers(send, scope["path"].startswith(PRIVATE_PREFIXES))
        try:
            receive = await self._checked(scope, receive)
        except Rejected as exc:
            await _refuse(send, exc)
            return
        await self.app(scope, receive, send)

    async def _checked(self, scope: Scope, receive: Receive) -> Receive:
        if "\x00" in scope["path"]:
            raise Rejected(422, ["path"], "NUL characters are not accepted", "value_error")
        if _NUL_IN_QUERY.search(scope.get("query_string", b"")):
            raise Rejected(422, ["query"], "NUL characters are not accepted", "value_error")
        if scope["method"] not in BODY_METHODS:
            return receive
        length, content_type = None, b""
        for name, value in scope["headers"]:
            if name == b"content-length":
                length = value
            elif name == b"content-type":
                content_type = value
        if length is not None and (not length.isdigit() or int(length) > self.max_body_bytes):
            raise Rejected(413, ["body"], f"the body is larger than {self.max_body_bytes} bytes", "too_large")
        raw = await self._read(receive)
        if not raw:
            return _replay(raw, receive)
        if not _is_json(content_type):
            raise Rejected(415, ["header", "content-type"], "send the body as application/json", "media_type")
        check_json(raw)
        return _replay(raw, receive)

    async def _read(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                raise Rejected(400, ["body"], "the client closed the connection", "disconnect")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                raise Rejected(413, ["body"], f"the body is larger than {self.max_body_bytes} bytes", "too_large")
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _replay(raw: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": raw, "more_body": False}

    return replay


def _with_headers(send: Send, private: bool) -> Send:
    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            present = {name.lower() for name, _ in headers}
            headers += [h for h in SECURITY_HEADERS if h[0] not in present]
            if private:
                headers = [h for h in headers if h[0].lower() != b"cache-control"] + [NO_STORE]
            message = {**message, "headers": headers}
        await send(message)

    return send_with_headers


async def _refuse(send: Callable[[Message], Any], exc: Rejected) -> None:
    body = exc.body()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if exc.status == 413:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": exc.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
