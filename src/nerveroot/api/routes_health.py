"""GET /health: liveness, knowledge-base version and database back end."""

from __future__ import annotations

from fastapi import APIRouter

from nerveroot.api.deps import Kb, Store
from nerveroot.api.schemas import Health

router = APIRouter(tags=["service"])


@router.get("/health", response_model=Health)
def health(kb: Kb, store: Store) -> Health:
    """The server is up; which knowledge base and database it uses."""
    return Health.model_validate({"status": "ok", "kb_version": kb.version, "database": store.dialect})
