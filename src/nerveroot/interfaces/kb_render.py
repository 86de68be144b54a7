"""One knowledge-base record as text for people: headings, bullet lists and numbered citations, never JSON."""

from __future__ import annotations

import re
from typing import Any

from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import Record

LEAD_KEYS = ("text", "name", "says", "topic", "factor", "body", "jurisdiction", "label", "finding", "detail")
"""The key that heads an item of a list (the rest of its fields follow in brackets)."""
SKIP = frozenset({"id", "name", "synonyms", "description", "sources", "conflicts"})
_ID = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)+$")


class _Refs:
    """Numbers each (source, locator) once, in order of first use."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.order: dict[tuple[str, str], int] = {}

    def mark(self, cites: list[dict[str, str]]) -> str:
        numbers = sorted({self.order.setdefault((c["source"], c["locator"]), len(self.order) + 1) for c in cites})
        return "".join(f"[{n}]" for n in numbers)

    def lines(self) -> list[str]:
        out = []
        for (source_id, locator), n in self.order.items():
            src = self.kb.sources.get(source_id)
            if src is None:
                out.append(f"  [{n}] {source_id} — {locator}")
                continue
            link = src.url or (f"https://doi.org/{src.doi}" if src.doi else "")
            out.append(f"  [{n}] {src.title} ({src.authors}, {src.year}) — {locator}" + (f" {link}" if link else ""))
        return out


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text.replace("_", " ") if _ID.match(text) else text


def _inline(item: dict[str, Any], refs: _Refs) -> str:
    """A dict on one line: its lead field, then the other fields in brackets, then its citations."""
    lead_key = next((k for k in LEAD_KEYS if isinstance(item.get(k), str | int | float)), None)
    head = _scalar(item[lead_key]) if lead_key else ""
    rest = []
    for key, value in item.items():
        if key in (lead_key, "sources") or value in (None, [], {}):
            continue
        if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
            rest.append(f"{_label(key).lower()}: {', '.join(_scalar(v) for v in value)}")
        elif isinstance(value, dict | list):
            rest.append(f"{_label(key).lower()}: {_inline(value, refs) if isinstance(value, dict) else len(value)}")
        else:
            rest.append(f"{_label(key).lower()}: {_scalar(value)}")
    text = head + (f" ({'; '.join(rest)})" if rest else "") if head else "; ".join(rest)
    cites = item.get("sources")
    return f"{text} {refs.mark(cites)}".rstrip() if isinstance(cites, list) and cites else text


def _field(key: str, value: Any, refs: _Refs) -> list[str]:
    if isinstance(value, dict):
        return [f"{_label(key)}: {_inline(value, refs)}"]
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return [f"{_label(key)}:", *[f"  - {_inline(v, refs)}" for v in value]]
    if isinstance(value, list):
        return [f"{_label(key)}: {', '.join(_scalar(v) for v in value)}"]
    return [f"{_label(key)}: {_scalar(value)}"]


def render_entity(kb: KnowledgeBase, kind: str, record: Record) -> str:
    """Readable text for one entity: every field in words, numbered citations and the sources at the end."""
    refs = _Refs(kb)
    cites = [c.model_dump() for c in record.sources]
    lines = [f"{record.name}  [{kind.rstrip('s').replace('_', ' ')}: {record.id}]", ""]
    lines += [f"{record.description} {refs.mark(cites)}".rstrip(), ""]
    if record.synonyms:
        lines.append("Also called: " + ", ".join(record.synonyms))
    for key, value in record.model_dump(mode="json", exclude=set(SKIP), exclude_defaults=True).items():
        lines += _field(key, value, refs)
    for conflict in record.conflicts:
        lines += ["", f"Sources disagree — {conflict.topic}:"]
        lines += [f"  - {c.says} {refs.mark([s.model_dump() for s in c.sources])}" for c in conflict.claims]
        if conflict.guideline_position:
            lines.append(f"  Guideline: {conflict.guideline_position}")
        lines.append(f"  nerveroot: {conflict.note}")
    return "\n".join([*lines, "", "Sources:", *refs.lines()])
