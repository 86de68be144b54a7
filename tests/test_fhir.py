"""FHIR R4: HL7 example resources round-trip; intake in; assessment Bundle out; the HTTP endpoints."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.riskassessment import RiskAssessment

from fhir_schema import schema_errors
from nerveroot.api import routes_cdshooks, routes_fhir
from nerveroot.api.errors import install
from nerveroot.assessment.assess import assess
from nerveroot.assessment.case import Case
from nerveroot.ehr import codes
from nerveroot.ehr.config import EhrRuntime, EhrSettings
from nerveroot.ehr.fhir_in import case_from_fhir, parse_resource
from nerveroot.ehr.fhir_out import assessment_bundle, bundle_json
from nerveroot.ehr.questionnaire import intake_questionnaire
from nerveroot.errors import InputValidationError
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.records import RecordStore

DATA = Path(__file__).parent / "data" / "fhir"
TODAY = date(2026, 1, 15)
NOW = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)


def example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / name).read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize(
    ("name", "model"),
    [
        ("riskassessment-example-prognosis.json", RiskAssessment),
        ("observation-example.json", Observation),
        ("questionnaireresponse-example-gcs.json", QuestionnaireResponse),
    ],
)
def test_hl7_examples_round_trip(name: str, model: type[Any]) -> None:
    original = example(name)
    parsed = model.model_validate(original)
    again = json.loads(parsed.model_dump_json(exclude_none=True))
    assert again == original
    assert model.model_validate(again) == parsed


def test_foreign_questionnaire_ignored_and_loinc_weight_read() -> None:
    """HL7's weight example (LOINC 29463-7, 185 [lb_av]) is a drug-safety fact now; another form is never guessed at."""
    gcs = QuestionnaireResponse.model_validate(example("questionnaireresponse-example-gcs.json"))
    weight = Observation.model_validate(example("observation-example.json"))
    intake = case_from_fhir(TODAY, observations=[weight], responses=[gcs])
    assert intake.case == Case.model_validate({"drug_safety": {"weight_kg": 83.91}})
    assert intake.used == ["Observation/example"]
    assert intake.ignored == ["QuestionnaireResponse/gcs"]


def intake(answers: dict[str, Any]) -> QuestionnaireResponse:
    items = []
    for link, value in answers.items():
        if isinstance(value, int):
            answer = {"valueInteger": value}
        else:
            answer = {"valueCoding": {"system": codes.ANSWER, "code": value}}
        items.append({"linkId": link, "answer": [answer]})
    return QuestionnaireResponse.model_validate(
        {
            "resourceType": "QuestionnaireResponse",
            "questionnaire": codes.INTAKE_URL,
            "status": "completed",
            "item": items,
        }
    )


def test_questionnaire_response_fills_the_case() -> None:
    odi = {f"odi-{n}": 2 for n in range(1, 11)}
    startback = {f"startback-{n}": 1 for n in range(1, 9)} | {"startback-9": 3}
    response = intake(
        {
            "fact_sides": "left",
            "fact_duration": 20,
            "fact_pain": 7,
            "rf_saddle": "no",
            "rf_bladder": "unknown",
            "pain-medial_leg": "left",
            "numb-medial_ankle": "both",
            "sx_leg_worse": "yes",
            **odi,
            **startback,
        }
    )
    case = case_from_fhir(TODAY, responses=[response]).case
    assert case.sides == ["left"] and case.duration_days == 20 and case.pain_score == 7
    assert case.red_flags == {"saddle_anaesthesia": "absent"}  # 'unknown' stays unknown
    assert [(m.region, m.side) for m in case.pain_regions] == [("medial_leg", "left")]
    assert {m.side for m in case.sensory_regions} == {"left", "right"}
    assert case.odi == [2] * 10 and case.startback == [1] * 8 + [3]


def test_bad_answers_are_named() -> None:
    with pytest.raises(InputValidationError) as err:
        case_from_fhir(TODAY, responses=[intake({"rf_saddle": "maybe", "odi-3": 9})])
    paths = {p.path for p in err.value.problems}
    assert paths == {"QuestionnaireResponse/0.item[rf_saddle]", "QuestionnaireResponse/0.item[odi-3]"}


def exam(oid: str, code: str, side: str | None, **value: Any) -> Observation:
    data: dict[str, Any] = {
        "resourceType": "Observation",
        "id": oid,
        "status": "final",
        "code": {"coding": [{"system": codes.FINDING, "code": code}]},
        **value,
    }
    if side:
        data["bodySite"] = {"coding": [{"system": codes.SNOMED, "code": codes.LATERALITY[side]}]}  # type: ignore[index]
    return Observation.model_validate(data)


