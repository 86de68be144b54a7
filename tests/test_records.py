"""The records store on SQLite and PostgreSQL: schema, CRUD, errors, audit, tokens, backup and restore."""

from __future__ import annotations

import hashlib
import json
import re
import stat
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from pydantic import ValidationError
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nerveroot.assessment.assess import assess
from nerveroot.assessment.case import Case, RegionMark, StrengthTest
from nerveroot.errors import ConflictError, InputValidationError, NotFoundError
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.records import CdsFeedbackIn, EpisodeIn, PatientIn, RecordStore, ScoreIn
from nerveroot.records.migrate import current_revision, head_revision
from nerveroot.records.settings import data_dir, database_url, dialect_of, normalise_url
from nerveroot.records.tables import Base
from test_records_support import BACKENDS, fresh_database

REFERENCE = "HOSP-448812"
TITLE = "Right leg pain after lifting a sofa"
RECORD_TABLES = {
    "patients",
    "episodes",
    "assessments",
    "scores",
    "api_tokens",
    "audit_log",
    "cds_feedback",
    "alembic_version",
    "users",
    "teams",
    "team_members",
    "patient_access",
    "cds_jti",
    "health_check",
    "assessment_dictionaries",
}
AUDIT_COLUMNS = {"id", "actor", "action", "entity", "entity_id", "at", "seq", "outcome", "origin", "prev_hash", "hash"}
EMPTY = {"patients": 0, "episodes": 0, "assessments": 0, "scores": 0, "audit_log": 0, "cds_feedback": 0}


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as db_url:
        yield db_url


@pytest.fixture
def store(url: str) -> Iterator[RecordStore]:
    with RecordStore(url) as opened:
        yield opened


def _case() -> Case:
    return Case(
        age=41,
        sides=["right"],
        pain_regions=[RegionMark(region="lateral_leg", side="right")],
        strength=[StrengthTest(movement="great_toe_extension", side="right", grade=4)],
        symptoms={"leg_pain_worse_than_back": "present"},
    )


def _feedback_in(card: str = "card-1", **changes: object) -> CdsFeedbackIn:
    fields: dict[str, object] = {
        "service_id": "nerveroot-order-select",
        "card": card,
        "outcome": "overridden",
        "override_system": "http://example.org/override-reasons",
        "override_code": "already-imaged",
        "override_display": "Imaging already done",
        "user_comment": "MRI last month",
        "outcome_timestamp": "2024-03-02T10:00:00Z",
    }
    return CdsFeedbackIn.model_validate({**fields, **changes})


def _table_text(url: str) -> str:
    """Every value in every table, as text."""
    engine = create_engine(url)
    chunks: list[str] = []
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            chunks += [repr(tuple(row)) for row in conn.execute(text(f'SELECT * FROM "{table}"'))]
    engine.dispose()
    return "\n".join(chunks)


def _row_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        names = ("patients", "episodes", "assessments", "scores", "audit_log", "cds_feedback")
        counts = {name: conn.execute(text(f"SELECT COUNT(*) FROM {name}")).scalar_one() for name in names}
    engine.dispose()
    return counts


def _populate(store: RecordStore, kb: KnowledgeBase) -> tuple[str, str]:
    patient = store.create_patient("alice", PatientIn(reference=REFERENCE, year_of_birth=1983, sex="male"))
    episode = store.create_episode("alice", patient.id, EpisodeIn(title=TITLE, started_on=date(2024, 3, 1)))
    case = _case()
    store.add_assessment("alice", episode.id, case, assess(case, kb))
    store.add_score("alice", episode.id, ScoreIn(instrument="nrs", value=6, recorded_on=date(2024, 3, 2)))
    answers: list[int | None] = [2, 3, 1, 2, None, 3, 2, 1, 2, 2]
    store.add_score("alice", episode.id, ScoreIn(instrument="odi", answers=answers, recorded_on=date(2024, 3, 2)))
    return patient.id, episode.id


def test_migrations_build_the_schema_from_empty_and_match_the_models(url: str) -> None:
    with RecordStore(url) as first:
        assert first.dialect == dialect_of(url)
        assert current_revision(first._engine) == head_revision()
    with RecordStore(url):  # reopening an up-to-date database is a no-op
        pass
    engine = create_engine(url)
    with engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) == RECORD_TABLES
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    engine.dispose()
    assert diff == []


