"""Schema upgrades: a database at 0001 (with or without the self-made feedback table) reaches head intact."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, create_engine, insert, inspect, text

from nerveroot.records import CdsFeedbackIn, PatientIn, RecordStore
from nerveroot.records.engine import make_engine
from nerveroot.records.migrate import alembic_config, current_revision, head_revision
from nerveroot.records.settings import dialect_of
from nerveroot.records.tables import AuditRow, Base, PatientRow
from test_records_support import BACKENDS, fresh_database

RECEIVED = datetime(2025, 6, 1, 9, 30, 15, 123456, tzinfo=UTC)
LONG_CLIENT = "https://ehr.example.org/" + "tenant/" * 20  # longer than the 100 characters audit actors had at 0001

# The table as nerveroot.ehr.feedback created it (create_all, outside the migrations) before revision 0002.
legacy_metadata = MetaData()
legacy_feedback = Table(
    "cds_feedback",
    legacy_metadata,
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
LEGACY_ROWS: list[dict[str, Any]] = [
    {
        "service_id": "nerveroot-order-select",
        "card": "card-mri",
        "outcome": "overridden",
        "accepted_suggestions": "[]",
        "override_system": "http://example.org/reasons",
        "override_code": "already-imaged",
        "override_display": "Imaging already done",
        "user_comment": "MRI last month",
        "outcome_timestamp": "2025-06-01T09:30:00Z",
        "client": "https://ehr.example.org/",
        "received_at": RECEIVED,
    },
    {
        "service_id": "nerveroot-patient-view",
        "card": "card-leaflet",
        "outcome": "accepted",
        "accepted_suggestions": json.dumps(["s-1", "s-2"]),
        "override_system": None,
        "override_code": None,
        "override_display": None,
        "user_comment": None,
        "outcome_timestamp": "2025-06-01T09:31:00Z",
        "client": "https://ehr.example.org/",
        "received_at": RECEIVED,
    },
]


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as db_url:
        yield db_url


def _migrate(url: str, revision: str, *, down: bool = False) -> None:
    engine = make_engine(url, dialect_of(url))
    with engine.begin() as conn:
        (command.downgrade if down else command.upgrade)(alembic_config(conn), revision)
    engine.dispose()


def _write_legacy_rows(url: str, rows: list[dict[str, Any]]) -> list[int]:
    """Create the table and add rows the way the old feedback store did; returns their ids."""
    engine = create_engine(url)
    legacy_metadata.create_all(engine, checkfirst=True)
    ids: list[int] = []
    with engine.begin() as conn:
        for row in rows:
            key = conn.execute(legacy_feedback.insert().values(**row)).inserted_primary_key
            assert key is not None
            ids.append(int(key[0]))
    engine.dispose()
    return ids


def _schema_matches_models(url: str) -> list[Any]:
    engine = create_engine(url)
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        diff: list[Any] = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    engine.dispose()
    assert tables == {*Base.metadata.tables, "alembic_version"}
    return diff


def test_head_is_the_compact_assessments_revision() -> None:
    assert head_revision() == "0004"


@pytest.mark.parametrize("records_first", [True, False], ids=["records-then-feedback", "feedback-only"])
def test_self_made_feedback_table_is_adopted_with_its_rows(url: str, records_first: bool) -> None:
    if records_first:
        _migrate(url, "0001")
    ids = _write_legacy_rows(url, LEGACY_ROWS)
    with RecordStore(url) as store:
        assert current_revision(store.engine) == head_revision()
        stored = store.list_feedback("checker")
        assert [f.id for f in stored] == ids
        assert [f.accepted_suggestions for f in stored] == [[], ["s-1", "s-2"]]
        assert [(f.card, f.outcome, f.override_code, f.user_comment) for f in stored] == [
            ("card-mri", "overridden", "already-imaged", "MRI last month"),
            ("card-leaflet", "accepted", None, None),
        ]
        assert {f.received_at for f in stored} == {RECEIVED}
        (new,) = store.add_feedback(
            LONG_CLIENT, [CdsFeedbackIn(service_id="s", card="c", outcome="overridden", outcome_timestamp="t")]
        )
        assert new.id == max(ids) + 1  # the id sequence follows the adopted rows
        assert store.audit_entries(limit=1)[0].actor == LONG_CLIENT
    assert _schema_matches_models(url) == []
    engine = create_engine(url)
    with engine.connect() as conn:
        assert "cds_feedback_0001" not in inspect(conn).get_table_names()
    engine.dispose()


def test_records_at_0001_upgrade_and_keep_their_data(url: str) -> None:
    _migrate(url, "0001")
    engine = create_engine(url)
    with engine.begin() as conn:  # the 0001 tables' columns are unchanged, so the models can write the rows
        conn.execute(
            insert(PatientRow).values(
                id="p-1", reference="REF-1", year_of_birth=1970, sex="female", created_at=RECEIVED
            )
        )
        conn.execute(
            insert(AuditRow).values(
                id="a-1", actor="alice", action="create", entity="patient", entity_id="p-1", at=RECEIVED
            )
        )
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == "0001"
    engine.dispose()
    with RecordStore(url) as store:
        assert current_revision(store.engine) == head_revision()
        assert store.get_patient("bob", "p-1").reference == "REF-1"
        oldest = store.audit_entries(limit=10)[-1]
        assert (oldest.id, oldest.actor, oldest.entity_id, oldest.at) == ("a-1", "alice", "p-1", RECEIVED)
        assert store.list_feedback("bob") == []
    assert _schema_matches_models(url) == []


def test_downgrade_to_0001_and_back(url: str) -> None:
    with RecordStore(url) as store:
        store.create_patient("alice", PatientIn(reference="REF-2"))
        store.add_feedback(
            "ehr", [CdsFeedbackIn(service_id="s", card="c", outcome="overridden", outcome_timestamp="t")]
        )
    _migrate(url, "0001", down=True)
    engine = create_engine(url)
    with engine.connect() as conn:
        assert "cds_feedback" not in inspect(conn).get_table_names()
        assert conn.execute(text("SELECT COUNT(*) FROM patients")).scalar_one() == 1
    engine.dispose()
    with RecordStore(url) as store:
        assert [p.reference for p in store.list_patients("alice")] == ["REF-2"]
        assert store.list_feedback("alice") == []
    assert _schema_matches_models(url) == []
