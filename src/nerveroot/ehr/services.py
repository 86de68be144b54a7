"""The CDS services: discovery, prefetch gathering, and the patient-view and order-select card logic."""

from __future__ import annotations

import base64
import re
import uuid
from typing import Any

from fhir.resources.R4B.medicationrequest import MedicationRequest
from fhir.resources.R4B.resource import Resource
from fhir.resources.R4B.servicerequest import ServiceRequest

from nerveroot.assessment.assess import assess
from nerveroot.assessment.case import Case
from nerveroot.assessment.drugs import DrugOption, drug_options
from nerveroot.assessment.evidence import PERSISTENT_DAYS
from nerveroot.assessment.result import Assessment
from nerveroot.assessment.workup import NO_IMAGING, PERSISTENT
from nerveroot.ehr import codes
from nerveroot.ehr.cards import (
    SUMMARY_MAX,
    Action,
    Card,
    CdsRequest,
    CdsResponse,
    Coding,
    Link,
    ServiceDescriptor,
    Suggestion,
)
from nerveroot.ehr.cards import Source as CardSource
from nerveroot.ehr.config import EhrRuntime
from nerveroot.ehr.fhir_in import case_from_fhir, parse_resource, split_resources, unbundle
from nerveroot.ehr.orders import daily_dose, find_drug, is_lumbar_mri, with_daily_ceiling
from nerveroot.errors import InputValidationError, NotFoundError, PrefetchMissingError, Problem
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import Cite

PATIENT_VIEW = "nerveroot-patient-view"
ORDER_SELECT = "nerveroot-order-select"
PREFETCH = {
    "patient": "Patient/{{context.patientId}}",
    "conditions": "Condition?patient={{context.patientId}}",
    "observations": "Observation?patient={{context.patientId}}",
    "questionnaireResponses": "QuestionnaireResponse?patient={{context.patientId}}",
}
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
        description="Checks a lumbar spine MRI against the imaging rules and an NSAID or opioid against the patient's "
        "daily ceiling, contraindications and the sciatica guidance.",
        prefetch=PREFETCH,
    ),
)
INDICATOR = {"emergency": "critical", "urgent": "warning", "routine": "info", "self_care": "info"}
NEXT_STEP = {"emergency": "same-day emergency assessment", "urgent": "to be seen by a clinician within days"}
LEVEL_WORD = {"emergency": "Emergency", "urgent": "Urgent", "routine": "Routine review", "self_care": "Self-care"}
OVERRIDE_REASONS = (
    Coding(system=codes.OVERRIDE, code="already-addressed", display="Already assessed or acted on"),
    Coding(system=codes.OVERRIDE, code="not-applicable", display="Does not apply to this patient"),
    Coding(system=codes.OVERRIDE, code="patient-choice", display="Patient's informed choice"),
)
MRI_OVERRIDE_REASONS = (
    Coding(system=codes.OVERRIDE, code="red-flag-on-exam", display="Red flag found that is not recorded"),
    Coding(system=codes.OVERRIDE, code="intervention-planned", display="Injection or surgery is being considered"),
    Coding(system=codes.OVERRIDE, code="specialist-request", display="Requested by a spine specialist"),
    *OVERRIDE_REASONS[2:],
)
_TOKEN = re.compile(r"\{\{context\.([A-Za-z0-9_]+)\}\}")


def service(service_id: str) -> ServiceDescriptor:
    for s in SERVICES:
        if s.id == service_id:
            return s
    raise NotFoundError("CDS service", service_id)


