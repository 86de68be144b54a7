"""The clinician encounter: a note and the form merged into one Case, and the routes the web page uses."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from nerveroot.api.app import create_app
from nerveroot.api.settings import Settings
from nerveroot.assessment.case import RED_FLAG_KEYS, Case
from nerveroot.records import RecordStore
from nerveroot.web.encounter import STATUS_RANK, merge_cases

STATUSES = ("present", "absent", "unknown")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    store = RecordStore(f"sqlite:///{tmp_path_factory.mktemp('web') / 'records.sqlite3'}")
    try:
        with TestClient(create_app(Settings(access_log=False, static=False), store=store)) as c:
            yield c
    finally:
        store.close()


def test_form_fills_in_and_overrides_the_note() -> None:
    note = Case.model_validate(
        {
            "age": 45,
            "sex": "male",
            "reflexes": [{"reflex": "patellar", "side": "left", "result": "normal"}],
            "pain_regions": [{"region": "anterior_thigh", "side": "left"}],
            "drug_safety": {"egfr": 40},
        }
    )
    form = Case.model_validate(
        {
            "age": 46,
            "reflexes": [{"reflex": "patellar", "side": "left", "result": "reduced"}],
            "pain_regions": [{"region": "medial_leg", "side": "left"}],
            "drug_safety": {"anticoagulant": "present"},
        }
    )
    merged, disagreements = merge_cases(note, form)
    assert merged.age == 46 and merged.sex == "male"
    assert [r.result for r in merged.reflexes] == ["reduced"], "one result per test and leg: the form's"
    assert {m.region for m in merged.pain_regions} == {"anterior_thigh", "medial_leg"}
    assert merged.drug_safety.egfr == 40 and merged.drug_safety.anticoagulant == "present"
    assert disagreements == []


def test_a_disagreement_keeps_present_and_is_reported() -> None:
    note = Case.model_validate({"red_flags": {"saddle_anaesthesia": "present"}})
    form = Case.model_validate({"red_flags": {"saddle_anaesthesia": "absent", "bladder_dysfunction": "absent"}})
    merged, disagreements = merge_cases(note, form)
    assert merged.red_flags == {"saddle_anaesthesia": "present", "bladder_dysfunction": "absent"}
    assert [(d.path, d.note, d.form, d.kept) for d in disagreements] == [
        ("red_flags.saddle_anaesthesia", "present", "absent", "present")
    ]


flags = st.dictionaries(st.sampled_from(RED_FLAG_KEYS), st.sampled_from(STATUSES), max_size=6)


@given(note=flags, form=flags)
def test_merge_never_loses_a_known_finding(note: dict[str, str], form: dict[str, str]) -> None:
    merged, found = merge_cases(Case(red_flags=note), Case(red_flags=form))  # type: ignore[arg-type]
    for key in set(note) | set(form):
        readings = [s for s in (note.get(key), form.get(key)) if s]
        kept = merged.red_flags[key]
        assert STATUS_RANK[kept] == max(STATUS_RANK[s] for s in readings), (key, readings, kept)
    assert all(d.kept == "present" for d in found)


def _anticoagulated_l4() -> dict[str, Any]:
    return {
        "pain_regions": [{"region": "medial_leg", "side": "left"}],
        "reflexes": [{"reflex": "patellar", "side": "left", "result": "reduced"}],
        "drug_safety": {"egfr": 25, "anticoagulant": "present"},
    }


def test_encounter_route_reads_the_note_and_keeps_the_form(client: TestClient) -> None:
    body = {
        "text": "45 year old man with left anterior thigh pain, femoral stretch positive on the left",
        "case": _anticoagulated_l4(),
    }
    response = client.post("/api/encounter", json=body)
    assert response.status_code == 200
    out = response.json()
    assert out["case"]["age"] == 45 and out["case"]["drug_safety"]["egfr"] == 25
    assert any(f["text_span"] for f in out["findings"])
    statuses = {d["drug_id"]: d["status"] for d in out["assessment"]["plan"]["drugs"]}
    assert statuses["ibuprofen"] == "contraindicated"


def test_encounter_route_without_a_note_assesses_the_form(client: TestClient) -> None:
    out = client.post("/api/encounter", json={"case": _anticoagulated_l4()}).json()
    assert out["findings"] == [] and out["disagreements"] == []
    assert out["assessment"]["levels"][0]["root"] == "l4"


def test_encounter_route_rejects_bad_input_with_the_field(client: TestClient) -> None:
    response = client.post("/api/encounter", json={"case": {"age": 300}})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "case", "age"]


def test_exports(client: TestClient) -> None:
    markdown = client.post("/api/export/markdown", json={"case": _anticoagulated_l4()})
    assert markdown.status_code == 200 and markdown.headers["content-type"].startswith("text/markdown")
    assert markdown.text.startswith("# nerveroot assessment")
    fhir = client.post("/api/export/fhir", json={"case": _anticoagulated_l4()})
    assert fhir.status_code == 200 and json.loads(fhir.text)["resourceType"] == "Bundle"
    assert client.post("/api/export/pdf", json={"case": {}}).status_code == 422
