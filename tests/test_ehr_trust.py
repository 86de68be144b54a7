"""Hardened CDS client trust: per-issuer JWKS cache with rate-limited refresh (forged kids cannot stall real
calls), empty JWK Sets, the five-minute lifetime, a jti memory shared through the records database, fhirServer
bound to the issuer and ids URL-encoded, and development mode only on loopback."""

from __future__ import annotations

import json
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from typer.testing import CliRunner

from nerveroot.ehr.fetch import fill
from nerveroot.ehr.jwt import (
    REFRESH_INTERVAL_SECONDS,
    Issuer,
    JwtVerifier,
    is_loopback,
    issuers_from_json,
    require_fhir_server,
)
from nerveroot.errors import AuthError, ForbiddenError
from nerveroot.interfaces.cli import app as cli_app
from nerveroot.records import RecordStore
from test_records_support import BACKENDS, fresh_database

ISS = "https://ehr.example.org/"
JWKS_URL = "https://ehr.example.org/jwks"
AUD = "https://nerveroot.example.org/cds-services"


class Keys:
    def __init__(self, kid: str = "k1") -> None:
        self.kid = kid
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(RSAAlgorithm.to_jwk(self.private.public_key()))
        self.jwks = {"keys": [{**jwk, "kid": kid, "use": "sig", "alg": "RS384"}]}

    def token(self, kid: str | None = None, **claims: Any) -> str:
        now = int(time.time())
        payload = {"iss": ISS, "aud": AUD, "iat": now, "exp": now + 300, "jti": str(uuid.uuid4()), **claims}
        return jwt.encode(payload, self.private, algorithm="RS384", headers={"kid": kid or self.kid, "typ": "JWT"})


@pytest.fixture(scope="module")
def keys() -> Keys:
    return Keys()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_forged_kids_do_not_refetch_or_stall_real_calls(keys: Keys) -> None:
    fetched: list[float] = []
    slow = threading.Event()

    def fetch(url: str) -> dict[str, Any]:
        fetched.append(time.monotonic())
        if len(fetched) > 1:
            slow.wait(2.0)  # a refetch hangs (the attacker's kids would make us wait on it)
        return keys.jwks

    clock = Clock()
    verifier = JwtVerifier(issuers_from_json(json.dumps({ISS: JWKS_URL})), fetch=fetch, clock=clock)
    assert verifier.verify(keys.token(), AUD)["iss"] == ISS
    for _ in range(6):  # six forged kids inside the refresh interval: refused at once, no fetch
        with pytest.raises(AuthError, match="kid"):
            verifier.verify(keys.token(kid="forged"), AUD)
    assert len(fetched) == 1
    clock.now += REFRESH_INTERVAL_SECONDS
    refused: list[str] = []

    def forged_call() -> None:
        try:
            verifier.verify(keys.token(kid="x"), AUD)
        except AuthError as exc:
            refused.append(str(exc))

    worker = threading.Thread(target=forged_call)
    worker.start()  # this forged kid starts a (hanging) refetch ...
    while len(fetched) < 2:
        time.sleep(0.001)
    assert verifier.verify(keys.token(), AUD)["iss"] == ISS  # ... while a real call goes through without waiting
    slow.set()
    worker.join()
    assert refused and "kid" in refused[0]


def test_keys_are_refetched_after_they_expire_and_rotation_is_followed() -> None:
    old, new = Keys("old"), Keys("new")
    served = [old.jwks]
    clock = Clock()
    verifier = JwtVerifier((Issuer(ISS, jwks_url=JWKS_URL),), fetch=lambda _: served[-1], clock=clock)
    assert verifier.verify(old.token(), AUD)
    served.append(new.jwks)
    clock.now += REFRESH_INTERVAL_SECONDS  # an unknown kid after the interval: one refetch finds the new key
    assert verifier.verify(new.token(), AUD)


@pytest.mark.parametrize("jwks", [{"keys": []}, {"keys": [{"kty": "nope"}]}, {"nokeys": 1}, []])
def test_an_empty_or_unusable_jwk_set_is_a_401(keys: Keys, jwks: Any) -> None:
    for issuer in (Issuer(ISS, jwks=jwks), Issuer(ISS, jwks_url=JWKS_URL)):
        verifier = JwtVerifier((issuer,), fetch=lambda _: jwks)
        with pytest.raises(AuthError, match="JWK Set"):
            verifier.verify(keys.token(), AUD)


@pytest.mark.parametrize(
    "claims",
    [
        {"exp": int(time.time()) + 10 * 365 * 86400},  # ten years
        {"iat": int(time.time()) - 100, "exp": int(time.time()) + 290},  # 390 s in all
        {"iat": int(time.time()) + 3600, "exp": int(time.time()) + 3700},  # issued in the future
    ],
)
def test_tokens_live_at_most_five_minutes(keys: Keys, claims: dict[str, int]) -> None:
    verifier = JwtVerifier((Issuer(ISS, jwks=keys.jwks),))
    with pytest.raises(AuthError):
        verifier.verify(keys.token(**claims), AUD)


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_jti_memory_is_shared_by_workers_and_survives_restarts(keys: Keys, backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        token = keys.token()
        with RecordStore(url) as first_worker:
            verifier = JwtVerifier((Issuer(ISS, jwks=keys.jwks),), replay=first_worker.remember_jti)
            assert verifier.verify(token, AUD)
        with RecordStore(url) as restarted:  # another process, or the same one after a restart
            again = JwtVerifier((Issuer(ISS, jwks=keys.jwks),), replay=restarted.remember_jti)
            with pytest.raises(AuthError, match="already been used"):
                again.verify(token, AUD)
            assert again.verify(keys.token(), AUD)


def test_fhir_server_must_be_registered_for_the_issuer() -> None:
    issuers = issuers_from_json(
        json.dumps({ISS: {"jwks_url": JWKS_URL, "fhir_servers": ["https://ehr.example.org/fhir/"]}})
    )
    require_fhir_server(issuers, ISS, "https://ehr.example.org/fhir", dev_mode=False)
    require_fhir_server(issuers, ISS, None, dev_mode=False)
    for rogue in ("https://attacker.example/fhir", "https://ehr.example.org/fhir/../admin"):
        with pytest.raises(ForbiddenError):
            require_fhir_server(issuers, ISS, rogue, dev_mode=False)


def test_context_ids_are_url_encoded_in_queries() -> None:
    assert fill("Patient/{{context.patientId}}", {"patientId": "../../secret"}) == "Patient/..%2F..%2Fsecret"
    assert fill("Condition?patient={{context.patientId}}", {"patientId": "p1&_count=1000"}) == (
        "Condition?patient=p1%26_count%3D1000"
    )
    assert fill("Patient/{{context.patientId}}", {"patientId": ".."}) is None


def test_development_mode_only_on_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("10.0.0.5") and not is_loopback("example.org")
    monkeypatch.setenv("NERVEROOT_CDS_DEV_MODE", "1")
    refused = CliRunner().invoke(cli_app, ["serve", "--host", "0.0.0.0"])
    assert refused.exit_code == 2 and "loopback" in refused.stderr
