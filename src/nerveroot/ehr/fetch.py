"""Gathering a hook's FHIR data: every prefetched resource, and the missing queries fetched from the EHR's FHIR
server in parallel within one time budget (CDS Hooks asks for answers in about 500 ms).

Searchset Bundles are read entry by entry and followed through `next` links while the budget lasts; an
OperationOutcome (as an error body or a search-mode `outcome` entry) becomes a warning; a resource that does not
validate is skipped with a warning. What could not be obtained is reported, never guessed.
"""

from __future__ import annotations

import asyncio
import re
import ssl
import time
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import quote

import httpx
from fhir.resources.R4B.resource import Resource

from nerveroot.ehr.fhir_in import issue_text, lenient_resources

_TOKEN = re.compile(r"\{\{context\.([A-Za-z0-9_]+)\}\}")
MAX_PAGES = 5


@dataclass
class Gathered:
    """Resources obtained, per-query warnings, and the prefetch keys that could not be obtained (with why)."""

    resources: list[Resource] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    missing: dict[str, str] = field(default_factory=dict)


@cache
def tls_context() -> ssl.SSLContext:
    """One TLS context for every FHIR client (building one costs tens of milliseconds of the 500 ms budget)."""
    return ssl.create_default_context()


def fill(template: str, context: dict[str, Any]) -> str | None:
    """A prefetch template with its context tokens filled, each value URL-encoded (an id cannot change the path or
    add parameters); None when a token has no value in the context or the value is only dots."""
    values = {m.group(1): context.get(m.group(1)) for m in _TOKEN.finditer(template)}
    if any(not isinstance(v, str) or not v.strip(".") for v in values.values()):
        return None
    return _TOKEN.sub(lambda m: quote(str(values[m.group(1)]), safe=""), template)


async def _query(
    client: httpx.AsyncClient, base: str, query: str, deadline: float, key: str, out: Gathered
) -> list[Resource]:
    url: str | None = f"{base.rstrip('/')}/{query}"
    found: list[Resource] = []
    pages = 0
    while url and pages < MAX_PAGES:
        left = deadline - time.monotonic()
        if left <= 0:
            out.warnings.append(f"{key}: stopped paging at the time budget ({pages} page(s) read)")
            break
        response = await client.get(url, timeout=left)
        pages += 1
        body = _json(response)
        if response.status_code >= 400:
            outcome = isinstance(body, dict) and body.get("resourceType") == "OperationOutcome"
            issues = body.get("issue") if outcome and isinstance(body.get("issue"), list) else []
            reason = "; ".join(issue_text(i) for i in issues if isinstance(i, dict)) or "no OperationOutcome"
            if pages == 1:
                out.missing[key] = f"the FHIR server answered {response.status_code}: {reason}"
            else:
                out.warnings.append(f"{key}: page {pages} failed ({reason})")
            break
        resources, warnings = lenient_resources(body, key)
        found += resources
        out.warnings += warnings
        url = _next_link(body)
    return found


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _next_link(body: Any) -> str | None:
    if not isinstance(body, dict) or body.get("resourceType") != "Bundle":
        return None
    for link in body.get("link") or []:
        if isinstance(link, dict) and link.get("relation") == "next" and isinstance(link.get("url"), str):
            return str(link["url"])
    return None


async def _fetch_all(
    base: str,
    token: str | None,
    queries: dict[str, str],
    budget_s: float,
    transport: httpx.AsyncBaseTransport | None,
    out: Gathered,
) -> None:
    headers = {"Accept": "application/fhir+json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    deadline = time.monotonic() + budget_s
    async with httpx.AsyncClient(
        headers=headers, transport=transport, follow_redirects=False, verify=tls_context()
    ) as client:
        tasks = {key: asyncio.create_task(_query(client, base, q, deadline, key, out)) for key, q in queries.items()}
        _, pending = await asyncio.wait(tasks.values(), timeout=budget_s)
        for task in pending:
            task.cancel()
        for key, task in tasks.items():
            if task in pending or isinstance(task.exception(), httpx.TimeoutException):
                out.missing.setdefault(key, f"the FHIR server did not answer within {budget_s * 1000:.0f} ms")
            elif task.exception() is not None:
                out.missing.setdefault(key, f"the FHIR server could not be read ({type(task.exception()).__name__})")
            else:
                out.resources += task.result()


def gather(
    prefetch: dict[str, Any] | None,
    templates: dict[str, str],
    context: dict[str, Any],
    fhir_server: str | None,
    token: str | None,
    budget_s: float = 0.5,
    transport: httpx.AsyncBaseTransport | None = None,
    bounds: dict[str, str] | None = None,
) -> Gathered:
    """Every prefetched value read (whatever its key), and each template the client did not prefetch fetched.
    `bounds` adds search parameters to nerveroot's own queries (e.g. a date floor), which prefetch templates
    cannot carry."""
    out = Gathered()
    given = prefetch or {}
    for key, value in given.items():
        if value is None:
            continue
        resources, warnings = lenient_resources(value, f"prefetch.{key}")
        out.resources += resources
        out.warnings += warnings
    queries: dict[str, str] = {}
    for key, template in templates.items():
        if key in given:
            continue
        query = fill(template, context)
        if query is None:
            out.missing[key] = "the hook context lacks what the query needs"
        elif not fhir_server:
            out.missing[key] = "not prefetched and no fhirServer given"
        else:
            queries[key] = query + (bounds or {}).get(key, "")
    if queries and fhir_server:
        asyncio.run(_fetch_all(fhir_server, token, queries, budget_s, transport, out))
    unique: dict[str, Resource] = {}
    for resource in out.resources:  # the same resource from two queries or pages counts once
        unique.setdefault(
            f"{resource.get_resource_type()}/{resource.id}" if resource.id else str(id(resource)), resource
        )
    out.resources = list(unique.values())
    return out