def test_exam_observations_and_patient() -> None:
    result = lambda c: {"valueCodeableConcept": {"coding": [{"system": codes.RESULT, "code": c}]}}  # noqa: E731
    observations = [
        exam("o1", "reflex.patellar", "left", **result("reduced")),
        exam("o2", "strength.knee_extension", "left", valueInteger=4),
        exam("o3", "test.femoral_stretch", None, **result("positive")),
        exam("o4", "fever", None, valueBoolean=False),
        Observation.model_validate(
            {
                "resourceType": "Observation",
                "id": "o5",
                "status": "final",
                "code": {"coding": [{"system": codes.LOINC, "code": codes.PAIN_NRS_LOINC}]},
                "valueInteger": 6,
            }
        ),
        exam("o6", "reflex.patellar", "left", status="entered-in-error", **result("absent")),
    ]
    from fhir.resources.R4B.patient import Patient

    patient = Patient.model_validate(
        {"resourceType": "Patient", "id": "p", "gender": "female", "birthDate": "1970-06-30"}
    )
    built = case_from_fhir(TODAY, patient=patient, observations=observations)
    case = built.case
    assert (case.age, case.sex, case.pain_score) == (55, "female", 6)
    assert [(r.reflex, r.side, r.result) for r in case.reflexes] == [("patellar", "left", "reduced")]
    assert [(s.movement, s.grade) for s in case.strength] == [("knee_extension", 4)]
    assert {p.side for p in case.provocative} == {"left", "right"}
    assert case.red_flags == {"fever": "absent"}
    assert "Observation/o6" in built.ignored


@pytest.fixture(scope="module")
def l4_case() -> Case:
    return Case.model_validate(
        {
            "age": 58,
            "sides": ["left"],
            "duration_days": 10,
            "reflexes": [{"reflex": "patellar", "side": "left", "result": "reduced"}],
            "provocative": [{"test": "femoral_stretch", "side": "left", "result": "positive"}],
            "red_flags": {
                "saddle_anaesthesia": "absent",
                "bladder_dysfunction": "absent",
                "bowel_dysfunction": "absent",
            },
            "drug_safety": {"gi_bleed_or_ulcer": "present"},
        }
    )


def test_assessment_bundle_validates_and_carries_each_resource(kb: KnowledgeBase, l4_case: Case) -> None:
    result = assess(l4_case, kb)
    orders = {"MedicationRequest/m1": "ibuprofen"}
    bundle = assessment_bundle(l4_case, result, kb, "Patient/p1", now=NOW, orders=orders)
    emitted = json.loads(bundle_json(bundle))
    assert schema_errors(emitted) == []
    again = Bundle.model_validate_json(bundle_json(bundle))
    kinds = [e.resource.get_resource_type() for e in again.entry]
    assert kinds[0] == "RiskAssessment" and {"DetectedIssue", "Condition", "CarePlan"} <= set(kinds)
    risk = again.entry[0].resource
    by_root = {p.outcome.coding[0].code: p for p in risk.prediction}
    assert set(by_root) == {"l1", "l2", "l3", "l4", "l5", "s1", "none"}
    assert sum(float(p.probabilityDecimal) for p in risk.prediction) == pytest.approx(1, abs=0.01)
    top = max(risk.prediction, key=lambda p: p.probabilityDecimal)
    assert top.outcome.coding[0].code == "l4" and "patellar" in top.rationale.lower()
    assert {c.system for c in top.outcome.coding} == {codes.ROOT, codes.ICD10CM}
    issues = [e.resource for e in again.entry if e.resource.get_resource_type() == "DetectedIssue"]
    [ruled_out] = [i for i in issues if i.implicated]  # ibuprofen ordered with a GI bleed; other NSAIDs never ordered
    assert ruled_out.severity == "high" and [r.reference for r in ruled_out.implicated] == ["MedicationRequest/m1"]
    assert (ruled_out.code.coding[0].system, ruled_out.code.coding[0].code) == (codes.ACT_CODE, "COND")
    plan = next(e.resource for e in again.entry if e.resource.get_resource_type() == "CarePlan")
    assert any("Ruled out for this patient: Naproxen" in n.text for n in plan.note)
    condition = next(e.resource for e in again.entry if e.resource.get_resource_type() == "Condition")
    systems = [c.system for c in condition.code.coding]
    assert codes.CONDITION in systems and len(systems) == len(set(systems))  # one code per system
    for coding in condition.code.coding:
        if coding.system == codes.ICD10CM:
            assert any(
                i.code == coding.code and i.verified for c in kb.entities["conditions"].values() for i in c.icd10
            )  # type: ignore[attr-defined]
    assert bundle_json(assessment_bundle(l4_case, result, kb, "Patient/p1", now=NOW, orders=orders)) == bundle_json(
        bundle
    )


