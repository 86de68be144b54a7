"""CDS client authentication: the signed Bearer JWT that CDS Hooks requires on every call.

Checks, as the specification sets them: an asymmetric signature (never `none` or HMAC) by a key found by `kid`
in the issuer's JWK Set; `iss` on the allow-list (and `jku`, when sent, equal to the issuer's JWKS URL);
`aud` equal to the URL of the endpoint being called; `exp`, `iat` and `jti` present, the token living at most
MAX_LIFETIME_SECONDS (CDS Hooks: five minutes); a `jti` never reused before it expires, remembered in the records
database so every worker and restart shares it.

JWK Sets are given inline or fetched from the issuer's URL and cached per issuer for JWKS_TTL_SECONDS. A token
naming an unknown `kid` may trigger a refresh at most once per REFRESH_INTERVAL_SECONDS per issuer, and a fetch
never holds a lock that another call waits on: forged kids cannot stall real calls. An issuer may also list the
FHIR servers it may send as `fhirServer`; any other server is refused before a query is made.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import jwt
from jwt import PyJWK, PyJWKSet

from nerveroot.errors import AuthError, ForbiddenError

ALLOWED_ALGORITHMS = ("RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512")
REQUIRED_CLAIMS = ("iss", "aud", "exp", "iat", "jti")
LEEWAY_SECONDS = 30
MAX_LIFETIME_SECONDS = 300
JWKS_TTL_SECONDS = 300.0
REFRESH_INTERVAL_SECONDS = 60.0
MAX_STALE_SECONDS = 3600.0
"""A JWK Set that cannot be refetched is still used this long after it expired (the EHR's JWKS host is down)."""


@dataclass(frozen=True)
class Issuer:
    """A trusted CDS client: its JWKS given inline or the URL it publishes it at, and the FHIR servers it may name."""

    iss: str
    jwks: dict[str, Any] | None = None
    jwks_url: str | None = None
    fhir_servers: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if (self.jwks is None) == (self.jwks_url is None):
            raise ValueError(f"issuer {self.iss!r}: give exactly one of jwks or jwks_url")


def _issuer(iss: str, value: Any) -> Issuer:
    if isinstance(value, str):
        return Issuer(iss, jwks_url=value)
    if not isinstance(value, dict):
        raise ValueError(f"issuer {iss!r}: give a JWKS URL, a JWK Set, or an object with jwks_url/jwks")
    if "keys" in value:
        return Issuer(iss, jwks=value)
    servers = value.get("fhir_servers", [])
    if not isinstance(servers, list) or not all(isinstance(s, str) and s for s in servers):
        raise ValueError(f"issuer {iss!r}: fhir_servers must be a list of base URLs")
    return Issuer(
        iss, jwks=value.get("jwks"), jwks_url=value.get("jwks_url"), fhir_servers=tuple(s.rstrip("/") for s in servers)
    )


def issuers_from_json(text: str) -> tuple[Issuer, ...]:
    """`{"https://ehr.example/": "https://ehr.example/jwks"}`, `{"iss": {"keys": [...]}}`, or
    `{"iss": {"jwks_url": "...", "fhir_servers": ["https://ehr.example/fhir"]}}` → issuers."""
    raw = json.loads(text)
    if not isinstance(raw, dict):
        raise ValueError("the issuer allow-list must be a JSON object of iss → JWKS URL or JWK Set")
    return tuple(_issuer(iss, value) for iss, value in raw.items())


Fetch = Callable[[str], dict[str, Any]]
Replay = Callable[[str, datetime], bool]
"""(digest of iss and jti, when the token expires) → True the first time, False when already used."""


def _http_fetch(url: str) -> dict[str, Any]:
    response = httpx.get(url, timeout=5.0, follow_redirects=False)
    response.raise_for_status()
    data: dict[str, Any] = response.json()
    return data


@dataclass
class MemoryReplay:
    """One process's memory of used jtis (tests, and a server without a records database)."""

    _seen: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, digest: str, expires: datetime) -> bool:
        now = time.time()
        with self._lock:
            for old in [d for d, until in self._seen.items() if until + LEEWAY_SECONDS < now]:
                del self._seen[old]
            if digest in self._seen:
                return False
            self._seen[digest] = expires.timestamp()
            return True


@dataclass
class _KeyCache:
    keys: PyJWKSet | None = None
    expires: float = 0.0
    last_fetch: float = float("-inf")
    fetching: threading.Lock = field(default_factory=threading.Lock)


