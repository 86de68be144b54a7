"""CDS Hooks feedback storage: one SQLAlchemy table (`cds_feedback`) in the records database.

The URL comes from nerveroot.records.settings.database_url() (NERVEROOT_DATABASE_URL, else the SQLite file in
the data directory). The table is created on open if it is missing. Nothing about the patient is stored: the
card and suggestion ids, the outcome, the override reason and the clinician's comment, and who sent it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, create_engine, select
from sqlalchemy.engine import Engine

from nerveroot.ehr.cards import FeedbackItem
from nerveroot.records.settings import database_url, normalise_url

metadata = MetaData()
feedback_table = Table(
    "cds_feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("service_id", String(200), nullable=False, index=True),
    Column("card", String(200), nullable=False, index=True),
    Column("outcome", String(20), nullable=False),
    Column("accepted_suggestions", Text, nullable=False, default="[]"),
    Column("override_system", String(500)),
    Column("override_code", String(200)),
    Column("override_display", String(500)),
    Column("user_comment", Text),
    Column("outcome_timestamp", String(40), nullable=False),
    Column("client", String(500), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
)


class StoredFeedback(BaseModel):
    id: int
    service_id: str
    card: str
    outcome: str
    accepted_suggestions: list[str]
    override_system: str | None
    override_code: str | None
    override_display: str | None
    user_comment: str | None
    outcome_timestamp: str
    client: str
    received_at: datetime


class FeedbackStore:
    """Append and read CDS feedback."""

    def __init__(self, url: str | None = None) -> None:
        target = normalise_url(url) if url else database_url()
        if target.startswith("sqlite:///") and target != "sqlite:///:memory:":
            Path(target.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = create_engine(target)
        metadata.create_all(self.engine, checkfirst=True)

    def add(self, service_id: str, items: list[FeedbackItem], client: str) -> list[StoredFeedback]:
        """Store each feedback item (one transaction) and return the stored rows."""
        now = datetime.now(UTC)
        rows = []
        for item in items:
            reason = item.overrideReason.reason if item.overrideReason else None
            rows.append(
                {
                    "service_id": service_id,
                    "card": item.card,
                    "outcome": item.outcome,
                    "accepted_suggestions": json.dumps([s.id for s in item.acceptedSuggestions or []]),
                    "override_system": reason.system if reason else None,
                    "override_code": reason.code if reason else None,
                    "override_display": reason.display if reason else None,
                    "user_comment": item.overrideReason.userComment if item.overrideReason else None,
                    "outcome_timestamp": item.outcomeTimestamp,
                    "client": client,
                    "received_at": now,
                }
            )
        with self.engine.begin() as conn:
            ids = [conn.execute(feedback_table.insert().values(**row)).inserted_primary_key for row in rows]
        return [self._one(int(key[0])) for key in ids if key is not None]

    def _one(self, row_id: int) -> StoredFeedback:
        return self.list(row_id=row_id)[0]

    def list(
        self, card: str | None = None, service_id: str | None = None, row_id: int | None = None
    ) -> list[StoredFeedback]:
        """Stored feedback, oldest first, optionally for one card or service."""
        query = select(feedback_table).order_by(feedback_table.c.id)
        if card is not None:
            query = query.where(feedback_table.c.card == card)
        if service_id is not None:
            query = query.where(feedback_table.c.service_id == service_id)
        if row_id is not None:
            query = query.where(feedback_table.c.id == row_id)
        with self.engine.connect() as conn:
            result = conn.execute(query).mappings().all()
        return [
            StoredFeedback(**{**dict(r), "accepted_suggestions": json.loads(r["accepted_suggestions"])}) for r in result
        ]

    def close(self) -> None:
        self.engine.dispose()
