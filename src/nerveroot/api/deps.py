"""Dependencies: the knowledge base and record store held by the app, and the Bearer-token actor."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from nerveroot.errors import AuthError
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.records import RecordStore
from nerveroot.records.access import Principal

bearer = HTTPBearer(auto_error=False, description="A token from `nerveroot token create NAME`.")


def get_kb(request: Request) -> KnowledgeBase:
    """The knowledge base loaded once at start-up."""
    kb: KnowledgeBase = request.app.state.kb
    return kb


def get_store(request: Request) -> RecordStore:
    """The record store opened at start-up."""
    store: RecordStore = request.app.state.store
    return store


def get_actor(
    store: Annotated[RecordStore, Depends(get_store)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The token's user (name, role, care teams); AuthError (401) otherwise. Refusals are audited too."""
    token = credentials.credentials if credentials else ""
    try:
        return store.authorise(token)
    except AuthError:
        if not token:
            raise AuthError("an 'Authorization: Bearer <token>' header is required") from None
        raise


Kb = Annotated[KnowledgeBase, Depends(get_kb)]
Store = Annotated[RecordStore, Depends(get_store)]
Actor = Annotated[Principal, Depends(get_actor)]