def test_sqlite_runs_in_wal_mode_with_full_sync(tmp_path: Path) -> None:
    with fresh_database("sqlite", tmp_path) as db_url, RecordStore(db_url) as store, store._engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_patients_and_episodes_round_trip(store: RecordStore) -> None:
    made = store.create_patient("alice", PatientIn(reference=f"  {REFERENCE} ", year_of_birth=1983, sex="male"))
    assert made.reference == REFERENCE and made.created_at.tzinfo is not None
    assert store.get_patient("bob", made.id) == made
    other = store.create_patient("alice", PatientIn())
    assert [p.id for p in store.list_patients("alice")] == [made.id, other.id]
    first = store.create_episode("alice", made.id, EpisodeIn(title=TITLE, started_on=date(2024, 3, 1)))
    second = store.create_episode("alice", made.id, EpisodeIn(title="Follow-up"))
    assert first.patient_id == made.id and first.started_on == date(2024, 3, 1) and second.started_on is None
    assert store.list_episodes("alice", made.id) == [first, second]
    assert store.list_episodes("alice", other.id) == []
    detail = store.get_episode("alice", first.id)
    assert (detail.title, detail.assessments, detail.scores) == (TITLE, [], [])


def test_duplicate_reference_is_a_conflict_but_missing_references_may_repeat(store: RecordStore) -> None:
    store.create_patient("alice", PatientIn(reference=REFERENCE))
    with pytest.raises(ConflictError) as raised:
        store.create_patient("alice", PatientIn(reference=REFERENCE))
    assert raised.value.code == "E011" and REFERENCE not in str(raised.value)
    store.create_patient("alice", PatientIn())
    store.create_patient("alice", PatientIn())
    assert len(store.list_patients("alice")) == 3


def test_unknown_ids_raise_not_found_and_write_nothing(store: RecordStore, kb: KnowledgeBase) -> None:
    missing = "0b5e9c4e-0000-4000-8000-000000000000"
    calls = [
        lambda: store.get_patient("alice", missing),
        lambda: store.list_episodes("alice", missing),
        lambda: store.export_patient("alice", missing),
        lambda: store.create_episode("alice", missing, EpisodeIn(title=TITLE)),
        lambda: store.get_episode("alice", "not-a-uuid"),
        lambda: store.add_score("alice", missing, ScoreIn(instrument="nrs", value=3, recorded_on=date(2024, 1, 1))),
        lambda: store.add_assessment("alice", missing, Case(), assess(Case(), kb)),
    ]
    for call in calls:
        with pytest.raises(NotFoundError) as raised:
            call()
        assert raised.value.code == "E010"
    probes = list(reversed(store.audit_entries()))  # each probe is audited; no record is written
    assert [(e.actor, e.outcome) for e in probes] == [("alice", "not_found")] * len(calls)
    assert [e.entity_id for e in probes] == [missing] * 4 + [None] + [missing] * 2  # "not-a-uuid" is not kept
    assert _row_counts(store.url) == {**EMPTY, "audit_log": len(calls)}


