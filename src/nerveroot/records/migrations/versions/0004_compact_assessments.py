"""Stored assessments become compact: the Assessment JSON moves from a JSON column to Zstandard-compressed bytes,
optionally against a shared dictionary kept once per knowledge base (see nerveroot.records.compact).

Existing rows are compressed on their own (no dictionary) in id order, each checked to read back as the same
JSON before the old column is dropped; the whole upgrade is one transaction, so a failure leaves the 0003 schema
and every row as they were. Downgrade restores the JSON column from the compressed bytes.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from __future__ import annotations

from typing import Any

import orjson
import sqlalchemy as sa
import zstandard
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

LEVEL = 9
PAGE = 200
TABLE = "assessments"
DICTIONARIES = "assessment_dictionaries"
old = sa.table(TABLE, sa.column("id", sa.String(36)), sa.column("assessment", sa.JSON()))
new = sa.table(
    TABLE, sa.column("id", sa.String(36)), sa.column("body", sa.LargeBinary()), sa.column("dictionary", sa.String(64))
)
shared = sa.table(DICTIONARIES, sa.column("digest", sa.String(64)), sa.column("body", sa.LargeBinary()))


def _pages(bind: sa.Connection, query: sa.Select[Any], key: sa.ColumnElement[str]) -> Any:
    """Rows of `query` PAGE at a time in `key` order (updates on the same connection never disturb the walk)."""
    last = ""
    while True:
        rows = bind.execute(query.where(key > last).order_by(key).limit(PAGE)).all()
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def _compress(data: Any) -> bytes:
    body = zstandard.ZstdCompressor(level=LEVEL, write_checksum=True).compress(orjson.dumps(data))
    if orjson.loads(zstandard.ZstdDecompressor().decompress(body)) != data:
        raise RuntimeError("a stored assessment does not survive JSON re-encoding; the upgrade was not applied")
    return body


def upgrade() -> None:
    op.create_table(
        DICTIONARIES,
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_assessment_dictionaries")),
    )
    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(sa.Column("body", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("dictionary", sa.String(64), nullable=True))
        batch.create_foreign_key(
            op.f("fk_assessments_dictionary_assessment_dictionaries"),
            DICTIONARIES,
            ["dictionary"],
            ["digest"],
            ondelete="RESTRICT",
        )
    bind = op.get_bind()
    for row in _pages(bind, sa.select(old.c.id, old.c.assessment), old.c.id):
        bind.execute(sa.update(new).where(new.c.id == row.id).values(body=_compress(row.assessment)))
    with op.batch_alter_table(TABLE) as batch:
        batch.alter_column("body", existing_type=sa.LargeBinary(), nullable=False)
        batch.drop_column("assessment")


def downgrade() -> None:
    bind = op.get_bind()
    dictionaries = {
        d.digest: zstandard.ZstdCompressionDict(
            zstandard.ZstdDecompressor().decompress(d.body), dict_type=zstandard.DICT_TYPE_RAWCONTENT
        )
        for d in bind.execute(sa.select(shared.c.digest, shared.c.body))
    }
    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(sa.Column("assessment", sa.JSON(), nullable=True))
    for row in _pages(bind, sa.select(new.c.id, new.c.body, new.c.dictionary), new.c.id):
        reader = (
            zstandard.ZstdDecompressor()
            if row.dictionary is None
            else zstandard.ZstdDecompressor(dict_data=dictionaries[row.dictionary])
        )
        data = orjson.loads(reader.decompress(row.body))
        bind.execute(sa.update(old).where(old.c.id == row.id).values(assessment=data))
    with op.batch_alter_table(TABLE) as batch:
        batch.alter_column("assessment", existing_type=sa.JSON(), nullable=False)
        batch.drop_constraint(op.f("fk_assessments_dictionary_assessment_dictionaries"), type_="foreignkey")
        batch.drop_column("dictionary")
        batch.drop_column("body")
    op.drop_table(DICTIONARIES)
