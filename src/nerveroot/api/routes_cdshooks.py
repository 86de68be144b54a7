"""CDS Hooks endpoints: discovery, the two services and feedback, each behind the client JWT check."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from nerveroot.ehr.cards import CdsRequest, Discovery, FeedbackRequest
from nerveroot.ehr.config import EhrRuntime, EhrSettings
from nerveroot.ehr.jwt import require_fhir_server
from nerveroot.ehr.services import SERVICES, respond, service
from nerveroot.errors import AuthError
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.loader import default_knowledge

router = APIRouter(tags=["cds-hooks"])


def get_ehr(request: Request) -> EhrRuntime:
    """The app's EHR runtime (`app.state.ehr`), built from the environment on first use."""
    runtime: EhrRuntime | None = getattr(request.app.state, "ehr", None)
    if runtime is None:
        runtime = EhrRuntime(EhrSettings.from_env())
        request.app.state.ehr = runtime
    return runtime


def get_ehr_kb(request: Request) -> KnowledgeBase:
    kb: KnowledgeBase | None = getattr(request.app.state, "kb", None)
    return kb if kb is not None else default_knowledge()


def cds_client(request: Request, runtime: Annotated[EhrRuntime, Depends(get_ehr)]) -> str:
    """The verified client (JWT `iss`), or 'development' when the explicit development mode is on."""
    if runtime.settings.dev_mode:
        return "development"
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("CDS Hooks calls need 'Authorization: Bearer <JWT>'")
    assert runtime.verifier is not None
    claims = runtime.verifier.verify(token.strip(), audience=f"{runtime.settings.public_url}{request.url.path}")
    return str(claims["iss"])


Client = Annotated[str, Depends(cds_client)]
Runtime = Annotated[EhrRuntime, Depends(get_ehr)]
Kb = Annotated[KnowledgeBase, Depends(get_ehr_kb)]


@router.get("/cds-services", response_model_exclude_none=True)
def discovery(_: Client) -> Discovery:
    """The services this server offers, with their prefetch templates."""
    return Discovery(services=list(SERVICES))


@router.post("/cds-services/{service_id}")
def call_service(service_id: str, body: CdsRequest, client: Client, runtime: Runtime, kb: Kb) -> dict[str, Any]:
    """Cards for one hook call (412 when prefetch is missing and no fhirServer is given; 403 for a fhirServer
    not registered for the client's issuer)."""
    require_fhir_server(runtime.settings.issuers, client, body.fhirServer, runtime.settings.dev_mode)
    return respond(service_id, body, kb, runtime).to_json()


@router.post("/cds-services/{service_id}/feedback")
def feedback(service_id: str, body: FeedbackRequest, client: Client, runtime: Runtime) -> dict[str, int]:
    """Store accepted and overridden outcomes (with the override reason and comment)."""
    service(service_id)
    stored = runtime.feedback().add(service_id, body.feedback, client)
    return {"stored": len(stored)}
