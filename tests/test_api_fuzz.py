"""Random JSON at the API never makes a 500: bad input is a 4xx with field paths (property tests)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nerveroot.api.app import create_app
from nerveroot.api.settings import Settings
from nerveroot.assessment.case import Case
from nerveroot.interview import default_questions
from nerveroot.records import RecordStore

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SCALARS = st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False, allow_infinity=False)
SCALARS |= st.text(max_size=20) | st.sampled_from(["left", "right", "present", "absent", "unknown", "yes", "l4"])
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
CASE_KEYS = [*Case.model_fields, "text"]
CASE_LIKE = st.dictionaries(st.sampled_from(CASE_KEYS), JSON, max_size=5)
QUESTION_IDS = [q.id for q in default_questions()]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    store = RecordStore(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'records.sqlite3'}")
    token = store.create_token("fuzzer")
    with TestClient(create_app(Settings(access_log=False), store=store)) as c:
        c.headers["Authorization"] = f"Bearer {token}"
        yield c
    store.close()


def check(client: TestClient, path: str, body: Any) -> None:
    response = client.post(path, json=body)
    assert response.status_code < 500, (path, body, response.text)
    if response.status_code == 422:
        assert all(isinstance(d["loc"], list) and d["msg"] for d in response.json()["detail"])


@FUZZ
@given(body=JSON | CASE_LIKE)
def test_assess_never_500(client: TestClient, body: Any) -> None:
    check(client, "/api/assess", body)


@FUZZ
@given(raw=st.binary(max_size=60))
def test_assess_raw_bytes_never_500(client: TestClient, raw: bytes) -> None:
    response = client.post("/api/assess", content=raw, headers={"content-type": "application/json"})
    assert response.status_code < 500


@FUZZ
@given(
    body=st.fixed_dictionaries(
        {},
        optional={
            "case": CASE_LIKE,
            "asked": st.lists(st.sampled_from(QUESTION_IDS) | st.text(max_size=5)),
            "audience": JSON,
        },
    )
)
def test_interview_next_never_500(client: TestClient, body: dict[str, Any]) -> None:
    check(client, "/api/interview/next", body)


@FUZZ
@given(
    body=st.fixed_dictionaries(
        {"question_id": st.sampled_from(QUESTION_IDS) | st.text(max_size=5)},
        optional={"case": CASE_LIKE, "answer": JSON, "side": JSON},
    )
)
def test_interview_answer_never_500(client: TestClient, body: dict[str, Any]) -> None:
    check(client, "/api/interview/answer", body)


@FUZZ
@given(path=st.sampled_from(["/api/instruments/odi", "/api/instruments/startback", "/api/ask"]), body=JSON)
def test_small_endpoints_never_500(client: TestClient, path: str, body: Any) -> None:
    check(client, path, body)


@FUZZ
@given(answers=st.lists(JSON, max_size=11))
def test_instrument_answers_never_500(client: TestClient, answers: list[Any]) -> None:
    check(client, "/api/instruments/odi", {"answers": answers})
    check(client, "/api/instruments/startback", {"answers": answers})


@FUZZ
@given(body=JSON, score=st.dictionaries(st.sampled_from(["instrument", "answers", "value", "recorded_on"]), JSON))
def test_record_writes_never_500(client: TestClient, body: Any, score: dict[str, Any]) -> None:
    check(client, "/api/patients", body)
    patient = client.post("/api/patients", json={}).json()
    episode = client.post(f"/api/patients/{patient['id']}/episodes", json={"title": "fuzz"}).json()
    check(client, f"/api/episodes/{episode['id']}/scores", score)
    check(client, f"/api/episodes/{episode['id']}/assessments", {"case": body})


HAZARDS = st.sampled_from(
    [
        '"\\u0000"',
        '"a\\ud800"',
        '"\\udfff b"',
        "9" * 5000,
        "-" + "1" * 19,
        "1e999",
        "NaN",
        "-Infinity",
        "[" * 2000 + "]" * 2000,
        '{"a": ' * 40 + "1" + "}" * 40,
    ]
)
POST_PATHS = st.sampled_from(
    [
        "/api/assess",
        "/api/interview/next",
        "/api/interview/answer",
        "/api/instruments/odi",
        "/api/ask",
        "/api/patients",
        "/fhir/$assess",
        "/cds-services/nerveroot-patient-view",
    ]
)


@FUZZ
@given(path=POST_PATHS, body=JSON, key=st.sampled_from([*CASE_KEYS, "x"]), hazard=HAZARDS, duplicate=st.booleans())
def test_hostile_json_is_always_a_4xx_naming_the_field(
    client: TestClient, path: str, body: Any, key: str, hazard: str, duplicate: bool
) -> None:
    """NUL, lone surrogates, huge or non-finite numbers, deep nesting and duplicate keys: a 422, never a 500."""
    extra = f', "{key}": {json.dumps(body)}' if duplicate else ""
    raw = f'{{"{key}": {hazard}{extra}}}'
    response = client.post(path, content=raw.encode(), headers={"content-type": "application/json"})
    assert response.status_code == 422, (path, raw[:200], response.text)
    (item,) = response.json()["detail"]
    assert item["loc"][0] == "body" and item["msg"]
