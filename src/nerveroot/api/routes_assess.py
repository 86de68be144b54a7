"""POST /api/assess, /api/ask and the instrument scorers."""

from __future__ import annotations

import json
from datetime import date
from typing import Any, get_args

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import TypeAdapter, ValidationError

from nerveroot.api.assess_output import Form, render
from nerveroot.api.deps import Kb
from nerveroot.api.errors import ERROR_RESPONSES, problems_of, rename
from nerveroot.api.ids import require_known_ids
from nerveroot.api.schemas import AskIn, AssessResult, AssessSummary, NoteIn, OdiIn, StartBackIn
from nerveroot.assessment.assess import assess
from nerveroot.assessment.case import Case
from nerveroot.assessment.drugs import SafetyProfile
from nerveroot.assessment.instruments import OdiResult, StartBackResult, score_odi, score_startback
from nerveroot.errors import InputValidationError
from nerveroot.intake import parse_note
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.qa import Answer, DocumentStore, ask

router = APIRouter(tags=["assessment"])
FINDING_FIELDS = {"id", "status", "text_span", "side", "value", "qualifier"}
ASSESS_BODY_REF = "x-nerveroot-assess-body"
"""Marker replaced in the OpenAPI document by `oneOf: [Case, NoteIn]` and `FORM_PARAMETER` (see
app.openapi_document)."""
FORMS: tuple[Form, ...] = get_args(Form)
FORM_DESCRIPTION = "'summary' (default): case-independent parts by reference; 'full': everything."
FORM_PARAMETER: dict[str, Any] = {
    "name": "form",
    "in": "query",
    "required": False,
    "schema": {
        "enum": list(FORMS),
        "type": "string",
        "description": FORM_DESCRIPTION,
        "default": "summary",
        "title": "Form",
    },
    "description": FORM_DESCRIPTION,
}
"""The `form` query parameter as FastAPI would document `form: Annotated[Form, Query(...)] = "summary"`."""
_FORM = TypeAdapter(Form)


def form_of(request: Request) -> Form:
    """The `form` query parameter (default 'summary'), read as FastAPI reads a declared one (the last value given)
    at a fraction of its per-request cost; RequestValidationError in FastAPI's shape when it is not a form."""
    value = request.query_params.get("form", "summary")
    if value in FORMS:
        return value
    try:
        return _FORM.validate_python(value)
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("query", "form")} for e in exc.errors()]) from exc


def read_assess_body(raw: bytes) -> Case | NoteIn:
    """A Case, or {"text": ...} for free-text intake; RequestValidationError with field paths otherwise."""
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RequestValidationError(
            [{"loc": ["body"], "msg": f"invalid JSON: {exc}", "type": "json_invalid"}]
        ) from exc
    model: type[Case] | type[NoteIn] = NoteIn if isinstance(data, dict) and "text" in data else Case
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError(problems_of(exc)) from exc


def assess_json(body: Case | NoteIn, kb: KnowledgeBase, form: Form = "full") -> bytes:
    """The answer in `form`: the full form is the Assessment exactly as the CLI prints it (plus the note's
    findings for text); the summary is described in nerveroot.api.assess_output."""
    lean = form == "summary"  # built without what the summary does not show (`assess`)
    if isinstance(body, Case):
        return render(assess(body, kb, for_summary=lean), SafetyProfile.of(body), kb, form)
    intake = parse_note(body.text, kb, today=date.today())
    findings = [f.model_dump(mode="json", include=FINDING_FIELDS) for f in intake.findings]
    return render(assess(intake.case, kb, for_summary=lean), SafetyProfile.of(intake.case), kb, form, findings)


@router.post(
    "/api/assess",
    summary="Assess a case or a note",
    response_class=Response,
    responses={
        200: {
            "model": AssessSummary | AssessResult,
            "description": "The summary (default) or, with form=full, the full Assessment",
        },
        **ERROR_RESPONSES,
    },
    openapi_extra={ASSESS_BODY_REF: True},
)
async def assess_endpoint(request: Request) -> Response:
    """Triage, root level, causes and mimics, workup and plan for a Case, or for `{"text": note}`."""
    form = form_of(request)  # before the body, as FastAPI checks a declared query parameter
    body = read_assess_body(await request.body())
    kb: KnowledgeBase = request.app.state.kb
    if isinstance(body, Case):  # a few milliseconds of CPU: cheaper on the loop than a thread hand-off
        require_known_ids(body, kb)
        content = assess_json(body, kb, form)
    else:  # free-text intake is slower: keep the loop free (and wait for the pipeline if it is still loading)
        language = getattr(request.app.state, "language", None)
        if language is not None:
            await language
        content = await run_in_threadpool(assess_json, body, kb, form)
    return Response(content=content, media_type="application/json")


@router.post("/api/ask", summary="A cited answer", response_model=Answer, responses=ERROR_RESPONSES)
def ask_endpoint(body: AskIn, kb: Kb) -> Answer:
    """Answer a question with cited statements from the knowledge base and ingested documents, or abstain."""
    return ask(body.question, kb, documents=DocumentStore().list())


@router.post("/api/instruments/odi", summary="Score the ODI", response_model=OdiResult, responses=ERROR_RESPONSES)
def odi_endpoint(body: OdiIn) -> OdiResult:
    """Oswestry Disability Index v2.1a: percent disability and band."""
    try:
        return score_odi(body.answers)
    except InputValidationError as exc:
        raise InputValidationError(rename(exc.problems, "odi", "body.answers")) from exc


@router.post(
    "/api/instruments/startback",
    summary="Score the STarT Back tool",
    response_model=StartBackResult,
    responses=ERROR_RESPONSES,
)
def startback_endpoint(body: StartBackIn) -> StartBackResult:
    """Keele STarT Back: total, distress subscale, risk group and its matched treatment."""
    try:
        return score_startback(body.answers)
    except InputValidationError as exc:
        raise InputValidationError(rename(exc.problems, "startback", "body.answers")) from exc
