"""Engines for the two back ends: SQLite tuned for durability, PostgreSQL through psycopg 3."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

SQLITE_BUSY_TIMEOUT_MS = 10_000


def _sqlite_file(url: str) -> Path | None:
    database = make_url(url).database
    return None if not database or database == ":memory:" else Path(database)


def _prepare_sqlite_file(path: Path) -> None:
    """Create the data directory (owner only) and the database file (owner read/write) if missing."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def _sqlite_engine(url: str) -> Engine:
    path = _sqlite_file(url)
    if path is not None:
        _prepare_sqlite_file(path)
    engine = create_engine(url, connect_args={"check_same_thread": False}, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy (see "begin" below) instead of pysqlite's implicit BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if path is not None:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")  # fsync the WAL at every commit: acknowledged writes survive a crash
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Every transaction writes (at least an audit row), so take the write lock up front: no upgrade deadlocks.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def make_engine(url: str, dialect: str) -> Engine:
    """An engine for a normalised sqlite:/// or postgresql+psycopg:// URL; SQL errors and logs never show values."""
    if dialect == "sqlite":
        return _sqlite_engine(url)
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)
