"""Records over HTTP: Bearer auth on every endpoint, CRUD, 404/409, scores, export and the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from nerveroot.api.app import create_app
from nerveroot.api.settings import Settings
from nerveroot.assessment.assess import assess
from nerveroot.assessment.case import Case
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.records import RecordStore
from test_records_support import BACKENDS, fresh_database

CASE: dict[str, Any] = yaml.safe_load(
    (Path(__file__).parent / "cases" / "vignettes" / "roots_l5.yaml").read_text(encoding="utf-8")
)[0]["case"]
RECORD_ENDPOINTS = [
    ("POST", "/api/patients", {"reference": "x"}),
    ("GET", "/api/patients", None),
    ("GET", "/api/patients/some-id", None),
    ("POST", "/api/patients/some-id/episodes", {"title": "t"}),
    ("GET", "/api/patients/some-id/episodes", None),
    ("GET", "/api/patients/some-id/export", None),
    ("GET", "/api/episodes/some-id", None),
    ("POST", "/api/episodes/some-id/assessments", {"case": {}}),
    ("POST", "/api/episodes/some-id/scores", {"instrument": "nrs", "value": 3, "recorded_on": "2026-01-02"}),
]
BAD_AUTH: list[dict[str, str]] = [
    {},
    {"Authorization": "Bearer not-a-real-token"},
    {"Authorization": "Basic dXNlcjpwYXNz"},
    {"Authorization": ""},
    {"Authorization": "Bearer "},
]


@pytest.fixture(params=BACKENDS)
def setup(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[TestClient, RecordStore, dict[str, str]]]:
    with fresh_database(request.param, tmp_path) as url:
        store = RecordStore(url)
        token = store.create_token("dr_test")
        with TestClient(create_app(Settings(access_log=False), store=store)) as client:
            yield client, store, {"Authorization": f"Bearer {token}"}
        store.close()


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, RecordStore]]:
    store = RecordStore(f"sqlite:///{tmp_path_factory.mktemp('auth') / 'records.sqlite3'}")
    store.create_token("dr_test")
    with TestClient(create_app(Settings(access_log=False), store=store)) as client:
        yield client, store
    store.close()


@pytest.mark.parametrize(("method", "path", "body"), RECORD_ENDPOINTS)
def test_records_need_a_valid_token(
    shared: tuple[TestClient, RecordStore], method: str, path: str, body: dict[str, Any] | None
) -> None:
    client, store = shared
    for headers in BAD_AUTH:
        response = client.request(method, path, json=body, headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["code"] == "E012"
    entries = store.audit_entries(limit=1000)
    assert all(e.entity in {"token", "user"} for e in entries)  # nothing was read or written
    refused = [e for e in entries if (e.action, e.outcome) == ("authenticate", "denied")]
    assert len(refused) >= len(BAD_AUTH)  # every refused attempt is audited


def test_health_names_the_back_end(setup: tuple[TestClient, RecordStore, dict[str, str]]) -> None:
    client, store, _ = setup
    assert client.get("/health").json()["database"] == store.dialect


def test_patient_episode_assessment_score_flow(
    setup: tuple[TestClient, RecordStore, dict[str, str]], kb: KnowledgeBase
) -> None:
    client, store, auth = setup
    created = client.post(
        "/api/patients", json={"reference": "MRN-1", "year_of_birth": 1980, "sex": "male"}, headers=auth
    )
    assert created.status_code == 201
    patient = created.json()
    assert set(patient) == {"id", "reference", "year_of_birth", "sex", "created_at"}
    assert client.get("/api/patients", headers=auth).json() == [patient]
    assert client.get(f"/api/patients/{patient['id']}", headers=auth).json() == patient

    episode = client.post(
        f"/api/patients/{patient['id']}/episodes",
        json={"title": "Left sciatica", "started_on": "2026-01-05"},
        headers=auth,
    )
    assert episode.status_code == 201
    episode_id = episode.json()["id"]
    assert episode.json()["patient_id"] == patient["id"]
    assert [e["id"] for e in client.get(f"/api/patients/{patient['id']}/episodes", headers=auth).json()] == [episode_id]

    stored = client.post(f"/api/episodes/{episode_id}/assessments", json={"case": CASE}, headers=auth)
    assert stored.status_code == 201
    expected = assess(Case.model_validate(CASE), kb)
    assert stored.json()["triage_level"] == expected.triage.level
    assert stored.json()["top_root"] == expected.levels[0].root
    assert stored.json()["kb_version"] == kb.version
    assert stored.json()["assessment"]["levels"] == expected.model_dump(mode="json")["levels"]

    odi = client.post(
        f"/api/episodes/{episode_id}/scores",
        json={"instrument": "odi", "answers": [3, 3, 3, 3, 3, 3, 3, 3, 3, 3], "recorded_on": "2026-01-05"},
        headers=auth,
    )
    assert odi.status_code == 201
    assert odi.json()["value"] == 60.0
    nrs = client.post(
        f"/api/episodes/{episode_id}/scores",
        json={"instrument": "nrs", "value": 7, "recorded_on": "2026-01-06"},
        headers=auth,
    )
    assert nrs.status_code == 201 and nrs.json()["value"] == 7

    detail = client.get(f"/api/episodes/{episode_id}", headers=auth).json()
    assert [a["id"] for a in detail["assessments"]] == [stored.json()["id"]]
    assert [s["instrument"] for s in detail["scores"]] == ["odi", "nrs"]

    export = client.get(f"/api/patients/{patient['id']}/export", headers=auth)
    assert export.status_code == 200
    assert export.json()["patient"] == patient
    assert export.json()["episodes"][0]["scores"][0]["value"] == 60.0

    entries = store.audit_entries(limit=100)
    actions = {(e.action, e.entity) for e in entries if e.actor == "dr_test"}
    assert {("create", "patient"), ("list", "patient"), ("read", "patient"), ("create", "episode")} <= actions
    assert {("create", "assessment"), ("create", "score"), ("read", "episode"), ("export", "patient")} <= actions
    dumped = " ".join(e.model_dump_json() for e in entries)
    assert "MRN-1" not in dumped and "Left sciatica" not in dumped


def test_not_found_and_conflict(setup: tuple[TestClient, RecordStore, dict[str, str]]) -> None:
    client, _, auth = setup
    for path in (
        "/api/patients/nope",
        "/api/patients/nope/episodes",
        "/api/patients/nope/export",
        "/api/episodes/nope",
    ):
        response = client.get(path, headers=auth)
        assert response.status_code == 404, path
        assert response.json()["code"] == "E010"
    assert client.post("/api/patients/nope/episodes", json={"title": "x"}, headers=auth).status_code == 404
    assert client.post("/api/episodes/nope/assessments", json={"case": {}}, headers=auth).status_code == 404
    score = {"instrument": "nrs", "value": 1, "recorded_on": "2026-01-01"}
    assert client.post("/api/episodes/nope/scores", json=score, headers=auth).status_code == 404
    assert client.post("/api/patients", json={"reference": "DUP"}, headers=auth).status_code == 201
    duplicate = client.post("/api/patients", json={"reference": "DUP"}, headers=auth)
    assert duplicate.status_code == 409
    assert duplicate.json()["code"] == "E011"


@pytest.mark.parametrize(
    ("path", "body", "loc"),
    [
        ("/api/patients", {"year_of_birth": 1800}, ["body", "year_of_birth"]),
        ("/api/patients", {"sex": "robot"}, ["body", "sex"]),
        ("/api/patients", {"name": "Jane Doe"}, ["body", "name"]),
        (
            "EPISODE/scores",
            {"instrument": "odi", "answers": [9] * 10, "recorded_on": "2026-01-01"},
            ["body", "answers"],
        ),
        ("EPISODE/scores", {"instrument": "nrs", "value": 11, "recorded_on": "2026-01-01"}, ["body", "value"]),
        ("EPISODE/scores", {"instrument": "nrs", "value": 1}, ["body", "recorded_on"]),
        ("EPISODE/assessments", {"case": {"age": 3}}, ["body", "case", "age"]),
    ],
)
def test_record_input_errors_are_422(
    setup: tuple[TestClient, RecordStore, dict[str, str]], path: str, body: dict[str, Any], loc: list[Any]
) -> None:
    client, _, auth = setup
    if path.startswith("EPISODE"):
        patient = client.post("/api/patients", json={}, headers=auth).json()
        episode = client.post(f"/api/patients/{patient['id']}/episodes", json={"title": "e"}, headers=auth).json()
        path = path.replace("EPISODE", f"/api/episodes/{episode['id']}")
    response = client.post(path, json=body, headers=auth)
    assert response.status_code == 422
    assert loc in [d["loc"] for d in response.json()["detail"]]
