"""One clinical encounter from two inputs: a free-text note and the structured form (exam, drug safety, answers).

Pure functions. The form is what the clinician entered on purpose, so it fills in or overrides the note, with
two safety rules: an unknown never overrides a known finding, and when the two disagree on a finding the
"present" reading is kept and the disagreement is reported (a positive finding is never dropped silently).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nerveroot.assessment.case import Case

STATUS_RANK = {"present": 3, "unsure": 2, "absent": 1, "unknown": 0}
"""How findings combine when note and form disagree: the more cautious reading wins."""
KEY_FIELDS = ("region", "movement", "reflex", "test", "kind", "name", "id", "group", "text", "side")
"""Fields that identify an item of a list (one exam result per test and leg, one mark per region and leg); an item
with none of them is identified by all its fields."""


@dataclass(frozen=True)
class Disagreement:
    """A finding the note and the form read differently; `kept` is what the merged case holds."""

    path: str
    note: str
    form: str
    kept: str


def _is_status(value: Any) -> bool:
    return isinstance(value, str) and value in STATUS_RANK


def _status(path: str, note: str, form: str, found: list[Disagreement]) -> str:
    if note == form or note == "unknown":
        return form
    if form == "unknown":
        return note
    kept = max(note, form, key=lambda s: STATUS_RANK[s])
    found.append(Disagreement(path, note, form, kept))
    return kept


def _key(item: dict[str, Any]) -> tuple[Any, ...]:
    key = tuple(item.get(k) for k in KEY_FIELDS)
    return key if any(v is not None for v in key) else tuple(sorted((k, repr(v)) for k, v in item.items()))


def _list(note: list[Any], form: list[Any]) -> list[Any]:
    if not all(isinstance(i, dict) for i in [*note, *form]):
        return list(dict.fromkeys([*note, *form]))  # scalars (sides, drug ids): union, order kept
    merged = {_key(i): i for i in note}
    merged.update({_key(i): i for i in form})
    return list(merged.values())


def _merge(note: Any, form: Any, default: Any, path: str, found: list[Disagreement]) -> Any:
    if isinstance(note, dict) and isinstance(form, dict):
        defaults = default if isinstance(default, dict) else {}
        out = dict(note)
        for key, value in form.items():
            where = f"{path}.{key}" if path else key
            out[key] = _merge(note[key], value, defaults.get(key), where, found) if key in note else value
        return out
    if isinstance(note, list) and isinstance(form, list):
        return _list(note, form)
    if _is_status(note) and _is_status(form):
        return _status(path, note, form, found)
    return note if form == default else form


def merge_cases(note: Case, form: Case) -> tuple[Case, list[Disagreement]]:
    """The encounter's Case: the form over the note (see the module notes); and where the two disagreed."""
    found: list[Disagreement] = []
    default = Case().model_dump(mode="json")
    merged = _merge(note.model_dump(mode="json"), form.model_dump(mode="json"), default, "", found)
    return Case.model_validate(merged), found
