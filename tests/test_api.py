"""The REST API without records: assess, ask, instruments, interview, knowledge, errors, CORS, logs, web page."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from nerveroot.api.app import create_app, static_dir
from nerveroot.api.settings import Settings
from nerveroot.assessment.assess import assess
from nerveroot.assessment.case import Case
from nerveroot.intake import parse_note
from nerveroot.interview import default_questions
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.qa import ask
from nerveroot.records import RecordStore

VIGNETTES = Path(__file__).parent / "cases" / "vignettes"
NOTE = (
    "45 year old man, 2 weeks of left leg pain down the back of the thigh into the outer foot after lifting. "
    "Ankle jerk absent on the left. SLR positive on the left at 40 degrees. No saddle numbness, no bladder problems."
)


def vignette(file: str, index: int = 0) -> dict[str, Any]:
    case: dict[str, Any] = yaml.safe_load((VIGNETTES / file).read_text(encoding="utf-8"))[index]["case"]
    return case


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    store = RecordStore(f"sqlite:///{tmp_path_factory.mktemp('api') / 'records.sqlite3'}")
    app = create_app(Settings(access_log=False), store=store)
    with TestClient(app) as c:
        yield c
    store.close()


def test_health(client: TestClient, kb: KnowledgeBase) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "kb_version": kb.version, "database": "sqlite"}


def test_assess_case_matches_the_cli_json(client: TestClient, kb: KnowledgeBase) -> None:
    case = vignette("roots_l5.yaml")
    response = client.post("/api/assess?form=full", json=case)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == assess(Case.model_validate(case), kb).model_dump(mode="json")
    assert "findings" not in response.json()


def test_assess_note_adds_findings(client: TestClient, kb: KnowledgeBase) -> None:
    response = client.post("/api/assess?form=full", json={"text": NOTE})
    assert response.status_code == 200
    body = response.json()
    intake = parse_note(NOTE, kb, today=date.today())
    assert body["levels"] == assess(intake.case, kb).model_dump(mode="json")["levels"]
    assert body["findings"], "the note's findings are returned"
    assert {f["id"] for f in body["findings"]} == {f.id for f in intake.findings}
    assert set(body["findings"][0]) == {"id", "status", "text_span", "side", "value", "qualifier"}
    assert all(f["text_span"] in NOTE for f in body["findings"])


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"age": 5}, ["body", "age"]),
        ({"sides": ["up"]}, ["body", "sides", 0]),
        ({"red_flags": {"saddle_anaesthesia": "maybe"}}, ["body", "red_flags", "saddle_anaesthesia"]),
        ({"red_flags": {"not_a_flag": "present"}}, ["body", "red_flags"]),
        ({"strength": [{"movement": "knee_extension", "side": "left", "grade": 7}]}, ["body", "strength", 0, "grade"]),
        ({"colour": "blue"}, ["body", "colour"]),
        ({"text": "   "}, ["body", "text"]),
        ({"text": 42}, ["body", "text"]),
        ([1, 2], ["body"]),
    ],
)
def test_assess_invalid_input_is_422_with_field_path(client: TestClient, body: Any, loc: list[Any]) -> None:
    response = client.post("/api/assess", json=body)
    assert response.status_code == 422
    assert loc in [d["loc"] for d in response.json()["detail"]]
    assert all(d["msg"] for d in response.json()["detail"])


def test_assess_broken_json_is_422(client: TestClient) -> None:
    response = client.post("/api/assess", content=b'{"age": 40,', headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body"]
    assert response.json()["detail"][0]["type"] == "json_invalid"


def test_validation_errors_do_not_echo_input(client: TestClient) -> None:
    response = client.post("/api/assess", json={"id": "x", "age": 999})
    assert "999" not in response.text
    assert set(response.json()["detail"][0]) == {"loc", "msg", "type"}


def test_ask_matches_library(client: TestClient, kb: KnowledgeBase) -> None:
    question = "What is the maximum daily dose of naproxen?"
    response = client.post("/api/ask", json={"question": question})
    assert response.status_code == 200
    assert response.json() == ask(question, kb).model_dump(mode="json")
    assert response.json()["references"]


def test_ask_needs_a_question(client: TestClient) -> None:
    response = client.post("/api/ask", json={"question": ""})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "question"]


def test_odi_scores(client: TestClient) -> None:
    response = client.post("/api/instruments/odi", json={"answers": [2, 2, 2, 2, 2, 2, 2, 2, None, None]})
    assert response.status_code == 200
    assert response.json()["percent"] == 40.0
    assert response.json()["answered"] == 8
    assert response.json()["band"] == "moderate disability"


@pytest.mark.parametrize(
    ("answers", "loc"),
    [
        ([0, 0, 0, 9, 0, 0, 0, 0, 0, 0], ["body", "answers", 3]),
        ([0, 0, 0, True, 0, 0, 0, 0, 0, 0], ["body", "answers", 3]),
        ([0] * 9, ["body", "answers"]),
        ([0, 0, 0, 0, 0, 0, 0, None, None, None], ["body", "answers"]),
    ],
)
def test_odi_invalid_names_the_item(client: TestClient, answers: list[Any], loc: list[Any]) -> None:
    response = client.post("/api/instruments/odi", json={"answers": answers})
    assert response.status_code == 422
    assert loc in [d["loc"] for d in response.json()["detail"]]


def test_startback_scores_and_names_bad_items(client: TestClient) -> None:
    response = client.post("/api/instruments/startback", json={"answers": [1, 1, 0, 0, 1, 1, 1, 0, 4]})
    assert response.status_code == 200
    assert response.json()["total"] == 6
    assert response.json()["distress"] == 4
    assert response.json()["group"] == "high"
    bad = client.post("/api/instruments/startback", json={"answers": [0, 0, 2, 0, 0, 0, 0, 0, 0]})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "answers", 2]


def test_interview_starts_with_red_flags(client: TestClient) -> None:
    response = client.post("/api/interview/next", json={"case": {}, "asked": [], "audience": "patient"})
    assert response.status_code == 200
    body = response.json()
    assert body["phase"] == "red_flag"
    assert body["question"]["kind"] == "red_flag"
    assert body["question"]["wording"] == body["question"]["patient"]
    assert "yes" in body["question"]["choices"]
    assert body["outcome"]["complete"] is False
    assert body["outcome"]["act_on"] == "routine"


def test_interview_answer_then_next(client: TestClient) -> None:
    first = client.post("/api/interview/next", json={"audience": "clinician"}).json()
    qid = first["question"]["id"]
    assert first["question"]["wording"] == first["question"]["clinician"]
    answered = client.post("/api/interview/answer", json={"case": {}, "question_id": qid, "answer": "no"})
    assert answered.status_code == 200
    case = answered.json()["case"]
    target = first["question"]["target"]
    assert case["red_flags"][target] == "absent"
    second = client.post("/api/interview/next", json={"case": case, "asked": [qid], "audience": "clinician"}).json()
    assert second["question"]["id"] != qid


def test_interview_emergency_stops(client: TestClient) -> None:
    case = {"red_flags": {"saddle_anaesthesia": "present", "bladder_dysfunction": "present"}, "sides": ["left"]}
    body = client.post("/api/interview/next", json={"case": case}).json()
    assert body["question"] is None
    assert body["phase"] == "done"
    assert body["outcome"]["triage"]["level"] == "emergency"


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"question_id": "no_such_question", "answer": "yes"}, ["body", "question_id"]),
        ({"question_id": "rf_saddle", "answer": "perhaps on Tuesdays"}, ["body", "answer"]),
        ({"question_id": "rf_saddle"}, ["body", "answer"]),
        ({"question_id": "rf_saddle", "answer": "yes", "side": "middle"}, ["body", "side"]),
    ],
)
def test_interview_answer_errors(client: TestClient, body: dict[str, Any], loc: list[Any]) -> None:
    response = client.post("/api/interview/answer", json=body)
    assert response.status_code == 422
    assert loc in [d["loc"] for d in response.json()["detail"]]


def test_interview_body_map_needs_a_side(client: TestClient) -> None:
    pain_map = next(q.id for q in default_questions() if q.kind == "pain_map")
    unsided = client.post("/api/interview/answer", json={"question_id": pain_map, "answer": ["anterior_thigh"]})
    assert unsided.status_code == 422
    assert unsided.json()["detail"][0]["loc"] == ["body", "side"]
    sided = client.post(
        "/api/interview/answer", json={"question_id": pain_map, "answer": ["anterior_thigh"], "side": "left"}
    )
    assert sided.status_code == 200
    assert sided.json()["case"]["pain_regions"] == [{"region": "anterior_thigh", "side": "left"}]
    unknown = client.post(
        "/api/interview/answer", json={"question_id": pain_map, "answer": ["elbow_of_doom"], "side": "left"}
    )
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["body", "answer"]


@pytest.mark.parametrize(
    "kind",
    [
        "roots",
        "body_regions",
        "findings",
        "conditions",
        "tests",
        "treatments",
        "drugs",
        "red_flags",
        "prevention",
        "faqs",
        "instruments",
    ],
)
def test_kb_lists_and_gets(client: TestClient, kb: KnowledgeBase, kind: str) -> None:
    listed = client.get(f"/api/kb/{kind}")
    assert listed.status_code == 200
    assert [r["id"] for r in listed.json()] == list(kb.entities[kind])
    first = next(iter(kb.entities[kind].values()))
    one = client.get(f"/api/kb/{kind}/{first.id}")
    assert one.status_code == 200
    assert one.json() == first.model_dump(mode="json")
    assert client.get(f"/api/kb/{kind}/no_such_record").status_code == 404


def test_kb_unknown_kind_is_404(client: TestClient) -> None:
    assert client.get("/api/kb/triage_secrets").status_code == 404


def test_kb_search(client: TestClient) -> None:
    response = client.get("/api/kb/search", params={"q": "sciatica"})
    assert response.status_code == 200
    hits = response.json()
    assert hits and set(hits[0]) == {"kind", "id", "name"}
    for hit in hits:
        assert client.get(f"/api/kb/{hit['kind']}/{hit['id']}").status_code == 200
    assert client.get("/api/kb/search", params={"q": ""}).status_code == 422
    assert client.get("/api/kb/search").json()["detail"][0]["loc"] == ["query", "q"]


def test_cors_off_by_default(client: TestClient) -> None:
    response = client.get("/health", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in response.headers
    preflight = client.options(
        "/api/assess", headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"}
    )
    assert "access-control-allow-origin" not in preflight.headers


def test_cors_explicit_origins(tmp_path: Path) -> None:
    store = RecordStore(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    app = create_app(Settings(access_log=False, cors_origins=("https://ehr.example",)), store=store)
    with TestClient(app) as c:
        allowed = c.get("/health", headers={"Origin": "https://ehr.example"})
        other = c.get("/health", headers={"Origin": "https://evil.example"})
    store.close()
    assert allowed.headers["access-control-allow-origin"] == "https://ehr.example"
    assert "access-control-allow-origin" not in other.headers


def test_access_log_has_path_only(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    store = RecordStore(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    with TestClient(create_app(Settings(access_log=True), store=store)) as c, caplog.at_level(logging.INFO):
        c.post("/api/assess", json={"id": "secret-case", "age": 61, "sides": ["left"]})
        c.get("/api/kb/search", params={"q": "private words"})
    store.close()
    lines = [r.getMessage() for r in caplog.records if r.name == "nerveroot.access"]
    assert len(lines) == 2
    assert re.fullmatch(r"POST /api/assess 200 \d+\.\dms", lines[0])
    assert re.fullmatch(r"GET /api/kb/search 200 \d+\.\dms", lines[1])
    text = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("httpx"))  # the test client
    assert "secret-case" not in text and "private" not in text


def test_web_page_is_served_last(client: TestClient) -> None:
    folder = static_dir()
    if folder is None or not (folder / "index.html").is_file():
        assert client.get("/").status_code == 404
        return
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert client.get("/health").json()["status"] == "ok"  # the API still wins over the mount


def test_openapi_bodies_are_typed(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assess_body = schema["paths"]["/api/assess"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    refs = {item["$ref"].rsplit("/", 1)[1] for item in assess_body["oneOf"]}
    assert refs <= set(schema["components"]["schemas"]) and "NoteIn" in refs
    assert json.dumps(schema).count("x-nerveroot") == 0
