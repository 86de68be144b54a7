"""The input gate in front of every endpoint, the security headers and the access log's escaping."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from nerveroot.api.app import create_app
from nerveroot.api.gate import MAX_DEPTH, InputGate, Rejected, check_json
from nerveroot.api.settings import Settings
from nerveroot.records import RecordStore

CAP = 64 * 1024
ENDPOINTS = [
    "/api/assess",
    "/api/interview/next",
    "/api/instruments/odi",
    "/api/ask",
    "/api/patients",
    "/cds-services/nerveroot-patient-view",
    "/fhir/$assess",
]
HOSTILE: list[tuple[str, str, list[str | int]]] = [
    ("deep nesting", "[" * 5000 + "]" * 5000, ["body"]),
    ("deep objects", '{"a":' * 1200 + "1" + "}" * 1200, ["body"]),
    ("5,000-digit integer", '{"age": ' + "7" * 5000 + "}", ["body", "age"]),
    ("huge float", '{"age": 1e999}', ["body", "age"]),
    ("NaN", '{"age": NaN}', ["body", "age"]),
    ("lone surrogate", '{"text": "pain \\udc00 in leg"}', ["body", "text"]),
    ("NUL", '{"id": "a\\u0000b"}', ["body", "id"]),
    ("NUL in a key", '{"symptoms": {"x\\u0000": "present"}}', ["body", "symptoms"]),
    (
        "duplicate key",
        '{"red_flags": {"saddle_anaesthesia": "present", "saddle_anaesthesia": "absent"}}',
        ["body", "red_flags", "saddle_anaesthesia"],
    ),
    ("not UTF-8", '{"text": "\xff"}', ["body"]),
    ("truncated", '{"age": ', ["body"]),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RecordStore]:
    with RecordStore(f"sqlite:///{tmp_path_factory.mktemp('gate') / 'records.sqlite3'}") as opened:
        yield opened


@pytest.fixture(scope="module")
def client(store: RecordStore) -> Iterator[TestClient]:
    app = create_app(Settings(access_log=False, max_body_bytes=CAP), store=store)
    with TestClient(app) as c:
        yield c


def _raw(text: str) -> bytes:
    return text.encode("latin-1") if "\xff" in text else text.encode()


@pytest.mark.parametrize(("name", "body", "loc"), HOSTILE, ids=[h[0] for h in HOSTILE])
@pytest.mark.parametrize("path", ENDPOINTS)
def test_hostile_json_is_a_422_naming_the_field(
    client: TestClient, path: str, name: str, body: str, loc: list[str | int]
) -> None:
    response = client.post(path, content=_raw(body), headers={"content-type": "application/json"})
    assert response.status_code == 422, (name, response.text)
    (item,) = response.json()["detail"]
    assert item["loc"] == loc and item["msg"]


def test_the_size_cap_comes_before_auth(client: TestClient, store: RecordStore) -> None:
    body = b"{" + b" " * CAP + b"}"
    declared = client.post("/api/patients", content=body, headers={"content-type": "application/json"})
    assert declared.status_code == 413 and declared.json()["detail"][0]["loc"] == ["body"]
    assert all(e.entity != "patient" for e in store.audit_entries())


def test_a_streamed_body_is_read_only_up_to_the_cap() -> None:
    reached: list[str] = []
    read: list[int] = []
    sent: list[Message] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        reached.append(scope["path"])

    async def receive() -> Message:  # 64 chunks of 8 KiB (512 KiB, eight times the cap), no Content-Length
        read.append(1)
        return {"type": "http.request", "body": b" " * 8192, "more_body": len(read) < 64}

    async def send(message: Message) -> None:
        sent.append(message)

    scope: Scope = {"type": "http", "method": "POST", "path": "/api/patients", "headers": [], "query_string": b""}
    asyncio.run(InputGate(app, max_body_bytes=CAP)(scope, receive, send))
    assert reached == [] and sent[0]["status"] == 413
    assert len(read) == CAP // 8192 + 1  # stopped at the first chunk past the cap


def test_bodies_must_be_json(client: TestClient) -> None:
    response = client.post(
        "/api/assess", content=b"age=40", headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 415 and response.json()["detail"][0]["loc"] == ["header", "content-type"]


@pytest.mark.parametrize("path", ["/api/patients/%00", "/api/kb/search?q=%00", "/api/episodes/a%00b"])
def test_nul_in_paths_and_queries_is_refused(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][0] in {"path", "query"}


def test_unknown_region_ids_are_errors_not_evidence(client: TestClient) -> None:
    case = {
        "sides": ["left"],
        "pain_regions": [{"region": "lateral_leg", "side": "left"}, {"region": "moon", "side": "left"}],
    }
    response = client.post("/api/assess", json=case)
    assert response.status_code == 422
    assert [d["loc"] for d in response.json()["detail"]] == [["body", "pain_regions", 1, "region"]]
    nested = client.post("/api/interview/next", json={"case": {"sensory_regions": [{"region": "x", "side": "right"}]}})
    assert nested.json()["detail"][0]["loc"] == ["body", "case", "sensory_regions", 0, "region"]


def test_depth_limit_is_exact_and_ignores_brackets_in_strings() -> None:
    check_json(("[" * MAX_DEPTH + "]" * MAX_DEPTH).encode())
    check_json(('["' + "[{" * 100 + '"]').encode())
    with pytest.raises(Rejected, match="deeper"):
        check_json(("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)).encode())


def test_security_headers_and_no_store(client: TestClient) -> None:
    for path in ("/health", "/api/kb/search?q=sciatica", "/docs", "/"):
        response = client.get(path)
        assert response.headers["x-content-type-options"] == "nosniff", path
        csp = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert client.get("/api/kb/search?q=sciatica").headers["cache-control"] == "no-store"
    refused = client.post("/api/assess", content=b"{", headers={"content-type": "application/json"})
    assert refused.headers["x-content-type-options"] == "nosniff"


def test_access_log_escapes_control_characters_and_hides_ids(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with (
        RecordStore(f"sqlite:///{tmp_path / 'r.sqlite3'}") as store,
        TestClient(create_app(Settings(access_log=True), store=store)) as c,
        caplog.at_level(logging.INFO),
    ):
        c.get("/nothing%0A2026-01-01 00:00:00 nerveroot.access GET /api/patients 200 1.0ms")
        c.get("/api/patients/0b5e9c4e-1111-4000-8000-000000000000")
    lines = [r.getMessage() for r in caplog.records if r.name == "nerveroot.access"]
    assert len(lines) == 2 and all("\n" not in line for line in lines)
    assert lines[0].startswith("GET /nothing\\x0a2026")
    assert re.fullmatch(r"GET /api/patients/\{patient_id\} 401 \d+\.\dms", lines[1])


def test_api_docs_are_self_hosted(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and "http" not in page.text  # no CDN: every asset is same-origin
    for asset in ("/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css", "/docs/start.js"):
        assert asset in page.text and client.get(asset).status_code == 200, asset
