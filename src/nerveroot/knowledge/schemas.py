"""JSON Schemas of every knowledge data file, exported to knowledge/schema/ and checked in CI."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from nerveroot.knowledge.models import ENTITY_MODELS, Source


def schemas() -> dict[str, dict[str, Any]]:
    """Data file stem → JSON Schema of that file (a list of records)."""
    models = {"sources": Source, **ENTITY_MODELS}
    return {stem: TypeAdapter(list[model]).json_schema() for stem, model in models.items()}  # type: ignore[valid-type]


def schema_dir() -> Path:
    return Path(str(resources.files("nerveroot.knowledge") / "schema"))


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_schemas(directory: Path | None = None) -> list[Path]:
    """Write one `<stem>.schema.json` per data file; return the paths written."""
    target = directory or schema_dir()
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, schema in schemas().items():
        path = target / f"{stem}.schema.json"
        path.write_text(render(schema), encoding="utf-8")
        written.append(path)
    return written
