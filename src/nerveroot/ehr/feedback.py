"""CDS Hooks feedback storage: the `cds_feedback` table of the records database.

The table belongs to the records schema (created by its Alembic migrations, kept with the SQLite durability
settings, included in `nerveroot export` / `import`). Writes and reads go through RecordStore, one transaction
each with its audit row. Nothing identifies the patient: the card and suggestion ids, the outcome, the override
reason and the clinician's comment, and which client sent it.
"""

from __future__ import annotations

import builtins
from typing import Any

from pydantic import ValidationError
from sqlalchemy.engine import Engine

from nerveroot.ehr.cards import FeedbackItem
from nerveroot.errors import InputValidationError, Problem
from nerveroot.records.models import CdsFeedback, CdsFeedbackIn
from nerveroot.records.store import RecordStore

StoredFeedback = CdsFeedback
"""A stored feedback item (id, card, outcome, override reason, client, received_at)."""

READER = "system"
"""The audit actor of reads made without naming one."""

ITEM_PATHS = {
    "card": "card",
    "outcome": "outcome",
    "accepted_suggestions": "acceptedSuggestions",
    "override_system": "overrideReason.reason.system",
    "override_code": "overrideReason.reason.code",
    "override_display": "overrideReason.reason.display",
    "user_comment": "overrideReason.userComment",
    "outcome_timestamp": "outcomeTimestamp",
}
"""Where each stored field came from in a CDS Hooks feedback item (for error paths)."""


def _fields(service_id: str, item: FeedbackItem) -> dict[str, Any]:
    reason = item.overrideReason.reason if item.overrideReason else None
    return {
        "service_id": service_id,
        "card": item.card,
        "outcome": item.outcome,
        "accepted_suggestions": [s.id for s in item.acceptedSuggestions or []],
        "override_system": reason.system if reason else None,
        "override_code": reason.code if reason else None,
        "override_display": reason.display if reason else None,
        "user_comment": item.overrideReason.userComment if item.overrideReason else None,
        "outcome_timestamp": item.outcomeTimestamp,
    }


def to_records(service_id: str, items: list[FeedbackItem]) -> list[CdsFeedbackIn]:
    """The items as records input; every value that does not fit the table is reported by its feedback path."""
    entries: list[CdsFeedbackIn] = []
    problems: list[Problem] = []
    for index, item in enumerate(items):
        try:
            entries.append(CdsFeedbackIn.model_validate(_fields(service_id, item)))
        except ValidationError as exc:
            for error in exc.errors(include_url=False, include_input=False):
                field = str(error["loc"][0]) if error["loc"] else ""
                path = "service_id" if field == "service_id" else f"feedback[{index}].{ITEM_PATHS.get(field, field)}"
                problems.append(Problem(path, error["msg"]))
    if problems:
        raise InputValidationError(problems)
    return entries


class FeedbackStore:
    """Append and read CDS feedback in the records database.

    `url`: the records database (None: NERVEROOT_DATABASE_URL, else the SQLite file in the data directory); it is
    migrated to head on open. Pass `records` instead to share an open RecordStore (it is then not closed here).
    """

    def __init__(self, url: str | None = None, *, records: RecordStore | None = None) -> None:
        self._owned = records is None
        self.records: RecordStore = records if records is not None else RecordStore(url)

    @property
    def engine(self) -> Engine:
        return self.records.engine

    def add(self, service_id: str, items: builtins.list[FeedbackItem], client: str) -> builtins.list[StoredFeedback]:
        """Store each feedback item (one transaction, audited as `client`) and return the stored rows."""
        return self.records.add_feedback(client, to_records(service_id, items))

    def list(
        self,
        card: str | None = None,
        service_id: str | None = None,
        row_id: int | None = None,
        *,
        actor: str = READER,
    ) -> builtins.list[StoredFeedback]:
        """Stored feedback, oldest first, optionally for one card, service or row (the read is audited)."""
        return self.records.list_feedback(actor, card=card, service_id=service_id, feedback_id=row_id)

    def close(self) -> None:
        if self._owned:
            self.records.close()
