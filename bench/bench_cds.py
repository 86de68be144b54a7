"""Benchmark of the CDS Hooks data path: seven FHIR queries fetched in parallel against one query, from a loopback
FHIR server that takes `--delay` ms per answer; and a whole order-sign call (prefetch given) against assess().

Run: ``.venv/bin/python bench/bench_cds.py [--delay 80] [--repeat 10]``. Prints figures and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
import uuid
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from nerveroot.assessment.assess import assess
from nerveroot.ehr.cards import CdsRequest
from nerveroot.ehr.config import EhrRuntime, EhrSettings
from nerveroot.ehr.fetch import gather, tls_context
from nerveroot.ehr.fhir_in import case_from_resources, lenient_resources
from nerveroot.ehr.services import ORDER_SIGN, PREFETCH, respond
from nerveroot.knowledge.loader import default_knowledge

EMPTY = json.dumps({"resourceType": "Bundle", "type": "searchset", "entry": []}).encode()


def serve(delay_s: float) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(delay_s)
            self.send_response(200)
            self.send_header("Content-Type", "application/fhir+json")
            self.send_header("Content-Length", str(len(EMPTY)))
            self.end_headers()
            self.wfile.write(EMPTY)

        def log_message(self, *_: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/fhir"


def timed(run: Any, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--delay", type=float, default=80.0, help="ms the FHIR server takes per answer")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    server, base = serve(args.delay / 1000)
    context = {"patientId": "p1"}
    one = timed(lambda: httpx.get(f"{base}/Patient/p1", timeout=5, verify=tls_context()), args.repeat)
    many = timed(lambda: gather(None, PREFETCH, context, base, None, budget_s=2.0), args.repeat)
    print(f"FHIR server delay {args.delay:g} ms; {len(PREFETCH)} queries")
    print(
        f"one query p50 {statistics.median(one):.1f} ms; all {len(PREFETCH)} in parallel p50 "
        f"{statistics.median(many):.1f} ms; ratio {statistics.median(many) / statistics.median(one):.2f} "
        f"(serial would be ≈ {len(PREFETCH)})"
    )
    server.shutdown()

    kb = default_knowledge()
    runtime = EhrRuntime(EhrSettings(dev_mode=True), today=lambda: date(2026, 1, 15))
    order = {
        "resourceType": "MedicationRequest",
        "id": "m1",
        "status": "draft",
        "intent": "order",
        "subject": {"reference": "Patient/p1"},
        "medicationCodeableConcept": {
            "coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "197807"}]
        },
        "dosageInstruction": [
            {
                "timing": {"repeat": {"frequency": 3, "period": 1, "periodUnit": "d"}},
                "doseAndRate": [{"doseQuantity": {"value": 800, "unit": "mg", "code": "mg"}}],
            }
        ],
    }
    prefetch = {key: None for key in PREFETCH} | {
        "patient": {"resourceType": "Patient", "id": "p1", "birthDate": "1960"}
    }
    body = {
        "hook": "order-sign",
        "hookInstance": str(uuid.uuid4()),
        "context": {
            "patientId": "p1",
            "userId": "Practitioner/1",
            "draftOrders": {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": order}]},
        },
        "prefetch": prefetch,
    }
    request = CdsRequest.model_validate(body)
    resources, _ = lenient_resources(prefetch["patient"], "p")
    case = case_from_resources(date(2026, 1, 15), resources).case
    base_ms = timed(lambda: assess(case, kb), args.repeat * 5)
    hook_ms = timed(lambda: respond(ORDER_SIGN, request, kb, runtime), args.repeat * 5)
    print(
        f"assess() p50 {statistics.median(base_ms):.2f} ms; order-sign call p50 {statistics.median(hook_ms):.2f} ms; "
        f"ratio {statistics.median(hook_ms) / statistics.median(base_ms):.1f}"
    )


if __name__ == "__main__":
    main()
