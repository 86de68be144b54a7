"""The loader accepts the packaged data and refuses bad records, naming file, record and field."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from nerveroot.errors import KnowledgeValidationError
from nerveroot.knowledge.loader import _data_dir, load_knowledge
from nerveroot.knowledge.schemas import render, schema_dir, schemas


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(_data_dir(), target)
    return target


def _edit(path: Path, edit) -> None:  # type: ignore[no-untyped-def]
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(records)
    path.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_packaged_knowledge_loads(kb) -> None:  # type: ignore[no-untyped-def]
    assert kb.version and len(kb.content_hash) == 16
    assert all(len(records) > 0 for records in kb.entities.values()), {k: len(v) for k, v in kb.entities.items()}


def test_every_record_cites_a_known_source_with_locator(kb) -> None:  # type: ignore[no-untyped-def]
    for records in kb.entities.values():
        for record in records.values():
            assert record.sources, record.id
            for cite in record.sources:
                assert cite.source in kb.sources and cite.locator.strip()


def test_record_without_source_is_refused(data_copy: Path) -> None:
    _edit(data_copy / "body_regions.yaml", lambda recs: recs[0].update(sources=[]))
    with pytest.raises(KnowledgeValidationError) as err:
        load_knowledge(data_copy)
    paths = [p.path for p in err.value.problems]
    assert "body_regions.yaml[low_back].sources" in paths


def test_every_problem_is_reported_with_file_record_and_field(data_copy: Path) -> None:
    def break_two(recs: list[dict]) -> None:  # type: ignore[type-arg]
        recs[0]["colour"] = "red"  # unknown key
        recs[1]["view"] = "sideways"  # bad enum
        recs[2]["sources"] = [{"source": "no_such_source", "locator": "p1"}]

    _edit(data_copy / "body_regions.yaml", break_two)
    with pytest.raises(KnowledgeValidationError) as err:
        load_knowledge(data_copy)
    own = [p.path for p in err.value.problems if p.path.startswith("body_regions.yaml")]
    assert sorted(own) == [
        "body_regions.yaml[buttock].view",
        "body_regions.yaml[lateral_hip].sources.0.source",
        "body_regions.yaml[low_back].colour",
    ]
    # Records that failed validation are dropped, so references to them are reported where they are made.
    assert any("unknown id 'low_back'" in p.message for p in err.value.problems)


def test_duplicate_ids_and_missing_files_are_reported(data_copy: Path) -> None:
    _edit(data_copy / "body_regions.yaml", lambda recs: recs.append(dict(recs[0])))
    (data_copy / "faqs.yaml").unlink()
    with pytest.raises(KnowledgeValidationError) as err:
        load_knowledge(data_copy)
    messages = {str(p) for p in err.value.problems}
    assert "body_regions.yaml[low_back].id: duplicate id" in messages
    assert "faqs.yaml: data file is missing" in messages


def test_committed_json_schemas_match_the_models() -> None:
    for stem, schema in schemas().items():
        committed = schema_dir() / f"{stem}.schema.json"
        assert committed.read_text(encoding="utf-8") == render(schema), f"run `nerveroot kb schema` ({stem})"


def test_data_files_validate_against_exported_schemas() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    for stem, schema in schemas().items():
        records = yaml.safe_load((_data_dir() / f"{stem}.yaml").read_text(encoding="utf-8"))
        jsonschema.validate(records, schema)


def test_the_packaged_knowledge_base_is_loaded_from_its_snapshot_unchanged(tmp_path: Path) -> None:
    probe = "from nerveroot.knowledge import loader\nassert loader.default_knowledge() == loader.load_knowledge()"
    env = {**os.environ, "NERVEROOT_HOME": str(tmp_path), "NERVEROOT_SNAPSHOT": "1"}
    subprocess.run([sys.executable, "-c", probe], env=env, check=True)  # built and saved
    (saved,) = (tmp_path / "cache").glob("knowledge-*.pickle")
    assert saved.stat().st_mode & 0o777 == 0o600
    subprocess.run([sys.executable, "-c", probe], env=env, check=True)  # loaded
    damaged = saved.read_bytes()[:-100]
    saved.write_bytes(damaged)
    subprocess.run([sys.executable, "-c", probe], env=env, check=True)  # rebuilt
    assert len(saved.read_bytes()) > len(damaged)
