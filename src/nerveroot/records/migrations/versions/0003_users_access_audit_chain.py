"""Users with roles, care teams and patient access; expiring tokens; a hash-chained, append-only audit log;
the shared CDS JWT replay store and the health write probe.

Existing tokens: each distinct token name becomes one user with the admin role (they could read everything
before), and every existing token expires LEGACY_TOKEN_DAYS after this upgrade. Existing audit rows are chained
in (time, id) order with the deployment's audit key.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import context, op

from nerveroot.records.audit import GENESIS, Link, audit_key, digest

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ID = sa.String(36)
LEGACY_TOKEN_DAYS = 30
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END
$$
"""
SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
)
PG_TRIGGERS = (
    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
)


def _create_access_tables() -> None:
    op.create_table(
        "users",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('clinician', 'admin', 'integration')", name=op.f("ck_users_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("name", name=op.f("uq_users_name")),
    )
    op.create_table(
        "teams",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
        sa.UniqueConstraint("name", name=op.f("uq_teams_name")),
    )
    op.create_table(
        "team_members",
        sa.Column("team_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_team_members_team_id_teams"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_team_members_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("team_id", "user_id", name=op.f("pk_team_members")),
    )
    op.create_index(op.f("ix_team_members_user_id"), "team_members", ["user_id"])
    op.create_table(
        "patient_access",
        sa.Column("id", ID, nullable=False),
        sa.Column("patient_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=True),
        sa.Column("team_id", ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("(user_id IS NULL) <> (team_id IS NULL)", name=op.f("ck_patient_access_one_grantee")),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_patient_access_patient_id_patients"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_patient_access_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_patient_access_team_id_teams"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient_access")),
    )
    for column in ("patient_id", "user_id", "team_id"):
        op.create_index(op.f(f"ix_patient_access_{column}"), "patient_access", [column])
    op.create_table(
        "cds_jti",
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_cds_jti")),
    )
    op.create_index(op.f("ix_cds_jti_expires_at"), "cds_jti", ["expires_at"])
    op.create_table(
        "health_check",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_check")),
    )


def _sqlite_time(value: datetime, bind: sa.Connection) -> datetime:
    return value.replace(tzinfo=None) if bind.dialect.name == "sqlite" else value


def _as_utc(value: datetime | str) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _adopt_tokens(bind: sa.Connection) -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("user_id", ID, nullable=True))
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    now = datetime.now(UTC)
    expires = _sqlite_time(now + timedelta(days=LEGACY_TOKEN_DAYS), bind)
    names = [r[0] for r in bind.execute(sa.text("SELECT DISTINCT name FROM api_tokens ORDER BY name"))]
    for name in names:
        user_id = str(uuid.uuid4())
        bind.execute(
            sa.text("INSERT INTO users (id, name, role, created_at) VALUES (:i, :n, 'admin', :c)"),
            {"i": user_id, "n": name, "c": _sqlite_time(now, bind)},
        )
        bind.execute(
            sa.text("UPDATE api_tokens SET user_id = :u, expires_at = :e WHERE name = :n"),
            {"u": user_id, "e": expires, "n": name},
        )
    with op.batch_alter_table("api_tokens") as batch:
        batch.alter_column("user_id", existing_type=ID, nullable=False)
        batch.alter_column("expires_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch.create_foreign_key(op.f("fk_api_tokens_user_id_users"), "users", ["user_id"], ["id"], ondelete="CASCADE")
        batch.create_index(op.f("ix_api_tokens_user_id"), ["user_id"])


def _chain_audit(bind: sa.Connection) -> None:
    with op.batch_alter_table("audit_log") as batch:
        for name, kind in (
            ("seq", sa.Integer()),
            ("outcome", sa.String(16)),
            ("origin", sa.String(16)),
            ("prev_hash", sa.String(64)),
            ("hash", sa.String(64)),
        ):
            batch.add_column(sa.Column(name, kind, nullable=True))
    key = context.config.attributes.get("audit_key") or audit_key()
    rows = bind.execute(sa.text("SELECT id, actor, action, entity, entity_id, at FROM audit_log ORDER BY at, id")).all()
    prev = GENESIS
    for seq, (row_id, actor, action, entity, entity_id, at) in enumerate(rows, start=1):
        link = Link(seq, row_id, actor, action, entity, entity_id, "ok", "local", _as_utc(at))
        row_hash = digest(key, prev, link)
        bind.execute(
            sa.text(
                "UPDATE audit_log SET seq = :s, outcome = 'ok', origin = 'local', prev_hash = :p, hash = :h "
                "WHERE id = :i"
            ),
            {"s": seq, "p": prev, "h": row_hash, "i": row_id},
        )
        prev = row_hash
    with op.batch_alter_table("audit_log") as batch:
        for name, kind in (
            ("seq", sa.Integer()),
            ("outcome", sa.String(16)),
            ("origin", sa.String(16)),
            ("prev_hash", sa.String(64)),
            ("hash", sa.String(64)),
        ):
            batch.alter_column(name, existing_type=kind, nullable=False)
        batch.create_unique_constraint(op.f("uq_audit_log_seq"), ["seq"])


def _forbid_audit_changes(bind: sa.Connection) -> None:
    if bind.dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for statement in PG_TRIGGERS:
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def upgrade() -> None:
    bind = op.get_bind()
    _create_access_tables()
    _adopt_tokens(bind)
    _chain_audit(bind)
    _forbid_audit_changes(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_constraint(op.f("uq_audit_log_seq"), type_="unique")
        for name in ("hash", "prev_hash", "origin", "outcome", "seq"):
            batch.drop_column(name)
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_index(op.f("ix_api_tokens_user_id"))
        batch.drop_constraint(op.f("fk_api_tokens_user_id_users"), type_="foreignkey")
        batch.drop_column("expires_at")
        batch.drop_column("user_id")
    op.drop_table("health_check")
    op.drop_index(op.f("ix_cds_jti_expires_at"), table_name="cds_jti")
    op.drop_table("cds_jti")
    for column in ("team_id", "user_id", "patient_id"):
        op.drop_index(op.f(f"ix_patient_access_{column}"), table_name="patient_access")
    op.drop_table("patient_access")
    op.drop_index(op.f("ix_team_members_user_id"), table_name="team_members")
    op.drop_table("team_members")
    op.drop_table("teams")
    op.drop_table("users")
