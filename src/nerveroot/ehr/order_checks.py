"""Order checks for order-select and order-sign: lumbar MRI appropriateness (with a PAMA-style rating as a system
action) and NSAID/opioid safety (allergy, contraindication, sciatica guidance, daily ceiling)."""

from __future__ import annotations

from typing import Any, cast

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.condition import Condition as FhirCondition
from fhir.resources.R4B.medicationrequest import MedicationRequest
from fhir.resources.R4B.resource import Resource
from fhir.resources.R4B.servicerequest import ServiceRequest

from nerveroot.assessment.assess import assess
from nerveroot.assessment.drugs import DrugOption, drug_options
from nerveroot.assessment.evidence import PERSISTENT_DAYS
from nerveroot.assessment.result import Assessment
from nerveroot.assessment.workup import NO_IMAGING, PERSISTENT
from nerveroot.ehr import codes
from nerveroot.ehr.card_parts import (
    MRI_OVERRIDE_REASONS,
    OVERRIDE_REASONS,
    HookData,
    case_link,
    clip,
    new_id,
    read_note,
    source_of,
)
from nerveroot.ehr.cards import Action, Card, CdsRequest, CdsResponse, Suggestion
from nerveroot.ehr.config import EhrRuntime
from nerveroot.ehr.fhir_facts import identify_drug
from nerveroot.ehr.fhir_in import medication_concept
from nerveroot.ehr.orders import daily_dose, find_drug, is_lumbar_mri, strength_of, with_daily_ceiling
from nerveroot.ehr.services import detail, hook_data
from nerveroot.ehr.terminology import Terminology, default_terminology
from nerveroot.knowledge.base import KnowledgeBase

PAMA = "http://hl7.org/fhir/us/pama/StructureDefinition/pama-rating"
PAMA_RATING = "http://hl7.org/fhir/us/pama/CodeSystem/pama-rating"
PAMA_CONSULT = "http://hl7.org/fhir/us/pama/StructureDefinition/pama-rating-consult-id"


def check_orders(
    request: CdsRequest, orders: list[Resource], warnings: list[str], kb: KnowledgeBase, runtime: EhrRuntime
) -> CdsResponse:
    """Cards for the draft orders nerveroot knows (others get none); in the US, PAMA ratings for lumbar MRI as
    system actions."""
    terms = default_terminology()
    medications = [o for o in orders if o.get_resource_type() == "Medication"]
    checked = [o for o in orders if o.get_resource_type() in ("ServiceRequest", "MedicationRequest")]
    cards: list[Card] = [_unreadable(warnings, kb)] if warnings else []
    if not checked:
        return CdsResponse(cards=cards)
    imaging = [o for o in checked if isinstance(o, ServiceRequest) and is_lumbar_mri(o, terms)]
    data = hook_data(request, runtime, extra=[*medications, *[r for o in imaging for r in _reasons(o)]])
    actions: list[Action] = []
    result: Assessment | None = None
    options: list[DrugOption] | None = None
    for order in checked:
        if isinstance(order, ServiceRequest) and order in imaging:
            result = result or assess(data.case, kb)
            card, rating = _mri_card(order, data, result, kb, runtime)
            cards.append(card)
            if runtime.settings.jurisdiction == "US":  # PAMA appropriate-use criteria apply to US Medicare imaging
                actions.append(_pama_action(order, rating, card.uuid or ""))
        elif isinstance(order, MedicationRequest):
            concept = medication_concept(order, data.library)
            cards += _allergy_cards(order, concept, data, terms, kb)
            drug = find_drug(concept, kb, terms)
            if drug is None:
                continue
            options = options or drug_options(data.case, kb, runtime.settings.jurisdiction)
            option = next(o for o in options if o.drug_id == drug.id)
            cards += _drug_cards(order, concept, option, data, kb, terms)
    return CdsResponse(cards=cards, systemActions=actions or None)


def _reasons(order: ServiceRequest) -> list[Resource]:
    """The order's coded reasons as the ordering clinician's confirmed, active problems (a red flag named as the
    reason for a scan counts as recorded)."""
    found: list[Resource] = []
    for i, reason in enumerate(order.reasonCode or []):
        if not reason.coding:
            continue
        found.append(
            FhirCondition.model_validate(
                {
                    "resourceType": "Condition",
                    "id": f"reason-{order.id or 'order'}-{i}",
                    "clinicalStatus": {"coding": [{"system": codes.CONDITION_CLINICAL, "code": "active"}]},
                    "verificationStatus": {"coding": [{"system": codes.CONDITION_VERIFICATION, "code": "confirmed"}]},
                    "code": reason.model_dump(mode="json", exclude_none=True),
                    "subject": order.subject.model_dump(mode="json", exclude_none=True),
                }
            )
        )
    return found


