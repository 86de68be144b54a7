"""Typed nerveroot errors → HTTP, in one place: 422 with field paths, 404, 409, 401, 403, 503 and 507."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError

from nerveroot.errors import (
    AuthError,
    ConflictError,
    ForbiddenError,
    InputValidationError,
    NotFoundError,
    PrefetchMissingError,
    Problem,
    StorageError,
    UnknownEntityError,
)

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


class ErrorItem(BaseModel):
    """One problem: where (a path of field names and list indices) and what."""

    loc: list[str | int]
    msg: str
    type: str


class ValidationProblem(BaseModel):
    """The 422 body: every problem in the request."""

    detail: list[ErrorItem]


class Message(BaseModel):
    """The 401, 404 and 409 body."""

    detail: str
    code: str


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {422: {"model": ValidationProblem, "description": "Invalid input"}}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": Message, "description": "No such record"}}
AUTH: dict[int | str, dict[str, Any]] = {401: {"model": Message, "description": "Missing or unknown token"}}
CONFLICT: dict[int | str, dict[str, Any]] = {409: {"model": Message, "description": "Conflicts with a stored record"}}
FORBIDDEN: dict[int | str, dict[str, Any]] = {
    403: {"model": Message, "description": "The user's role or patient access does not allow this"}
}


def path_loc(path: str) -> list[str | int]:
    """'body.answers[3]' → ['body', 'answers', 3]; a path that is not dotted stays one element."""
    parts: list[str | int] = [int(idx) if idx else name for name, idx in _PART.findall(path)]
    return parts or [path]


def problems_of(exc: ValidationError, prefix: Sequence[str | int] = ("body",)) -> list[dict[str, Any]]:
    """Pydantic errors as 422 items under a prefix (no input values echoed back)."""
    return [
        {"loc": [*prefix, *e["loc"]], "msg": e["msg"].removeprefix("Value error, "), "type": e["type"]}
        for e in exc.errors(include_url=False, include_input=False)
    ]


def rename(problems: Iterable[Problem], old: str, new: str) -> list[Problem]:
    """Move problems reported under a library name (e.g. 'odi') to the request field (e.g. 'body.answers')."""
    return [Problem(new + p.path.removeprefix(old) if p.path.startswith(old) else p.path, p.message) for p in problems]


def _unprocessable(errors: list[dict[str, Any]]) -> JSONResponse:
    return JSONResponse({"detail": errors}, status_code=422)


def _message(status: int, exc: Exception, code: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": str(exc), "code": code}, status_code=status, headers=headers)


async def _request_invalid(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": list(e.get("loc", [])), "msg": str(e.get("msg", "")).removeprefix("Value error, "), "type": e["type"]}
        for e in exc.errors()
    ]
    return _unprocessable(errors)


async def _input_invalid(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InputValidationError)
    return _unprocessable([{"loc": path_loc(p.path), "msg": p.message, "type": "value_error"} for p in exc.problems])


async def _not_found(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, NotFoundError | UnknownEntityError)
    return _message(404, exc, exc.code)


async def _conflict(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ConflictError)
    return _message(409, exc, exc.code)


async def _unauthorised(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AuthError)
    return _message(401, exc, exc.code, {"WWW-Authenticate": "Bearer"})


async def _forbidden(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ForbiddenError)
    return _message(403, exc, exc.code)


async def _storage(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StorageError)
    return _message(507 if exc.full else 503, exc, exc.code, {"Retry-After": "60"})


async def _prefetch_missing(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PrefetchMissingError)
    return _message(412, exc, exc.code)


def install(app: FastAPI) -> None:
    """Register every mapping on the app."""
    app.add_exception_handler(RequestValidationError, _request_invalid)
    app.add_exception_handler(InputValidationError, _input_invalid)
    app.add_exception_handler(NotFoundError, _not_found)
    app.add_exception_handler(UnknownEntityError, _not_found)
    app.add_exception_handler(ConflictError, _conflict)
    app.add_exception_handler(AuthError, _unauthorised)
    app.add_exception_handler(ForbiddenError, _forbidden)
    app.add_exception_handler(StorageError, _storage)
    app.add_exception_handler(PrefetchMissingError, _prefetch_missing)
