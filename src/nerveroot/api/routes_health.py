"""GET /health: liveness, knowledge-base version and database back end, after proving the database takes a write."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from nerveroot.api.deps import Kb, Store
from nerveroot.api.errors import Message
from nerveroot.api.schemas import Health

router = APIRouter(tags=["service"])
STORAGE: dict[int | str, dict[str, Any]] = {
    503: {"model": Message, "description": "The records database is read-only or unreachable"},
    507: {"model": Message, "description": "The records disk is full"},
}


@router.get("/health", response_model=Health, responses=STORAGE)
def health(kb: Kb, store: Store) -> Health:
    """The server is up and its database accepts writes (503 read-only or unreachable, 507 full)."""
    store.check_writable()
    return Health.model_validate({"status": "ok", "kb_version": kb.version, "database": store.dialect})