def test_a_failed_audit_write_rolls_back_the_record_write(store: RecordStore, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_audit(session: Session, *_: object) -> None:
        session.flush()  # the patient row has reached the database inside the transaction
        raise RuntimeError("audit write failed")

    monkeypatch.setattr(RecordStore, "_audit", staticmethod(broken_audit))
    with pytest.raises(RuntimeError):
        store.create_patient("alice", PatientIn(reference=REFERENCE))
    with pytest.raises(RuntimeError):
        store.add_feedback("ehr", [_feedback_in()])
    assert _row_counts(store.url) == EMPTY


def test_sql_errors_do_not_echo_values(store: RecordStore) -> None:
    engine = store._engine
    with pytest.raises(IntegrityError) as raised, engine.begin() as conn:
        conn.execute(
            text("INSERT INTO episodes (id, patient_id, title, created_at) VALUES (:i, :p, :t, :c)"),
            {"i": "e1", "p": "missing", "t": TITLE, "c": "2024-01-01 00:00:00+00:00"},
        )
    assert TITLE not in str(raised.value)


def test_assessment_keeps_case_assessment_and_summary_columns(store: RecordStore, kb: KnowledgeBase) -> None:
    patient = store.create_patient("alice", PatientIn())
    episode = store.create_episode("alice", patient.id, EpisodeIn(title=TITLE))
    case = _case()
    result = assess(case, kb)
    stored = store.add_assessment("alice", episode.id, case, result)
    assert stored.triage_level == result.triage.level
    assert stored.top_root == result.levels[0].root
    assert stored.top_condition == (result.differential[0].id if result.differential else None)
    assert stored.kb_version == kb.version
    assert Case.model_validate(stored.case) == case
    assert stored.assessment == json.loads(result.model_dump_json())
    assert store.get_episode("bob", episode.id).assessments == [stored]


def test_scores_are_validated_and_scored_with_the_instruments(store: RecordStore) -> None:
    patient = store.create_patient("alice", PatientIn())
    episode = store.create_episode("alice", patient.id, EpisodeIn(title=TITLE))
    day = date(2024, 4, 1)
    odi = store.add_score(
        "alice", episode.id, ScoreIn(instrument="odi", answers=[1, 2, 3, None, 2, 2, 1, 0, 1, 2], recorded_on=day)
    )
    assert odi.value == 31.1  # 14 / (5 x 9 answered) = 31.1 %
    assert odi.detail["answered"] == 9 and odi.detail["band"] == "moderate disability"
    start = store.add_score(
        "alice", episode.id, ScoreIn(instrument="startback", answers=[1, 1, 0, 0, 1, 1, 0, 1, 3], recorded_on=day)
    )
    assert (start.value, start.detail["distress"], start.detail["group"]) == (6, 4, "high")
    nrs = store.add_score("alice", episode.id, ScoreIn(instrument="nrs", value=7, recorded_on=day))
    assert (nrs.value, nrs.answers, nrs.detail) == (7, None, {})
    assert isinstance(nrs.value, int) and isinstance(start.value, int)
    assert store.get_episode("alice", episode.id).scores == [odi, start, nrs]


@pytest.mark.parametrize(
    ("payload", "field", "words"),
    [
        ({"instrument": "odi", "answers": [1, 2, 3, 7, 2, 2, 1, 0, 1, 2]}, "answers", "odi[3]"),
        ({"instrument": "odi", "answers": [1, None, None, None, 2, 2, 1, 0, 1, 2]}, "answers", "at least 8"),
        ({"instrument": "startback", "answers": [1, 1, 0, 0, 1, 1, 0, 1, 5]}, "answers", "startback[8]"),
        ({"instrument": "startback", "answers": [1, None, 0, 0, 1, 1, 0, 1, 3]}, "answers", "startback[1]"),
        ({"instrument": "startback", "answers": [1, 1]}, "answers", "9 answers"),
        ({"instrument": "odi", "answers": [1, 2, 3, 1, 2, 2, 1, 0, 1, 2], "value": 30}, "value", "null"),
        ({"instrument": "nrs", "value": 11}, "value", "0-10"),
        ({"instrument": "nrs"}, "value", "0-10"),
        ({"instrument": "nrs", "value": 4, "answers": [4]}, "answers", "null"),
        ({"instrument": "odi"}, "answers", "required"),
        ({"instrument": "nrs", "value": True}, "value", "integer"),
    ],
)
def test_invalid_scores_name_the_field_and_item(payload: dict[str, object], field: str, words: str) -> None:
    with pytest.raises(ValidationError) as raised:
        ScoreIn.model_validate({**payload, "recorded_on": "2024-04-01"})
    errors = raised.value.errors()
    assert [e["loc"][0] for e in errors] == [field]
    assert words in errors[0]["msg"]


def test_invalid_patient_and_episode_input_is_refused() -> None:
    for bad in ({"year_of_birth": date.today().year + 1}, {"sex": "x"}, {"reference": ""}, {"name": "x"}):
        with pytest.raises(ValidationError):
            PatientIn.model_validate(bad)
    with pytest.raises(ValidationError):
        EpisodeIn.model_validate({"title": "  "})


def test_every_read_and_write_is_audited_without_patient_content(store: RecordStore, kb: KnowledgeBase) -> None:
    patient_id, episode_id = _populate(store, kb)
    store.list_patients("bob")
    store.get_patient("bob", patient_id)
    store.list_episodes("bob", patient_id)
    store.get_episode("bob", episode_id)
    store.export_patient("bob", patient_id)
    entries = list(reversed(store.audit_entries()))
    seen = [(e.actor, e.action, e.entity) for e in entries]
    assert seen == [
        ("alice", "create", "patient"),
        ("alice", "create", "episode"),
        ("alice", "create", "assessment"),
        ("alice", "create", "score"),
        ("alice", "create", "score"),
        ("bob", "list", "patient"),
        ("bob", "read", "patient"),
        ("bob", "list", "episode"),
        ("bob", "read", "episode"),
        ("bob", "export", "patient"),
    ]
    assert [e.entity_id for e in entries[:2]] == [patient_id, episode_id]
    assert [e.entity_id for e in entries[5:]] == [None, patient_id, patient_id, episode_id, patient_id]
    assert store.audit_entries(limit=3) == entries[::-1][:3]
    _assert_audit_rows_hold_no_content(store.url, record_ids={patient_id, episode_id, *_child_ids(store, episode_id)})


def _child_ids(store: RecordStore, episode_id: str) -> set[str]:
    detail = store.get_episode("system", episode_id)
    return {a.id for a in detail.assessments} | {s.id for s in detail.scores}


def _assert_audit_rows_hold_no_content(url: str, record_ids: set[str]) -> None:
    """Each audit column holds only its own kind of value: a record id, a known word, a timestamp or a digest.

    Checked column by column (not by searching the row's text for, say, the birth year, which a timestamp's
    microseconds or a random id can contain by chance).
    """
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(text("SELECT * FROM audit_log"))]
    engine.dispose()
    assert rows
    for row in rows:
        assert row["entity_id"] is None or row["entity_id"] in record_ids
        assert row["actor"] in {"alice", "bob", "system"}
        assert row["action"] in {"create", "read", "list", "export"}
        assert row["entity"] in {"patient", "episode", "assessment", "score"}
        assert row["at"] is not None and str(row["id"]) not in record_ids
        assert (row["outcome"], row["origin"]) == ("ok", "local") and isinstance(row["seq"], int)
        assert re.fullmatch("[0-9a-f]{64}", row["hash"]) and re.fullmatch("[0-9a-f]{64}", row["prev_hash"])
        assert set(row) == AUDIT_COLUMNS


