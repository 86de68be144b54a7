"""FHIR R4 out: an Assessment as a collection Bundle of typed resources.

- RiskAssessment: one prediction per root (L1-S1) and 'not radicular', each outcome coded with ICD-10-CM
  radiculopathy of the root's region, with the reasons for and against.
- DetectedIssue: each urgent or emergency triage reason (red flags); and, for each medication order given in the
  input that is ruled out for this patient, an HL7 v3 ActCode issue (COND, condition alert) naming the order in
  `implicated`. Drugs nobody ordered are no DetectedIssue: the CarePlan notes them as ruled out.
- Condition: the working diagnosis with one code per system: a billable ICD-10-CM code (a category is resolved to
  the code for the affected side when its codes differ only by laterality, else left out and said so), and
  nerveroot's condition id.
- CarePlan: the stepped plan, with the drug options and their patient-specific daily ceilings.
- ServiceRequest: imaging when indicated now (LOINC 24531-6 for lumbar MRI), and the tests of the workup, all as
  draft proposals.
Resource ids are derived from the case and knowledge-base version, so the same input gives the same Bundle.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from nerveroot.assessment.case import Case
from nerveroot.assessment.result import Assessment, EvidenceItem, TriageReason
from nerveroot.ehr import codes
from nerveroot.ehr.terminology import billable_icd, default_terminology, icd_leaves
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import Cite, Condition

SEVERITY = {"emergency": "high", "urgent": "moderate"}
PRIORITY = {"now": "stat", "urgent": "urgent", "if_persisting": "routine", "specialist": "routine"}
IMAGING_PRIORITY = {"emergency": "stat", "urgent": "urgent"}


class _Ids:
    def __init__(self, case: Case, kb: KnowledgeBase) -> None:
        digest = hashlib.sha256(f"{kb.content_hash}|{case.model_dump_json()}".encode()).hexdigest()
        self.seed = digest
        self.count = 0

    def next(self) -> str:
        self.count += 1
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{codes.BASE}/{self.seed}/{self.count}"))


def _url(cites: list[Cite], kb: KnowledgeBase) -> str | None:
    for cite in cites:
        source = kb.sources.get(cite.source)
        if source is not None and source.url:
            return source.url
    return None


def _reasons(items: list[EvidenceItem]) -> str:
    return ", ".join(f"{i.name} ({i.status}, LR {i.lr:g})" for i in items) or "none"


def _risk(assessment: Assessment, subject: dict[str, Any], when: str, basis: list[str]) -> dict[str, Any]:
    outcomes = default_terminology().risk_outcomes
    predictions = [
        {
            "outcome": {
                "coding": [
                    {"system": codes.ROOT, "code": lv.root, "display": lv.label},
                    *(
                        [{"system": codes.ICD10CM, "code": icd, "display": outcomes.titles[icd]}]
                        if (icd := outcomes.icd10cm.get(lv.root))
                        else []
                    ),
                ],
                "text": f"{lv.label} radiculopathy" if lv.root != "none" else lv.label,
            },
            "probabilityDecimal": lv.probability,
            "rationale": f"For: {_reasons(lv.supporting)}. Against: {_reasons(lv.opposing)}.",
        }
        for lv in assessment.levels
    ]
    resource: dict[str, Any] = {
        "resourceType": "RiskAssessment",
        "status": "final",
        "subject": subject,
        "occurrenceDateTime": when,
        "method": {"text": f"nerveroot root localiser, knowledge base {assessment.kb_version}"},
        "prediction": predictions,
        "note": [{"text": assessment.disclaimer}],
    }
    if basis:
        resource["basis"] = [{"reference": ref} for ref in basis]
    return resource


def _triage_issue(reason: TriageReason, subject: dict[str, Any], when: str, kb: KnowledgeBase) -> dict[str, Any]:
    issue: dict[str, Any] = {
        "resourceType": "DetectedIssue",
        "status": "final",
        "code": {"coding": [{"system": codes.ISSUE, "code": "red_flag", "display": "Red flag"}], "text": reason.name},
        "severity": SEVERITY[reason.level],
        "identifiedDateTime": when,
        "detail": f"{reason.rationale} {reason.advice}",
        "evidence": [{"code": [{"coding": [{"system": codes.FINDING, "code": f}]} for f in reason.findings]}],
    }
    if "reference" in subject:
        issue["patient"] = subject
    if url := _url(reason.sources, kb):
        issue["reference"] = url
    if not reason.findings:
        del issue["evidence"]
    return issue


def _order_issues(
    assessment: Assessment, subject: dict[str, Any], when: str, kb: KnowledgeBase, orders: dict[str, str]
) -> list[dict[str, Any]]:
    """One DetectedIssue per ordered medication ruled out for this patient, implicating that order."""
    code = default_terminology().issue("condition_contraindication")
    issues = []
    for option in assessment.plan.drugs:
        ordered = [ref for ref, drug_id in orders.items() if drug_id == option.drug_id]
        if option.status != "contraindicated" or not ordered:
            continue
        present = [n for n in option.safety if n.factor_status == "present"]
        issue: dict[str, Any] = {
            "resourceType": "DetectedIssue",
            "status": "final",
            "code": {
                "coding": [{"system": codes.ACT_CODE, "code": code.code, "display": code.display}],
                "text": f"{option.name} is ruled out for this patient",
            },
            "severity": "high",
            "identifiedDateTime": when,
            "implicated": [{"reference": ref} for ref in ordered],
            "detail": " ".join(option.notes) or ", ".join(n.factor.replace("_", " ") for n in present),
        }
        if "reference" in subject:
            issue["patient"] = subject
        if url := _url([c for n in present for c in n.sources], kb):
            issue["reference"] = url
        issues.append(issue)
    return issues


def _diagnosis(
    assessment: Assessment, case: Case, subject: dict[str, Any], when: str, kb: KnowledgeBase
) -> dict[str, Any] | None:
    if not assessment.differential:
        return None
    top = assessment.differential[0]
    condition = kb.get("conditions", top.id, Condition)
    billable = [
        (found, c)
        for c in condition.icd10
        if c.verified and (found := billable_icd(c.code, list(case.sides), icd_leaves()))
    ]
    coding = []
    if billable:
        (code, title), chosen = billable[0]
        coding.append({"system": codes.ICD10CM, "code": code, "display": title or chosen.title})
    coding.append({"system": codes.CONDITION, "code": top.id, "display": top.name})
    notes = [f"Working diagnosis from nerveroot, probability {top.probability:.0%}; to be confirmed by a clinician."]
    others = [c.code for c in condition.icd10 if not billable or c is not billable[0][1]]
    if others:
        notes.append(f"Other ICD-10-CM codes to consider (not coded here): {', '.join(others)}.")
    return {
        "resourceType": "Condition",
        "clinicalStatus": {"coding": [{"system": codes.CONDITION_CLINICAL, "code": "active"}]},
        "verificationStatus": {"coding": [{"system": codes.CONDITION_VERIFICATION, "code": "provisional"}]},
        "category": [{"coding": [{"system": codes.CONDITION_CATEGORY, "code": "encounter-diagnosis"}]}],
        "code": {"coding": coding, "text": top.name},
        "subject": subject,
        "recordedDate": when,
        "note": [{"text": n} for n in notes],
    }


def _care_plan(assessment: Assessment, subject: dict[str, Any], when: str, addresses: str | None) -> dict[str, Any]:
    activities: list[dict[str, Any]] = [
        {"detail": {"status": "not-started", "description": f"{step.title}. {item.name}: {item.detail}"}}
        for step in assessment.plan.steps
        for item in step.items
    ]
    for option in assessment.plan.drugs:
        if option.status in ("option", "use_with_caution") and option.dose:
            ceiling = (
                f"; at most {option.ceiling_mg_per_day:g} {option.dose_unit} a day" if option.ceiling_mg_per_day else ""
            )
            activities.append(
                {
                    "detail": {
                        "kind": "MedicationRequest",
                        "status": "not-started",
                        "productCodeableConcept": {"text": option.name},
                        "description": f"{option.name} ({option.status.replace('_', ' ')}): {option.dose}{ceiling}",
                    }
                }
            )
    plan: dict[str, Any] = {
        "resourceType": "CarePlan",
        "status": "active",
        "intent": "proposal",
        "title": "Stepped care for leg pain from a lumbar nerve root",
        "description": assessment.triage.summary,
        "subject": subject,
        "created": when,
        "activity": activities,
        "note": [{"text": n} for n in _plan_notes(assessment)] or None,
    }
    if addresses:
        plan["addresses"] = [{"reference": addresses}]
    return {k: v for k, v in plan.items() if v is not None}


def _plan_notes(assessment: Assessment) -> list[str]:
    notes = []
    if assessment.plan.avoid:
        notes.append(f"Not advised for sciatica: {', '.join(i.name for i in assessment.plan.avoid)}.")
    ruled_out = [o for o in assessment.plan.drugs if o.status == "contraindicated"]
    for option in ruled_out:
        factors = [n.factor.replace("_", " ") for n in option.safety if n.factor_status == "present"]
        notes.append(f"Ruled out for this patient: {option.name} ({', '.join(factors) or 'see the drug notes'}).")
    return notes


def _service_requests(assessment: Assessment, subject: dict[str, Any], when: str) -> list[dict[str, Any]]:
    workup = assessment.workup
    mri = default_terminology().orders["lumbar_mri"].emit["loinc"]
    requests = []
    if workup.imaging_now:
        requests.append(
            {
                "resourceType": "ServiceRequest",
                "status": "draft",
                "intent": "proposal",
                "priority": IMAGING_PRIORITY.get(assessment.triage.level, "routine"),
                "code": {
                    "coding": [
                        {"system": codes.LOINC, "code": mri["code"], "display": mri["display"]},
                        {"system": codes.ORDER, "code": "mri_lumbar_spine", "display": "MRI lumbar spine"},
                    ],
                    "text": "MRI of the lumbar spine",
                },
                "subject": subject,
                "authoredOn": when,
                "reasonCode": [{"text": workup.imaging_rule}],
                "note": [{"text": workup.imaging_detail}],
            }
        )
    for test in workup.tests:
        requests.append(
            {
                "resourceType": "ServiceRequest",
                "status": "draft",
                "intent": "proposal",
                "priority": PRIORITY[test.timing],
                "code": {"coding": [{"system": codes.ORDER, "code": test.id, "display": test.name}], "text": test.name},
                "subject": subject,
                "authoredOn": when,
                "reasonCode": [{"text": test.why}],
                "note": [{"text": f"Timing: {test.timing.replace('_', ' ')}."}],
            }
        )
    return requests


def assessment_bundle(
    case: Case,
    assessment: Assessment,
    kb: KnowledgeBase,
    patient_reference: str | None = None,
    basis: list[str] | None = None,
    now: datetime | None = None,
    orders: dict[str, str] | None = None,
) -> Bundle:
    """The assessment as a FHIR R4 collection Bundle (validated by the R4B models). `orders`: medication order
    reference → knowledge-base drug id, for the DetectedIssues that implicate them."""
    ids = _Ids(case, kb)
    when = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    subject: dict[str, Any] = (
        {"reference": patient_reference} if patient_reference else {"display": "The assessed person (not identified)"}
    )
    resources: list[dict[str, Any]] = [_risk(assessment, subject, when, basis or [])]
    resources += [_triage_issue(r, subject, when, kb) for r in assessment.triage.reasons if r.level in SEVERITY]
    resources += _order_issues(assessment, subject, when, kb, orders or {})
    diagnosis = _diagnosis(assessment, case, subject, when, kb)
    diagnosis_url = None
    if diagnosis is not None:
        resources.append(diagnosis)
    entries = []
    for resource in resources:
        rid = ids.next()
        resource["id"] = rid
        if resource["resourceType"] == "Condition":
            diagnosis_url = f"urn:uuid:{rid}"
        entries.append({"fullUrl": f"urn:uuid:{rid}", "resource": resource})
    for resource in [
        _care_plan(assessment, subject, when, diagnosis_url),
        *_service_requests(assessment, subject, when),
    ]:
        rid = ids.next()
        resource["id"] = rid
        entries.append({"fullUrl": f"urn:uuid:{rid}", "resource": resource})
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "id": ids.next(),
            "type": "collection",
            "timestamp": when,
            "meta": {"tag": [{"system": codes.BASE, "code": f"kb-{assessment.kb_version}"}]},
            "entry": entries,
        }
    )


def bundle_json(bundle: Bundle, indent: int | None = 2) -> str:
    """The Bundle as FHIR JSON (empty elements left out)."""
    return bundle.model_dump_json(exclude_none=True, indent=indent)
