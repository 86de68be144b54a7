"""EHR integration settings (environment) and the runtime the CDS Hooks and FHIR routes share."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

import httpx

from nerveroot.ehr.feedback import FeedbackStore
from nerveroot.ehr.jwt import Issuer, JwtVerifier, issuers_from_json

PUBLIC_URL_ENV = "NERVEROOT_PUBLIC_URL"
ISSUERS_ENV = "NERVEROOT_CDS_ISSUERS"
DEV_MODE_ENV = "NERVEROOT_CDS_DEV_MODE"
JURISDICTION_ENV = "NERVEROOT_JURISDICTION"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"

FETCH_BUDGET_S = 0.5
"""Time for all FHIR queries of one hook call together (CDS Hooks asks services to answer in about 500 ms)."""


@dataclass(frozen=True)
class EhrSettings:
    """`public_url`: where EHRs reach this server (JWT audience and card links).

    Client JWTs are always verified unless `dev_mode` is set explicitly; with no issuers configured every call is
    refused. `issuers` maps each trusted `iss` to its JWK Set (inline or a URL).
    """

    public_url: str = DEFAULT_PUBLIC_URL
    issuers: tuple[Issuer, ...] = ()
    dev_mode: bool = False
    jurisdiction: Literal["UK", "US"] = "UK"

    @classmethod
    def from_env(cls) -> EhrSettings:
        """NERVEROOT_PUBLIC_URL, NERVEROOT_CDS_ISSUERS (JSON), NERVEROOT_CDS_DEV_MODE=1, NERVEROOT_JURISDICTION."""
        raw = os.environ.get(ISSUERS_ENV, "").strip()
        jurisdiction = os.environ.get(JURISDICTION_ENV, "UK").strip().upper()
        return cls(
            public_url=os.environ.get(PUBLIC_URL_ENV, DEFAULT_PUBLIC_URL).rstrip("/"),
            issuers=issuers_from_json(raw) if raw else (),
            dev_mode=os.environ.get(DEV_MODE_ENV, "").strip().lower() in {"1", "true", "yes", "on"},
            jurisdiction="US" if jurisdiction == "US" else "UK",
        )


@dataclass
class EhrRuntime:
    """What the routes need: settings, a JWT verifier, the feedback store, FHIR access and today's date.

    `fhir_transport` replaces the network for FHIR queries (tests); `fetch_budget_s` bounds them all together.
    """

    settings: EhrSettings
    feedback_url: str | None = None
    fhir_transport: httpx.AsyncBaseTransport | None = None
    fetch_budget_s: float = FETCH_BUDGET_S
    today: Callable[[], date] = date.today
    verifier: JwtVerifier | None = field(default=None)
    _store: FeedbackStore | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.verifier is None and not self.settings.dev_mode:
            self.verifier = JwtVerifier(self.settings.issuers, replay=self._remember_jti)

    def _remember_jti(self, digest: str, expires: datetime) -> bool:
        """Used JWT ids live in the records database: shared by every worker, kept across restarts."""
        return self.feedback().records.remember_jti(digest, expires)

    def feedback(self) -> FeedbackStore:
        """The feedback store, opened on first use."""
        if self._store is None:
            self._store = FeedbackStore(self.feedback_url)
        return self._store
