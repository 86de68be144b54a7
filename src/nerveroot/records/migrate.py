"""Apply the packaged Alembic migrations programmatically (no alembic.ini at run time)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

SCRIPT_LOCATION = "nerveroot.records:migrations"
PG_LOCK_KEY = 0x6E72_7265_6373  # advisory lock id: one migrator at a time on PostgreSQL


def alembic_config(connection: Connection | None = None, audit_key: bytes | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    if connection is not None:
        config.attributes["connection"] = connection
    if audit_key is not None:
        config.attributes["audit_key"] = audit_key
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("no migration scripts are packaged")
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, audit_key: bytes | None = None) -> None:
    """Bring the schema to head in one transaction (SQLite: under the write lock; PostgreSQL: an advisory lock)."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
        if MigrationContext.configure(conn).get_current_revision() == head_revision():
            return
        command.upgrade(alembic_config(conn, audit_key), "head")
