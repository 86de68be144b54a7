"""A stub EHR on loopback (FHIR server + JWKS, RS384/ES384 client JWTs) runs the issue-14 scenario end to end:
data coded as EHRs code it (ICD-10-CM, LOINC, RxNorm), orders coded only by RxNorm or CPT. Every request and
response is checked against the CDS Hooks 2.0 model, every proposed resource against the FHIR R4 JSON Schema."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from fhir.resources.R4B import get_fhir_model_class

from cdshooks_checker import action_resources, check_request, check_response
from ehr_stub import StubEhr, searchset
from fhir_schema import schema_errors
from nerveroot.api import routes_cdshooks, routes_fhir, routes_smart
from nerveroot.api.errors import install
from nerveroot.ehr.config import EhrRuntime, EhrSettings
from nerveroot.ehr.jwt import Issuer
from nerveroot.ehr.services import ORDER_SELECT, ORDER_SIGN, PATIENT_VIEW
from nerveroot.ehr.smart import SmartLauncher
from nerveroot.knowledge.base import KnowledgeBase

BASE = "http://testserver"
TODAY = date(2026, 1, 15)
DATA = Path(__file__).parent / "data" / "cdshooks"
ICD, LOINC, RXNORM, CPT = (
    "http://hl7.org/fhir/sid/icd-10-cm",
    "http://loinc.org",
    "http://www.nlm.nih.gov/research/umls/rxnorm",
    "http://www.ama-assn.org/go/cpt",
)
VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"


def condition(
    cid: str, code: str, verification: str = "confirmed", subject: bool = True, **more: Any
) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Condition",
        "id": cid,
        "clinicalStatus": {"coding": [{"system": CLINICAL, "code": "active"}]},
        "verificationStatus": {"coding": [{"system": VERIFICATION, "code": verification}]},
        "code": {"coding": [{"system": ICD, "code": code}]},
        **more,
    }
    if verification == "entered-in-error":
        del resource["clinicalStatus"]
    if subject:
        resource["subject"] = {"reference": "Patient/p1"}
    return resource


def observation(oid: str, code: str, **value: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": oid,
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": code}]},
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": "2026-01-10",
        **value,
    }


def quantity(value: float, code: str) -> dict[str, Any]:
    return {"valueQuantity": {"value": value, "system": "http://unitsofmeasure.org", "code": code}}


IBUPROFEN = {
    "resourceType": "MedicationRequest",
    "id": "ibu1",
    "status": "draft",
    "intent": "order",
    "medicationCodeableConcept": {"coding": [{"system": RXNORM, "code": "197807"}]},
    "subject": {"reference": "Patient/p1"},
    "dosageInstruction": [
        {
            "text": "800 mg three times a day",
            "timing": {"repeat": {"frequency": 3, "period": 1, "periodUnit": "d"}},
            "doseAndRate": [
                {"doseQuantity": {"value": 800, "unit": "mg", "system": "http://unitsofmeasure.org", "code": "mg"}}
            ],
        }
    ],
}
MRI = {
    "resourceType": "ServiceRequest",
    "id": "mri1",
    "status": "draft",
    "intent": "order",
    "code": {"coding": [{"system": CPT, "code": "72148"}]},
    "subject": {"reference": "Patient/p1"},
}


def scenario(ehr: StubEhr) -> None:
    fhir = ehr.fhir
    ehr.routes["/fhir/Patient/p1"] = {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1952"}
    ehr.routes["/fhir/Condition?patient=p1"] = searchset(
        [
            condition("ckd", "N18.4"),
            condition("ulcer", "K25.4"),
            condition("anticoag", "Z79.01"),
            condition("sciatica", "M54.16", onsetDateTime="2026-01-01"),
            condition("ca-error", "C79.51", "entered-in-error"),
            condition("no-subject", "E11.9", subject=False),
        ],
        fhir,
    )
    ehr.routes["/fhir/Observation?patient=p1"] = searchset(
        [
            observation("egfr", "33914-3", **quantity(22, "mL/min/{1.73_m2}")),
            observation("pain", "72514-3", **quantity(7, "{score}")),
        ],
        fhir,
        next_url=f"{fhir}/Observation?patient=p1&page=2",
    )
    ehr.routes["/fhir/Observation?patient=p1&page=2"] = searchset(
        [observation("wt", "29463-7", **quantity(64, "kg"))], fhir
    )
    ehr.routes["/fhir/MedicationRequest?patient=p1"] = searchset(
        [
            {
                "resourceType": "MedicationRequest",
                "id": "apx1",
                "status": "active",
                "intent": "order",
                "medicationReference": {"reference": "Medication/apx"},
                "subject": {"reference": "Patient/p1"},
                "authoredOn": "2025-06-01",
            }
        ],
        fhir,
        included=[
            {
                "resourceType": "Medication",
                "id": "apx",
                "code": {"coding": [{"system": RXNORM, "code": "1364445", "display": "apixaban 5 MG Oral Tablet"}]},
            }
        ],
    )
    ehr.routes["/fhir/MedicationStatement?patient=p1"] = (
        500,
        {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": "exception", "diagnostics": "statement index offline"}],
        },
    )
    ehr.routes["/fhir/QuestionnaireResponse?patient=p1"] = searchset([], fhir)
    ehr.hang.add("/fhir/AllergyIntolerance")


@pytest.fixture
def ehr() -> Iterator[StubEhr]:
    with StubEhr() as stub:
        scenario(stub)
        yield stub


def app_for(ehr: StubEhr, kb: KnowledgeBase, tmp_path: Path) -> TestClient:
    app = FastAPI()
    install(app)
    app.include_router(routes_cdshooks.router)
    app.include_router(routes_fhir.router)
    app.state.kb = kb
    settings = EhrSettings(
        public_url=BASE,
        issuers=(Issuer(ehr.iss, jwks_url=ehr.jwks_url, fhir_servers=(ehr.fhir.rstrip("/"),)),),
        jurisdiction="US",
    )
    app.state.ehr = EhrRuntime(settings, feedback_url=f"sqlite:///{tmp_path / 'fb.sqlite3'}", today=lambda: TODAY)
    return TestClient(app)


def call(client: TestClient, ehr: StubEhr, service_id: str, body: dict[str, Any], algorithm: str) -> dict[str, Any]:
    assert check_request(body) == []
    path = f"/cds-services/{service_id}"
    response = client.post(path, json=body, headers={"Authorization": f"Bearer {ehr.token(BASE + path, algorithm)}"})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    assert check_response(result) == []
    for resource in action_resources(result):
        assert schema_errors(resource) == []
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return result


def request(ehr: StubEhr, hook: str, **context: Any) -> dict[str, Any]:
    return {
        "hook": hook,
        "hookInstance": str(uuid.uuid4()),
        "fhirServer": ehr.fhir,
        "fhirAuthorization": {
            "access_token": "stub-token",
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": "patient/*.read",
            "subject": "nerveroot",
        },
        "context": {"userId": "Practitioner/dr1", "patientId": "p1", **context},
    }


def test_issue_scenario_ibuprofen_is_critical_and_cpt_only_mri_gets_a_card(
    ehr: StubEhr, kb: KnowledgeBase, tmp_path: Path
) -> None:
    client = app_for(ehr, kb, tmp_path)
    draft = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": IBUPROFEN}, {"resource": MRI}]}
    result = call(client, ehr, ORDER_SIGN, request(ehr, "order-sign", draftOrders=draft), "RS384")
    drug = next(c for c in result["cards"] if "Ibuprofen" in c["summary"])
    assert drug["indicator"] == "critical" and "should not be given" in drug["summary"]
    for factor in ("gi bleed or ulcer", "ckd"):
        assert factor in drug["summary"]
    assert drug["suggestions"][0]["actions"] == [
        {"type": "delete", "description": "Remove the draft Ibuprofen order", "resourceId": "MedicationRequest/ibu1"}
    ]
    mri = next(c for c in result["cards"] if "MRI" in c["summary"])
    assert mri["indicator"] == "warning" and "under 6 weeks" in mri["summary"]  # onset 14 days ago, from M54.16
    [pama] = result["systemActions"]
    assert (
        pama["resource"]["id"] == "mri1"
        and pama["resource"]["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] == "not-appropriate"
    )
    detail = drug["detail"]
    assert "Patient/p1: age 73 (from birth year only, ±1)" in detail
    assert "Condition/ca-error: entered in error" in detail
    assert "Condition/no-subject" in detail and "skipped" in detail  # a bad resource: a warning, not a 422
    assert "Observation/wt: weight 64" in detail  # read from the second page
    assert "MedicationRequest/apx1: apixaban" in detail  # medicationReference resolved through _include
    assert "statements: the FHIR server answered 500: statement index offline" in detail
    assert "allergies: the FHIR server did not answer within 500 ms" in detail
    assert all(token == "Bearer stub-token" for path, token in ehr.seen if path.startswith("/fhir/"))
    queries = [path for path, _ in ehr.seen if path.startswith("/fhir/Observation?patient")]
    assert queries and "category=laboratory" in queries[0] and "_count=100" in queries[0]
    assert "date=ge2024-01-15" in queries[0]  # two years back from the runtime's today


def test_order_select_with_es384_and_patient_view(ehr: StubEhr, kb: KnowledgeBase, tmp_path: Path) -> None:
    client = app_for(ehr, kb, tmp_path)
    draft = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": IBUPROFEN}, {"resource": MRI}]}
    body = request(ehr, "order-select", draftOrders=draft, selections=["ServiceRequest/mri1"])
    result = call(client, ehr, ORDER_SELECT, body, "ES384")
    assert [c["summary"] for c in result["cards"]] and all("Ibuprofen" not in c["summary"] for c in result["cards"])
    view = call(client, ehr, PATIENT_VIEW, request(ehr, "patient-view"), "ES384")
    [card] = view["cards"]
    assert card["links"][0]["type"] == "smart" and json.loads(card["links"][0]["appContext"])["case"]


def _unreachable(_: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("no route to the example server")


@pytest.mark.parametrize(
    ("service_id", "body"),
    [
        (PATIENT_VIEW, json.loads((DATA / "request-patient-view-1.0.json").read_text())),
        (
            ORDER_SELECT,
            {
                "hook": "order-select",
                "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
                **json.loads((DATA / "order-select-context-r4.json").read_text()),
            },
        ),
        (
            ORDER_SIGN,
            {
                "hook": "order-sign",
                "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2eb",
                **json.loads((DATA / "order-sign-context-r4.json").read_text()),
            },
        ),
    ],
)
def test_the_specifications_example_requests_get_valid_cards(
    service_id: str, body: dict[str, Any], kb: KnowledgeBase, tmp_path: Path
) -> None:
    app = FastAPI()
    install(app)
    app.include_router(routes_cdshooks.router)
    app.state.kb = kb
    runtime = EhrRuntime(EhrSettings(public_url=BASE, dev_mode=True), fhir_transport=httpx.MockTransport(_unreachable))
    app.state.ehr = runtime
    assert check_request(body) == []
    response = TestClient(app).post(f"/cds-services/{service_id}", json=body)
    assert response.status_code == 200, response.text
    result = response.json()
    assert check_response(result) == [] and result["cards"]
    for resource in action_resources(result):
        assert schema_errors(resource) == []


def test_smart_ehr_launch_opens_the_case_in_context(ehr: StubEhr, kb: KnowledgeBase, tmp_path: Path) -> None:
    """launch/iss → discovery → authorize with PKCE S256 → code exchange → the patient's record → the page."""
    ehr.routes["/fhir/.well-known/smart-configuration"] = {
        "authorization_endpoint": f"{ehr.url}/auth/authorize",
        "token_endpoint": f"{ehr.url}/auth/token",
        "code_challenge_methods_supported": ["S256"],
        "capabilities": ["launch-ehr", "client-public"],
    }
    ehr.routes["/auth/token"] = {"access_token": "smart-token", "token_type": "Bearer", "patient": "p1", "scope": "x"}
    client = app_for(ehr, kb, tmp_path)
    client.app.include_router(routes_smart.router)  # type: ignore[attr-defined]
    client.app.state.smart = SmartLauncher({ehr.fhir: "nerveroot-app"}, f"{BASE}/smart/callback")  # type: ignore[attr-defined]
    started = client.get("/smart/launch", params={"iss": ehr.fhir, "launch": "xyz"}, follow_redirects=False)
    assert started.status_code == 302
    target = urlparse(started.headers["location"])
    query = {k: v[0] for k, v in parse_qs(target.query).items()}
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{ehr.url}/auth/authorize"
    assert query["launch"] == "xyz" and query["aud"] == ehr.fhir and query["code_challenge_method"] == "S256"
    assert query["client_id"] == "nerveroot-app" and "patient/Observation.read" in query["scope"]
    opened = client.get("/smart/callback", params={"state": query["state"], "code": "c0de"}, follow_redirects=False)
    assert opened.status_code == 302 and opened.headers["location"].startswith(f"{BASE}/#case=")
    [(path, form)] = ehr.posted
    verifier_hash = base64.urlsafe_b64encode(hashlib.sha256(form["code_verifier"].encode()).digest()).rstrip(b"=")
    assert path == "/auth/token" and form["code"] == "c0de" and verifier_hash.decode() == query["code_challenge"]
    encoded = opened.headers["location"].split("#case=", 1)[1]
    case = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    assert case["drug_safety"]["egfr"] == 22 and case["drug_safety"]["gi_bleed_or_ulcer"] == "present"
    assert all(
        token == "Bearer smart-token" for p, token in ehr.seen if p.startswith("/fhir/") and "smart-config" not in p
    )
    replay = client.get("/smart/callback", params={"state": query["state"], "code": "c0de"}, follow_redirects=False)
    assert replay.status_code == 401  # the state is single use
    foreign = client.get("/smart/launch", params={"iss": "https://rogue.example/fhir", "launch": "x"})
    assert foreign.status_code == 401


def test_mri_reason_code_counts_as_a_recorded_red_flag(ehr: StubEhr, kb: KnowledgeBase, tmp_path: Path) -> None:
    """A CPT-only MRI ordered for urinary retention (reasonCode R33.9): the scan fits an urgent red flag."""
    client = app_for(ehr, kb, tmp_path)
    mri = {**MRI, "reasonCode": [{"coding": [{"system": ICD, "code": "R33.9"}]}]}
    draft = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": mri}]}
    result = call(client, ehr, ORDER_SIGN, request(ehr, "order-sign", draftOrders=draft), "ES384")
    [card] = result["cards"]
    assert card["summary"].startswith("Lumbar MRI fits") and "Condition/reason-mri1-0" in card["detail"]
    [pama] = result["systemActions"]
    assert pama["resource"]["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] == "appropriate"
