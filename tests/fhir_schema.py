"""Validation against the official FHIR R4 JSON Schema (tests/data/fhir/fhir.schema.r4.json.gz, CC0)."""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft6Validator

SCHEMA = Path(__file__).parent / "data" / "fhir" / "fhir.schema.r4.json.gz"


@cache
def _definitions() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(gzip.decompress(SCHEMA.read_bytes()))
    assert schema["id"] == "http://hl7.org/fhir/json-schema/4.0"
    return schema["definitions"]  # type: ignore[no-any-return]


@cache
def _validator(resource_type: str) -> Draft6Validator:
    definitions = _definitions()
    assert resource_type in definitions, f"{resource_type} is not an R4 resource"
    return Draft6Validator({"$ref": f"#/definitions/{resource_type}", "definitions": definitions})


def schema_errors(resource: dict[str, Any]) -> list[str]:
    """Every R4 JSON Schema violation of one resource, as 'path: message' (empty when valid)."""
    kind = resource.get("resourceType")
    if not isinstance(kind, str):
        return ["resourceType: missing"]
    errors = _validator(kind).iter_errors(resource)
    return [f"{kind}.{'.'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in errors]
