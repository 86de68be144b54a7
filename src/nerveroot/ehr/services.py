"""The CDS services: discovery, gathering a hook's data, the patient-view card and dispatch (orders: order_checks)."""

from __future__ import annotations

import json
import logging
from datetime import date
from typing import Any

from fhir.resources.R4B.resource import Resource

from nerveroot.assessment.assess import assess
from nerveroot.assessment.result import Assessment
from nerveroot.ehr.card_parts import OVERRIDE_REASONS, HookData, case_link, clip, new_id, read_note, source_of
from nerveroot.ehr.cards import Card, CdsRequest, CdsResponse, ServiceDescriptor
from nerveroot.ehr.config import EhrRuntime
from nerveroot.ehr.fetch import gather
from nerveroot.ehr.fhir_in import case_from_resources, lenient_resources
from nerveroot.errors import InputValidationError, NotFoundError, PrefetchMissingError, Problem
from nerveroot.knowledge.base import KnowledgeBase

PATIENT_VIEW = "nerveroot-patient-view"
ORDER_SELECT = "nerveroot-order-select"
ORDER_SIGN = "nerveroot-order-sign"
PREFETCH = {
    "patient": "Patient/{{context.patientId}}",
    "conditions": "Condition?patient={{context.patientId}}&_count=100",
    "observations": "Observation?patient={{context.patientId}}&category=laboratory,vital-signs,survey,exam"
    "&_sort=-date&_count=100",
    "medications": "MedicationRequest?patient={{context.patientId}}&status=active"
    "&_include=MedicationRequest:medication",
    "statements": "MedicationStatement?patient={{context.patientId}}&status=active"
    "&_include=MedicationStatement:medication",
    "allergies": "AllergyIntolerance?patient={{context.patientId}}&_count=100",
    "procedures": "Procedure?patient={{context.patientId}}&_count=100",
    "questionnaireResponses": "QuestionnaireResponse?patient={{context.patientId}}&_sort=-authored&_count=20",
}
OBSERVATION_YEARS = 2
"""Observations older than this are not fetched (prefetch templates cannot carry a date; the client's own
prefetch may bring older ones, which are read)."""


def fetch_bounds(today: date) -> dict[str, str]:
    """Search parameters nerveroot adds to the queries it makes itself."""
    since = today.replace(year=today.year - OBSERVATION_YEARS, day=min(today.day, 28))
    return {"observations": f"&date=ge{since.isoformat()}", "procedures": f"&date=ge{since.isoformat()}"}


ORDER_DESCRIPTION = (
    "Checks a lumbar spine MRI (CPT, LOINC or SNOMED CT coded) against the imaging rules, and an NSAID or opioid "
    "(RxNorm, ATC or by name) against the patient's daily ceiling, contraindications, allergies and the sciatica "
    "guidance."
)
SERVICES = (
    ServiceDescriptor(
        hook="patient-view",
        id=PATIENT_VIEW,
        title="nerveroot: leg pain from a lumbar nerve root",
        description="Triage level, red flags and the likely root level from the patient's intake, exam and problems.",
        prefetch=PREFETCH,
    ),
    ServiceDescriptor(
        hook="order-select",
        id=ORDER_SELECT,
        title="nerveroot: lumbar MRI and analgesic order check",
        description=ORDER_DESCRIPTION,
        prefetch=PREFETCH,
    ),
    ServiceDescriptor(
        hook="order-sign",
        id=ORDER_SIGN,
        title="nerveroot: lumbar MRI and analgesic check before signing",
        description=ORDER_DESCRIPTION,
        prefetch=PREFETCH,
    ),
)
INDICATOR = {"emergency": "critical", "urgent": "warning", "routine": "info", "self_care": "info"}
NEXT_STEP = {"emergency": "same-day emergency assessment", "urgent": "to be seen by a clinician within days"}
LEVEL_WORD = {"emergency": "Emergency", "urgent": "Urgent", "routine": "Routine review", "self_care": "Self-care"}
issued_log = logging.getLogger("nerveroot.cds.issued")
"""One line per card issued: service, hookInstance, card and suggestion uuids, indicator, kind; no patient content."""


def service(service_id: str) -> ServiceDescriptor:
    for s in SERVICES:
        if s.id == service_id:
            return s
    raise NotFoundError("CDS service", service_id)


def hook_data(request: CdsRequest, runtime: EhrRuntime, extra: list[Resource] | None = None) -> HookData:
    """The patient's data from prefetch and the FHIR server, read into a Case."""
    token = request.fhirAuthorization.access_token if request.fhirAuthorization else None
    gathered = gather(
        request.prefetch,
        PREFETCH,
        request.context,
        request.fhirServer,
        token,
        runtime.fetch_budget_s,
        runtime.fhir_transport,
        fetch_bounds(runtime.today()),
    )
    resources = [*gathered.resources, *(extra or [])]
    intake = case_from_resources(runtime.today(), resources)
    library = {f"{r.get_resource_type()}/{r.id}": r for r in resources if r.id}
    patient_id = request.context.get("patientId")
    return HookData(intake.case, intake, gathered, library, patient_id if isinstance(patient_id, str) else None)


