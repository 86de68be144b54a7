"""A backup file read a row at a time: validated in one pass and written in another, so importing it needs memory
for one row (and the audit log, whose chain is verified as a whole), not for the whole file.

The reader takes any JSON text, one row a line (as `export` writes it) or not; only the `tables` object is read
row by row, everything else whole. A file that is not JSON is one problem at "(file)".
"""

from __future__ import annotations

import codecs
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any, Literal

from pydantic import BaseModel, ValidationError

from nerveroot.errors import InputValidationError, Problem
from nerveroot.records.backup import Backup
from nerveroot.records.models import CdsFeedback, Episode, Patient, Score, StoredAssessment

CHUNK = 1 << 20
ROWS: dict[str, type[BaseModel]] = {
    "patients": Patient,
    "episodes": Episode,
    "assessments": StoredAssessment,
    "scores": Score,
    "cds_feedback": CdsFeedback,
}
"""Tables validated row by row, in the order their rows can be written (parents before children)."""
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
Event = tuple[Literal["head", "tables", "table", "row"], str, str]


class _Malformed(ValueError):
    pass


class _Text:
    """A UTF-8 file as a window of text consumed from the front, refilled a chunk at a time."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.buf, self.pos, self.eof = "", 0, False

    def _more(self) -> bool:
        if self.eof:
            return False
        chunk = self.handle.read(CHUNK)
        self.buf = self.buf[self.pos :] + self.decoder.decode(chunk, final=not chunk)
        self.pos, self.eof = 0, not chunk
        return True

    def peek(self) -> str:
        """The next character that is not whitespace ('' at the end)."""
        while True:
            self.pos = _WHITESPACE.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buf) or not self._more():
                return self.buf[self.pos : self.pos + 1]

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise _Malformed(f"expected {char!r} at character {self.pos}")
        self.pos += 1

    def value(self) -> tuple[str, Any]:
        """The next JSON value: its text and what it parses to."""
        self.peek()
        while True:
            try:
                parsed, end = _DECODER.raw_decode(self.buf, self.pos)
                if end < len(self.buf) or self.eof:  # a number may go on in the next chunk
                    text, self.pos = self.buf[self.pos : end], end
                    return text, parsed
            except json.JSONDecodeError:
                if self.eof:
                    raise
            self._more()

    def members(self) -> Iterator[str]:
        """The keys of the object that starts here; the caller reads each member's value."""
        self.expect("{")
        if self.peek() == "}":
            self.pos += 1
            return
        while True:
            key = self.value()[1]
            if not isinstance(key, str):
                raise _Malformed(f"an object key must be a string, at character {self.pos}")
            self.expect(":")
            yield key
            if self.peek() != ",":
                self.expect("}")
                return
            self.pos += 1


def events(handle: IO[bytes]) -> Iterator[Event]:
    """("head", key, value text) for each top-level member but a `tables` object (and "tables.NAME" for a table
    that is not a list), ("tables", "", "") where that object starts, ("table", name, "") where a table's list
    starts and ("row", name, row text) for each of its rows."""
    text = _Text(handle)
    for key in text.members():
        if key != "tables" or text.peek() != "{":
            yield "head", key, text.value()[0]
            continue
        yield "tables", "", ""
        for name in text.members():
            if text.peek() != "[":
                yield "head", f"tables.{name}", text.value()[0]
                continue
            yield "table", name, ""
            text.expect("[")
            if text.peek() == "]":
                text.pos += 1
                continue
            while True:
                yield "row", name, text.value()[0]
                if text.peek() != ",":
                    text.expect("]")
                    break
                text.pos += 1
    if text.peek():
        raise _Malformed("text after the end of the backup")


def _problems(exc: ValidationError, prefix: str = "") -> list[Problem]:
    return [
        Problem(
            ".".join([prefix, *(str(p) for p in e["loc"])]).strip(".") or "(file)",
            e["msg"].removeprefix("Value error, "),
        )
        for e in exc.errors()
    ]


@dataclass(frozen=True)
class Checked:
    """A backup file that validated: its head with the whole audit log (other tables hold their first row only),
    its number of rows and the order of its tables."""

    head: Backup
    rows: int
    order: tuple[str, ...]


def check(handle: IO[bytes], name: str) -> Checked:
    """Validate the whole file a row at a time (every problem with its path in the file)."""
    head: dict[str, str] = {}
    tables: dict[str, list[str]] = {}
    counts: Counter[str] = Counter()
    problems: list[Problem] = []
    try:
        for kind, key, text in events(handle):
            if kind == "head":
                head[key] = text
            elif kind == "tables":
                head.setdefault("tables", "")
            elif kind == "table":
                tables[key] = []
            else:
                if key == "audit_log" or not counts[key]:
                    tables[key].append(text)  # validated with the head, below
                elif key in ROWS:
                    try:
                        ROWS[key].model_validate_json(text)
                    except ValidationError as exc:
                        problems += _problems(exc, f"tables.{key}.{counts[key]}")
                counts[key] += 1
    except (json.JSONDecodeError, _Malformed, UnicodeDecodeError) as exc:
        raise InputValidationError([Problem(name, f"not a valid backup file (JSON): {exc}")]) from exc
    try:
        skeleton = Backup.model_validate_json(_skeleton(head, tables))
    except ValidationError as exc:
        problems = _problems(exc) + problems
    if problems:
        raise InputValidationError(problems)
    return Checked(skeleton, sum(counts.values()), tuple(tables))


def _skeleton(head: dict[str, str], tables: dict[str, list[str]]) -> str:
    """The file's head with the rows kept (a non-list table as it was written), as JSON text."""
    parts = {k: v for k, v in head.items() if not k.startswith("tables.")}
    inner = {k.removeprefix("tables."): v for k, v in head.items() if k.startswith("tables.")}
    inner |= {k: "[" + ",".join(rows) + "]" for k, rows in tables.items()}
    if parts.get("tables") == "":  # the tables object, rebuilt from what was kept
        parts["tables"] = "{" + ",".join(f"{json.dumps(k)}:{v}" for k, v in inner.items()) + "}"
    return "{" + ",".join(f"{json.dumps(k)}:{v}" for k, v in parts.items()) + "}"


def rows(handle: IO[bytes], order: tuple[str, ...]) -> Iterator[tuple[str, BaseModel]]:
    """Every row of the tables in `ROWS`, parents before children: in one pass when the file already has them in
    that order (as `export` writes it), else one pass per table."""
    wanted = [t for t in order if t in ROWS]
    passes = [set(wanted)] if wanted == sorted(wanted, key=list(ROWS).index) else [{t} for t in ROWS]
    for tables in passes:
        handle.seek(0)
        for kind, key, text in events(handle):
            if kind == "row" and key in tables:
                yield key, ROWS[key].model_validate_json(text)
