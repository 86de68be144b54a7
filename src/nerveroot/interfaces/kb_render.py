"""One knowledge-base record as text for people: headings, bullet lists and numbered citations, never JSON.

A list item reads as a sentence: what it is about first ("NICE NG59 (2016)", "Age 65 plus", "Saddle anaesthesia"),
then its short qualifiers in words ("consider, sciatica, acute phase"; "lower dose, at most 300 mg a day";
"likelihood ratio 8, estimated"), then its explanation and its citations. Ids of other records are shown by name.
"""

from __future__ import annotations

import re
from typing import Any

from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import Record, Source

LEAD_KEYS = (
    "text",
    "name",
    "says",
    "topic",
    "factor",
    "body",
    "jurisdiction",
    "label",
    "finding",
    "code",
    "root",
    "disc",
)
"""The key that heads an item of a list (the rest of its fields follow as qualifiers)."""
LONG_KEYS = ("detail", "why", "note", "limit", "title", "when")
SHORT_WHEN = 20
"""A `when` this short is a qualifier ('when absent'); a longer one is the item's explanation."""
RANGES = (("min", "max", "scored"), ("low", "high", "range"))
"""Pairs of fields shown as one range ('scored 0–5')."""
CITED_BY_SHOWN = 25
"""Fields holding an explanation: they follow the qualifiers after a colon."""
SKIP = frozenset({"id", "name", "synonyms", "description", "sources", "conflicts"})
_ID = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)+$")
_WORDS = {
    "not_recommended": "not recommended",
    "no_recommendation": "no recommendation",
    "insufficient_evidence": "not enough evidence",
    "investigational": "experimental",
    "reduce_dose": "lower dose",
    "caution": "use with care",
    "contraindicated": "do not use",
    "low_back_pain": "low back pain only",
    "low_back_pain_and_sciatica": "low back pain and sciatica",
    "spinal_stenosis": "neurogenic claudication with central stenosis",
    "other_condition": "another condition",
    "ckd": "chronic kidney disease",
    "gi_bleed_or_ulcer": "GI bleed or ulcer",
    "nsaid_sensitive_asthma": "NSAID-sensitive asthma",
    "age_65_plus": "age 65 or over",
    "elderly_falls": "falls risk",
    "US_Rx": "US prescription label",
    "US_OTC": "US over-the-counter label",
    "label": "product label",
    "seed": "seed (low-grade source)",
}
_LABELS = {
    "icd10": "ICD-10-CM",
    "lr_positive": "LR+",
    "lr_negative": "LR−",
    "lr_positive_infinite": "LR+ infinite",
    "mcid": "Minimal important change",
    "usual_doses": "Usual doses",
    "max_daily": "Recognised daily maximum",
    "sciatica_positions": "Positions on sciatica",
    "compressed_by": "Compressed by",
}
_PHRASES: dict[str, str] = {
    "mg_per_day": "{} mg a day",
    "max_mg_per_day": "at most {} mg a day",
    "egfr_below": "when eGFR is below {}",
    "lr": "likelihood ratio {}",
    "lr_negative": "LR− {}",
    "lr_positive": "LR+ {}",
    "sensitivity": "sensitivity {}",
    "specificity": "specificity {}",
    "phase": "{} phase",
    "zone": "{} zone",
    "relation": "{} root",
    "weight": "weight {}",
    "subscale": "{} subscale",
    "target": "for {}",
    "verified": "checked against the code set: {}",
}


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
            out.append(f"  [{n}] {_cite(src)} — {locator}" + (f" {_link(src)}" if _link(src) else ""))
        return out


def _cite(src: Source) -> str:
    return f"{src.title} ({src.authors}, {src.year})"


def _link(src: Source) -> str:
    return src.url or (f"https://doi.org/{src.doi}" if src.doi else "")


