"""A full or read-only database is a clear 507 or 503 (JSON, Retry-After), never a bare 500; /health says so too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from nerveroot.api.app import create_app
from nerveroot.api.settings import Settings
from nerveroot.records import RecordStore
from test_records_support import BACKENDS, fresh_database


def _on_every_connection(store: RecordStore, statement: str) -> None:
    def run(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(statement)
        cursor.close()
        dbapi_connection.commit()  # PostgreSQL: a SET inside a rolled-back transaction would be undone

    event.listen(store.engine, "connect", run)
    store.engine.dispose()  # reconnect so every pooled connection gets it


@pytest.fixture(params=BACKENDS)
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[TestClient, RecordStore, dict[str, str]]]:
    with fresh_database(request.param, tmp_path) as url, RecordStore(url) as store:
        token = store.create_token("alice")
        with TestClient(create_app(Settings(access_log=False), store=store)) as client:
            yield client, store, {"Authorization": f"Bearer {token}"}


def test_health_proves_the_database_takes_writes(served: tuple[TestClient, RecordStore, dict[str, str]]) -> None:
    client, store, _ = served
    first = client.get("/health")
    assert first.status_code == 200 and first.json()["database"] == store.dialect
    assert client.get("/health").status_code == 200  # the probe row is rewritten, not added


def test_a_read_only_database_is_a_503(served: tuple[TestClient, RecordStore, dict[str, str]]) -> None:
    client, store, auth = served
    read_only = "PRAGMA query_only = ON" if store.dialect == "sqlite" else "SET default_transaction_read_only = on"
    _on_every_connection(store, read_only)
    for response in (client.get("/health"), client.post("/api/patients", json={}, headers=auth)):
        assert response.status_code == 503, response.text
        assert response.json()["code"] == "E020" and "read-only" in response.json()["detail"]
        assert response.headers["retry-after"] == "60"


def test_a_full_sqlite_database_is_a_507(tmp_path: Path) -> None:
    with fresh_database("sqlite", tmp_path) as url, RecordStore(url) as store:
        token = store.create_token("alice")
        with store.engine.connect() as conn:
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
        _on_every_connection(store, f"PRAGMA max_page_count = {pages}")
        with TestClient(create_app(Settings(access_log=False), store=store)) as client:
            auth = {"Authorization": f"Bearer {token}"}
            responses = [client.post("/api/patients", json={"reference": f"R{i:04}"}, headers=auth) for i in range(60)]
            full = [r for r in responses if r.status_code != 201]
            assert full and {r.status_code for r in full} == {507}
            assert "full" in full[0].json()["detail"] and full[0].json()["code"] == "E020"
