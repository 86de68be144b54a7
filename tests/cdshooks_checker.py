"""A checker for the CDS Hooks 2.0 logical model and its invariants, written from the specification
(cds-hooks/docs, docs/specification/current.md: Calling a CDS Service, CDS Service Response, Card Attributes,
Source, Suggestion, Action, Reasons for rejecting a card, Link, System Action, Use of JSON).

Each function returns the list of violations (empty when conformant). FHIR resources inside actions are
returned by `action_resources` so the caller can validate them against the R4 JSON Schema.
"""

from __future__ import annotations

import re
from typing import Any

INDICATORS = ("info", "warning", "critical")
SELECTION = ("at-most-one", "any")
ACTION_TYPES = ("create", "update", "delete")
LINK_TYPES = ("absolute", "smart")
RELATIVE_REFERENCE = re.compile(r"^[A-Z][A-Za-z]+/[A-Za-z0-9\-.]{1,64}$")
URL = re.compile(r"^https?://\S+$")


def _empty(value: Any, path: str, allow_null: bool = False) -> list[str]:
    """Use of JSON: no null and no empty string, array or object unless the specification allows it."""
    if value is None:
        return [] if allow_null else [f"{path}: null is not allowed"]
    if value == "" or value == [] or value == {}:
        return [f"{path}: empty values are not allowed (omit the attribute)"]
    return []


