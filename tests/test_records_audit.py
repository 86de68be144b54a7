"""The hash-chained audit log: append-only in the database, and `verify` finds edits, deletions, reordering and
forged imports (on SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from nerveroot.errors import InputValidationError
from nerveroot.interfaces.cli import app as cli_app
from nerveroot.records import EpisodeIn, PatientIn, RecordStore
from nerveroot.records.audit import GENESIS
from test_records_support import BACKENDS, fresh_database

DROP_TRIGGERS = {
    "sqlite": ("DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"),
    "postgresql": ("DROP TRIGGER audit_log_no_change ON audit_log", "DROP TRIGGER audit_log_no_truncate ON audit_log"),
}


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RecordStore]:
    with fresh_database(request.param, tmp_path) as url, RecordStore(url) as opened:
        patient = opened.create_patient("alice", PatientIn())
        for title in ("one", "two", "three"):
            opened.create_episode("alice", patient.id, EpisodeIn(title=title))
        opened.list_patients("bob")
        yield opened


def _sql(store: RecordStore, *statements: str) -> None:
    with store.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


def _as_attacker(store: RecordStore) -> None:
    """Someone with the database owner's rights removes the append-only triggers first."""
    _sql(store, *DROP_TRIGGERS[store.dialect])


def test_an_untouched_chain_verifies(store: RecordStore) -> None:
    verdict = store.verify_audit()
    assert verdict.intact and verdict.rows == 5 and verdict.head_seq == 5 and verdict.head_hash != GENESIS


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log WHERE seq = 2"])
def test_the_database_refuses_updates_and_deletes(store: RecordStore, statement: str) -> None:
    with pytest.raises(DBAPIError, match="append-only"):
        _sql(store, statement)
    assert store.verify_audit().intact


def test_an_edited_row_is_detected(store: RecordStore) -> None:
    _as_attacker(store)
    _sql(store, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 3")
    assert store.verify_audit().problems == ["row 3: content does not match its digest (edited or forged)"]


def test_a_deleted_row_is_detected(store: RecordStore) -> None:
    _as_attacker(store)
    _sql(store, "DELETE FROM audit_log WHERE seq = 2")
    problems = store.verify_audit().problems
    assert problems[0] == "row 3: rows 2..2 are missing (deleted)" and len(problems) == 2


def test_reordered_rows_are_detected(store: RecordStore) -> None:
    _as_attacker(store)
    _sql(
        store,
        "UPDATE audit_log SET seq = -1 WHERE seq = 2",
        "UPDATE audit_log SET seq = 2 WHERE seq = 4",
        "UPDATE audit_log SET seq = 4 WHERE seq = -1",
    )
    problems = store.verify_audit().problems
    assert any(p.startswith("row 2:") for p in problems) and any(p.startswith("row 4:") for p in problems)


def test_a_recomputed_chain_without_the_key_is_detected(store: RecordStore) -> None:
    """Rewriting a row and recomputing plain SHA-256 digests does not pass: the digests are keyed."""
    import hashlib

    _as_attacker(store)
    with store.engine.begin() as conn:
        rows = conn.execute(text("SELECT seq, prev_hash FROM audit_log ORDER BY seq")).all()
        conn.execute(text("UPDATE audit_log SET hash = :h WHERE seq = 1"), {"h": hashlib.sha256(b"forged").hexdigest()})
    assert rows and not store.verify_audit().intact


def test_forged_backup_rows_are_refused_and_nothing_is_imported(store: RecordStore, tmp_path: Path) -> None:
    backup = tmp_path / "backup.json"
    store.export_all(backup)
    data = json.loads(backup.read_text(encoding="utf-8"))
    data["tables"]["audit_log"][1]["actor"] = "someone-else"  # rewrite who did it
    data["tables"]["audit_log"].append({**data["tables"]["audit_log"][0], "id": "f0f0f0f0-0000-4000-8000-000000000000"})
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(data), encoding="utf-8")
    with fresh_database(store.dialect, tmp_path) as target_url, RecordStore(target_url) as target:
        with pytest.raises(InputValidationError) as raised:
            target.import_all(forged)
        messages = [p.message for p in raised.value.problems]
        assert "row 2: content does not match its digest (edited or forged)" in messages
        assert any("does not follow" in m for m in messages)
        assert target.audit_entries() == [] and target.list_patients("admin") == []
        assert target.import_all(backup) > 0  # the genuine file imports
        before = len(target.audit_entries(limit=1000))
        assert target.verify_audit().intact
        with pytest.raises(Exception, match="empty"):
            target.import_all(backup)  # a second import cannot overwrite the audit log either
        assert len(target.audit_entries(limit=1000)) == before


def test_a_backup_from_another_deployment_key_is_refused(store: RecordStore, tmp_path: Path) -> None:
    backup = tmp_path / "backup.json"
    store.export_all(backup)
    with (
        fresh_database(store.dialect, tmp_path) as target_url,
        RecordStore(target_url, audit_key=b"k" * 32) as target,
        pytest.raises(InputValidationError, match="does not verify"),
    ):
        target.import_all(backup)


def test_audit_verify_command(store: RecordStore) -> None:
    env = {"NERVEROOT_DATABASE_URL": store.url}
    ok = CliRunner().invoke(cli_app, ["audit", "verify"], env=env)
    assert ok.exit_code == 0 and "intact: 5 rows" in ok.stdout
    _as_attacker(store)
    _sql(store, "UPDATE audit_log SET entity_id = NULL WHERE seq = 1")
    bad = CliRunner().invoke(cli_app, ["audit", "verify"], env=env)
    assert bad.exit_code == 1 and "row 1" in bad.stderr
