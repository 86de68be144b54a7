"""`create_app`: the one FastAPI app behind `nerveroot serve` (REST API, then the web page at /)."""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles

from nerveroot.api import (
    docs,
    errors,
    routes_assess,
    routes_cdshooks,
    routes_drugs,
    routes_fhir,
    routes_health,
    routes_interview,
    routes_kb,
    routes_records,
    routes_smart,
    routes_web,
)
from nerveroot.api.access import AccessLog
from nerveroot.api.errors import ValidationProblem
from nerveroot.api.gate import InputGate
from nerveroot.api.routes_assess import ASSESS_BODY_REF, FORM_PARAMETER
from nerveroot.api.schemas import NoteIn
from nerveroot.api.settings import Settings
from nerveroot.assessment.assess import assess
from nerveroot.assessment.case import Case
from nerveroot.intake.pipeline import pipeline
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.loader import default_knowledge
from nerveroot.records import RecordStore

ROUTERS: list[APIRouter] = [
    routes_health.router,
    routes_assess.router,
    routes_drugs.router,
    routes_interview.router,
    routes_kb.router,
    routes_records.router,
    routes_cdshooks.router,
    routes_fhir.router,
    routes_web.router,
    routes_smart.router,
]
"""Every router the app includes, in order (the EHR routers are added here too)."""

REF = "#/components/schemas/{model}"
DESCRIPTION = (
    "Clinical decision support for lumbar nerve root compression (L1–S1). Supports clinicians; does not replace "
    "examination and judgement by a qualified clinician."
)


def static_dir() -> Path | None:
    """The packaged web page folder, if present."""
    folder = Path(str(resources.files("nerveroot.web") / "static"))
    return folder if folder.is_dir() else None


def _version() -> str:
    try:
        return metadata.version("nerveroot")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from an uninstalled tree
        return "0+unknown"


def _patch_assess_body(schema: dict[str, Any]) -> None:
    """/api/assess reads its body (a Case or a note) and its form parameter itself; document both shapes and the
    parameter (where FastAPI puts a declared one: before the responses)."""
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    schemas["NoteIn"] = NoteIn.model_json_schema()
    case_ref = next(f"#/components/schemas/{n}" for n in ("Case-Input", "Case") if n in schemas)
    for path in schema["paths"].values():
        for operation in path.values():
            if operation.pop(ASSESS_BODY_REF, False):
                responses = operation.pop("responses")
                operation["parameters"] = [FORM_PARAMETER]
                operation["responses"] = responses
                operation["requestBody"] = {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"oneOf": [{"$ref": case_ref}, {"$ref": "#/components/schemas/NoteIn"}]}
                        }
                    },
                }


def _replace_refs(node: Any, old: str, new: str) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and value == old:
                node[key] = new
            else:
                _replace_refs(value, old, new)
    elif isinstance(node, list):
        for item in node:
            _replace_refs(item, old, new)


def _use_own_422(schema: dict[str, Any]) -> None:
    """Every 422 has the body errors.py sends ({"detail": [{loc, msg, type}]}), not FastAPI's default."""
    schemas = schema["components"]["schemas"]
    defs = ValidationProblem.model_json_schema(ref_template=REF)
    for name, sub in defs.pop("$defs", {}).items():
        schemas.setdefault(name, sub)
    schemas["ValidationProblem"] = defs
    _replace_refs(schema["paths"], REF.format(model="HTTPValidationError"), REF.format(model="ValidationProblem"))
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)


def openapi_document(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document, built once and cached on the app."""
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        _patch_assess_body(schema)
        _use_own_422(schema)
        app.openapi_schema = schema
    return app.openapi_schema


YOUNG_GENERATION = 7000
"""Container allocations between young-generation collections (Python's default is 700). One assessment allocates
and frees a few thousand, so at 700 nearly every request ran a collection part-way and every ~130th a full one
(25-35 ms with the drug caches filled); at 7000 a run of 4,000 varied assessments ran 10 young and no full
collection, at the same peak memory."""


def settle_heap(kb: KnowledgeBase) -> None:
    """Build the per-knowledge-base caches with one assessment, then move everything alive into the permanent
    generation: full collections no longer walk the knowledge base, which keeps them off the request tail; and
    collect the young generation less often (`YOUNG_GENERATION`)."""
    assess(Case(), kb)
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_GENERATION, *gc.get_threshold()[1:])


def create_app(settings: Settings | None = None, store: RecordStore | None = None) -> FastAPI:
    """The app: knowledge base loaded at start-up, records from `store` (or one opened from the settings)."""
    config = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.kb = default_knowledge()
        owned = store is None
        app.state.store = RecordStore(config.database_url) if owned else store
        settle_heap(app.state.kb)
        # The language pipeline builds in the background (seconds): /health and JSON cases answer meanwhile.
        loop = asyncio.get_running_loop()
        app.state.language = loop.run_in_executor(None, pipeline, app.state.kb) if config.preload_language else None
        try:
            yield
        finally:
            if owned:
                app.state.store.close()

    app = FastAPI(
        title="nerveroot",
        version=_version(),
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # self-hosted below (no CDN)
        redoc_url=None,
    )
    app.state.settings = config
    errors.install(app)
    docs.install(app)
    for router in ROUTERS:
        app.include_router(router)
    app.add_middleware(InputGate, max_body_bytes=config.max_body_bytes)  # inside CORS: refusals carry its headers
    if config.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(config.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    if config.access_log:
        app.add_middleware(AccessLog)
    folder = static_dir() if config.static else None
    if folder is not None:
        app.mount("/", StaticFiles(directory=folder, html=True), name="web")
    app.openapi = lambda: openapi_document(app)  # type: ignore[method-assign]
    return app


def main(argv: list[str] | None = None) -> None:
    """`python -m nerveroot.api.app --openapi > tests/data/openapi.json` regenerates the snapshot."""
    parser = argparse.ArgumentParser(prog="python -m nerveroot.api.app")
    parser.add_argument("--openapi", action="store_true", help="print the OpenAPI document as JSON")
    args = parser.parse_args(argv)
    if args.openapi:
        app = create_app(Settings(static=False, access_log=False))
        print(json.dumps(app.openapi(), indent=2, sort_keys=True, ensure_ascii=False))
    else:
        parser.print_help()


if __name__ == "__main__":
    main()
