"""CDS Hooks feedback joins the records schema; audit actors widen to hold a CDS client's `iss`.

Before this revision the feedback store created `cds_feedback` itself (outside the migrations). When that table
is present its rows move into the migrated table, keeping their ids; otherwise the table is created empty.

Revision ID: 0002
Revises: 0001
Create Date: 2025-02-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLE = "cds_feedback"
LEGACY = "cds_feedback_0001"
COLUMNS = (
    "id",
    "service_id",
    "card",
    "outcome",
    "accepted_suggestions",
    "override_system",
    "override_code",
    "override_display",
    "user_comment",
    "outcome_timestamp",
    "client",
    "received_at",
)


def _set_aside_legacy_table(bind: sa.Connection) -> None:
    """Rename the self-created table (dropping its indexes, whose names the new table reuses)."""
    for index in sa.inspect(bind).get_indexes(TABLE):
        if index["name"]:
            op.drop_index(index["name"], table_name=TABLE)
    if bind.dialect.name == "postgresql":  # its serial sequence would take the new table's sequence name
        sequence = bind.execute(sa.text(f"SELECT pg_get_serial_sequence('{TABLE}', 'id')")).scalar()
        if sequence:
            op.execute(f"ALTER SEQUENCE {sequence} RENAME TO {LEGACY}_id_seq")
    op.rename_table(TABLE, LEGACY)


def _copy_legacy_rows(bind: sa.Connection) -> None:
    """Copy every row with its id (suggestion lists were JSON text), then drop the old table."""
    names = ", ".join(COLUMNS)
    values = names
    if bind.dialect.name == "postgresql":
        values = values.replace("accepted_suggestions", "CAST(accepted_suggestions AS JSON)")
    op.execute(f"INSERT INTO {TABLE} ({names}) SELECT {values} FROM {LEGACY}")
    op.drop_table(LEGACY)


def reset_id_sequence(bind: sa.Connection) -> None:
    """PostgreSQL: the next generated id follows the highest stored one (after rows were written with ids)."""
    if bind.dialect.name == "postgresql":
        bind.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {TABLE}), 0) + 1, false)"
            )
        )


def upgrade() -> None:
    bind = op.get_bind()
    legacy = sa.inspect(bind).has_table(TABLE)
    if legacy:
        _set_aside_legacy_table(bind)
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("service_id", sa.String(200), nullable=False),
        sa.Column("card", sa.String(200), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("accepted_suggestions", sa.JSON(), nullable=False),
        sa.Column("override_system", sa.String(500), nullable=True),
        sa.Column("override_code", sa.String(200), nullable=True),
        sa.Column("override_display", sa.String(500), nullable=True),
        sa.Column("user_comment", sa.Text(), nullable=True),
        sa.Column("outcome_timestamp", sa.String(40), nullable=False),
        sa.Column("client", sa.String(500), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("outcome IN ('accepted', 'overridden')", name=op.f("ck_cds_feedback_outcome")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cds_feedback")),
    )
    op.create_index(op.f("ix_cds_feedback_service_id"), TABLE, ["service_id"])
    op.create_index(op.f("ix_cds_feedback_card"), TABLE, ["card"])
    if legacy:
        _copy_legacy_rows(bind)
        reset_id_sequence(bind)
    with op.batch_alter_table("audit_log") as batch:
        batch.alter_column("actor", existing_type=sa.String(100), type_=sa.String(500), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.alter_column("actor", existing_type=sa.String(500), type_=sa.String(100), existing_nullable=False)
    op.drop_index(op.f("ix_cds_feedback_card"), table_name=TABLE)
    op.drop_index(op.f("ix_cds_feedback_service_id"), table_name=TABLE)
    op.drop_table(TABLE)
