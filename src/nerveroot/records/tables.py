"""SQLAlchemy 2 tables of the records database (the Alembic migrations create exactly these)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

ID = String(36)
NAME_LENGTH = 100
ACTOR_LENGTH = 500
"""Audit actors: API token names (up to 100 characters) and CDS Hooks clients (a JWT `iss`, up to 500)."""
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in Python; naive UTC in SQLite, timestamptz in PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; records store UTC-aware times only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: JSON(), date: Date()}


class PatientRow(Base):
    __tablename__ = "patients"
    __table_args__ = (CheckConstraint("sex IN ('female', 'male', 'other', 'unknown')", name="sex"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(64), unique=True)
    year_of_birth: Mapped[int | None]
    sex: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]


class EpisodeRow(Base):
    __tablename__ = "episodes"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    patient_id: Mapped[str] = mapped_column(ID, ForeignKey("patients.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    started_on: Mapped[date | None]
    created_at: Mapped[datetime]


class AssessmentRow(Base):
    __tablename__ = "assessments"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    episode_id: Mapped[str] = mapped_column(ID, ForeignKey("episodes.id", ondelete="RESTRICT"), index=True)
    created_at: Mapped[datetime]
    triage_level: Mapped[str] = mapped_column(String(16))
    top_root: Mapped[str] = mapped_column(String(8))
    top_condition: Mapped[str | None] = mapped_column(String(100))
    kb_version: Mapped[str] = mapped_column(String(64))
    case: Mapped[dict[str, Any]]
    body: Mapped[bytes] = mapped_column(LargeBinary)
    """The Assessment JSON, compressed (nerveroot.records.compact)."""
    dictionary: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("assessment_dictionaries.digest", ondelete="RESTRICT")
    )


class AssessmentDictionaryRow(Base):
    """What assessments of one knowledge base share (a reference assessment's JSON), named by its SHA-256."""

    __tablename__ = "assessment_dictionaries"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]


class ScoreRow(Base):
    __tablename__ = "scores"
    __table_args__ = (CheckConstraint("instrument IN ('odi', 'startback', 'nrs')", name="instrument"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    episode_id: Mapped[str] = mapped_column(ID, ForeignKey("episodes.id", ondelete="RESTRICT"), index=True)
    instrument: Mapped[str] = mapped_column(String(16))
    value: Mapped[float] = mapped_column(Float)
    answers: Mapped[list[int | None] | None] = mapped_column(JSON)
    detail: Mapped[dict[str, Any]]
    recorded_on: Mapped[date]
    created_at: Mapped[datetime]


class UserRow(Base):
    """A named user (unique name) with one role: clinician, admin or integration."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('clinician', 'admin', 'integration')", name="role"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]


class TeamRow(Base):
    """A care team: its members see the patients granted to it."""

    __tablename__ = "teams"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    created_at: Mapped[datetime]


class TeamMemberRow(Base):
    __tablename__ = "team_members"
    __table_args__ = (PrimaryKeyConstraint("team_id", "user_id"),)

    team_id: Mapped[str] = mapped_column(ID, ForeignKey("teams.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(ID, ForeignKey("users.id", ondelete="CASCADE"), index=True)


class PatientAccessRow(Base):
    """One grant: a user or a care team (exactly one) may see and write one patient's record."""

    __tablename__ = "patient_access"
    __table_args__ = (CheckConstraint("(user_id IS NULL) <> (team_id IS NULL)", name="one_grantee"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    patient_id: Mapped[str] = mapped_column(ID, ForeignKey("patients.id", ondelete="RESTRICT"), index=True)
    user_id: Mapped[str | None] = mapped_column(ID, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[str | None] = mapped_column(ID, ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]


class TokenRow(Base):
    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    user_id: Mapped[str] = mapped_column(ID, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime]


class JtiRow(Base):
    """A CDS client JWT already used (digest of iss and jti), kept until it expires: replay refused by every worker."""

    __tablename__ = "cds_jti"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class HealthRow(Base):
    """One row rewritten by /health to prove the database accepts writes."""

    __tablename__ = "health_check"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    checked_at: Mapped[datetime]


class AuditRow(Base):
    __tablename__ = "audit_log"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    actor: Mapped[str] = mapped_column(String(ACTOR_LENGTH))
    action: Mapped[str] = mapped_column(String(16))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str | None] = mapped_column(ID)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    outcome: Mapped[str] = mapped_column(String(16))
    origin: Mapped[str] = mapped_column(String(16))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class CdsFeedbackRow(Base):
    """One CDS Hooks feedback item: which card, accepted or overridden, why, and which client sent it.

    No patient identifiers are sent with CDS feedback; the clinician's free-text comment is kept as given.
    """

    __tablename__ = "cds_feedback"
    __table_args__ = (CheckConstraint("outcome IN ('accepted', 'overridden')", name="outcome"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_id: Mapped[str] = mapped_column(String(200), index=True)
    card: Mapped[str] = mapped_column(String(200), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    accepted_suggestions: Mapped[list[str]] = mapped_column(JSON)
    override_system: Mapped[str | None] = mapped_column(String(500))
    override_code: Mapped[str | None] = mapped_column(String(200))
    override_display: Mapped[str | None] = mapped_column(String(500))
    user_comment: Mapped[str | None] = mapped_column(Text)
    outcome_timestamp: Mapped[str] = mapped_column(String(40))
    client: Mapped[str] = mapped_column(String(ACTOR_LENGTH))
    received_at: Mapped[datetime]