def _no_empties(value: Any, path: str) -> list[str]:
    problems = _empty(value, path)
    if isinstance(value, dict):
        for key, item in value.items():
            problems += _no_empties(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            problems += _no_empties(item, f"{path}[{i}]")
    return problems


def _string(obj: dict[str, Any], key: str, path: str, required: bool) -> list[str]:
    if key not in obj:
        return [f"{path}.{key}: required"] if required else []
    value = obj[key]
    if not isinstance(value, str) or not value:
        return [f"{path}.{key}: must be a non-empty string"]
    return []


def check_request(body: Any) -> list[str]:
    """A hook call body: hook, hookInstance, context required; fhirServer required with fhirAuthorization."""
    if not isinstance(body, dict):
        return ["request: must be a JSON object"]
    problems = _string(body, "hook", "request", True) + _string(body, "hookInstance", "request", True)
    if not isinstance(body.get("context"), dict):
        problems.append("request.context: required object")
    if "fhirServer" in body and not (isinstance(body["fhirServer"], str) and URL.match(body["fhirServer"])):
        problems.append("request.fhirServer: must be a URL")
    auth = body.get("fhirAuthorization")
    if auth is not None:
        if "fhirServer" not in body:
            problems.append("request.fhirServer: required when fhirAuthorization is given")
        if not isinstance(auth, dict):
            problems.append("request.fhirAuthorization: must be an object")
        else:
            for key in ("access_token", "token_type", "scope", "subject"):
                problems += _string(auth, key, "request.fhirAuthorization", True)
            if auth.get("token_type") not in (None, "Bearer"):
                problems.append("request.fhirAuthorization.token_type: must be 'Bearer'")
            if not isinstance(auth.get("expires_in"), int):
                problems.append("request.fhirAuthorization.expires_in: required integer")
    prefetch = body.get("prefetch")
    if prefetch is not None:
        if not isinstance(prefetch, dict):
            problems.append("request.prefetch: must be an object")
        else:
            for key, value in prefetch.items():
                if value is not None and not (isinstance(value, dict) and "resourceType" in value):
                    problems.append(f"request.prefetch.{key}: must be a FHIR resource or null")
    for key in ("hook", "hookInstance", "context"):
        if key in body:
            problems += _empty(body[key], f"request.{key}")
    return problems


def _action(action: Any, path: str) -> list[str]:
    if not isinstance(action, dict):
        return [f"{path}: must be an object"]
    problems = _string(action, "description", path, True)
    kind = action.get("type")
    if kind not in ACTION_TYPES:
        problems.append(f"{path}.type: must be one of {ACTION_TYPES}")
    resource = action.get("resource")
    if kind in ("create", "update") and not (isinstance(resource, dict) and resource.get("resourceType")):
        problems.append(f"{path}.resource: a {kind} action needs a FHIR resource")
    if kind == "update" and isinstance(resource, dict) and not resource.get("id"):
        problems.append(f"{path}.resource.id: an update holds the whole resource, with its id")
    if kind == "delete":
        ref = action.get("resourceId")
        if not isinstance(ref, str) or not RELATIVE_REFERENCE.match(ref):
            problems.append(f"{path}.resourceId: a delete action should name a relative reference Type/id")
    return problems


def _coding(coding: Any, path: str, display_required: bool) -> list[str]:
    if not isinstance(coding, dict):
        return [f"{path}: must be a Coding object"]
    problems = _string(coding, "code", path, True) + _string(coding, "system", path, False)
    problems += _string(coding, "display", path, display_required)
    return problems


def check_card(card: Any, path: str) -> list[str]:
    if not isinstance(card, dict):
        return [f"{path}: must be an object"]
    problems = _string(card, "summary", path, True) + _string(card, "uuid", path, False)
    problems += _string(card, "detail", path, False)
    if isinstance(card.get("summary"), str) and len(card["summary"]) >= 140:
        problems.append(f"{path}.summary: must be shorter than 140 characters")
    if card.get("indicator") not in INDICATORS:
        problems.append(f"{path}.indicator: must be one of {INDICATORS}")
    source = card.get("source")
    if not isinstance(source, dict):
        problems.append(f"{path}.source: required object")
    else:
        problems += _string(source, "label", f"{path}.source", True)
        for key in ("url", "icon"):
            if key in source and not (isinstance(source[key], str) and URL.match(source[key])):
                problems.append(f"{path}.source.{key}: must be an absolute URL")
        if "topic" in source:
            problems += _coding(source["topic"], f"{path}.source.topic", False)
    suggestions = card.get("suggestions")
    if suggestions is not None:
        if card.get("selectionBehavior") not in SELECTION:
            problems.append(f"{path}.selectionBehavior: required with suggestions, one of {SELECTION}")
        recommended = 0
        for i, suggestion in enumerate(suggestions if isinstance(suggestions, list) else []):
            where = f"{path}.suggestions[{i}]"
            if not isinstance(suggestion, dict):
                problems.append(f"{where}: must be an object")
                continue
            problems += _string(suggestion, "label", where, True) + _string(suggestion, "uuid", where, False)
            if "isRecommended" in suggestion and not isinstance(suggestion["isRecommended"], bool):
                problems.append(f"{where}.isRecommended: must be a boolean")
            recommended += suggestion.get("isRecommended") is True
            for j, action in enumerate(suggestion.get("actions") or []):
                problems += _action(action, f"{where}.actions[{j}]")
        if card.get("selectionBehavior") == "at-most-one" and recommended > 1:
            problems.append(f"{path}: at most one suggestion may be recommended under at-most-one")
    elif "selectionBehavior" in card and card["selectionBehavior"] not in SELECTION:
        problems.append(f"{path}.selectionBehavior: one of {SELECTION}")
    for i, reason in enumerate(card.get("overrideReasons") or []):
        problems += _coding(reason, f"{path}.overrideReasons[{i}]", True)
    for i, link in enumerate(card.get("links") or []):
        where = f"{path}.links[{i}]"
        if not isinstance(link, dict):
            problems.append(f"{where}: must be an object")
            continue
        problems += _string(link, "label", where, True) + _string(link, "url", where, True)
        if link.get("type") not in LINK_TYPES:
            problems.append(f"{where}.type: must be one of {LINK_TYPES}")
        if "appContext" in link and link.get("type") != "smart":
            problems.append(f"{where}.appContext: only valid on smart links")
        if "autolaunchable" in link and not isinstance(link["autolaunchable"], bool):
            problems.append(f"{where}.autolaunchable: must be a boolean")
    return problems


def check_response(body: Any) -> list[str]:
    """A service response: a cards array (possibly empty) and optional systemActions; card uuids unique."""
    if not isinstance(body, dict) or not isinstance(body.get("cards"), list):
        return ["response.cards: required array"]
    problems: list[str] = []
    for i, card in enumerate(body["cards"]):
        problems += check_card(card, f"response.cards[{i}]")
        problems += _no_empties(card, f"response.cards[{i}]")
    uuids = [c.get("uuid") for c in body["cards"] if isinstance(c, dict) and c.get("uuid")]
    if len(uuids) != len(set(uuids)):
        problems.append("response.cards: card uuids must be unique")
    if "systemActions" in body:
        problems += _empty(body["systemActions"], "response.systemActions")
        for i, action in enumerate(body["systemActions"] or []):
            problems += _action(action, f"response.systemActions[{i}]")
    unknown = set(body) - {"cards", "systemActions", "extension"}
    problems += [f"response.{key}: not an attribute of a CDS Service response" for key in sorted(unknown)]
    return problems


def action_resources(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Every FHIR resource a response proposes (suggestion actions and system actions)."""
    actions = [a for c in body.get("cards", []) for s in c.get("suggestions") or [] for a in s.get("actions") or []]
    actions += body.get("systemActions") or []
    return [a["resource"] for a in actions if isinstance(a.get("resource"), dict)]