def _unreadable(warnings: list[str], kb: KnowledgeBase) -> Card:
    """Draft orders that did not validate as FHIR R4: named, so nobody takes silence for a passed check."""
    card = Card(
        uuid=new_id(),
        summary=clip(f"nerveroot could not check {len(warnings)} draft order(s): not valid FHIR R4; see the detail."),
        detail="\n".join(f"- {w}" for w in warnings),
        indicator="info",
        source=source_of([], kb, "nice_ng59"),
    )
    return card.kind("orders:unreadable")


def _remove(kind: str, name: str, resource_id: str, recommended: bool = True) -> Suggestion:
    return Suggestion(
        label=f"Remove the {name} order",
        uuid=new_id(),
        isRecommended=recommended,
        actions=[
            Action(type="delete", description=f"Remove the draft {name} order", resourceId=f"{kind}/{resource_id}")
        ],
    )


def _mri_card(
    order: ServiceRequest, data: HookData, result: Assessment, kb: KnowledgeBase, runtime: EhrRuntime
) -> tuple[Card, str]:
    case = data.case
    red = [r for r in result.triage.reasons if r.level in ("emergency", "urgent")]
    link = [case_link(case, runtime, data)]
    note = read_note(data)
    if red:
        card = Card(
            uuid=new_id(),
            summary=clip(f"Lumbar MRI fits {red[0].name} ({red[0].level}): {result.workup.imaging_rule}."),
            detail=detail(result) + note,
            indicator="info",
            source=source_of(result.workup.imaging_sources, kb),
            links=link,
        )
        return card.kind("mri:red-flag"), "appropriate"
    days = case.duration_days
    if days is not None and days < PERSISTENT_DAYS:
        rule, advice, cites = NO_IMAGING
        unasked = [n.question for n in result.triage.not_assessed if n.group == "cauda_equina"]
        lines = [f"**{rule}**", "", f"Symptoms for {days} days and no red flag recorded. {advice}"]
        if unasked:
            lines += ["", "Ask before deciding (these could make MRI urgent):", *[f"- {q}" for q in unasked]]
        card = Card(
            uuid=new_id(),
            summary=clip("No red flag and under 6 weeks of symptoms: lumbar MRI is not advised now (NICE NG59)."),
            detail="\n".join(lines) + note,
            indicator="warning",
            source=source_of(cites, kb),
            suggestions=[_remove("ServiceRequest", "lumbar MRI", order.id or "")],
            selectionBehavior="at-most-one",
            overrideReasons=list(MRI_OVERRIDE_REASONS),
            links=link,
        )
        return card.kind("mri:not-advised-before-6-weeks"), "not-appropriate"
    if days is None:
        summary = "Symptom duration not recorded: MRI helps only with red flags or after 6 weeks of care."
        card = Card(
            uuid=new_id(),
            summary=summary,
            detail=f"{NO_IMAGING[1]}{note}",
            indicator="info",
            source=source_of(NO_IMAGING[2], kb),
            links=link,
        )
        return card.kind("mri:duration-unknown"), "no-criteria-apply"
    rule, advice, cites = PERSISTENT
    fits = "fits" if result.workup.imaging_now else "is advised only if injection or surgery is considered, per"
    card = Card(
        uuid=new_id(),
        summary=clip(f"Symptoms for {days} days: MRI {fits} {rule}."),
        detail=advice + note,
        indicator="info",
        source=source_of(cites, kb),
        links=link,
    )
    return card.kind("mri:persistent"), "appropriate" if result.workup.imaging_now else "not-appropriate"


def _pama_action(order: ServiceRequest, rating: str, consult: str) -> Action:
    """The order with a PAMA appropriate-use rating and the consultation id (the card uuid), as the PAMA imaging
    implementation guide records them."""
    data = order.model_dump(mode="json", exclude_none=True)
    others = [e for e in data.get("extension", []) if e.get("url") not in (PAMA, PAMA_CONSULT)]
    data["extension"] = [
        *others,
        {"url": PAMA, "valueCodeableConcept": {"coding": [{"system": PAMA_RATING, "code": rating}]}},
        {"url": PAMA_CONSULT, "valueString": consult},
    ]
    resource = ServiceRequest.model_validate(data).model_dump(mode="json", exclude_none=True)
    return Action(
        type="update", description=f"Record the appropriate-use rating ({rating}) on the order", resource=resource
    )


