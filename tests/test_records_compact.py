"""Compact stored assessments: exact read-back against a knowledge base's dictionary, export and import, the
0004 upgrade of rows stored as JSON (and its downgrade), and refusal of data that would not read back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import JSON, String, column, create_engine, insert, select, table, text

from nerveroot.assessment.assess import assess
from nerveroot.assessment.case import Case, RegionMark
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.records import EpisodeIn, PatientIn, RecordStore, compact
from nerveroot.records import store as store_module
from nerveroot.records.engine import make_engine
from nerveroot.records.migrate import alembic_config
from nerveroot.records.settings import dialect_of
from nerveroot.records.tables import EpisodeRow, PatientRow, UTCDateTime
from test_records_support import BACKENDS, fresh_database

WHEN = datetime(2025, 6, 1, 9, 30, tzinfo=UTC)
CASES = (
    Case(age=41, sides=["right"], pain_regions=[RegionMark(region="lateral_leg", side="right")]),
    Case(age=67, sides=["left"], symptoms={"neurogenic_claudication": "present", "numbness": "present"}),
)
legacy_assessments = table(
    "assessments",
    column("id", String),
    column("episode_id", String),
    column("created_at", UTCDateTime()),
    column("triage_level", String),
    column("top_root", String),
    column("top_condition", String),
    column("kb_version", String),
    column("case", JSON),
    column("assessment", JSON),
)


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as db_url:
        yield db_url


def _migrate(url: str, revision: str, *, down: bool = False) -> None:
    engine = make_engine(url, dialect_of(url))
    with engine.begin() as conn:
        (command.downgrade if down else command.upgrade)(alembic_config(conn), revision)
    engine.dispose()


def _stored_bytes(url: str) -> list[tuple[int, str | None]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT body, dictionary FROM assessments ORDER BY created_at")).all()
    engine.dispose()
    return [(len(body), dictionary) for body, dictionary in rows]


def test_assessments_read_back_exactly_and_share_one_dictionary(url: str, kb: KnowledgeBase) -> None:
    results = [assess(case, kb) for case in CASES]
    with RecordStore(url) as store:
        episode = store.create_episode("a", store.create_patient("a", PatientIn()).id, EpisodeIn(title="t"))
        for case, result in zip(CASES, results, strict=True):
            store.add_assessment("a", episode.id, case, result, kb)
    compact._by_digest.clear()  # a fresh process: the dictionary is read from the database
    with RecordStore(url) as store:
        stored = store.get_episode("a", episode.id).assessments
    assert [s.assessment for s in stored] == [json.loads(r.model_dump_json()) for r in results]
    sizes = _stored_bytes(url)
    assert {d for _, d in sizes} == {compact.reference(kb).digest}
    full = min(len(r.model_dump_json()) for r in results)
    assert all(size * 10 < full for size, _ in sizes), (sizes, full)


def test_export_and_import_keep_every_assessment(url: str, kb: KnowledgeBase, tmp_path: Path) -> None:
    with RecordStore(url) as store:
        patient = store.create_patient("a", PatientIn())
        episode = store.create_episode("a", patient.id, EpisodeIn(title="t"))
        store.add_assessment("a", episode.id, CASES[0], assess(CASES[0], kb), kb)
        store.add_assessment("a", episode.id, CASES[1], assess(CASES[1], kb))  # compressed on its own
        before = store.export_patient("a", patient.id)
        store.export_all(tmp_path / "backup.json")
    for with_kb in (kb, None):
        with fresh_database(dialect_of(url), tmp_path) as target_url, RecordStore(target_url) as target:
            target.import_all(tmp_path / "backup.json", kb=with_kb)
            after = target.export_patient("a", patient.id)
            assert after["episodes"] == before["episodes"]
            dictionaries = {d for _, d in _stored_bytes(target_url)}
            assert dictionaries == ({compact.reference(kb).digest} if with_kb else {None})


def test_rows_stored_as_json_upgrade_compact_and_downgrade_back(url: str, kb: KnowledgeBase) -> None:
    _migrate(url, "0003")
    case = CASES[0]
    data = json.loads(assess(case, kb).model_dump_json())
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            insert(PatientRow).values(id="p-1", reference=None, year_of_birth=None, sex="unknown", created_at=WHEN)
        )
        conn.execute(insert(EpisodeRow).values(id="e-1", patient_id="p-1", title="t", started_on=None, created_at=WHEN))
        conn.execute(
            insert(legacy_assessments).values(
                id="a-1",
                episode_id="e-1",
                created_at=WHEN,
                triage_level="routine",
                top_root="l5",
                top_condition=None,
                kb_version="old",
                case=case.model_dump(mode="json"),
                assessment=data,
            )
        )
    engine.dispose()
    with RecordStore(url) as store:
        (kept,) = store.get_episode("admin", "e-1").assessments
        assert kept.assessment == data
        store.add_assessment("admin", "e-1", CASES[1], assess(CASES[1], kb), kb)
        both = [a.assessment for a in store.get_episode("admin", "e-1").assessments]
    assert [d for _, d in _stored_bytes(url)] == [None, compact.reference(kb).digest]
    _migrate(url, "0003", down=True)
    engine = create_engine(url)
    with engine.connect() as conn:
        restored = (
            conn.execute(select(legacy_assessments.c.assessment).order_by(legacy_assessments.c.created_at))
            .scalars()
            .all()
        )
        assert "assessment_dictionaries" not in conn.dialect.get_table_names(conn)
    engine.dispose()
    assert list(restored) == both


def test_data_that_would_not_read_back_is_refused() -> None:
    with pytest.raises(ValueError, match="nothing was stored"):
        compact.pack({"probability": float("nan")}, None)
    assert compact.unpack(compact.pack({"a": [1, 0.1, None, "é"]}, None), None) == {"a": [1, 0.1, None, "é"]}


def test_export_written_a_page_at_a_time_restores_every_row(
    url: str, kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "EXPORT_PAGE", 2)  # several pages per table
    with RecordStore(url) as store:
        patients = [store.create_patient("a", PatientIn(reference=f"R{n}")).id for n in range(5)]
        for n, patient_id in enumerate(patients):
            episode = store.create_episode("a", patient_id, EpisodeIn(title=f"t{n}"))
            store.add_assessment("a", episode.id, CASES[n % 2], assess(CASES[n % 2], kb), kb)
        before = [store.export_patient("a", p)["episodes"] for p in patients]
        rows = store.export_all(tmp_path / "backup.json")
    tables = json.loads((tmp_path / "backup.json").read_text(encoding="utf-8"))["tables"]
    assert rows == sum(len(t) for t in tables.values())
    assert [len(tables["patients"]), len(tables["episodes"]), len(tables["assessments"])] == [5, 5, 5]
    with fresh_database(dialect_of(url), tmp_path) as target_url, RecordStore(target_url) as target:
        assert target.import_all(tmp_path / "backup.json", kb=kb) == rows
        assert [target.export_patient("a", p)["episodes"] for p in patients] == before
