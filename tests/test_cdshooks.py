"""CDS Hooks: spec examples against the typed models, JWT checks, and a scripted EHR session."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from jwt.algorithms import RSAAlgorithm
from pydantic import ValidationError

from nerveroot.api import routes_cdshooks, routes_fhir
from nerveroot.api.errors import install
from nerveroot.ehr.cards import Card, CdsRequest, CdsResponse, Discovery, FeedbackRequest
from nerveroot.ehr.config import EhrRuntime, EhrSettings
from nerveroot.ehr.jwt import Issuer, JwtVerifier, issuers_from_json
from nerveroot.ehr.services import ORDER_SELECT, ORDER_SIGN, PATIENT_VIEW, PREFETCH
from nerveroot.errors import AuthError, PrefetchMissingError
from nerveroot.knowledge.base import KnowledgeBase

DATA = Path(__file__).parent / "data" / "cdshooks"
BASE = "http://testserver"
ISS = "https://ehr.example.org/"
TODAY = date(2026, 1, 15)


def spec(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


async def _precondition_failed(_: Request, exc: Exception) -> JSONResponse:
    """The 412 mapping asked of nerveroot/api/errors.py, mirrored here so these tests stand alone."""
    assert isinstance(exc, PrefetchMissingError)
    return JSONResponse({"detail": str(exc), "code": exc.code}, status_code=412)


def make_app(tmp_path: Path, kb: KnowledgeBase, settings: EhrSettings, **runtime: Any) -> FastAPI:
    app = FastAPI()
    install(app)
    app.add_exception_handler(PrefetchMissingError, _precondition_failed)
    app.include_router(routes_cdshooks.router)
    app.include_router(routes_fhir.router)
    app.state.kb = kb
    app.state.ehr = EhrRuntime(
        settings, feedback_url=f"sqlite:///{tmp_path / 'feedback.sqlite3'}", today=lambda: TODAY, **runtime
    )
    return app


# ---------------------------------------------------------------- spec examples


def test_discovery_example_round_trips() -> None:
    example = spec("discovery-1.0.json")
    assert Discovery.model_validate(example).to_json() == example


@pytest.mark.parametrize("name", ["response-1.0.json", "response-2.0.json"])
def test_response_examples_round_trip(name: str) -> None:
    example = spec(name)
    assert CdsResponse.model_validate(example).to_json() == example


def test_request_example_parses_with_context_and_prefetch() -> None:
    request = CdsRequest.model_validate(spec("request-patient-view-1.0.json"))
    assert request.hook == "patient-view"
    assert request.context["patientId"] == "1288992"
    assert request.fhirAuthorization is not None and request.fhirAuthorization.token_type == "Bearer"
    assert request.prefetch is not None and request.prefetch["patientToGreet"]["birthDate"] == "1925-12-23"


@pytest.mark.parametrize(
    "name", ["feedback-accepted-2.0.json", "feedback-overridden-2.0.json", "feedback-override-reason-2.0.json"]
)
def test_feedback_examples_parse(name: str) -> None:
    parsed = FeedbackRequest.model_validate(spec(name))
    assert parsed.to_json() == spec(name)


def test_card_rules_from_the_specification() -> None:
    source = {"label": "NICE"}
    with pytest.raises(ValidationError, match=r"at most 139"):
        Card(summary="x" * 140, indicator="info", source=source)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Card.model_validate({"summary": "s", "indicator": "success", "source": source})
    with pytest.raises(ValidationError, match="selectionBehavior"):
        Card.model_validate({"summary": "s", "indicator": "info", "source": source, "suggestions": [{"label": "a"}]})
    with pytest.raises(ValidationError, match="display"):
        Card.model_validate({"summary": "s", "indicator": "info", "source": source, "overrideReasons": [{"code": "a"}]})
    with pytest.raises(ValidationError, match="acceptedSuggestions"):
        FeedbackRequest.model_validate({"feedback": [{"card": "c", "outcome": "accepted", "outcomeTimestamp": "t"}]})


# ---------------------------------------------------------------- JWT


class Keys:
    def __init__(self) -> None:
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(RSAAlgorithm.to_jwk(self.private.public_key()))
        self.jwks = {"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS384"}]}

    def token(self, aud: str, **claims: Any) -> str:
        now = int(time.time())
        payload = {"iss": ISS, "aud": aud, "iat": now, "exp": now + 300, "jti": str(uuid.uuid4()), **claims}
        return jwt.encode(payload, self.private, algorithm="RS384", headers={"kid": "k1", "typ": "JWT"})


@pytest.fixture(scope="module")
def keys() -> Keys:
    return Keys()


def test_verifier_accepts_a_valid_token_once(keys: Keys) -> None:
    verifier = JwtVerifier((Issuer(ISS, jwks=keys.jwks),))
    token = keys.token(f"{BASE}/cds-services")
    assert verifier.verify(token, f"{BASE}/cds-services")["iss"] == ISS
    with pytest.raises(AuthError, match="already been used"):
        verifier.verify(token, f"{BASE}/cds-services")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda k: k.token(f"{BASE}/cds-services/other"), "(?i)audience"),
        (lambda k: k.token(f"{BASE}/cds-services", iss="https://rogue.example/"), "allow-list"),
        (lambda k: k.token(f"{BASE}/cds-services", exp=int(time.time()) - 3600), "(?i)expired"),
        (lambda k: jwt.encode({"iss": ISS}, "secret-secret-secret-secret-32by", algorithm="HS256"), "not accepted"),
        (lambda k: "not.a.jwt", "well-formed"),
    ],
)
def test_verifier_rejects(keys: Keys, make: Callable[[Keys], str], message: str) -> None:
    verifier = JwtVerifier((Issuer(ISS, jwks=keys.jwks),))
    with pytest.raises(AuthError, match=message):
        verifier.verify(make(keys), f"{BASE}/cds-services")


def test_verifier_rejects_missing_jti_and_foreign_key(keys: Keys) -> None:
    verifier = JwtVerifier((Issuer(ISS, jwks=keys.jwks),))
    now = int(time.time())
    no_jti = jwt.encode(
        {"iss": ISS, "aud": BASE, "iat": now, "exp": now + 60}, keys.private, "RS384", headers={"kid": "k1"}
    )
    with pytest.raises(AuthError, match="jti"):
        verifier.verify(no_jti, BASE)
    other = Keys()
    forged = jwt.encode(
        {"iss": ISS, "aud": BASE, "iat": now, "exp": now + 60, "jti": "x"},
        other.private,
        "RS384",
        headers={"kid": "k1"},
    )
    with pytest.raises(AuthError, match="Signature"):
        verifier.verify(forged, BASE)


def test_jwks_fetched_from_the_issuer_url_and_jku_checked(keys: Keys) -> None:
    fetched: list[str] = []

    def fetch(url: str) -> dict[str, Any]:
        fetched.append(url)
        return keys.jwks

    verifier = JwtVerifier(issuers_from_json(json.dumps({ISS: "https://ehr.example.org/jwks"})), fetch=fetch)
    assert verifier.verify(keys.token(BASE), BASE)["iss"] == ISS
    assert fetched == ["https://ehr.example.org/jwks"]
    now = int(time.time())
    bad_jku = jwt.encode(
        {"iss": ISS, "aud": BASE, "iat": now, "exp": now + 60, "jti": "j"},
        keys.private,
        "RS384",
        headers={"kid": "k1", "jku": "https://attacker.example/jwks"},
    )
    with pytest.raises(AuthError, match="jku"):
        verifier.verify(bad_jku, BASE)


def test_endpoints_need_a_valid_jwt_unless_dev_mode(tmp_path: Path, kb: KnowledgeBase, keys: Keys) -> None:
    secured = TestClient(make_app(tmp_path, kb, EhrSettings(public_url=BASE, issuers=(Issuer(ISS, jwks=keys.jwks),))))
    assert secured.get("/cds-services").status_code == 401
    auth = {"Authorization": f"Bearer {keys.token(f'{BASE}/cds-services')}"}
    assert secured.get("/cds-services", headers=auth).status_code == 200
    wrong_aud = {"Authorization": f"Bearer {keys.token(f'{BASE}/cds-services/{PATIENT_VIEW}')}"}
    assert secured.get("/cds-services", headers=wrong_aud).status_code == 401
    nobody = TestClient(make_app(tmp_path, kb, EhrSettings(public_url=BASE)))
    assert nobody.get("/cds-services", headers={"Authorization": "Bearer x.y.z"}).status_code == 401
    dev = TestClient(make_app(tmp_path, kb, EhrSettings(public_url=BASE, dev_mode=True)))
    assert dev.get("/cds-services").status_code == 200


# ---------------------------------------------------------------- the scripted EHR session


def bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": r} for r in resources]}


def finding(oid: str, key: str, present: bool) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": oid,
        "status": "final",
        "code": {"coding": [{"system": "https://nerveroot.example/fhir/CodeSystem/finding", "code": key}]},
        "subject": {"reference": "Patient/p1"},
        "valueBoolean": present,
    }


def intake_response(answers: dict[str, str], days: int) -> dict[str, Any]:
    items = [
        {
            "linkId": link,
            "answer": [{"valueCoding": {"system": "https://nerveroot.example/fhir/CodeSystem/answer", "code": c}}],
        }
        for link, c in answers.items()
    ]
    items.append({"linkId": "fact_duration", "answer": [{"valueInteger": days}]})
    return {
        "resourceType": "QuestionnaireResponse",
        "id": "qr1",
        "questionnaire": "https://nerveroot.example/fhir/Questionnaire/nerveroot-intake",
        "status": "completed",
        "subject": {"reference": "Patient/p1"},
        "item": items,
    }


PATIENT = {"resourceType": "Patient", "id": "p1", "gender": "male", "birthDate": "1981-03-02"}


def hook(name: str, prefetch: dict[str, Any] | None, **context: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "hook": name,
        "hookInstance": str(uuid.uuid4()),
        "context": {"userId": "Practitioner/dr1", "patientId": "p1", **context},
    }
    if prefetch is not None:
        body["prefetch"] = prefetch
    return body


def ces_prefetch() -> dict[str, Any]:
    return {
        "patient": PATIENT,
        "conditions": None,
        "observations": bundle(finding("o1", "saddle_anaesthesia", True), finding("o2", "bladder_dysfunction", True)),
        "questionnaireResponses": bundle(intake_response({"fact_sides": "both"}, 2)),
    }


def sciatica_prefetch(days: int = 14) -> dict[str, Any]:
    answers = {
        "fact_sides": "left",
        "rf_saddle": "no",
        "rf_bladder": "no",
        "rf_bowel": "no",
        "rf_fever": "no",
        "rf_weight": "no",
        "rf_progressive": "no",
        "hx_cancer": "no",
        "sx_leg_worse": "yes",
        "pain-lateral_leg": "left",
    }
    return {
        "patient": PATIENT,
        "conditions": None,
        "observations": None,
        "questionnaireResponses": bundle(intake_response(answers, days)),
    }


MRI = {
    "resourceType": "ServiceRequest",
    "id": "mri1",
    "status": "draft",
    "intent": "order",
    "code": {"text": "MRI lumbar spine without contrast"},
    "subject": {"reference": "Patient/p1"},
}


def test_scripted_ehr_session(tmp_path: Path, kb: KnowledgeBase, keys: Keys) -> None:
    app = make_app(tmp_path, kb, EhrSettings(public_url=BASE, issuers=(Issuer(ISS, jwks=keys.jwks),)))
    client = TestClient(app)

    def auth(path: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {keys.token(BASE + path)}"}

    # 1. discovery
    services = client.get("/cds-services", headers=auth("/cds-services")).json()["services"]
    assert {s["id"]: s["hook"] for s in services} == {
        PATIENT_VIEW: "patient-view",
        ORDER_SELECT: "order-select",
        ORDER_SIGN: "order-sign",
    }
    assert all(s["prefetch"] == PREFETCH for s in services)

    # 2. patient-view for a cauda equina presentation → one critical card
    path = f"/cds-services/{PATIENT_VIEW}"
    response = client.post(path, json=hook("patient-view", ces_prefetch()), headers=auth(path))
    assert response.status_code == 200, response.text
    card = CdsResponse.model_validate(response.json()).cards[0]
    assert card.indicator == "critical"
    assert len(card.summary) < 140 and "auda equina" in card.summary
    assert card.source.url and card.source.url.startswith("https://")
    assert card.links and card.links[0].type == "smart" and card.links[0].url == f"{BASE}/smart/launch"
    assert card.links[0].appContext and json.loads(card.links[0].appContext)["case"]
    assert card.uuid

    # 3. order-select: MRI for a 2-week uncomplicated sciatica → imaging card with the guideline
    path = f"/cds-services/{ORDER_SELECT}"
    body = hook(
        "order-select",
        sciatica_prefetch(),
        selections=["ServiceRequest/mri1"],
        draftOrders={"resourceType": "Bundle", "type": "collection", "entry": [{"resource": MRI}]},
    )
    response = client.post(path, json=body, headers=auth(path))
    assert response.status_code == 200, response.text
    (mri_card,) = CdsResponse.model_validate(response.json()).cards
    assert mri_card.indicator == "warning"
    assert "6 weeks" in mri_card.summary and "NICE" in mri_card.summary
    assert mri_card.source.url == "https://www.nice.org.uk/guidance/ng59"
    assert mri_card.suggestions and mri_card.suggestions[0].actions
    assert mri_card.suggestions[0].actions[0].resourceId == "ServiceRequest/mri1"
    assert mri_card.selectionBehavior == "at-most-one" and mri_card.overrideReasons

    # 4. feedback: the clinician overrides the MRI card with a reason, and accepts the patient-view card
    reason = mri_card.overrideReasons[1]
    assert mri_card.uuid and card.uuid and mri_card.suggestions[0].uuid
    feedback = {
        "feedback": [
            {
                "card": mri_card.uuid,
                "outcome": "overridden",
                "overrideReason": {"reason": reason.to_json(), "userComment": "Pain clinic asked for it"},
                "outcomeTimestamp": "2026-01-15T10:05:31Z",
            }
        ]
    }
    path = f"/cds-services/{ORDER_SELECT}/feedback"
    response = client.post(path, json=feedback, headers=auth(path))
    assert response.status_code == 200 and response.json() == {"stored": 1}

    # 5. read the stored outcome back
    runtime: EhrRuntime = app.state.ehr
    (stored,) = runtime.feedback().list(card=mri_card.uuid)
    assert (stored.outcome, stored.override_code, stored.user_comment) == (
        "overridden",
        reason.code,
        "Pain clinic asked for it",
    )
    assert stored.override_display == reason.display and stored.client == ISS and stored.service_id == ORDER_SELECT


def dev_client(tmp_path: Path, kb: KnowledgeBase, **runtime: Any) -> TestClient:
    return TestClient(make_app(tmp_path, kb, EhrSettings(public_url=BASE, dev_mode=True), **runtime))


def test_missing_prefetch_without_fhir_server_is_named_on_the_card(tmp_path: Path, kb: KnowledgeBase) -> None:
    """Part of the record missing: a card from what could be read, naming what could not; nothing at all: 412."""
    client = dev_client(tmp_path, kb)
    prefetch = ces_prefetch()
    del prefetch["observations"]
    response = client.post(f"/cds-services/{PATIENT_VIEW}", json=hook("patient-view", prefetch))
    assert response.status_code == 200
    assert "observations: not prefetched and no fhirServer given" in response.json()["cards"][0]["detail"]
    nothing = client.post(f"/cds-services/{PATIENT_VIEW}", json=hook("patient-view", None))
    assert nothing.status_code == 412 and "observations" in nothing.json()["detail"]


def test_missing_prefetch_is_fetched_from_the_fhir_server(tmp_path: Path, kb: KnowledgeBase) -> None:
    calls: list[tuple[str, str | None]] = []
    full = ces_prefetch()

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append((str(request.url), request.headers.get("authorization")))
        return httpx.Response(200, json=full["observations"])

    client = dev_client(tmp_path, kb, fhir_transport=httpx.MockTransport(answer))
    body = hook("patient-view", {k: v for k, v in full.items() if k != "observations"})
    body["fhirServer"] = "https://ehr.example.org/fhir"
    body["fhirAuthorization"] = {
        "access_token": "tok",
        "token_type": "Bearer",
        "expires_in": 300,
        "scope": "patient/Observation.read",
        "subject": "nerveroot",
    }
    response = client.post(f"/cds-services/{PATIENT_VIEW}", json=body)
    assert response.status_code == 200
    assert response.json()["cards"][0]["indicator"] == "critical"
    assert len(calls) == 5  # observations, medications, statements, allergies, procedures: not prefetched
    url, token = next(c for c in calls if "/Observation?" in c[0])
    assert token == "Bearer tok" and url.startswith("https://ehr.example.org/fhir/Observation?patient=p1&category=")


def test_indicator_follows_urgency(tmp_path: Path, kb: KnowledgeBase) -> None:
    client = dev_client(tmp_path, kb)
    response = client.post(f"/cds-services/{PATIENT_VIEW}", json=hook("patient-view", sciatica_prefetch()))
    card = response.json()["cards"][0]
    assert card["indicator"] == "info"
    assert "L5" in card["summary"] or "S1" in card["summary"] or "root" in card["summary"]


def medication(text: str, mg: float, per_day: int, rid: str = "m1") -> dict[str, Any]:
    return {
        "resourceType": "MedicationRequest",
        "id": rid,
        "status": "draft",
        "intent": "order",
        "medicationCodeableConcept": {"text": text},
        "subject": {"reference": "Patient/p1"},
        "dosageInstruction": [
            {
                "timing": {"repeat": {"frequency": per_day, "period": 1, "periodUnit": "d"}},
                "doseAndRate": [
                    {"doseQuantity": {"value": mg, "unit": "mg", "system": "http://unitsofmeasure.org", "code": "mg"}}
                ],
            }
        ],
    }


def order(prefetch: dict[str, Any], resource: dict[str, Any]) -> dict[str, Any]:
    return hook(
        "order-select",
        prefetch,
        selections=[f"{resource['resourceType']}/{resource['id']}"],
        draftOrders={"resourceType": "Bundle", "type": "collection", "entry": [{"resource": resource}]},
    )


def test_nsaid_above_ceiling_gets_a_capped_suggestion(tmp_path: Path, kb: KnowledgeBase) -> None:
    client = dev_client(tmp_path, kb)
    response = client.post(
        f"/cds-services/{ORDER_SELECT}", json=order(sciatica_prefetch(), medication("Ibuprofen 800 mg tablet", 800, 4))
    )
    assert response.status_code == 200, response.text
    cards = response.json()["cards"]
    ceiling = next(c for c in cards if "ceiling" in c["summary"])
    assert ceiling["indicator"] == "warning" and "3200" in ceiling["summary"] and "2400" in ceiling["summary"]
    update = ceiling["suggestions"][0]["actions"][0]
    assert update["type"] == "update"
    dosage = update["resource"]["dosageInstruction"][0]
    assert dosage["doseAndRate"][0]["doseQuantity"]["value"] * 4 <= 2400
    assert dosage["maxDosePerPeriod"]["numerator"]["value"] == 2400


def test_contraindicated_nsaid_is_critical(tmp_path: Path, kb: KnowledgeBase) -> None:
    client = dev_client(tmp_path, kb)
    prefetch = sciatica_prefetch()
    prefetch["conditions"] = bundle(
        {
            "resourceType": "Condition",
            "id": "c1",
            "code": {
                "coding": [{"system": "https://nerveroot.example/fhir/CodeSystem/finding", "code": "gi_bleed_or_ulcer"}]
            },
            "subject": {"reference": "Patient/p1"},
        }
    )
    response = client.post(f"/cds-services/{ORDER_SELECT}", json=order(prefetch, medication("naproxen", 500, 2)))
    cards = response.json()["cards"]
    (card,) = cards
    assert card["indicator"] == "critical" and "gi bleed or ulcer" in card["summary"]
    assert card["suggestions"][0]["actions"][0]["type"] == "delete"


def test_opioid_gets_the_sciatica_guidance(tmp_path: Path, kb: KnowledgeBase) -> None:
    """NICE NG59 (2020) advises against opioids for chronic sciatica (12 weeks or more); it makes no opioid
    recommendation for acute sciatica, so a two-week sciatica gets no 'does not recommend' card."""
    client = dev_client(tmp_path, kb)
    tramadol = medication("Tramadol 50 mg capsules", 50, 4)
    acute = client.post(f"/cds-services/{ORDER_SELECT}", json=order(sciatica_prefetch(14), tramadol)).json()["cards"]
    assert not [c for c in acute if "does not recommend" in c["summary"]], acute
    response = client.post(f"/cds-services/{ORDER_SELECT}", json=order(sciatica_prefetch(120), tramadol))
    cards = response.json()["cards"]
    guidance = next(c for c in cards if "sciatica" in c["summary"])
    assert guidance["indicator"] == "warning" and "NICE" in guidance["summary"]
    assert guidance["suggestions"][0]["actions"][0] == {
        "type": "delete",
        "description": "Remove the draft Tramadol order",
        "resourceId": "MedicationRequest/m1",
    }


def test_spec_order_select_example_skips_its_malformed_order_with_a_warning(tmp_path: Path, kb: KnowledgeBase) -> None:
    client = dev_client(tmp_path, kb)
    body = {"hook": "order-select", "hookInstance": "x", **spec("order-select-context-r4.json")}
    body["prefetch"] = sciatica_prefetch()
    response = client.post(f"/cds-services/{ORDER_SELECT}", json=body)
    assert response.status_code == 200
    [card] = response.json()["cards"]
    assert card["indicator"] == "info" and "could not check" in card["summary"]
    assert "MedicationRequest/smart-MedicationRequest-103" in card["detail"] and "doseAndRate" in card["detail"]
    body["context"]["draftOrders"]["entry"][1]["resource"]["dosageInstruction"][0]["doseAndRate"] = [
        body["context"]["draftOrders"]["entry"][1]["resource"]["dosageInstruction"][0]["doseAndRate"]
    ]
    fixed = client.post(f"/cds-services/{ORDER_SELECT}", json=body)
    assert fixed.status_code == 200 and fixed.json() == {"cards": []}  # amoxicillin is neither NSAID nor opioid


def test_wrong_hook_unknown_service_and_bad_feedback(tmp_path: Path, kb: KnowledgeBase) -> None:
    client = dev_client(tmp_path, kb)
    assert client.post(f"/cds-services/{PATIENT_VIEW}", json=hook("order-select", ces_prefetch())).status_code == 422
    assert client.post("/cds-services/nope", json=hook("patient-view", ces_prefetch())).status_code == 404
    bad = {"feedback": [{"card": "c", "outcome": "maybe", "outcomeTimestamp": "2026-01-01T00:00:00Z"}]}
    assert client.post(f"/cds-services/{PATIENT_VIEW}/feedback", json=bad).status_code == 422
    accepted = spec("feedback-accepted-2.0.json")
    assert client.post(f"/cds-services/{PATIENT_VIEW}/feedback", json=accepted).json() == {"stored": 1}