def test_tokens_are_stored_only_as_hashes(store: RecordStore) -> None:
    token = store.create_token("reception-desk")
    other = store.create_token("reception-desk")
    assert token != other and len(token) >= 43
    assert store.authenticate(token) == "reception-desk" == store.authenticate(other)
    for wrong in ("", token[:-1], token + "x", hashlib.sha256(token.encode()).hexdigest()):
        assert store.authenticate(wrong) is None
    everything = _table_text(store.url)
    assert token not in everything and other not in everything
    assert hashlib.sha256(token.encode()).hexdigest() in everything
    if store.dialect == "sqlite":
        path = Path(store.url.removeprefix("sqlite:///"))
        raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
        assert token.encode() not in raw
    assert [t.name for t in store.list_tokens()] == ["reception-desk", "reception-desk"]
    assert store.revoke_tokens("reception-desk") == 2
    assert store.authenticate(token) is None
    with pytest.raises(InputValidationError):
        store.create_token("   ")


def test_export_and_import_round_trip(url: str, tmp_path: Path, kb: KnowledgeBase) -> None:
    backup = tmp_path / "backup.json"
    with RecordStore(url) as source:
        token = source.create_token("alice")
        patient_id, _ = _populate(source, kb)
        accepted = _feedback_in("card-2", outcome="accepted", accepted_suggestions=["s-1"], override_code=None)
        feedback_before = source.add_feedback("https://ehr.example.org/", [_feedback_in(), accepted])
        before = source.export_patient("alice", patient_id)
        rows = source.export_all(backup)
        audit_before = source.audit_entries(limit=1000)
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".backup")] == []
    data = json.loads(backup.read_text(encoding="utf-8"))
    assert "api_tokens" in data["excluded"][0] and token not in backup.read_text(encoding="utf-8")
    assert "token_hash" not in backup.read_text(encoding="utf-8")
    counts = {name: len(table) for name, table in data["tables"].items()}
    assert data["format_version"] == 3
    assert counts == {
        "patients": 1,
        "episodes": 1,
        "assessments": 1,
        "scores": 2,
        "audit_log": len(audit_before),
        "cds_feedback": 2,
    }
    assert rows == sum(counts.values())
    with fresh_database(dialect_of(url), tmp_path) as target_url, RecordStore(target_url) as target:
        target.create_token("restorer")  # a token alone does not make the database non-empty
        assert target.import_all(backup) == rows
        after = target.export_patient("alice", patient_id)
        assert {k: v for k, v in after.items() if k != "exported_at"} == {
            k: v for k, v in before.items() if k != "exported_at"
        }
        restored = target.audit_entries(limit=1000)
        newest = [(e.action, e.entity, e.origin) for e in restored[:5]]
        assert newest == [
            ("export", "patient", "local"),
            ("import", "database", "local"),
            ("create", "token", "local"),
            ("create", "user", "local"),
            ("export", "database", "import"),  # the source's rows follow, marked as imported, in the target's chain
        ]
        assert target.verify_audit().intact
        assert {e.id for e in audit_before} <= {e.id for e in restored}
        assert target.list_feedback("alice") == feedback_before
        (later,) = target.add_feedback("ehr", [_feedback_in("card-3")])  # ids carry on after the restored ones
        assert later.id > max(f.id for f in feedback_before)
        assert target.authenticate(token) is None
        with pytest.raises(ConflictError):
            target.import_all(backup)


