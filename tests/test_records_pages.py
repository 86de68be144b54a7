"""GET /api/patients one page at a time: keyset cursor, a Link to the next page, errors naming the field."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nerveroot.api.app import create_app
from nerveroot.api.settings import Settings
from nerveroot.records import RecordStore
from test_records_support import BACKENDS, fresh_database

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(params=BACKENDS)
def client(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    with fresh_database(request.param, tmp_path) as url:
        store = RecordStore(url)
        token = store.create_token("dr_pages")
        with TestClient(create_app(Settings(access_log=False, static=False), store=store)) as c:
            yield c, {"Authorization": f"Bearer {token}"}
        store.close()


def test_pages_follow_the_link_and_cover_every_patient_once(client: tuple[TestClient, dict[str, str]]) -> None:
    c, auth = client
    made = [c.post("/api/patients", json={"reference": f"P{n}"}, headers=auth).json()["id"] for n in range(7)]
    seen: list[str] = []
    url: str | None = "/api/patients?limit=3"
    pages = 0
    while url:
        response = c.get(url, headers=auth)
        assert response.status_code == 200
        seen += [p["id"] for p in response.json()]
        link = response.headers.get("link")
        url = link.split(">")[0].lstrip("<") if link else None
        pages += 1
    assert seen == made
    assert pages == 3
    assert [p["id"] for p in c.get("/api/patients", headers=auth).json()] == made, "default page holds all 7"


def test_bad_paging_is_refused_naming_the_field(client: tuple[TestClient, dict[str, str]]) -> None:
    c, auth = client
    for query, field in (("limit=0", "limit"), ("limit=1001", "limit"), ("after=", "after")):
        response = c.get(f"/api/patients?{query}", headers=auth)
        assert response.status_code == 422, query
        assert response.json()["detail"][0]["loc"] == ["query", field]
    assert c.get("/api/patients?after=no-such-patient", headers=auth).status_code == 404


def test_episode_pages_follow_the_link_and_cover_every_episode_once(
    client: tuple[TestClient, dict[str, str]],
) -> None:
    c, auth = client
    patient = c.post("/api/patients", json={"reference": "E"}, headers=auth).json()["id"]
    other = c.post("/api/patients", json={"reference": "F"}, headers=auth).json()["id"]
    made = [
        c.post(f"/api/patients/{patient}/episodes", json={"title": f"e{n}"}, headers=auth).json()["id"]
        for n in range(5)
    ]
    foreign = c.post(f"/api/patients/{other}/episodes", json={"title": "x"}, headers=auth).json()["id"]
    seen: list[str] = []
    url: str | None = f"/api/patients/{patient}/episodes?limit=2"
    while url:
        response = c.get(url, headers=auth)
        assert response.status_code == 200
        seen += [e["id"] for e in response.json()]
        link = response.headers.get("link")
        url = link.split(">")[0].lstrip("<") if link else None
    assert seen == made
    assert [e["id"] for e in c.get(f"/api/patients/{patient}/episodes", headers=auth).json()] == made
    assert c.get(f"/api/patients/{patient}/episodes?after={foreign}", headers=auth).status_code == 404
    response = c.get(f"/api/patients/{patient}/episodes?limit=0", headers=auth)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", "limit"]


def test_an_episode_pages_its_assessments_and_scores_each_after_its_own_last_item(
    client: tuple[TestClient, dict[str, str]],
) -> None:
    c, auth = client
    patient = c.post("/api/patients", json={"reference": "G"}, headers=auth).json()["id"]
    episode = c.post(f"/api/patients/{patient}/episodes", json={"title": "sciatica"}, headers=auth).json()["id"]
    case = json.loads((ROOT / "examples" / "runner_l4.json").read_text())
    stored = [
        c.post(f"/api/episodes/{episode}/assessments", json={"case": case}, headers=auth).json()["id"] for _ in range(5)
    ]
    scores = [
        c.post(
            f"/api/episodes/{episode}/scores",
            json={"instrument": "nrs", "value": day, "recorded_on": f"2026-01-0{day}"},
            headers=auth,
        ).json()["id"]
        for day in (3, 1, 2)
    ]
    seen: list[str] = []
    seen_scores: list[str] = []
    url: str | None = f"/api/episodes/{episode}?limit=2"
    pages = 0
    while url:
        response = c.get(url, headers=auth)
        assert response.status_code == 200
        seen += [a["id"] for a in response.json()["assessments"]]
        seen_scores += [s["id"] for s in response.json()["scores"]]
        link = response.headers.get("link")
        url = link.split(">")[0].lstrip("<") if link else None
        pages += 1
    assert seen == stored
    assert seen_scores == [scores[1], scores[2], scores[0]], "by date recorded"
    assert pages == 3
    whole = c.get(f"/api/episodes/{episode}", headers=auth)
    assert "link" not in whole.headers and [a["id"] for a in whole.json()["assessments"]] == stored
    assert c.get(f"/api/episodes/{episode}?after={scores[0]}", headers=auth).status_code == 404
    assert c.get(f"/api/episodes/{episode}?scores_after={stored[0]}", headers=auth).status_code == 404
