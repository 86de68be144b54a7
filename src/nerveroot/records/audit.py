"""The tamper-evident audit chain: each row's HMAC covers the previous row's and its own content.

The key lives outside the database (NERVEROOT_AUDIT_KEY, else `audit.key` in the data directory, created 0600),
so someone who can edit the database (or write a backup file) cannot recompute the chain. The database itself
refuses UPDATE and DELETE on `audit_log` (triggers, migration 0003); `verify` finds what got past them: an
edited row, a deleted one, rows put in another order, or rows forged into a backup.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from nerveroot.records.settings import data_dir
from nerveroot.records.tables import AuditRow

KEY_ENV = "NERVEROOT_AUDIT_KEY"
KEY_FILE = "audit.key"
MIN_KEY_BYTES = 16
GENESIS = "0" * 64
PG_CHAIN_LOCK = 0x6E72_6175_6474  # one appender at a time on PostgreSQL (SQLite's BEGIN IMMEDIATE already is)


def audit_key() -> bytes:
    """NERVEROOT_AUDIT_KEY (hex, at least 32 digits), else the key file in the data directory (made on first use)."""
    raw = os.environ.get(KEY_ENV, "").strip()
    if raw:
        try:
            key = bytes.fromhex(raw)
        except ValueError as exc:
            raise ValueError(f"{KEY_ENV} must be hexadecimal") from exc
        if len(key) < MIN_KEY_BYTES:
            raise ValueError(f"{KEY_ENV} must hold at least {MIN_KEY_BYTES} bytes ({2 * MIN_KEY_BYTES} hex digits)")
        return key
    path = data_dir() / KEY_FILE
    if not path.exists():
        _create_key(path)
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


def _create_key(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:  # another process made it first
        return
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


@dataclass(frozen=True)
class Link:
    """The content one audit row's digest covers, in chain order."""

    seq: int
    id: str
    actor: str
    action: str
    entity: str
    entity_id: str | None
    outcome: str
    origin: str
    at: datetime

    def canonical(self) -> bytes:
        at = self.at.astimezone(UTC).isoformat(timespec="microseconds")
        fields = [
            self.seq,
            self.id,
            self.actor,
            self.action,
            self.entity,
            self.entity_id,
            self.outcome,
            self.origin,
            at,
        ]
        return json.dumps(fields, separators=(",", ":"), ensure_ascii=True).encode()


def digest(key: bytes, prev_hash: str, link: Link) -> str:
    return hmac.new(key, prev_hash.encode() + b"\x1e" + link.canonical(), hashlib.sha256).hexdigest()


def link_of(row: AuditRow) -> Link:
    return Link(
        seq=row.seq,
        id=row.id,
        actor=row.actor,
        action=row.action,
        entity=row.entity,
        entity_id=row.entity_id,
        outcome=row.outcome,
        origin=row.origin,
        at=row.at,
    )


def append(session: Session, key: bytes, dialect: str, row: AuditRow) -> AuditRow:
    """Give `row` the next sequence number and its digest, then add it (the caller's transaction commits it)."""
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_CHAIN_LOCK})
    last = session.execute(select(AuditRow.seq, AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)).first()
    row.seq = (last[0] + 1) if last else 1
    row.prev_hash = last[1] if last else GENESIS
    row.hash = digest(key, row.prev_hash, link_of(row))
    session.add(row)
    return row


@dataclass(frozen=True)
class ChainRow:
    """A row as stored or exported: its content, the previous digest it names and its own digest."""

    link: Link
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class Verdict:
    rows: int
    problems: list[str]
    head_seq: int
    head_hash: str

    @property
    def intact(self) -> bool:
        return not self.problems


def verify(rows: Iterable[ChainRow], key: bytes, *, start_seq: int = 1) -> Verdict:
    """Walk the chain in sequence order; every break is named by sequence number and kind."""
    problems: list[str] = []
    expected_seq, prev = start_seq, GENESIS
    count = 0
    for row in sorted(rows, key=lambda r: r.link.seq):
        count += 1
        seq = row.link.seq
        if seq != expected_seq:
            problems.append(f"row {seq}: rows {expected_seq}..{seq - 1} are missing (deleted)")
        if row.prev_hash != prev:
            problems.append(f"row {seq}: does not follow the row before it (reordered, inserted or deleted)")
        if not hmac.compare_digest(row.hash, digest(key, row.prev_hash, row.link)):
            problems.append(f"row {seq}: content does not match its digest (edited or forged)")
        expected_seq, prev = seq + 1, row.hash
    return Verdict(rows=count, problems=problems, head_seq=expected_seq - 1, head_hash=prev)


def stored_chain(session: Session) -> list[ChainRow]:
    rows = session.scalars(select(AuditRow).order_by(AuditRow.seq)).all()
    return [ChainRow(link_of(r), r.prev_hash, r.hash) for r in rows]
