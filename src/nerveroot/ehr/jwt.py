"""CDS client authentication: the signed Bearer JWT that CDS Hooks requires on every call.

Checks, as the specification sets them: an asymmetric signature (never `none` or HMAC) by a key found by `kid`
in the issuer's JWK Set; `iss` on the allow-list (and `jku`, when sent, equal to the issuer's JWKS URL);
`aud` equal to the URL of the endpoint being called; `exp`, `iat` and `jti` present; a `jti` never reused
before it expires. JWK Sets are given inline or fetched from the configured URL and cached.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
from jwt import PyJWK, PyJWKSet

from nerveroot.errors import AuthError

ALLOWED_ALGORITHMS = ("RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512")
REQUIRED_CLAIMS = ("iss", "aud", "exp", "iat", "jti")
LEEWAY_SECONDS = 30


@dataclass(frozen=True)
class Issuer:
    """A trusted CDS client: its JWKS given inline, or the URL it publishes the JWKS at."""

    iss: str
    jwks: dict[str, Any] | None = None
    jwks_url: str | None = None

    def __post_init__(self) -> None:
        if (self.jwks is None) == (self.jwks_url is None):
            raise ValueError(f"issuer {self.iss!r}: give exactly one of jwks or jwks_url")


def issuers_from_json(text: str) -> tuple[Issuer, ...]:
    """`{"https://ehr.example/": "https://ehr.example/jwks"}` or `{"iss": {"keys": [...]}}` → issuers."""
    raw = json.loads(text)
    if not isinstance(raw, dict):
        raise ValueError("the issuer allow-list must be a JSON object of iss → JWKS URL or JWK Set")
    return tuple(
        Issuer(iss, jwks_url=value) if isinstance(value, str) else Issuer(iss, jwks=value) for iss, value in raw.items()
    )


Fetch = Callable[[str], dict[str, Any]]


def _http_fetch(url: str) -> dict[str, Any]:
    response = httpx.get(url, timeout=5.0, follow_redirects=False)
    response.raise_for_status()
    data: dict[str, Any] = response.json()
    return data


@dataclass
class JwtVerifier:
    """Verifies CDS Hooks client JWTs against an issuer allow-list."""

    issuers: tuple[Issuer, ...]
    fetch: Fetch = _http_fetch
    _keys: dict[str, PyJWKSet] = field(default_factory=dict, repr=False)
    _seen: dict[str, float] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _issuer(self, iss: object) -> Issuer:
        for issuer in self.issuers:
            if issuer.iss == iss:
                return issuer
        raise AuthError("the token's issuer is not on the allow-list")

    def _key(self, issuer: Issuer, kid: str, refresh: bool = False) -> PyJWK:
        with self._lock:
            if refresh or issuer.iss not in self._keys:
                if issuer.jwks is not None:
                    data = issuer.jwks
                else:
                    assert issuer.jwks_url is not None
                    try:
                        data = self.fetch(issuer.jwks_url)
                    except (httpx.HTTPError, ValueError) as exc:
                        raise AuthError("the issuer's JWK Set could not be read") from exc
                self._keys[issuer.iss] = PyJWKSet.from_dict(data)
            keys = self._keys[issuer.iss]
        for key in keys.keys:
            if key.key_id == kid:
                return key
        if not refresh and issuer.jwks_url is not None:
            return self._key(issuer, kid, refresh=True)  # the client may have rotated its keys
        raise AuthError("no key in the issuer's JWK Set matches the token's kid")

    def verify(self, token: str, audience: str) -> dict[str, Any]:
        """The verified claims; AuthError naming the first check that failed."""
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise AuthError("the Bearer token is not a well-formed JWT") from exc
        alg = header.get("alg")
        if alg not in ALLOWED_ALGORITHMS:
            raise AuthError(
                f"JWT algorithm {alg!r} is not accepted; use an asymmetric algorithm such as RS384 or ES384"
            )
        if header.get("typ", "JWT") != "JWT" or not header.get("kid"):
            raise AuthError("the JWT header needs typ 'JWT' and a kid")
        issuer = self._issuer(unverified.get("iss"))
        if "jku" in header and header["jku"] != issuer.jwks_url:
            raise AuthError("the JWT's jku is not the JWK Set URL registered for its issuer")
        key = self._key(issuer, str(header["kid"]))
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key.key,
                algorithms=[alg],
                audience=audience,
                issuer=issuer.iss,
                leeway=LEEWAY_SECONDS,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except jwt.PyJWTError as exc:
            raise AuthError(f"JWT rejected: {exc}") from exc
        self._remember(str(claims["jti"]), float(claims["exp"]))
        return claims

    def _remember(self, jti: str, exp: float) -> None:
        now = time.time()
        with self._lock:
            for old in [j for j, until in self._seen.items() if until + LEEWAY_SECONDS < now]:
                del self._seen[old]
            if jti in self._seen:
                raise AuthError("this JWT (jti) has already been used")
            self._seen[jti] = exp
