"""Fresh databases for the records tests: a SQLite file, or a throw-away PostgreSQL schema (no tests here)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from nerveroot.records.settings import sqlite_url

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKENDS = ("sqlite", "postgresql")


def skip_postgres() -> bool:
    return os.environ.get("NERVEROOT_SKIP_POSTGRES") == "1"


@contextmanager
def fresh_database(backend: str, folder: Path) -> Iterator[str]:
    """A URL to an empty database; a PostgreSQL schema is created here and dropped afterwards."""
    if backend == "sqlite":
        yield sqlite_url(folder / f"records-{uuid.uuid4().hex[:8]}.sqlite3")
        return
    if skip_postgres():
        pytest.skip("NERVEROOT_SKIP_POSTGRES=1")
    import psycopg

    schema = f"nr_test_{uuid.uuid4().hex[:12]}"
    admin = PG_URL.replace("+psycopg", "")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
