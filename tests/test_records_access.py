"""Users, roles, care teams and patient grants over HTTP: cross-user reads refused and every attempt audited."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from nerveroot.api.app import create_app
from nerveroot.api.settings import Settings
from nerveroot.errors import ConflictError, InputValidationError
from nerveroot.records import RecordStore
from nerveroot.records.tables import TokenRow, utcnow
from test_records_support import BACKENDS, fresh_database

SCORE = {"instrument": "nrs", "value": 4, "recorded_on": "2026-01-02"}


@pytest.fixture(params=BACKENDS)
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[TestClient, RecordStore, dict[str, str]]]:
    """Two clinicians in different care teams, a colleague of the first, an integration and an admin."""
    with fresh_database(request.param, tmp_path) as url, RecordStore(url) as store:
        tokens = {
            "alice": store.create_token("alice"),
            "bob": store.create_token("bob"),
            "carol": store.create_token("carol"),
            "feed": store.create_token("feed", role="integration"),
            "root": store.create_token("root", role="admin"),
        }
        store.add_to_team("ward-7", "alice")
        store.add_to_team("ward-7", "carol")
        store.add_to_team("clinic-2", "bob")
        with TestClient(create_app(Settings(access_log=False), store=store)) as client:
            yield client, store, tokens


def _as(tokens: dict[str, str], name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[name]}"}


def _patient_with_episode(client: TestClient, headers: dict[str, str]) -> tuple[str, str]:
    patient = client.post("/api/patients", json={"sex": "female"}, headers=headers).json()["id"]
    episode = client.post(f"/api/patients/{patient}/episodes", json={"title": "Left leg"}, headers=headers).json()["id"]
    return patient, episode


def test_cross_user_reads_and_writes_are_refused_and_audited(
    world: tuple[TestClient, RecordStore, dict[str, str]],
) -> None:
    client, store, tokens = world
    patient, episode = _patient_with_episode(client, _as(tokens, "alice"))
    bob = _as(tokens, "bob")
    attempts = [
        client.get(f"/api/patients/{patient}", headers=bob),
        client.get(f"/api/patients/{patient}/episodes", headers=bob),
        client.get(f"/api/patients/{patient}/export", headers=bob),
        client.get(f"/api/episodes/{episode}", headers=bob),
        client.post(f"/api/patients/{patient}/episodes", json={"title": "x"}, headers=bob),
        client.post(f"/api/episodes/{episode}/scores", json=SCORE, headers=bob),
        client.post(f"/api/episodes/{episode}/assessments", json={"case": {}}, headers=bob),
    ]
    assert [r.status_code for r in attempts] == [403] * len(attempts)
    assert {r.json()["code"] for r in attempts} == {"E013"}
    assert client.get("/api/patients", headers=bob).json() == []
    denied = [e for e in store.audit_entries(limit=1000) if e.actor == "bob" and e.outcome == "denied"]
    assert len(denied) == len(attempts)
    assert {e.entity_id for e in denied} <= {patient, episode}


def test_care_team_members_and_admins_reach_the_patient(world: tuple[TestClient, RecordStore, dict[str, str]]) -> None:
    client, store, tokens = world
    patient, episode = _patient_with_episode(client, _as(tokens, "alice"))
    for name in ("alice", "carol", "root"):  # creator, a colleague in ward-7, an admin
        assert client.get(f"/api/episodes/{episode}", headers=_as(tokens, name)).status_code == 200, name
        assert [p["id"] for p in client.get("/api/patients", headers=_as(tokens, name)).json()] == [patient], name
    assert client.get(f"/api/patients/{patient}", headers=_as(tokens, "bob")).status_code == 403
    store.grant(patient, user="bob")
    assert client.get(f"/api/patients/{patient}", headers=_as(tokens, "bob")).status_code == 200
    assert client.post(f"/api/episodes/{episode}/scores", json=SCORE, headers=_as(tokens, "bob")).status_code == 201


def test_integrations_write_their_own_patients_but_never_export(
    world: tuple[TestClient, RecordStore, dict[str, str]],
) -> None:
    client, _, tokens = world
    feed = _as(tokens, "feed")
    patient, episode = _patient_with_episode(client, feed)
    assert client.post(f"/api/episodes/{episode}/scores", json=SCORE, headers=feed).status_code == 201
    assert client.get(f"/api/patients/{patient}/export", headers=feed).status_code == 403
    other, _ = _patient_with_episode(client, _as(tokens, "alice"))
    assert client.get(f"/api/patients/{other}", headers=feed).status_code == 403


def test_expired_and_revoked_tokens_are_refused_and_audited(
    world: tuple[TestClient, RecordStore, dict[str, str]],
) -> None:
    client, store, tokens = world
    assert client.get("/api/patients", headers=_as(tokens, "alice")).status_code == 200
    with store.engine.begin() as conn:
        conn.execute(
            update(TokenRow).where(TokenRow.name == "alice").values(expires_at=utcnow() - timedelta(seconds=1))
        )
    expired = client.get("/api/patients", headers=_as(tokens, "alice"))
    assert expired.status_code == 401 and expired.json()["code"] == "E012"
    store.revoke_tokens("bob")
    assert client.get("/api/patients", headers=_as(tokens, "bob")).status_code == 401
    refusals = [(e.actor, e.action) for e in store.audit_entries(limit=1000) if e.outcome == "denied"]
    assert ("alice", "authenticate") in refusals  # the expired token's user is named
    assert ("(no valid token)", "authenticate") in refusals


def test_user_names_are_unique_and_tokens_expire(world: tuple[TestClient, RecordStore, dict[str, str]]) -> None:
    _, store, _ = world
    with pytest.raises(ConflictError):
        store.create_user("alice", "admin")
    with pytest.raises(InputValidationError):
        store.create_user("x\nforged line", "clinician")
    with pytest.raises(InputValidationError):
        store.create_token("alice", days=0)
    users = {u.name: (u.role, u.teams) for u in store.list_users()}
    assert users["alice"] == ("clinician", ["ward-7"]) and users["root"] == ("admin", [])
    second = store.create_token("alice", days=1)  # a second token for the same user, not a second "alice"
    assert store.authenticate(second) == "alice" and len(store.list_users()) == len(users)
    expiry = {t.name: t.expires_at - t.created_at for t in store.list_tokens()}
    assert expiry["bob"] == timedelta(days=90)
