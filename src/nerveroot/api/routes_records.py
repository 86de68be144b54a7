"""Patients, episodes, stored assessments and scores: every endpoint needs a Bearer token.

The store checks the user's role and patient grants (403 otherwise) and audits every attempt, refusals included.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Response

from nerveroot.api.deps import Actor, Kb, Store
from nerveroot.api.errors import AUTH, CONFLICT, ERROR_RESPONSES, FORBIDDEN, NOT_FOUND
from nerveroot.api.ids import require_known_ids
from nerveroot.api.schemas import AssessmentIn
from nerveroot.assessment.assess import assess
from nerveroot.records.models import (
    Episode,
    EpisodeDetail,
    EpisodeIn,
    Patient,
    PatientIn,
    Score,
    ScoreIn,
    StoredAssessment,
)

router = APIRouter(tags=["records"], responses={**AUTH, **FORBIDDEN})
_WRITE = {**ERROR_RESPONSES, **NOT_FOUND}


@router.post("/api/patients", status_code=201, response_model=Patient, responses={**ERROR_RESPONSES, **CONFLICT})
def create_patient(body: PatientIn, actor: Actor, store: Store) -> Patient:
    """A new patient; a reference already in use is a conflict (409)."""
    return store.create_patient(actor, body)


PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


def _link_next(response: Response, path: str, query: dict[str, str | int | None]) -> None:
    """A `Link: <…>; rel="next"` header to `path` with `query` (None values left out)."""
    params = urlencode({k: v for k, v in query.items() if v is not None})
    response.headers["Link"] = f'<{path}?{params}>; rel="next"'


def _next_link(response: Response, path: str, limit: int, page: list[Patient] | list[Episode]) -> None:
    """A full page carries a `Link: <…>; rel="next"` header to the page after its last item."""
    if len(page) == limit:
        _link_next(response, path, {"limit": limit, "after": page[-1].id})


@router.get("/api/patients", response_model=list[Patient], responses=NOT_FOUND)
def list_patients(
    actor: Actor,
    store: Store,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Patients per page.")] = PAGE_SIZE,
    after: Annotated[
        str | None, Query(min_length=1, max_length=64, description="Id of the last patient of the previous page.")
    ] = None,
) -> list[Patient]:
    """The patients this user may reach (its own, its care teams'; every patient for an admin), oldest first,
    one page at a time; a full page carries a `Link: <…>; rel="next"` header to the next one."""
    page = store.list_patients(actor, limit=limit, after=after)
    _next_link(response, "/api/patients", limit, page)
    return page


@router.get("/api/patients/{patient_id}", response_model=Patient, responses=NOT_FOUND)
def get_patient(patient_id: str, actor: Actor, store: Store) -> Patient:
    return store.get_patient(actor, patient_id)


@router.post("/api/patients/{patient_id}/episodes", status_code=201, response_model=Episode, responses=_WRITE)
def create_episode(patient_id: str, body: EpisodeIn, actor: Actor, store: Store) -> Episode:
    """A new episode of care for a patient."""
    return store.create_episode(actor, patient_id, body)


@router.get("/api/patients/{patient_id}/episodes", response_model=list[Episode], responses=NOT_FOUND)
def list_episodes(
    patient_id: str,
    actor: Actor,
    store: Store,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Episodes per page.")] = PAGE_SIZE,
    after: Annotated[
        str | None, Query(min_length=1, max_length=64, description="Id of the last episode of the previous page.")
    ] = None,
) -> list[Episode]:
    """A patient's episodes, oldest first, one page at a time; a full page carries a `Link: <…>; rel="next"`
    header to the next one."""
    page = store.list_episodes(actor, patient_id, limit=limit, after=after)
    _next_link(response, f"/api/patients/{quote(patient_id, safe='')}/episodes", limit, page)
    return page


@router.get("/api/patients/{patient_id}/export", response_model=dict[str, Any], responses=NOT_FOUND)
def export_patient(patient_id: str, actor: Actor, store: Store) -> dict[str, Any]:
    """One patient's whole record (patient, episodes, assessments, scores) as JSON."""
    return store.export_patient(actor, patient_id)


@router.get("/api/episodes/{episode_id}", response_model=EpisodeDetail, responses=NOT_FOUND)
def get_episode(
    episode_id: str,
    actor: Actor,
    store: Store,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Assessments, and scores, per page.")] = PAGE_SIZE,
    after: Annotated[
        str | None, Query(min_length=1, max_length=64, description="Id of the last assessment of the previous page.")
    ] = None,
    scores_after: Annotated[
        str | None, Query(min_length=1, max_length=64, description="Id of the last score of the previous page.")
    ] = None,
) -> EpisodeDetail:
    """An episode with one page of its stored assessments (oldest first) and of its scores (by date recorded),
    at most `limit` of each; when either list is full, a `Link: <…>; rel="next"` header leads to the next page of
    both (each list continues after its own last item)."""
    detail = store.get_episode(actor, episode_id, limit=limit, after=after, scores_after=scores_after)
    if limit in (len(detail.assessments), len(detail.scores)):
        _link_next(
            response,
            f"/api/episodes/{quote(episode_id, safe='')}",
            {
                "limit": limit,
                "after": detail.assessments[-1].id if detail.assessments else after,
                "scores_after": detail.scores[-1].id if detail.scores else scores_after,
            },
        )
    return detail


@router.post(
    "/api/episodes/{episode_id}/assessments", status_code=201, response_model=StoredAssessment, responses=_WRITE
)
def add_assessment(episode_id: str, body: AssessmentIn, actor: Actor, store: Store, kb: Kb) -> StoredAssessment:
    """Assess the case now and store the case with its assessment in the episode."""
    require_known_ids(body.case, kb, "body.case")
    return store.add_assessment(actor, episode_id, body.case, assess(body.case, kb), kb)


@router.post("/api/episodes/{episode_id}/scores", status_code=201, response_model=Score, responses=_WRITE)
def add_score(episode_id: str, body: ScoreIn, actor: Actor, store: Store) -> Score:
    """An ODI, STarT Back or pain NRS score, scored and stored in the episode."""
    return store.add_score(actor, episode_id, body)