def clip(text: str, limit: int = SUMMARY_MAX) -> str:
    """One line under the summary limit, cut at a word with an ellipsis when too long."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _source(cites: list[Cite], kb: KnowledgeBase, fallback: str = "nice_ng59") -> CardSource:
    for cite in [*cites, Cite(source=fallback, locator="guideline")]:
        src = kb.sources.get(cite.source)
        if src is not None and src.url:
            return CardSource(label=clip(f"{src.title} ({src.year})", 120), url=src.url)
    return CardSource(label="nerveroot knowledge base")


def gather(request: CdsRequest, runtime: EhrRuntime) -> list[Resource]:
    """Every prefetched resource (searchset Bundles unpacked); missing keys fetched from fhirServer, else 412."""
    prefetch = request.prefetch or {}
    resources: list[Resource] = []
    missing = [key for key in PREFETCH if key not in prefetch]
    if missing and not request.fhirServer:
        raise PrefetchMissingError(request.hook, missing)
    for key, template in PREFETCH.items():
        if key in prefetch:
            data = prefetch[key]
        else:
            query = _TOKEN.sub(lambda m: str(request.context.get(m.group(1), "")), template)
            token = request.fhirAuthorization.access_token if request.fhirAuthorization else None
            assert request.fhirServer is not None
            try:
                data = runtime.fhir_get(request.fhirServer, query, token)
            except Exception as exc:  # the EHR's server failed: the data cannot be obtained (412)
                raise PrefetchMissingError(request.hook, [key]) from exc
        if data is not None:
            resources += unbundle(parse_resource(data, f"body.prefetch.{key}"))
    return resources


def case_of(request: CdsRequest, runtime: EhrRuntime) -> Case:
    groups = split_resources(gather(request, runtime))
    patients = groups["Patient"]
    return case_from_fhir(
        runtime.today(),
        patient=patients[0] if patients else None,
        conditions=groups["Condition"],
        observations=groups["Observation"],
        responses=groups["QuestionnaireResponse"],
    ).case


def case_link(case: Case, runtime: EhrRuntime) -> Link:
    """The web page opened on this case; the case rides in the URL fragment, which browsers never send to servers."""
    encoded = base64.urlsafe_b64encode(case.model_dump_json(exclude_defaults=True).encode()).decode().rstrip("=")
    return Link(
        label="Open this case in nerveroot", url=f"{runtime.settings.public_url}/#case={encoded}", type="absolute"
    )


def _new_id() -> str:
    return str(uuid.uuid4())


def patient_view(request: CdsRequest, kb: KnowledgeBase, runtime: EhrRuntime) -> CdsResponse:
    """One card: triage level (indicator by urgency), the reasons, the likely root, with the guideline as source."""
    case = case_of(request, runtime)
    result = assess(case, kb)
    tri = result.triage
    top = next((lv for lv in result.levels if lv.root != "none"), None)
    if tri.reasons and tri.level in ("emergency", "urgent"):
        lead = tri.reasons[0]
        summary = f"{LEVEL_WORD[tri.level]}: {lead.name}; {NEXT_STEP[tri.level]}."
    else:
        where = f"; most likely root {top.label} ({top.probability:.0%})" if top else ""
        summary = f"{LEVEL_WORD[tri.level]}{where}; {'MRI now' if result.workup.imaging_now else 'no imaging now'}."
    card = Card(
        uuid=_new_id(),
        summary=clip(summary),
        detail=_detail(result),
        indicator=INDICATOR[tri.level],
        source=_source([c for r in tri.reasons for c in r.sources], kb),
        links=[case_link(case, runtime)],
        overrideReasons=list(OVERRIDE_REASONS) if tri.level in ("emergency", "urgent") else None,
    )
    return CdsResponse(cards=[card])


def _detail(result: Assessment) -> str:
    lines = [f"**{result.triage.summary}**", ""]
    lines += [f"- {r.name} ({r.level}): {r.advice}" for r in result.triage.reasons]
    if result.triage.not_assessed:
        lines += ["", "Not yet asked:"] + [f"- {n.question}" for n in result.triage.not_assessed[:4]]
    roots = [lv for lv in result.levels if lv.probability >= 0.05][:3]
    if roots:
        lines += ["", "Root level: " + ", ".join(f"{lv.label} {lv.probability:.0%}" for lv in roots)]
    lines += ["", f"Imaging: {result.workup.imaging_rule}. {result.workup.imaging_detail}", "", result.disclaimer]
    return "\n".join(lines)


def order_select(request: CdsRequest, kb: KnowledgeBase, runtime: EhrRuntime) -> CdsResponse:
    """Cards for the selected draft orders: lumbar MRI appropriateness and NSAID/opioid safety."""
    selections = request.context.get("selections")
    draft = request.context.get("draftOrders")
    if not isinstance(selections, list) or not isinstance(draft, dict):
        raise InputValidationError([Problem("body.context", "order-select needs selections and draftOrders")])
    chosen: list[Resource] = []
    for i, entry in enumerate(draft.get("entry") or []):
        data = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(data, dict) or f"{data.get('resourceType')}/{data.get('id')}" not in selections:
            continue
        if data.get("resourceType") in ("ServiceRequest", "MedicationRequest"):
            chosen.append(parse_resource(data, f"body.context.draftOrders.entry.{i}.resource"))
    if not chosen:
        return CdsResponse(cards=[])
    case = case_of(request, runtime)
    cards: list[Card] = []
    result: Assessment | None = None
    options: list[DrugOption] | None = None
    for order in chosen:
        if isinstance(order, ServiceRequest) and is_lumbar_mri(order):
            result = result or assess(case, kb)
            cards.append(_mri_card(order, case, result, kb, runtime))
        elif isinstance(order, MedicationRequest):
            drug = find_drug(order, kb)
            if drug is None:
                continue
            options = options or drug_options(case, kb, runtime.settings.jurisdiction)
            option = next(o for o in options if o.drug_id == drug.id)
            cards += _drug_cards(order, option, kb)
    return CdsResponse(cards=cards)


def _mri_card(order: ServiceRequest, case: Case, result: Assessment, kb: KnowledgeBase, runtime: EhrRuntime) -> Card:
    red = [r for r in result.triage.reasons if r.level in ("emergency", "urgent")]
    link = [case_link(case, runtime)]
    if red:
        return Card(
            uuid=_new_id(),
            summary=clip(f"Lumbar MRI fits {red[0].name} ({red[0].level}): {result.workup.imaging_rule}."),
            detail=_detail(result),
            indicator="info",
            source=_source(result.workup.imaging_sources, kb),
            links=link,
        )
    days = case.duration_days
    if days is not None and days < PERSISTENT_DAYS:
        rule, advice, cites = NO_IMAGING
        unasked = [n.question for n in result.triage.not_assessed if n.group == "cauda_equina"]
        detail = [f"**{rule}**", "", f"Symptoms for {days} days and no red flag recorded. {advice}"]
        if unasked:
            detail += ["", "Ask before deciding (these could make MRI urgent):", *[f"- {q}" for q in unasked]]
        return Card(
            uuid=_new_id(),
            summary=clip("No red flag and under 6 weeks of symptoms: lumbar MRI is not advised now (NICE NG59)."),
            detail="\n".join(detail),
            indicator="warning",
            source=_source(cites, kb),
            suggestions=[
                Suggestion(
                    label="Remove the lumbar MRI order",
                    uuid=_new_id(),
                    isRecommended=True,
                    actions=[
                        Action(
                            type="delete",
                            description="Remove the draft lumbar spine MRI",
                            resourceId=f"ServiceRequest/{order.id}",
                        )
                    ],
                )
            ],
            selectionBehavior="at-most-one",
            overrideReasons=list(MRI_OVERRIDE_REASONS),
            links=link,
        )
    if days is None:
        summary = "Symptom duration not recorded: MRI helps only with red flags or after 6 weeks of care."
        return Card(uuid=_new_id(), summary=summary, indicator="info", source=_source(NO_IMAGING[2], kb), links=link)
    rule, advice, cites = PERSISTENT
    fits = "fits" if result.workup.imaging_now else "is advised only if injection or surgery is considered, per"
    return Card(
        uuid=_new_id(),
        summary=clip(f"Symptoms for {days} days: MRI {fits} {rule}."),
        detail=advice,
        indicator="info",
        source=_source(cites, kb),
        links=link,
    )


def _drug_cards(order: MedicationRequest, option: DrugOption, kb: KnowledgeBase) -> list[Card]:
    cards: list[Card] = []
    remove = Suggestion(
        label=f"Remove the {option.name} order",
        uuid=_new_id(),
        isRecommended=True,
        actions=[
            Action(
                type="delete",
                description=f"Remove the draft {option.name} order",
                resourceId=f"MedicationRequest/{order.id}",
            )
        ],
    )
    present = [n for n in option.safety if n.factor_status == "present"]
    if option.status == "contraindicated":
        blocking = [n for n in present if n.effect in ("contraindicated", "avoid")]
        factors = ", ".join(n.factor.replace("_", " ") for n in blocking)
        cards.append(
            Card(
                uuid=_new_id(),
                summary=clip(f"{option.name} should not be given to this patient: {factors}."),
                detail="\n".join(f"- {n.factor.replace('_', ' ')} ({n.effect}): {n.detail}" for n in blocking),
                indicator="critical",
                source=_source([c for n in blocking for c in n.sources], kb, "bnf"),
                suggestions=[remove],
                selectionBehavior="at-most-one",
                overrideReasons=list(OVERRIDE_REASONS[1:]),
            )
        )
        return cards
    if option.status == "advised_against_for_sciatica":
        against = [p for p in option.positions if p.stance == "not_recommended"]
        cards.append(
            Card(
                uuid=_new_id(),
                summary=clip(f"{against[0].body} does not recommend {option.name} for sciatica; see the detail."),
                detail="\n".join(
                    f"- **{p.body}** ({p.stance.replace('_', ' ')}): {p.detail}" for p in option.positions
                ),
                indicator="warning",
                source=_source([c for p in against for c in p.sources], kb, "nice_ng59_2020"),
                suggestions=[remove],
                selectionBehavior="at-most-one",
                overrideReasons=list(OVERRIDE_REASONS),
            )
        )
    ordered = daily_dose(order)
    ceiling = option.ceiling_mg_per_day
    if ordered is not None and ceiling is not None and ordered.mg_per_day > ceiling:
        basis = min(option.ceiling_basis, key=lambda b: b.mg_per_day)
        fixed = with_daily_ceiling(order, ordered, ceiling)
        cards.append(
            Card(
                uuid=_new_id(),
                summary=clip(
                    f"{option.name} {ordered.mg_per_day:g} mg a day is above this patient's ceiling of {ceiling:g} mg "
                    f"({basis.label})."
                ),
                detail="\n".join(f"- {b.label}: {b.mg_per_day:g} mg a day" for b in option.ceiling_basis),
                indicator="warning",
                source=_source(basis.sources, kb, "bnf"),
                suggestions=[
                    Suggestion(
                        label=f"Cap at {ceiling:g} mg in 24 hours",
                        uuid=_new_id(),
                        isRecommended=True,
                        actions=[
                            Action(type="update", description="Lower the dose to the daily ceiling", resource=fixed)
                        ],
                    ),
                    remove,
                ],
                selectionBehavior="at-most-one",
                overrideReasons=list(OVERRIDE_REASONS[1:]),
            )
        )
    checks = [n for n in option.safety if n.effect == "check_before_prescribing"]
    if checks and not cards:
        listed = ", ".join(sorted({n.factor.replace("_", " ") for n in checks}))
        cards.append(
            Card(
                uuid=_new_id(),
                summary=clip(f"Before prescribing {option.name}, check: {listed}."),
                detail="\n".join(f"- {n.detail}" for n in checks),
                indicator="info",
                source=_source([c for n in checks for c in n.sources], kb, "bnf"),
            )
        )
    return cards


def respond(service_id: str, request: CdsRequest, kb: KnowledgeBase, runtime: EhrRuntime) -> CdsResponse:
    """Dispatch a hook call to its service."""
    described = service(service_id)
    if request.hook != described.hook:
        raise InputValidationError([Problem("body.hook", f"service {service_id} answers {described.hook!r}")])
    if service_id == PATIENT_VIEW:
        return patient_view(request, kb, runtime)
    return order_select(request, kb, runtime)


def card_json(response: CdsResponse) -> dict[str, Any]:
    return response.to_json()
