"""Routes the web page needs beyond the core API: a clinician encounter (note + form) and its exports."""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from nerveroot.api.deps import Kb
from nerveroot.api.errors import ERROR_RESPONSES
from nerveroot.api.routes_assess import FINDING_FIELDS
from nerveroot.api.schemas import MAX_NOTE_CHARS, AssessResult, FindingOut, In
from nerveroot.assessment.assess import assess
from nerveroot.assessment.case import Case
from nerveroot.intake import parse_note
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.web.encounter import merge_cases

router = APIRouter(tags=["web page"])


class EncounterIn(In):
    """A clinician encounter: the note (optional) and the structured form, assessed together."""

    text: str = Field(default="", max_length=MAX_NOTE_CHARS, description="The clinical note; may be empty.")
    case: Case = Field(default_factory=Case, description="What the form records (exam, drug safety, answers).")


class DisagreementOut(BaseModel):
    path: str = Field(description="The finding, e.g. 'red_flags.saddle_anaesthesia'.")
    note: str
    form: str
    kept: str


class EncounterOut(BaseModel):
    case: Case = Field(description="The merged case that was assessed (save this to the episode).")
    findings: list[FindingOut] = Field(description="What was read from the note, with its words.")
    disagreements: list[DisagreementOut]
    assessment: AssessResult


class ExportIn(In):
    case: Case


def _encounter(body: EncounterIn, kb: KnowledgeBase) -> EncounterOut:
    findings: list[FindingOut] = []
    case = body.case
    disagreements: list[DisagreementOut] = []
    if body.text.strip():
        intake = parse_note(body.text, kb, today=date.today())
        findings = [
            FindingOut.model_validate(f.model_dump(mode="json", include=FINDING_FIELDS)) for f in intake.findings
        ]
        case, found = merge_cases(intake.case, body.case)
        disagreements = [DisagreementOut(path=d.path, note=d.note, form=d.form, kept=d.kept) for d in found]
    result = assess(case, kb)
    return EncounterOut(
        case=case,
        findings=findings,
        disagreements=disagreements,
        assessment=AssessResult.model_validate(result.model_dump(mode="json", by_alias=True)),
    )


@router.post(
    "/api/encounter", summary="Assess a note with the form", response_model=EncounterOut, responses=ERROR_RESPONSES
)
async def encounter_endpoint(body: EncounterIn, kb: Kb) -> EncounterOut:
    """Read the note, lay the form over it (the form fills in and overrides; a disagreement keeps 'present'
    and is reported), and assess the merged case."""
    return await run_in_threadpool(_encounter, body, kb)


@router.post(
    "/api/export/{fmt}",
    summary="The assessment of a case as Markdown or FHIR",
    response_class=Response,
    responses={200: {"content": {"text/markdown": {}, "application/fhir+json": {}}}, **ERROR_RESPONSES},
)
def export_endpoint(fmt: Literal["markdown", "fhir"], body: ExportIn, kb: Kb) -> Response:
    """A clinical note in Markdown, or a FHIR R4 collection Bundle, for the case (for the notes or the EHR)."""
    result = assess(body.case, kb)
    if fmt == "markdown":
        from nerveroot.interfaces.report import clinical_note

        return Response(clinical_note(result, kb), media_type="text/markdown; charset=utf-8")
    from nerveroot.ehr.fhir_out import assessment_bundle, bundle_json

    return Response(bundle_json(assessment_bundle(body.case, result, kb)), media_type="application/fhir+json")
