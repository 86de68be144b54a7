"""GET /api/kb/{kind}, /api/kb/{kind}/{id} and /api/kb/search: the knowledge base, open to everyone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query

from nerveroot.api.deps import Kb
from nerveroot.api.errors import ERROR_RESPONSES, NOT_FOUND
from nerveroot.api.schemas import SearchHit
from nerveroot.errors import NotFoundError
from nerveroot.knowledge.models import ENTITY_MODELS, Record, Source

KINDS: tuple[str, ...] = (
    "roots",
    "body_regions",
    "findings",
    "conditions",
    "tests",
    "treatments",
    "drugs",
    "red_flags",
    "prevention",
    "faqs",
    "instruments",
    "triage_rules",
)

router = APIRouter(tags=["knowledge"])


@router.get("/api/kb/search", summary="Search by name", response_model=list[SearchHit], responses=ERROR_RESPONSES)
def search_endpoint(
    kb: Kb,
    q: Annotated[str, Query(min_length=1, max_length=200, description="Name, synonym or lay term.")],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> list[SearchHit]:
    """Records whose name, synonym or lay term matches, best first."""
    hits = kb.search(q, limit=limit * 2)
    return [SearchHit(kind=kind, id=r.id, name=r.name) for kind, r in hits if kind in KINDS][:limit]


@router.get("/api/kb/sources", summary="List sources", response_model=list[Source], operation_id="list_sources")
def list_sources(kb: Kb) -> list[Source]:
    """Every document the knowledge base cites (title, authors, year, URL or DOI, whether figures were verified)."""
    return list(kb.sources.values())


@router.get(
    "/api/kb/sources/{source_id}",
    summary="Get one source",
    response_model=Source,
    responses=NOT_FOUND,
    operation_id="get_sources",
)
def get_source(kb: Kb, source_id: str) -> Source:
    """One cited document by id."""
    if source_id not in kb.sources:
        raise NotFoundError("sources", source_id)
    return kb.sources[source_id]


def _lister(kind: str) -> Callable[..., list[Any]]:
    def list_records(kb: Kb) -> list[Record]:
        return list(kb.entities[kind].values())

    list_records.__doc__ = f"Every {kind.replace('_', ' ')} record."
    return list_records


def _getter(kind: str) -> Callable[..., Any]:
    def get_record(kb: Kb, record_id: str) -> Record:
        record = kb.entities[kind].get(record_id)
        if record is None:
            raise NotFoundError(kind, record_id)
        return record

    get_record.__doc__ = f"One {kind.replace('_', ' ')} record by id."
    return get_record


for _kind in KINDS:
    _model = ENTITY_MODELS[_kind]
    router.add_api_route(
        f"/api/kb/{_kind}",
        _lister(_kind),
        methods=["GET"],
        response_model=list[_model],  # type: ignore[valid-type]
        summary=f"List {_kind}",
        operation_id=f"list_{_kind}",
    )
    router.add_api_route(
        f"/api/kb/{_kind}/{{record_id}}",
        _getter(_kind),
        methods=["GET"],
        response_model=_model,
        responses=NOT_FOUND,
        summary=f"Get one of {_kind}",
        operation_id=f"get_{_kind}",
    )