def _allergy_cards(
    order: MedicationRequest, concept: CodeableConcept | None, data: HookData, terms: Terminology, kb: KnowledgeBase
) -> list[Card]:
    cls, drug_id = identify_drug(concept, terms)
    hits = [
        a
        for a in data.intake.allergies
        if (drug_id is not None and a.drug_id == drug_id) or (cls is not None and a.drug_class == cls.id)
    ]
    if not hits:
        return []
    name = (concept.text if concept and concept.text else None) or drug_id or "this medicine"
    card = Card(
        uuid=new_id(),
        summary=clip(f"Recorded allergy to {hits[0].text}: {name} is in the same drug or class."),
        detail="\n".join(f"- allergy recorded: {a.text}" for a in hits) + read_note(data),
        indicator="critical",
        source=source_of([], kb, "bnf"),
        suggestions=[_remove("MedicationRequest", name, order.id or "")],
        selectionBehavior="at-most-one",
        overrideReasons=list(OVERRIDE_REASONS),
    )
    return [card.kind(f"drug:allergy:{cls.id if cls else drug_id}")]


def _drug_cards(
    order: MedicationRequest,
    concept: CodeableConcept | None,
    option: DrugOption,
    data: HookData,
    kb: KnowledgeBase,
    terms: Terminology,
) -> list[Card]:
    note = read_note(data)
    present = [n for n in option.safety if n.factor_status == "present"]
    if option.status == "contraindicated":
        blocking = [n for n in present if n.effect in ("contraindicated", "avoid")]
        factors = ", ".join(n.factor.replace("_", " ") for n in blocking)
        card = Card(
            uuid=new_id(),
            summary=clip(f"{option.name} should not be given to this patient: {factors}."),
            detail="\n".join(f"- {n.factor.replace('_', ' ')} ({n.effect}): {n.detail}" for n in blocking) + note,
            indicator="critical",
            source=source_of([c for n in blocking for c in n.sources], kb, "bnf"),
            suggestions=[_remove("MedicationRequest", option.name, order.id or "")],
            selectionBehavior="at-most-one",
            overrideReasons=list(OVERRIDE_REASONS[1:]),
        )
        return [card.kind(f"drug:contraindicated:{option.drug_id}")]
    cards: list[Card] = []
    if option.status == "advised_against_for_sciatica":
        against = [p for p in option.positions if p.stance == "not_recommended"]
        cards.append(
            Card(
                uuid=new_id(),
                summary=clip(f"{against[0].body} does not recommend {option.name} for sciatica; see the detail."),
                detail="\n".join(f"- **{p.body}** ({p.stance.replace('_', ' ')}): {p.detail}" for p in option.positions)
                + note,
                indicator="warning",
                source=source_of([c for p in against for c in p.sources], kb, "nice_ng59_2020"),
                suggestions=[_remove("MedicationRequest", option.name, order.id or "")],
                selectionBehavior="at-most-one",
                overrideReasons=list(OVERRIDE_REASONS),
            ).kind(f"drug:advised-against:{option.drug_id}")
        )
    ordered = daily_dose(order, strength_of(concept, terms))
    ceiling = option.ceiling_mg_per_day
    if ordered is not None and ceiling is not None and ordered.mg_per_day > ceiling:
        basis = min(option.ceiling_basis, key=lambda b: b.mg_per_day)
        fixed = with_daily_ceiling(order, ordered, ceiling, option.name, terms)
        cards.append(
            Card(
                uuid=new_id(),
                summary=clip(
                    f"{option.name} {ordered.mg_per_day:g} mg a day is above this patient's ceiling of {ceiling:g} mg "
                    f"({basis.label})."
                ),
                detail="\n".join(f"- {b.label}: {b.mg_per_day:g} mg a day" for b in option.ceiling_basis) + note,
                indicator="warning",
                source=source_of(basis.sources, kb, "bnf"),
                suggestions=[
                    Suggestion(
                        label=f"Change to {cast(dict[str, Any], fixed['dosageInstruction'][0])['text']}",
                        uuid=new_id(),
                        isRecommended=True,
                        actions=[
                            Action(type="update", description="Lower the dose to the daily ceiling", resource=fixed)
                        ],
                    ),
                    _remove("MedicationRequest", option.name, order.id or "", recommended=False),
                ],
                selectionBehavior="at-most-one",
                overrideReasons=list(OVERRIDE_REASONS[1:]),
            ).kind(f"drug:above-ceiling:{option.drug_id}")
        )
    checks = [n for n in option.safety if n.effect == "check_before_prescribing"]
    if checks and not cards:
        listed = ", ".join(sorted({n.factor.replace("_", " ") for n in checks}))
        cards.append(
            Card(
                uuid=new_id(),
                summary=clip(f"Before prescribing {option.name}, check: {listed}."),
                detail="\n".join(f"- {n.detail}" for n in checks) + note,
                indicator="info",
                source=source_of([c for n in checks for c in n.sources], kb, "bnf"),
            ).kind(f"drug:check:{option.drug_id}")
        )
    return cards
