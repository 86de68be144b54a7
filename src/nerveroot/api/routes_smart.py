"""SMART on FHIR EHR launch of the web page: `/smart/launch` (from the EHR) and `/smart/callback` (its redirect).

The callback reads the patient in context from the EHR's FHIR server (the same queries and 500 ms budget as the
CDS services) and opens the page on that case (`/#case=…`, the fragment browsers never send to servers)."""

from __future__ import annotations

import base64
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from nerveroot.api.routes_cdshooks import get_ehr
from nerveroot.ehr.config import EhrRuntime
from nerveroot.ehr.fetch import gather
from nerveroot.ehr.fhir_in import case_from_resources
from nerveroot.ehr.services import PREFETCH, fetch_bounds
from nerveroot.ehr.smart import SmartLauncher, clients_from_env
from nerveroot.errors import AuthError

router = APIRouter(tags=["smart"])


def get_launcher(request: Request, runtime: Annotated[EhrRuntime, Depends(get_ehr)]) -> SmartLauncher:
    """The app's SMART launcher (`app.state.smart`), built from NERVEROOT_SMART_CLIENTS on first use."""
    launcher: SmartLauncher | None = getattr(request.app.state, "smart", None)
    if launcher is None:
        launcher = SmartLauncher(clients_from_env(), f"{runtime.settings.public_url}/smart/callback")
        request.app.state.smart = launcher
    return launcher


Launcher = Annotated[SmartLauncher, Depends(get_launcher)]


@router.get("/smart/launch")
def launch(iss: str, launch: str, launcher: Launcher) -> RedirectResponse:
    """EHR launch: discover the EHR's endpoints and send the browser to authorize (PKCE S256, single-use state)."""
    return RedirectResponse(launcher.authorize_url(iss, launch), status_code=302)


@router.get("/smart/callback")
def callback(
    launcher: Launcher,
    runtime: Annotated[EhrRuntime, Depends(get_ehr)],
    state: str = "",
    code: str = "",
    error: str = "",
) -> RedirectResponse:
    """Exchange the code, read the patient in context, and open the page on that case."""
    if error or not code or not state:
        raise AuthError(f"the EHR did not authorise the launch ({error or 'no code'})")
    iss, token = launcher.exchange(state, code)
    found = gather(
        None,
        PREFETCH,
        {"patientId": token["patient"]},
        iss,
        token["access_token"],
        runtime.fetch_budget_s,
        runtime.fhir_transport,
        fetch_bounds(runtime.today()),
    )
    case = case_from_resources(runtime.today(), found.resources).case
    encoded = base64.urlsafe_b64encode(case.model_dump_json(exclude_defaults=True).encode()).decode().rstrip("=")
    return RedirectResponse(f"{runtime.settings.public_url}/#case={encoded}", status_code=302)
