"""FHIR R4 endpoints: the intake Questionnaire (a public form definition) and the $assess operation (patient data:
a Bearer token from `nerveroot token create` is required)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends
from fastapi.responses import Response
from fhir.resources.R4B.parameters import Parameters
from fhir.resources.R4B.resource import Resource
from pydantic import ValidationError

from nerveroot.api.deps import Actor
from nerveroot.api.routes_cdshooks import get_ehr, get_ehr_kb
from nerveroot.assessment.assess import assess
from nerveroot.assessment.case import Case
from nerveroot.ehr.config import EhrRuntime
from nerveroot.ehr.fhir_facts import identify_drug
from nerveroot.ehr.fhir_in import case_from_resources, medication_concept, parse_resource, unbundle
from nerveroot.ehr.fhir_out import assessment_bundle, bundle_json
from nerveroot.ehr.questionnaire import intake_questionnaire
from nerveroot.ehr.terminology import default_terminology
from nerveroot.errors import InputValidationError, Problem
from nerveroot.knowledge.base import KnowledgeBase

router = APIRouter(tags=["fhir"])
FHIR_JSON = "application/fhir+json"


def _fhir(text: str) -> Response:
    return Response(content=text, media_type=FHIR_JSON)


@router.get("/fhir/Questionnaire/nerveroot-intake", response_class=Response)
def questionnaire(kb: Annotated[KnowledgeBase, Depends(get_ehr_kb)]) -> Response:
    """The intake form as an R4 Questionnaire."""
    return _fhir(intake_questionnaire(kb).model_dump_json(exclude_none=True))


def _resources(body: dict[str, Any]) -> tuple[list[Resource], str | None]:
    """Resources from a Parameters (each parameter.resource) or a Bundle (each entry), and the Patient reference."""
    top = parse_resource(body, "body", ("Parameters", "Bundle"))
    found: list[Resource] = []
    if isinstance(top, Parameters):
        for p in top.parameter or []:
            if p.resource is not None:
                found += unbundle(p.resource)
    else:
        found = unbundle(top)
    patients = [r for r in found if r.get_resource_type() == "Patient"]
    reference = f"Patient/{patients[0].id}" if patients and patients[0].id else None
    return found, reference


@router.post("/fhir/$assess", response_class=Response)
def assess_operation(
    body: Annotated[
        dict[str, Any],
        Body(
            description="A Parameters or Bundle of Patient, Condition, Observation, MedicationRequest, "
            "MedicationStatement, Medication, AllergyIntolerance and QuestionnaireResponse resources, "
            "or a nerveroot Case (JSON)"
        ),
    ],
    runtime: Annotated[EhrRuntime, Depends(get_ehr)],
    kb: Annotated[KnowledgeBase, Depends(get_ehr_kb)],
    _actor: Actor,
) -> Response:
    """Assess; answer a collection Bundle: RiskAssessment, DetectedIssue, Condition, CarePlan, ServiceRequest.
    Medication orders in the input that are ruled out for the patient come back as DetectedIssues implicating them."""
    reference: str | None = None
    basis: list[str] = []
    orders: dict[str, str] = {}
    if "resourceType" in body:
        resources, reference = _resources(body)
        intake = case_from_resources(runtime.today(), resources)
        case = intake.case
        basis = [u for u in intake.used if u.startswith("Observation/") and not u.endswith("/?")]
        library = {f"{r.get_resource_type()}/{r.id}": r for r in resources if r.id}
        for resource in resources:
            if resource.get_resource_type() == "MedicationRequest" and resource.id:
                _, drug_id = identify_drug(medication_concept(resource, library), default_terminology())
                if drug_id:
                    orders[f"MedicationRequest/{resource.id}"] = drug_id
    else:
        try:
            case = Case.model_validate(body)
        except ValidationError as exc:
            raise InputValidationError(
                [Problem(".".join(["body", *map(str, e["loc"])]), e["msg"]) for e in exc.errors(include_url=False)]
            ) from exc
    result = assess(case, kb)
    bundle = assessment_bundle(case, result, kb, reference, basis, orders=orders)
    return _fhir(bundle_json(bundle, indent=None))
