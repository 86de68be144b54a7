"""SMART App Launch (EHR launch) for the web page: discovery, PKCE (S256), single-use state, code exchange.

The EHR opens `/smart/launch?iss=…&launch=…`; nerveroot reads `{iss}/.well-known/smart-configuration`, sends the
browser to the EHR's authorize endpoint with a PKCE challenge, and on `/smart/callback` exchanges the code for a
token whose `patient` is the patient in context. Only FHIR servers on the allow-list (with the client id
registered there) are ever contacted; tokens are used for the one read and never stored or logged.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx

from nerveroot.ehr.fetch import tls_context
from nerveroot.errors import AuthError

SMART_CLIENTS_ENV = "NERVEROOT_SMART_CLIENTS"
STATE_SECONDS = 600
SCOPES = " ".join(
    [
        "launch",
        "openid",
        "fhirUser",
        *(
            f"patient/{kind}.read"
            for kind in (
                "Patient",
                "Condition",
                "Observation",
                "MedicationRequest",
                "MedicationStatement",
                "Medication",
                "AllergyIntolerance",
                "QuestionnaireResponse",
            )
        ),
    ]
)


def clients_from_env() -> dict[str, str]:
    """`{"https://ehr.example/fhir": "client-id"}`: FHIR servers allowed to launch nerveroot, with its client id."""
    raw = os.environ.get(SMART_CLIENTS_ENV, "").strip()
    data = json.loads(raw) if raw else {}
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ValueError(f"{SMART_CLIENTS_ENV} must be a JSON object of FHIR base URL → client id")
    return {k.rstrip("/"): v for k, v in data.items()}


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge) as RFC 7636 defines them."""
    verifier = secrets.token_urlsafe(64)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


@dataclass(frozen=True)
class Pending:
    iss: str
    client_id: str
    verifier: str
    token_endpoint: str
    expires: float


@dataclass
class SmartLauncher:
    """Launch state between the redirect to the EHR and its callback (single use, expires after ten minutes)."""

    clients: dict[str, str]
    redirect_uri: str
    transport: httpx.BaseTransport | None = None
    _pending: dict[str, Pending] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _http(self) -> httpx.Client:
        return httpx.Client(transport=self.transport, timeout=5.0, follow_redirects=False, verify=tls_context())

    def discover(self, iss: str) -> dict[str, Any]:
        """The EHR's SMART configuration (authorization and token endpoints, PKCE support)."""
        with self._http() as client:
            response = client.get(f"{iss}/.well-known/smart-configuration", headers={"Accept": "application/json"})
        if response.status_code != 200:
            raise AuthError(f"the EHR's SMART configuration could not be read (HTTP {response.status_code})")
        config: dict[str, Any] = response.json()
        if "S256" not in config.get("code_challenge_methods_supported", ["S256"]):
            raise AuthError("the EHR does not support PKCE with S256")
        for key in ("authorization_endpoint", "token_endpoint"):
            if not isinstance(config.get(key), str):
                raise AuthError(f"the EHR's SMART configuration has no {key}")
        return config

    def authorize_url(self, iss: str, launch: str) -> str:
        """Where to send the browser: the EHR's authorize endpoint with launch, aud, state and a PKCE challenge."""
        iss = iss.rstrip("/")
        client_id = self.clients.get(iss)
        if client_id is None:
            raise AuthError("this FHIR server is not allowed to launch nerveroot")
        if not launch:
            raise AuthError("an EHR launch needs the `launch` parameter")
        config = self.discover(iss)
        verifier, challenge = pkce_pair()
        state = secrets.token_urlsafe(32)
        with self._lock:
            now = time.time()
            for old in [s for s, p in self._pending.items() if p.expires < now]:
                del self._pending[old]
            self._pending[state] = Pending(iss, client_id, verifier, config["token_endpoint"], now + STATE_SECONDS)
        query = {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": self.redirect_uri,
            "launch": launch,
            "scope": SCOPES,
            "state": state,
            "aud": iss,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        return f"{config['authorization_endpoint']}?{urlencode(query)}"

    def exchange(self, state: str, code: str) -> tuple[str, dict[str, Any]]:
        """(FHIR base URL, token response) for a callback; the state is used up whatever happens."""
        with self._lock:
            pending = self._pending.pop(state, None)
        if pending is None or pending.expires < time.time():
            raise AuthError("unknown or expired launch state; start the launch again from the EHR")
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri,
            "client_id": pending.client_id,
            "code_verifier": pending.verifier,
        }
        with self._http() as client:
            response = client.post(pending.token_endpoint, data=form, headers={"Accept": "application/json"})
        if response.status_code != 200:
            raise AuthError(f"the EHR refused the authorization code (HTTP {response.status_code})")
        token: dict[str, Any] = response.json()
        if not isinstance(token.get("access_token"), str) or not isinstance(token.get("patient"), str):
            raise AuthError("the EHR's token response has no access_token or patient in context")
        return pending.iss, token