def test_import_refuses_bad_files_and_keeps_nothing(store: RecordStore, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "something-else", "tables": {}}), encoding="utf-8")
    with pytest.raises(InputValidationError) as raised:
        store.import_all(bad)
    paths = {p.path for p in raised.value.problems}
    assert {"format", "tables.patients", "schema_revision"} <= paths
    orphan = {
        "schema_revision": head_revision(),
        "exported_at": "2024-01-01T00:00:00Z",
        "tables": {
            "patients": [
                {
                    "id": "p1",
                    "reference": None,
                    "year_of_birth": None,
                    "sex": "unknown",
                    "created_at": "2024-01-01T00:00:00Z",
                }
            ],
            "episodes": [
                {
                    "id": "e1",
                    "patient_id": "missing",
                    "title": "x",
                    "started_on": None,
                    "created_at": "2024-01-01T00:00:00Z",
                }
            ],
            "assessments": [],
            "scores": [],
            "audit_log": [],
            "cds_feedback": [],
        },
    }
    bad.write_text(json.dumps(orphan), encoding="utf-8")
    with pytest.raises(InputValidationError):
        store.import_all(bad)
    assert store.list_patients("alice") == []
    with pytest.raises(InputValidationError):
        store.import_all(tmp_path / "absent.json")
    with pytest.raises(InputValidationError):
        store.export_all(tmp_path / "no-such-folder" / "b.json")


def test_version_1_backups_import_and_feedback_needs_version_2(store: RecordStore, tmp_path: Path) -> None:
    patient = {
        "id": "p1",
        "reference": None,
        "year_of_birth": None,
        "sex": "unknown",
        "created_at": "2024-01-01T00:00:00Z",
    }
    empty: dict[str, list[object]] = {"episodes": [], "assessments": [], "scores": [], "audit_log": []}
    v1 = {"format_version": 1, "schema_revision": "0001", "exported_at": "2024-01-01T00:00:00Z"}
    feedback = {**_feedback_in().model_dump(), "id": 7, "client": "ehr", "received_at": "2024-01-01T00:00:00Z"}
    path = tmp_path / "old.json"
    for wrong in (
        {**v1, "tables": {**empty, "patients": [], "cds_feedback": [feedback]}},  # version 1 had no feedback table
        {**v1, "format_version": 2, "tables": {**empty, "patients": [patient]}},  # version 2 must carry it
    ):
        path.write_text(json.dumps(wrong), encoding="utf-8")
        with pytest.raises(InputValidationError) as raised:
            store.import_all(path)
        assert "cds_feedback" in str(raised.value)
    path.write_text(json.dumps({**v1, "tables": {**empty, "patients": [patient]}}), encoding="utf-8")
    assert store.import_all(path) == 1
    assert [p.id for p in store.list_patients("alice")] == ["p1"] and store.list_feedback("alice") == []


def test_settings_choose_the_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("NERVEROOT_DATABASE_URL", "NERVEROOT_HOME", "XDG_DATA_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert data_dir() == tmp_path / "home" / ".local" / "share" / "nerveroot"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert database_url() == f"sqlite:///{tmp_path / 'xdg' / 'nerveroot' / 'records.sqlite3'}"
    monkeypatch.setenv("NERVEROOT_HOME", str(tmp_path / "nr"))
    assert data_dir() == tmp_path / "nr"
    monkeypatch.setenv("NERVEROOT_DATABASE_URL", "postgresql://u@db:5432/x")
    assert database_url() == "postgresql+psycopg://u@db:5432/x"
    assert normalise_url("postgres://u@db/x") == "postgresql+psycopg://u@db/x"
    assert normalise_url("postgresql+psycopg://u@db/x") == "postgresql+psycopg://u@db/x"
    with pytest.raises(InputValidationError):
        dialect_of("mysql://u@db/x")


def test_default_store_creates_the_data_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("NERVEROOT_DATABASE_URL", raising=False)
    home = tmp_path / "deep" / "nerveroot"
    monkeypatch.setenv("NERVEROOT_HOME", str(home))
    with RecordStore() as store:
        assert store.dialect == "sqlite"
        store.create_patient("alice", PatientIn())
    assert (home / "records.sqlite3").is_file()
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert stat.S_IMODE((home / "records.sqlite3").stat().st_mode) == 0o600
