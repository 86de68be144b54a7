"""The OpenAPI document matches the committed snapshot (regenerate: python -m nerveroot.api.app --openapi)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from nerveroot.api.app import create_app
from nerveroot.api.settings import Settings

SNAPSHOT = Path(__file__).parent / "data" / "openapi.json"
REGENERATE = "python -m nerveroot.api.app --openapi > tests/data/openapi.json"


def test_openapi_matches_snapshot() -> None:
    served = TestClient(create_app(Settings(access_log=False, static=False))).get("/openapi.json")
    assert served.status_code == 200
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert served.json() == expected, f"the API changed; review the difference, then run: {REGENERATE}"


def test_regeneration_command_prints_the_snapshot() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "nerveroot.api.app", "--openapi"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    assert printed == SNAPSHOT.read_text(encoding="utf-8")


def test_every_contract_path_is_documented() -> None:
    paths = json.loads(SNAPSHOT.read_text(encoding="utf-8"))["paths"]
    for path in (
        "/health",
        "/api/assess",
        "/api/interview/next",
        "/api/interview/answer",
        "/api/ask",
        "/api/kb/roots",
        "/api/kb/roots/{record_id}",
        "/api/kb/search",
        "/api/instruments/odi",
        "/api/instruments/startback",
        "/api/patients",
        "/api/patients/{patient_id}",
        "/api/patients/{patient_id}/episodes",
        "/api/patients/{patient_id}/export",
        "/api/episodes/{episode_id}",
        "/api/episodes/{episode_id}/assessments",
        "/api/episodes/{episode_id}/scores",
    ):
        assert path in paths, path
    secured = paths["/api/patients"]["post"]
    assert secured["security"] == [{"HTTPBearer": []}]
    assert "security" not in paths["/api/assess"]["post"]
