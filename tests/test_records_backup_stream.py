"""Backup import read a row at a time: any JSON layout, chunk edges anywhere, tables in any order, and only the
audit log and each table's first row held for validation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from nerveroot.errors import InputValidationError
from nerveroot.records import EpisodeIn, PatientIn, RecordStore, backup_stream
from test_records_support import BACKENDS, fresh_database


@pytest.fixture(params=BACKENDS)
def exported(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Path, dict[str, object]]]:
    """A backend, a backup of four patients with an episode each, and one patient's export to compare with."""
    with fresh_database(request.param, tmp_path) as url, RecordStore(url) as store:
        ids = [store.create_patient("a", PatientIn(reference=f"S{n}")).id for n in range(4)]
        for n, patient in enumerate(ids):
            store.create_episode("a", patient, EpisodeIn(title=f"episode {n}"))
        path = tmp_path / "backup.json"
        store.export_all(path)
        yield request.param, path, store.export_patient("a", ids[-1])


def _restored(backend: str, folder: Path, path: Path, patient: str) -> dict[str, object]:
    with fresh_database(backend, folder) as url, RecordStore(url) as target:
        target.import_all(path)
        return {k: v for k, v in target.export_patient("a", patient).items() if k != "exported_at"}


def test_any_layout_and_any_chunk_edge_import_the_same(
    exported: tuple[str, Path, dict[str, object]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend, path, before = exported
    patient = str(before["patient"]["id"])  # type: ignore[index]
    expected = {k: v for k, v in before.items() if k != "exported_at"}
    data = json.loads(path.read_text(encoding="utf-8"))
    one_line = tmp_path / "one-line.json"
    one_line.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    reordered = tmp_path / "children-first.json"  # episodes before their patients: written parents first
    data["tables"] = dict(reversed(list(data["tables"].items())))
    reordered.write_text(json.dumps(data, indent=3), encoding="utf-8")
    monkeypatch.setattr(backup_stream, "CHUNK", 7)  # chunk edges inside keys, numbers and rows
    for file in (path, one_line, reordered):
        assert _restored(backend, tmp_path, file, patient) == expected, file.name


def test_validation_holds_the_audit_log_and_one_row_a_table(exported: tuple[str, Path, dict[str, object]]) -> None:
    _, path, _ = exported
    with path.open("rb") as handle:
        checked = backup_stream.check(handle, str(path))
    tables = checked.head.tables
    assert (len(tables.patients), len(tables.episodes)) == (1, 1)
    assert len(tables.audit_log) > 8 and checked.rows == 8 + len(tables.audit_log)


def test_a_bad_row_deep_in_a_table_is_named_and_nothing_is_imported(
    exported: tuple[str, Path, dict[str, object]], tmp_path: Path
) -> None:
    backend, path, _ = exported
    data = json.loads(path.read_text(encoding="utf-8"))
    data["tables"]["episodes"][2]["started_on"] = "not a date"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    (tmp_path / "cut.json").write_bytes(path.read_bytes()[:-40])
    with fresh_database(backend, tmp_path) as url, RecordStore(url) as target:
        with pytest.raises(InputValidationError) as raised:
            target.import_all(bad)
        assert [p.path for p in raised.value.problems] == ["tables.episodes.2.started_on"]
        with pytest.raises(InputValidationError, match="not a valid backup file"):
            target.import_all(tmp_path / "cut.json")
        assert target.list_patients("admin") == []
