"""`nerveroot token create|list|revoke`, `nerveroot export` and `nerveroot import` on both back ends."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from nerveroot.interfaces import cli_records
from nerveroot.records import EpisodeIn, PatientIn, RecordStore
from test_records_support import BACKENDS, fresh_database


@pytest.fixture
def app() -> typer.Typer:
    application = typer.Typer()
    cli_records.register(application)
    return application


@pytest.fixture(params=BACKENDS)
def urls(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    with fresh_database(request.param, tmp_path) as first, fresh_database(request.param, tmp_path) as second:
        yield first, second


def _run(app: typer.Typer, url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"NERVEROOT_DATABASE_URL": url})
    return result.exit_code, result.stdout, result.stderr


def test_token_create_prints_a_working_token_once(app: typer.Typer, urls: tuple[str, str]) -> None:
    url = urls[0]
    code, out, err = _run(app, url, "token", "create", "front-desk")
    assert code == 0, err
    token = out.strip()
    assert "cannot be shown again" in err
    with RecordStore(url) as store:
        assert store.authenticate(token) == "front-desk"
    code, out, _ = _run(app, url, "token", "list")
    assert code == 0 and out.startswith("front-desk\t") and token not in out
    assert _run(app, url, "token", "revoke", "front-desk")[0] == 0
    assert _run(app, url, "token", "revoke", "front-desk")[0] == 1
    with RecordStore(url) as store:
        assert store.authenticate(token) is None


def test_export_then_import_restores_the_records(app: typer.Typer, urls: tuple[str, str], tmp_path: Path) -> None:
    source, target = urls
    with RecordStore(source) as store:
        patient = store.create_patient("alice", PatientIn(reference="R-1", year_of_birth=1960, sex="female"))
        store.create_episode("alice", patient.id, EpisodeIn(title="Left L5 radiculopathy"))
    backup = tmp_path / "backup.json"
    code, out, err = _run(app, source, "export", str(backup))
    assert code == 0, err
    assert "Wrote 5 rows" in out and "api_tokens" in err  # patient, episode and three audit rows
    code, out, err = _run(app, target, "import", str(backup))
    assert (code, out.split()[:2]) == (0, ["Restored", "5"]), err
    with RecordStore(target) as store:
        assert store.export_patient("bob", patient.id)["episodes"][0]["title"] == "Left L5 radiculopathy"
    code, _, err = _run(app, target, "import", str(backup))
    assert code == 1 and "empty" in err
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"format": "nerveroot-records-backup"}), encoding="utf-8")
    code, _, err = _run(app, target, "import", str(broken))
    assert code == 2 and "tables" in err


def test_bad_database_url_is_reported_not_raised(app: typer.Typer) -> None:
    code, _, err = _run(app, "mysql://nobody@localhost/x", "token", "create", "x")
    assert code == 2 and "unsupported scheme" in err


def test_export_one_patient_writes_only_that_record(app: typer.Typer, urls: tuple[str, str], tmp_path: Path) -> None:
    url = urls[0]
    with RecordStore(url) as store:
        wanted = store.create_patient("alice", PatientIn(reference="R-7", year_of_birth=1971, sex="male"))
        store.create_episode("alice", wanted.id, EpisodeIn(title="Right S1 radiculopathy"))
        other = store.create_patient("alice", PatientIn(reference="R-8"))
        store.create_episode("alice", other.id, EpisodeIn(title="Not this one"))
    out_file = tmp_path / "one.json"
    code, out, err = _run(app, url, "export", str(out_file), "--patient", wanted.id)
    assert code == 0, err
    assert "1 episode)" in out and "private" in err
    record = json.loads(out_file.read_text(encoding="utf-8"))
    assert record["format"] == "nerveroot-patient-export"
    assert record["patient"]["reference"] == "R-7"
    assert [e["title"] for e in record["episodes"]] == ["Right S1 radiculopathy"]
    assert out_file.stat().st_mode & 0o077 == 0
    code, _, err = _run(app, url, "export", str(tmp_path / "none.json"), "--patient", "no-such-patient")
    assert code == 1 and "no-such-patient" in err
    assert not (tmp_path / "none.json").exists()