def patient_view(request: CdsRequest, kb: KnowledgeBase, runtime: EhrRuntime) -> CdsResponse:
    """One card: triage level (indicator by urgency), the reasons, the likely root, with the guideline as source."""
    data = hook_data(request, runtime)
    if not data.intake.used:
        raise PrefetchMissingError(request.hook, sorted(data.gathered.missing) or ["patient data"])
    result = assess(data.case, kb)
    tri = result.triage
    top = next((lv for lv in result.levels if lv.root != "none"), None)
    if tri.reasons and tri.level in ("emergency", "urgent"):
        lead = tri.reasons[0]
        summary = f"{LEVEL_WORD[tri.level]}: {lead.name}; {NEXT_STEP[tri.level]}."
    else:
        where = f"; most likely root {top.label} ({top.probability:.0%})" if top else ""
        summary = f"{LEVEL_WORD[tri.level]}{where}; {'MRI now' if result.workup.imaging_now else 'no imaging now'}."
    card = Card(
        uuid=new_id(),
        summary=clip(summary),
        detail=detail(result) + read_note(data),
        indicator=INDICATOR[tri.level],
        source=source_of([c for r in tri.reasons for c in r.sources], kb),
        links=[case_link(data.case, runtime, data)],
        overrideReasons=list(OVERRIDE_REASONS) if tri.level in ("emergency", "urgent") else None,
    ).kind(f"triage:{tri.level}")
    return CdsResponse(cards=[card])


def detail(result: Assessment) -> str:
    lines = [f"**{result.triage.summary}**", ""]
    lines += [f"- {r.name} ({r.level}): {r.advice}" for r in result.triage.reasons]
    if result.triage.not_assessed:
        lines += ["", "Not yet asked:"] + [f"- {n.question}" for n in result.triage.not_assessed[:4]]
    roots = [lv for lv in result.levels if lv.probability >= 0.05][:3]
    if roots:
        lines += ["", "Root level: " + ", ".join(f"{lv.label} {lv.probability:.0%}" for lv in roots)]
    lines += ["", f"Imaging: {result.workup.imaging_rule}. {result.workup.imaging_detail}", "", result.disclaimer]
    return "\n".join(lines)


CHECKED_ORDERS = ("MedicationRequest", "ServiceRequest", "Medication")


def draft_orders(request: CdsRequest) -> tuple[list[Resource], list[str]]:
    """The context's draft orders (entry by entry; a bad entry of a kind nerveroot checks is skipped with a
    warning, other kinds are left to other services)."""
    draft = request.context.get("draftOrders")
    if not isinstance(draft, dict):
        raise InputValidationError([Problem("body.context.draftOrders", "a Bundle of draft orders is required")])
    orders, warnings = lenient_resources(draft, "context.draftOrders")
    return orders, [w for w in warnings if any(f"({kind}/" in w for kind in CHECKED_ORDERS)]


def respond(service_id: str, request: CdsRequest, kb: KnowledgeBase, runtime: EhrRuntime) -> CdsResponse:
    """Dispatch a hook call to its service and log each issued card (no patient content)."""
    from nerveroot.ehr.order_checks import check_orders

    described = service(service_id)
    if request.hook != described.hook:
        raise InputValidationError([Problem("body.hook", f"service {service_id} answers {described.hook!r}")])
    if service_id == PATIENT_VIEW:
        response = patient_view(request, kb, runtime)
    else:
        orders, warnings = draft_orders(request)
        if service_id == ORDER_SELECT:
            selections = request.context.get("selections")
            if not isinstance(selections, list):
                raise InputValidationError([Problem("body.context.selections", "order-select needs selections")])
            orders = [o for o in orders if f"{o.get_resource_type()}/{o.id}" in selections]
            warnings = [w for w in warnings if any(f"({s})" in w for s in selections)]
        response = check_orders(request, orders, warnings, kb, runtime)
    log_issued(service_id, request.hookInstance, response)
    return response


def log_issued(service_id: str, hook_instance: str, response: CdsResponse) -> None:
    for card in response.cards:
        record: dict[str, Any] = {
            "service": service_id,
            "hookInstance": hook_instance,
            "card": card.uuid,
            "indicator": card.indicator,
            "kind": card._kind,
            "suggestions": [s.uuid for s in card.suggestions or []],
        }
        issued_log.info(json.dumps(record, separators=(",", ":")))
