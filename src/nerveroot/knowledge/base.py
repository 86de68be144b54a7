"""The loaded knowledge base: entities by kind and a name/synonym index."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import TypeVar

from nerveroot.errors import UnknownEntityError
from nerveroot.knowledge.models import Record, Source

R = TypeVar("R", bound=Record)
_NON_WORD = re.compile(r"[^a-z0-9]+")
_PUNCT = re.compile(r"[\u2010-\u2015\u2018\u2019\u201c\u201d'\"]")


def normalise(text: str) -> str:
    """Lower-case, strip accents and punctuation, collapse spaces: 'L3–L4 Disc' → 'l3 l4 disc'."""
    text = unicodedata.normalize("NFKD", _PUNCT.sub(" ", text)).encode("ascii", "ignore").decode()
    return _NON_WORD.sub(" ", text.lower()).strip()


def aliases(record: Record) -> list[str]:
    """Name, synonyms and lay terms of a record."""
    names = [record.name, *record.synonyms, *getattr(record, "lay_terms", [])]
    if hasattr(record, "question"):
        names.append(record.question)
    return names


@dataclass(frozen=True)
class KnowledgeBase:
    """Immutable view of every source and entity, with lookup by name."""

    version: str
    content_hash: str
    sources: dict[str, Source]
    entities: dict[str, dict[str, Record]]
    _index: dict[str, list[tuple[str, str]]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for kind, records in self.entities.items():
            for rid, record in records.items():
                for alias in {normalise(a) for a in [rid.replace("_", " "), *aliases(record)]}:
                    self._index.setdefault(alias, []).append((kind, rid))

    def all(self, kind: str, model: type[R]) -> list[R]:
        """Every record of one kind, typed."""
        return [r for r in self.entities[kind].values() if isinstance(r, model)]

    def get(self, kind: str, rid: str, model: type[R]) -> R:
        record = self.entities[kind][rid]
        if not isinstance(record, model):  # pragma: no cover - guards the data/kind mapping
            raise TypeError(f"{kind}[{rid}] is not a {model.__name__}")
        return record

    def search(self, text: str, limit: int = 10) -> list[tuple[str, Record]]:
        """Entities whose name, synonym or lay term matches the text, best first."""
        query = normalise(text)
        if not query:
            return []
        words = set(query.split())
        scored: dict[tuple[str, str], float] = {}
        for alias, hits in self._index.items():
            if alias == query:
                score = 3.0
            elif f" {query} " in f" {alias} ":
                score = 2.0 + len(query) / (len(alias) + 1)
            elif words <= set(alias.split()):
                score = 1.0 + len(words) / (len(alias.split()) + 1)
            else:
                continue
            for hit in hits:
                scored[hit] = max(scored.get(hit, 0.0), score)
        ranked = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))
        return [(kind, self.entities[kind][rid]) for (kind, rid), _ in ranked[:limit]]

    def find(self, text: str) -> tuple[str, Record]:
        """The single best match for a name; UnknownEntityError when nothing matches."""
        hits = self.search(text, limit=1)
        if not hits:
            raise UnknownEntityError(f"no entity named {text!r} in the knowledge base")
        return hits[0]

    def conflicts(self) -> list[tuple[str, Record]]:
        """Every record that keeps a disagreement between sources."""
        return [(k, r) for k, recs in self.entities.items() for r in recs.values() if r.conflicts]
