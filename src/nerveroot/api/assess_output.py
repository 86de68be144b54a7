"""The two forms of an /api/assess answer, as bytes: the summary (default) and the full Assessment.

The summary keeps everything about the patient — triage with every reason (rule, findings, advice and citations;
the rule's rationale, the same for every patient, by reference) and every red flag not assessed, root
probabilities with their evidence, workup, instruments, and the differential with its reasons (conditions below
1% by name, code and probability only) — and names the case-independent parts instead of repeating them: plan
items by id and stance (their text and citations are in the knowledge base and the full form) and the drug
options by safety profile: per drug the patient's status, dose, ceiling, the cautions that apply and the factors
to check first, with a link to the full options and their citations (`/api/drugs/profile/{key}`). The full form
is the Assessment exactly as `nerveroot assess --format json` prints it.
"""

from __future__ import annotations

from typing import Any, Literal

import orjson

from nerveroot.assessment.drugs import Jurisdiction, PlanDrug, SafetyProfile
from nerveroot.assessment.result import Assessment, DifferentialItem, PlanItem
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import TriageRule

Form = Literal["summary", "full"]
PROFILE_PATH = "/api/drugs/profile/{key}"
FULL_FORM = "/api/assess?form=full"
LEADING_PROBABILITY = 0.01
"""Differential items at or above this probability (and every must-not-miss one) keep their reasons in the
summary; the others are listed by name, code and probability in `differential_other`."""


def profile_href(profile: SafetyProfile, jurisdiction: Jurisdiction) -> str:
    return PROFILE_PATH.format(key=profile.key) + f"?jurisdiction={jurisdiction}"


def _item(item: PlanItem) -> dict[str, Any]:
    return {"id": item.id, "name": item.name, "stance": item.stance}


def _drug(drug: PlanDrug) -> dict[str, Any]:
    cautions: list[dict[str, Any]] = []
    check_first: list[str] = []
    for note in drug.safety:  # a note's factor is present or unknown (absent ones make no note)
        if note.factor_status == "present":
            cautions.append({"factor": note.factor, "effect": note.effect})
        else:
            check_first.append(note.factor)
    return {
        "drug_id": drug.drug_id,
        "status": drug.status,
        "dose": drug.dose,
        "ceiling_mg_per_day": drug.ceiling_mg_per_day,
        "cautions": cautions,
        "check_first": check_first,
    }


def _leading(item: DifferentialItem, suspected: set[str]) -> bool:
    return item.probability >= LEADING_PROBABILITY or item.id in suspected


def summary(
    assessment: Assessment, profile: SafetyProfile, kb: KnowledgeBase, jurisdiction: Jurisdiction = "UK"
) -> dict[str, Any]:
    """The summary form as plain data (see the module docstring)."""
    a = assessment
    suspected = {c for r in a.triage.reasons for c in kb.get("triage_rules", r.rule, TriageRule).suspects}
    leading: list[DifferentialItem] = []
    other: list[DifferentialItem] = []
    for item in a.differential:
        (leading if _leading(item, suspected) else other).append(item)
    plan = a.plan
    return {
        "form": "summary",
        "full_form": FULL_FORM,
        "case_id": a.case_id,
        "kb_version": a.kb_version,
        "kb_content_hash": a.kb_content_hash,
        "triage": a.triage.model_dump(mode="json", exclude={"reasons": {"__all__": {"rationale"}}}),
        "levels": [lv.model_dump(mode="json") for lv in a.levels],
        "level_summary": a.level_summary.model_dump(mode="json"),
        "sides": a.sides,
        "multi_level": a.multi_level,
        "differential": [d.model_dump(mode="json") for d in leading],
        "differential_other": [
            {"id": d.id, "name": d.name, "role": d.role, "icd10": d.icd10, "probability": d.probability} for d in other
        ],
        "workup": a.workup.model_dump(mode="json"),
        "plan": {
            "steps": [{"stage": s.stage, "title": s.title, "items": [_item(i) for i in s.items]} for s in plan.steps],
            "drugs": {
                "profile": profile.key,
                "jurisdiction": jurisdiction,
                "href": profile_href(profile, jurisdiction),
                "options": [_drug(d) for d in plan.drugs],
            },
            "avoid": [_item(i) for i in plan.avoid],
            "seek_care_now": plan.seek_care_now,
        },
        "instruments": a.instruments,
        "disclaimer": a.disclaimer,
    }


def render(
    assessment: Assessment,
    profile: SafetyProfile,
    kb: KnowledgeBase,
    form: Form,
    findings: list[dict[str, Any]] | None = None,
    jurisdiction: Jurisdiction = "UK",
) -> bytes:
    """The answer's bytes in the requested form (with the note's findings when a note was read)."""
    if form == "full":
        if findings is None:
            return assessment.model_dump_json().encode()
        payload = assessment.model_dump(mode="json")
    else:
        payload = summary(assessment, profile, kb, jurisdiction)
    if findings is not None:
        payload["findings"] = findings
    return orjson.dumps(payload)