def _key_set(data: Any) -> PyJWKSet:
    try:
        return PyJWKSet.from_dict(data)
    except (jwt.PyJWKSetError, jwt.PyJWKError, TypeError, ValueError, AttributeError) as exc:
        raise AuthError("the issuer's JWK Set holds no usable key") from exc


@dataclass
class JwtVerifier:
    """Verifies CDS Hooks client JWTs against an issuer allow-list."""

    issuers: tuple[Issuer, ...]
    fetch: Fetch = _http_fetch
    replay: Replay = field(default_factory=MemoryReplay)
    clock: Callable[[], float] = time.monotonic
    _caches: dict[str, _KeyCache] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for issuer in self.issuers:
            self._caches[issuer.iss] = _KeyCache()

    def issuer(self, iss: object) -> Issuer:
        for issuer in self.issuers:
            if issuer.iss == iss:
                return issuer
        raise AuthError("the token's issuer is not on the allow-list")

    def _refresh(self, issuer: Issuer, cache: _KeyCache, *, wait: bool) -> None:
        """Fetch the issuer's JWK Set unless another call is fetching it (then return at once, unless `wait`)."""
        if not cache.fetching.acquire(blocking=wait):
            return
        try:
            cache.last_fetch = self.clock()
            if issuer.jwks is not None:
                data: Any = issuer.jwks
            else:
                assert issuer.jwks_url is not None
                try:
                    data = self.fetch(issuer.jwks_url)
                except (httpx.HTTPError, ValueError) as exc:
                    if cache.keys is not None and self.clock() < cache.expires + MAX_STALE_SECONDS:
                        return  # keep using the last good set for a while
                    raise AuthError("the issuer's JWK Set could not be read") from exc
            cache.keys = _key_set(data)
            cache.expires = self.clock() + JWKS_TTL_SECONDS
        finally:
            cache.fetching.release()

    def _key(self, issuer: Issuer, kid: str) -> PyJWK:
        cache = self._caches[issuer.iss]
        if cache.keys is None:
            self._refresh(issuer, cache, wait=True)  # the first call for this issuer waits for the set
        elif self.clock() >= cache.expires:
            self._refresh(issuer, cache, wait=False)
        key = _find(cache.keys, kid)
        if key is None and issuer.jwks_url is not None and self.clock() - cache.last_fetch >= REFRESH_INTERVAL_SECONDS:
            self._refresh(issuer, cache, wait=False)  # the client may have rotated its keys
            key = _find(cache.keys, kid)
        if key is None:
            raise AuthError("no key in the issuer's JWK Set matches the token's kid")
        return key

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
        issuer = self.issuer(unverified.get("iss"))
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
        _check_lifetime(claims)
        digest = hashlib.sha256(f"{issuer.iss}\x1f{claims['jti']}".encode()).hexdigest()
        if not self.replay(digest, datetime.fromtimestamp(float(claims["exp"]) + LEEWAY_SECONDS, UTC)):
            raise AuthError("this JWT (jti) has already been used")
        return claims


def _find(keys: PyJWKSet | None, kid: str) -> PyJWK | None:
    return next((k for k in keys.keys if k.key_id == kid), None) if keys is not None else None


def _check_lifetime(claims: dict[str, Any]) -> None:
    try:
        exp, iat = float(claims["exp"]), float(claims["iat"])
    except (TypeError, ValueError) as exc:
        raise AuthError("JWT rejected: exp and iat must be numbers") from exc
    now = time.time()
    if iat > now + LEEWAY_SECONDS:
        raise AuthError("JWT rejected: iat is in the future")
    if exp - iat > MAX_LIFETIME_SECONDS or exp - now > MAX_LIFETIME_SECONDS + LEEWAY_SECONDS:
        raise AuthError(f"JWT rejected: a CDS client token may live at most {MAX_LIFETIME_SECONDS} seconds")


def require_fhir_server(issuers: tuple[Issuer, ...], iss: str, fhir_server: str | None, dev_mode: bool) -> None:
    """ForbiddenError when a verified client names a fhirServer its issuer entry does not list.

    The server would otherwise send the EHR's access token, and fetch with it, wherever the request says.
    """
    if fhir_server is None or dev_mode:
        return
    allowed = next((i.fhir_servers for i in issuers if i.iss == iss), ())
    if fhir_server.rstrip("/") not in allowed:
        raise ForbiddenError("fhirServer is not one of the FHIR servers registered for this client's issuer")


def is_loopback(host: str | None) -> bool:
    """Whether a client address is this machine (development mode answers only there)."""
    if not host:
        return False
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"