class _Text:
    """Turns field names and values into words, naming other records instead of showing their ids."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.names = {rid: r.name for recs in kb.entities.values() for rid, r in recs.items()}

    def value(self, value: Any) -> str:
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        text = str(value)
        if text in self.names:
            return self.names[text]
        if text in _WORDS:
            return _WORDS[text]
        return text.replace("_", " ") if _ID.match(text) else text

    @staticmethod
    def label(key: str) -> str:
        return _LABELS.get(key, key.replace("_", " ").capitalize())

    def phrase(self, key: str, value: Any) -> str:
        if isinstance(value, list):
            return f"{self.label(key).lower()}: {', '.join(self.value(v) for v in value)}"
        shown = self.value(value)
        if key in _PHRASES:
            return _PHRASES[key].format(shown)
        if key in ("stance", "effect", "population", "lr_basis"):
            return shown
        return f"{self.label(key).lower()} {shown}"


def _inline(item: dict[str, Any], refs: _Refs, text: _Text) -> str:
    """A dict as one sentence: its lead, its qualifiers, its explanation, its citations."""
    for low, high, name in RANGES:
        if low in item and high in item:
            rest = {k: v for k, v in item.items() if k not in (low, high)}
            item = {**rest, name: f"{text.value(item[low])}–{text.value(item[high])}"}
    lead_key = next((k for k in LEAD_KEYS if isinstance(item.get(k), str | int | float)), None)
    if lead_key is None and isinstance(item.get("topic"), str):
        lead_key = "topic"
    head = text.value(item[lead_key]) if lead_key else ""
    if lead_key == "disc":
        head = f"{head} disc"
    if lead_key is None and isinstance(item.get("stance"), str):
        head, item = text.value(item["stance"]).capitalize(), {k: v for k, v in item.items() if k != "stance"}
    short, long = [], []
    for key, value in item.items():
        if key in (lead_key, "sources", "id") or value in (None, [], {}):
            continue
        if isinstance(value, dict):
            short.append(f"{text.label(key).lower()}: {_inline(value, refs, text)}")
        elif isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
            short.append(f"{text.label(key).lower()}: {len(value)}")
        elif key == "when" and isinstance(value, str) and len(value) <= SHORT_WHEN:
            short.append(f"when {text.value(value)}")
        elif key in LONG_KEYS and isinstance(value, str):
            long.append(value.rstrip())
        else:
            short.append(text.phrase(key, value))
    if head and head[0].islower():
        head = head[0].upper() + head[1:]
    body = head + (f" — {', '.join(short)}" if head and short else ", ".join(short))
    sentence = body + (f": {' '.join(long)}" if long else "")
    cites = item.get("sources")
    return f"{sentence} {refs.mark(cites)}".rstrip() if isinstance(cites, list) and cites else sentence


def _condition(tree: Any, text: _Text) -> str:
    """A triage rule's condition tree in words: 'all of (…)', 'any of (…)', 'unless …'."""
    if isinstance(tree, dict) and len(tree) == 1:
        ((key, value),) = tree.items()
        if key in ("all", "any"):
            parts = [_condition(v, text) for v in value]
            return parts[0] if len(parts) == 1 else f"{key} of ({'; '.join(parts)})"
        if key == "unless":
            return f"unless {_condition(value, text)}"
        if key in ("onsets_over", "onsets_within") and isinstance(value, list) and len(value) == 2:
            span = "more than" if key == "onsets_over" else "at most"
            return f"{' or '.join(text.value(v) for v in value[0])} began {span} {value[1]} days ago"
        if isinstance(value, list):
            return f"{text.label(key).lower()}: {', '.join(text.value(v) for v in value)}"
        return f"{text.label(key).lower()} {text.value(value)}"
    if isinstance(tree, list):
        return "; ".join(_condition(v, text) for v in tree)
    return text.value(tree)


def _field(key: str, value: Any, refs: _Refs, text: _Text) -> list[str]:
    if key == "when" and isinstance(value, dict):
        return [f"When: {_condition(value, text)}"]
    if isinstance(value, dict):
        return [f"{text.label(key)}: {_inline(value, refs, text)}"]
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return [f"{text.label(key)}:", *[f"  - {_inline(v, refs, text)}" for v in value]]
    if isinstance(value, list):
        return [f"{text.label(key)}: {', '.join(text.value(v) for v in value)}"]
    return [f"{text.label(key)}: {text.value(value)}"]


def render_entity(kb: KnowledgeBase, kind: str, record: Record) -> str:
    """Readable text for one entity: every field in words, numbered citations and the sources at the end."""
    refs = _Refs(kb)
    text = _Text(kb)
    cites = [c.model_dump() for c in record.sources]
    lines = [f"{record.name}  [{kind.rstrip('s').replace('_', ' ')}: {record.id}]", ""]
    lines += [f"{record.description} {refs.mark(cites)}".rstrip(), ""]
    if record.synonyms:
        lines.append("Also called: " + ", ".join(record.synonyms))
    for key, value in record.model_dump(mode="json", exclude=set(SKIP), exclude_defaults=True).items():
        lines += _field(key, value, refs, text)
    for conflict in record.conflicts:
        lines += ["", f"Sources disagree — {conflict.topic}:"]
        lines += [f"  - {c.says} {refs.mark([s.model_dump() for s in c.sources])}" for c in conflict.claims]
        if conflict.guideline_position:
            lines.append(f"  Guideline: {conflict.guideline_position}")
        lines.append(f"  nerveroot: {conflict.note}")
    return "\n".join([*lines, "", "Sources:", *refs.lines()])


def render_source(kb: KnowledgeBase, source_id: str) -> str:
    """One source: what it is, where to find it, and which records cite it."""
    src = kb.sources[source_id]
    marker = f'"source":"{source_id}"'
    citing = sorted(
        {r.name for records in kb.entities.values() for r in records.values() if marker in r.model_dump_json()}
    )
    lines = [f"{src.title}  [source: {src.id}]", "", f"{src.authors}, {src.year}. Kind: {src.kind.replace('_', ' ')}."]
    if _link(src):
        lines.append(_link(src))
    if src.seed_file:
        lines.append(f"Seed file {src.seed_file}: a low-grade source, never set against a guideline as an equal.")
    if not src.verified:
        lines.append("Figures not checked against the original.")
    if src.notes:
        lines += ["", src.notes]
    lines += ["", f"Cited by {len(citing)} record(s):", *[f"  - {name}" for name in citing[:CITED_BY_SHOWN]]]
    if len(citing) > CITED_BY_SHOWN:
        lines.append(f"  … and {len(citing) - CITED_BY_SHOWN} more (nerveroot kb export --format json lists every one)")
    return "\n".join(lines)
