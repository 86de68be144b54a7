"""Body-map answers: region ids, names and lay synonyms (body_regions.yaml) read into canonical region lists.

A body-map answer is a list of regions (the web page sends the ids it marked; the terminal reads comma-separated
names), "none", or "don't know". Its canonical form, as parse_answer returns it, is "none" or the region ids
joined by commas in body-map order (for example "anterior_thigh,medial_leg").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from nerveroot.knowledge.base import KnowledgeBase

NONE = "none"
_NONE_WORDS = frozenset({"none", "nowhere", "no", "n", "nothing", "no pain", "no numbness", "no tingling", "neither"})
_SPLIT = re.compile(r"\s*[,;/\n]\s*")
_JOIN = re.compile(r"\s*[&+]\s*|\s+and\s+")
_FILLER = re.compile(r"^(?:and|the|my|in|on|at|over|also)\s+")


@dataclass(frozen=True)
class Lexicon:
    """Every way of naming a region (normalised) → region id; `order` is the body map's order of ids."""

    terms: Mapping[str, str]
    order: tuple[str, ...]
    names: Mapping[str, str]


def normalise(text: str) -> str:
    """Lower case, straight apostrophes, underscores and hyphens as spaces, single spaces, no filler words."""
    text = " ".join(text.lower().replace("’", "'").replace("_", " ").replace("-", " ").split())
    while (trimmed := _FILLER.sub("", text)) != text:
        text = trimmed
    return text


_LEXICONS: dict[int, tuple[KnowledgeBase, Lexicon]] = {}


def lexicon(kb: KnowledgeBase) -> Lexicon:
    """Region ids, names and synonyms of one knowledge base (built once per knowledge base object).

    A term that two regions share is left out rather than guessed; the test suite checks there are none.
    """
    hit = _LEXICONS.get(id(kb))
    if hit is not None and hit[0] is kb:
        return hit[1]
    regions = kb.entities.get("body_regions", {})
    terms: dict[str, str] = {}
    clashes: set[str] = set()
    for rid, record in regions.items():
        for term in {normalise(rid), normalise(record.name), *(normalise(s) for s in record.synonyms)}:
            if terms.get(term, rid) != rid:
                clashes.add(term)
            terms[term] = rid
    made = Lexicon(
        terms={t: r for t, r in terms.items() if t not in clashes},
        order=tuple(regions),
        names={rid: record.name for rid, record in regions.items()},
    )
    _LEXICONS[id(kb)] = (kb, made)
    return made


def ambiguous_terms(kb: KnowledgeBase) -> list[str]:
    """Names or synonyms that more than one region uses (they cannot be read as an answer)."""
    seen: dict[str, set[str]] = {}
    for rid, record in kb.entities.get("body_regions", {}).items():
        for term in {normalise(rid), normalise(record.name), *(normalise(s) for s in record.synonyms)}:
            seen.setdefault(term, set()).add(rid)
    return sorted(t for t, ids in seen.items() if len(ids) > 1)


def parse_regions(reply: str | Sequence[str], lex: Lexicon, unknown_words: frozenset[str]) -> str | None:
    """Canonical value of a body-map reply: "none", region ids joined by commas, or None for "don't know".

    A list is one item per region (an empty list is an empty selection: "none"); a string is split at commas,
    semicolons, slashes and at "and" where that is not part of a region's name ("inner shin and calf" is one
    region). ValueError names every part that is not a region.
    """
    if isinstance(reply, str):
        whole = normalise(reply)
        if whole in unknown_words or reply.strip() in unknown_words:
            return None
        parts = [p for chunk in _SPLIT.split(whole) if normalise(chunk) for p in _phrases(normalise(chunk), lex)]
    else:
        parts = [normalise(item) for item in reply if normalise(item)]
        if len(parts) == 1 and parts[0] in unknown_words:
            return None
    if not parts or all(p in _NONE_WORDS for p in parts):
        return NONE
    if any(p in _NONE_WORDS or p in unknown_words for p in parts):
        raise ValueError("a body-map answer is either regions, or 'none', or 'don't know', not a mix")
    found = {lex.terms.get(p) for p in parts}
    missing = [p for p in parts if p not in lex.terms]
    if missing:
        raise ValueError(
            f"not a body-map region: {', '.join(repr(m) for m in missing)}; name regions as on the map, e.g. "
            + ", ".join(lex.names[r].lower() for r in lex.order[:6])
            + " …"
        )
    return ",".join(r for r in lex.order if r in found)


def _phrases(chunk: str, lex: Lexicon) -> list[str]:
    """Split a chunk at "and", keeping the longest runs that name a region."""
    words = [normalise(w) for w in _JOIN.split(chunk)]
    found: list[str] = []
    start = 0
    while start < len(words):
        end = next((e for e in range(len(words), start, -1) if " and ".join(words[start:e]) in lex.terms), start + 1)
        found.append(" and ".join(words[start:end]))
        start = end
    return found


def region_ids(value: str) -> list[str]:
    """Region ids in a canonical body-map value ("none" → [])."""
    return [] if value == NONE else [r for r in value.split(",") if r]
