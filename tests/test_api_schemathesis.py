"""Schemathesis against the app in process: every documented operation, generated bodies (valid and not), never
a 5xx. Bounded (a few examples per operation) and marked slow; records calls carry an admin token."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from starlette.testclient import TestClient

from nerveroot.api.app import create_app
from nerveroot.api.settings import Settings
from nerveroot.records import RecordStore

_FOLDER = Path(tempfile.mkdtemp(prefix="nerveroot-schemathesis-"))
atexit.register(shutil.rmtree, _FOLDER, ignore_errors=True)
_STORE = RecordStore(f"sqlite:///{_FOLDER / 'records.sqlite3'}")
_TOKEN = _STORE.create_token("schemathesis", role="admin")
APP = create_app(Settings(access_log=False, preload_language=False), store=_STORE)
_LIFESPAN = TestClient(APP)
_LIFESPAN.__enter__()  # start-up: knowledge base and store on app.state for the in-process calls
atexit.register(_LIFESPAN.__exit__, None, None, None)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_operation_answers_5xx(case: schemathesis.Case) -> None:
    response = case.call(headers={"Authorization": f"Bearer {_TOKEN}"})
    assert response.status_code < 500, (case.method, case.path, response.status_code, response.text[:300])
