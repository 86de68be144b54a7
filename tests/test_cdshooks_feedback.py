"""CDS Hooks feedback in the records database: migrated schema, durability, audit, validation, backup."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from nerveroot.api import routes_cdshooks
from nerveroot.api.errors import install
from nerveroot.ehr.cards import FeedbackItem
from nerveroot.ehr.config import EhrRuntime, EhrSettings
from nerveroot.ehr.feedback import FeedbackStore
from nerveroot.errors import InputValidationError
from nerveroot.records import PatientIn, RecordStore
from nerveroot.records.migrate import current_revision, head_revision
from test_records_support import BACKENDS, fresh_database

CLIENT = "https://ehr.example.org/"
SERVICE = "nerveroot-order-select"
COMMENT = "Scan done at the district hospital in May"


def _overridden(card: str = "card-mri") -> FeedbackItem:
    return FeedbackItem.model_validate(
        {
            "card": card,
            "outcome": "overridden",
            "overrideReason": {
                "reason": {"system": "http://example.org/reasons", "code": "already-imaged", "display": "Imaged"},
                "userComment": COMMENT,
            },
            "outcomeTimestamp": "2026-01-15T10:00:00Z",
        }
    )


def _accepted(card: str = "card-leaflet") -> FeedbackItem:
    return FeedbackItem.model_validate(
        {
            "card": card,
            "outcome": "accepted",
            "acceptedSuggestions": [{"id": "s-1"}, {"id": "s-2"}],
            "outcomeTimestamp": "2026-01-15T10:01:00Z",
        }
    )


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as db_url:
        yield db_url


@pytest.fixture
def feedback(url: str) -> Iterator[FeedbackStore]:
    store = FeedbackStore(url)
    yield store
    store.close()


def _audit_text(url: str) -> str:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM audit_log")).all()
    engine.dispose()
    return "\n".join(repr(tuple(r)) for r in rows)


def test_store_opens_the_migrated_records_database(feedback: FeedbackStore) -> None:
    assert current_revision(feedback.engine) == head_revision()
    if feedback.records.dialect == "sqlite":
        with feedback.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_items_round_trip_in_order(feedback: FeedbackStore) -> None:
    stored = feedback.add(SERVICE, [_overridden(), _accepted()], CLIENT)
    assert [s.id for s in stored] == sorted(s.id for s in stored)
    mri, leaflet = stored
    assert (mri.outcome, mri.override_code, mri.override_display, mri.user_comment) == (
        "overridden",
        "already-imaged",
        "Imaged",
        COMMENT,
    )
    assert (leaflet.accepted_suggestions, leaflet.override_code, leaflet.user_comment) == (["s-1", "s-2"], None, None)
    assert {s.client for s in stored} == {CLIENT} and {s.service_id for s in stored} == {SERVICE}
    assert mri.received_at.tzinfo is not None
    assert feedback.list() == stored
    assert feedback.list(card="card-leaflet") == [leaflet]
    assert feedback.list(service_id="other") == []
    assert feedback.list(row_id=mri.id) == [mri]


def test_writes_and_reads_are_audited_without_content(url: str, feedback: FeedbackStore) -> None:
    mri, leaflet = feedback.add(SERVICE, [_overridden(), _accepted()], CLIENT)
    feedback.list(card="card-mri", actor="analyst")
    feedback.list(row_id=leaflet.id)
    entries = list(reversed(feedback.records.audit_entries()))
    assert [(e.actor, e.action, e.entity, e.entity_id) for e in entries] == [
        (CLIENT, "create", "cds_feedback", str(mri.id)),
        (CLIENT, "create", "cds_feedback", str(leaflet.id)),
        ("analyst", "list", "cds_feedback", None),
        ("system", "read", "cds_feedback", str(leaflet.id)),
    ]
    audit = _audit_text(url)
    for content in (COMMENT, "card-mri", "already-imaged", "s-1"):
        assert content not in audit


def test_values_too_long_for_the_table_are_refused_by_path(url: str, feedback: FeedbackStore) -> None:
    good = _overridden()
    long_card = FeedbackItem.model_validate({**_accepted().model_dump(), "card": "c" * 201})
    long_time = good.model_copy(update={"outcomeTimestamp": "2026-01-15T10:00:00.000000000000000000000000000Z"})
    with pytest.raises(InputValidationError) as raised:
        feedback.add(SERVICE, [good, long_card, long_time], CLIENT)
    assert [p.path for p in raised.value.problems] == ["feedback[1].card", "feedback[2].outcomeTimestamp"]
    assert feedback.list() == []  # nothing of the call was stored
    assert [e.action for e in feedback.records.audit_entries()] == ["list"]


def test_shared_record_store_and_backup(url: str, tmp_path: Path) -> None:
    with RecordStore(url) as records:
        shared = FeedbackStore(records=records)
        assert shared.engine is records.engine
        records.create_patient("alice", PatientIn())
        (stored,) = shared.add(SERVICE, [_overridden()], CLIENT)
        shared.close()  # a shared store stays open for its owner
        assert records.list_feedback("alice") == [stored]
        backup = tmp_path / "backup.json"
        records.export_all(backup)
    tables = json.loads(backup.read_text(encoding="utf-8"))["tables"]
    assert [row["id"] for row in tables["cds_feedback"]] == [stored.id]
    assert tables["cds_feedback"][0]["user_comment"] == COMMENT


def test_http_feedback_lands_in_the_records_database(tmp_path: Path) -> None:
    with fresh_database("sqlite", tmp_path) as db_url:
        app = FastAPI()
        install(app)
        app.include_router(routes_cdshooks.router)
        app.state.ehr = EhrRuntime(EhrSettings(dev_mode=True), feedback_url=db_url)
        client = TestClient(app)
        body = {"feedback": [_overridden().model_dump(exclude_none=True)]}
        assert client.post(f"/cds-services/{SERVICE}/feedback", json=body).json() == {"stored": 1}
        too_long = {"feedback": [{**body["feedback"][0], "card": "x" * 300}]}
        response = client.post(f"/cds-services/{SERVICE}/feedback", json=too_long)
        assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["feedback", 0, "card"]
        app.state.ehr.feedback().close()
        with RecordStore(db_url) as records:
            (stored,) = records.list_feedback("checker")
            assert (stored.card, stored.client, stored.user_comment) == ("card-mri", "development", COMMENT)
            assert [(e.actor, e.action) for e in records.audit_entries()][-1] == ("development", "create")
