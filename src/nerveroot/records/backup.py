"""The whole-database backup file: its format, validation and atomic write."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import to_json

from nerveroot.errors import InputValidationError, Problem
from nerveroot.records.models import AuditEntry, CdsFeedback, Episode, Patient, Score, StoredAssessment

FORMAT: Final = "nerveroot-records-backup"
FORMAT_VERSION: Final = 3
CHAINED_VERSION: Final = 3
"""1: the patient tables and the audit log; 2 adds `cds_feedback`; 3 carries the audit chain (sequence numbers,
outcomes and digests), verified on import. Version 1 and 2 files still load."""
EXCLUDED = (
    "api_tokens: API tokens (and their hashes) are never exported; create new ones with `nerveroot token create`."
)


class BackupTables(BaseModel):
    model_config = ConfigDict(extra="forbid")

    patients: list[Patient]
    episodes: list[Episode]
    assessments: list[StoredAssessment]
    scores: list[Score]
    audit_log: list[AuditEntry]
    cds_feedback: list[CdsFeedback] = Field(default_factory=list)


class Backup(BaseModel):
    """One backup file: every table except API tokens, as validated models."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["nerveroot-records-backup"] = FORMAT
    format_version: Literal[1, 2, 3] = FORMAT_VERSION
    schema_revision: str
    exported_at: datetime
    excluded: list[str] = Field(default_factory=lambda: [EXCLUDED])
    tables: BackupTables

    @model_validator(mode="after")
    def _tables_fit_the_version(self) -> Backup:
        if self.format_version >= 2 and "cds_feedback" not in self.tables.model_fields_set:
            raise ValueError(f"tables.cds_feedback is required in format_version {self.format_version}")
        if self.format_version >= CHAINED_VERSION and any(
            e.seq is None or e.prev_hash is None or e.hash is None for e in self.tables.audit_log
        ):
            raise ValueError(
                f"every tables.audit_log row needs seq, prev_hash and hash in format_version {FORMAT_VERSION}"
            )
        if self.format_version == 1 and self.tables.cds_feedback:
            raise ValueError("tables.cds_feedback is not part of format_version 1")
        return self


def write_atomic(path: Path, chunks: Iterable[bytes]) -> None:
    """Write `chunks` to a temp file beside `path` (mode 0600), fsync it, rename over `path`, then fsync the
    directory: a reader sees the old file or the whole new one, never a part."""
    parent = path.parent
    if not parent.is_dir():
        raise InputValidationError([Problem(str(path), "the folder does not exist")])
    fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def stream(schema_revision: str, exported_at: datetime, tables: dict[str, Iterable[BaseModel]]) -> Iterator[bytes]:
    """A backup file (the `Backup` format, one row a line) written as the rows come: memory stays flat however
    large the tables are. `tables` must name every table of `BackupTables`, in any order."""
    head = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_revision": schema_revision,
        "exported_at": exported_at,
        "excluded": [EXCLUDED],
    }
    yield b"{\n" + b"".join(b" " + to_json(k) + b": " + to_json(v) + b",\n" for k, v in head.items())
    yield b' "tables": {'
    for i, (name, rows) in enumerate(tables.items()):
        yield (b"," if i else b"") + b"\n  " + to_json(name) + b": ["
        for j, row in enumerate(rows):
            yield (b",\n   " if j else b"\n   ") + row.model_dump_json().encode("utf-8")
        yield b"\n  ]"
    yield b"\n }\n}\n"
