"""A stub EHR on a loopback port: a FHIR R4 server (searchsets with paging, _include, OperationOutcome errors, a
query that never answers) and the JWK Set its CDS client signs with (RS384 and ES384 keys)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

Resource = dict[str, Any]


def searchset(
    resources: list[Resource], base: str, next_url: str | None = None, included: list[Resource] | None = None
) -> Resource:
    entries = [
        {"fullUrl": f"{base}/{r['resourceType']}/{r['id']}", "resource": r, "search": {"mode": "match"}}
        for r in resources
    ]
    entries += [
        {"fullUrl": f"{base}/{r['resourceType']}/{r['id']}", "resource": r, "search": {"mode": "include"}}
        for r in included or []
    ]
    bundle: Resource = {"resourceType": "Bundle", "type": "searchset", "total": len(resources), "entry": entries}
    if next_url:
        bundle["link"] = [{"relation": "next", "url": next_url}]
    return bundle


class StubEhr:
    """Serves `routes` (path-and-query prefix → JSON body, or (status, body)); `hang` paths never answer until stop."""

    def __init__(self) -> None:
        self.routes: dict[str, Any] = {}
        self.hang: set[str] = set()
        self.seen: list[tuple[str, str | None]] = []
        self.posted: list[tuple[str, dict[str, str]]] = []
        self.release = threading.Event()
        self.rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ec = ec.generate_private_key(ec.SECP384R1())
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                stub.seen.append((self.path, self.headers.get("Authorization")))
                path = urlparse(self.path).path
                if any(path.startswith(h) for h in stub.hang):
                    stub.release.wait(30)
                    return
                answer = stub.answer(self.path)
                status, body = answer if isinstance(answer, tuple) else (200, answer)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/fhir+json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode())
                stub.posted.append((self.path, {k: v[0] for k, v in form.items()}))
                answer = stub.answer(self.path)
                status, body = answer if isinstance(answer, tuple) else (200, answer)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.fhir = f"{self.url}/fhir"
        self.iss = f"{self.url}/"
        self.jwks_url = f"{self.url}/.well-known/jwks.json"
        rsa_jwk = json.loads(RSAAlgorithm.to_jwk(self.rsa.public_key()))
        ec_jwk = json.loads(ECAlgorithm.to_jwk(self.ec.public_key()))
        self.routes["/.well-known/jwks.json"] = {
            "keys": [
                {**rsa_jwk, "kid": "rs", "alg": "RS384", "use": "sig"},
                {**ec_jwk, "kid": "es", "alg": "ES384", "use": "sig"},
            ]
        }
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, raw: str) -> Any:
        parsed = urlparse(raw)
        have = parse_qs(parsed.query)
        matches = [
            (len(parse_qs(urlparse(prefix).query)), body)
            for prefix, body in self.routes.items()
            if urlparse(prefix).path == parsed.path
            and all(have.get(k) == v for k, v in parse_qs(urlparse(prefix).query).items())
        ]
        if matches:
            return max(matches, key=lambda m: m[0])[1]
        return (
            404,
            {
                "resourceType": "OperationOutcome",
                "issue": [{"severity": "error", "code": "not-found", "diagnostics": f"no route for {parsed.path}"}],
            },
        )

    def token(self, audience: str, algorithm: str = "RS384") -> str:
        now = int(time.time())
        claims = {"iss": self.iss, "aud": audience, "iat": now, "exp": now + 300, "jti": str(uuid.uuid4())}
        key, kid = (self.rsa, "rs") if algorithm == "RS384" else (self.ec, "es")
        return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": kid, "typ": "JWT", "jku": self.jwks_url})

    def __enter__(self) -> StubEhr:
        self.thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