def test_emergency_bundle_has_red_flag_issue_and_stat_mri(kb: KnowledgeBase) -> None:
    case = Case(
        age=45, sides=["left", "right"], red_flags={"saddle_anaesthesia": "present", "bladder_dysfunction": "present"}
    )
    bundle = assessment_bundle(case, assess(case, kb), kb, now=NOW)
    assert schema_errors(json.loads(bundle_json(bundle))) == []
    resources = [e.resource for e in bundle.entry]
    red = [r for r in resources if r.get_resource_type() == "DetectedIssue" and r.code.coding[0].code == "red_flag"]
    assert red and red[0].severity == "high" and red[0].reference
    mri = [
        r
        for r in resources
        if r.get_resource_type() == "ServiceRequest" and "mri_lumbar_spine" in {c.code for c in r.code.coding}
    ]
    assert mri and (mri[0].code.coding[0].system, mri[0].code.coding[0].code) == (codes.LOINC, "24531-6")
    assert mri and mri[0].priority == "stat"
    condition = next(r for r in resources if r.get_resource_type() == "Condition")
    assert "G83.4" in {c.code for c in condition.code.coding}


def test_intake_questionnaire(kb: KnowledgeBase) -> None:
    emitted = intake_questionnaire(kb).model_dump_json(exclude_none=True)
    assert schema_errors(json.loads(emitted)) == []
    form = Questionnaire.model_validate_json(emitted)
    links = {i.linkId for g in form.item for i in g.item}
    assert {"rf_saddle", "fact_duration", "pain-medial_leg", "numb-sole", "odi-10", "startback-9"} <= links
    assert not {"reflex_patellar", "test_slr"} & links  # examination items arrive as Observations
    assert form.url == codes.INTAKE_URL


@pytest.fixture()
def client(tmp_path: Path, kb: KnowledgeBase) -> Iterator[TestClient]:
    app = FastAPI()
    install(app)
    app.include_router(routes_cdshooks.router)
    app.include_router(routes_fhir.router)
    app.state.kb = kb
    app.state.ehr = EhrRuntime(
        EhrSettings(dev_mode=True), feedback_url=f"sqlite:///{tmp_path}/f.db", today=lambda: TODAY
    )
    with RecordStore(f"sqlite:///{tmp_path}/records.db") as store:
        app.state.store = store
        token = store.create_token("ehr-integration")
        yield TestClient(app, headers={"Authorization": f"Bearer {token}"})


def test_assess_operation_needs_a_token(client: TestClient) -> None:
    """$assess takes patient data: no token or an unknown one is refused before anything is read."""
    body = {"resourceType": "Bundle", "type": "collection", "entry": []}
    assert client.post("/fhir/$assess", json=body, headers={"Authorization": ""}).status_code == 401
    assert client.post("/fhir/$assess", json=body, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get("/fhir/Questionnaire/nerveroot-intake", headers={"Authorization": ""}).status_code == 200


def test_get_questionnaire(client: TestClient) -> None:
    response = client.get("/fhir/Questionnaire/nerveroot-intake")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/fhir+json")
    assert Questionnaire.model_validate(response.json()).id == "nerveroot-intake"


def test_assess_operation_accepts_parameters_bundle_and_case(client: TestClient, l4_case: Case) -> None:
    patient = {"resourceType": "Patient", "id": "p9", "birthDate": "1960-01-01"}
    obs = exam(
        "o1", "reflex.patellar", "left", valueCodeableConcept={"coding": [{"system": codes.RESULT, "code": "absent"}]}
    )
    observation = json.loads(obs.model_dump_json(exclude_none=True))
    parameters = {
        "resourceType": "Parameters",
        "parameter": [{"name": "patient", "resource": patient}, {"name": "observation", "resource": observation}],
    }
    for body in (
        parameters,
        {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": patient}, {"resource": observation}]},
    ):
        response = client.post("/fhir/$assess", json=body)
        assert response.status_code == 200, response.text
        bundle = Bundle.model_validate(response.json())
        risk = bundle.entry[0].resource
        assert risk.subject.reference == "Patient/p9" and risk.basis[0].reference == "Observation/o1"
    response = client.post("/fhir/$assess", json=l4_case.model_dump(mode="json"))
    assert response.status_code == 200 and Bundle.model_validate(response.json()).type == "collection"


def test_assess_operation_rejects_bad_input_with_paths(client: TestClient) -> None:
    bad_case = client.post("/fhir/$assess", json={"age": 3})
    assert bad_case.status_code == 422 and bad_case.json()["detail"][0]["loc"] == ["body", "age"]
    bad_fhir = client.post("/fhir/$assess", json={"resourceType": "Bundle", "type": "collection", "entry": "x"})
    assert bad_fhir.status_code == 422 and ["body", "entry"] in [d["loc"][:2] for d in bad_fhir.json()["detail"]]
    wrong_kind = client.post("/fhir/$assess", json={"resourceType": "Patient"})
    assert wrong_kind.status_code == 422


def test_parse_resource_names_the_field() -> None:
    with pytest.raises(InputValidationError) as err:
        parse_resource(
            {"resourceType": "Observation", "status": "final", "code": {"text": "x"}, "valueInteger": "a"}, "o"
        )
    assert err.value.problems[0].path.startswith("o.valueInteger")
