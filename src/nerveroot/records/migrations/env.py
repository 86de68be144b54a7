"""Alembic environment: runs on the connection nerveroot.records.migrate passes in, or on database_url()."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from nerveroot.records.engine import make_engine
from nerveroot.records.settings import database_url, dialect_of
from nerveroot.records.tables import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


given = context.config.attributes.get("connection")
if given is not None:
    _run(given)
else:  # developer use: `alembic -c <ini with script_location = nerveroot.records:migrations> revision --autogenerate`
    url = database_url()
    engine = make_engine(url, dialect_of(url))
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()
