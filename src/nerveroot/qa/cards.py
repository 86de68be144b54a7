"""Which common-question card (FAQ) answers a question: BM25 over the cards' own questions and paraphrases, an
optional meaning signal (sentence embeddings), fused by reciprocal rank, and checked against the question type."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import bm25s
import numpy as np
import numpy.typing as npt

from nerveroot.knowledge.base import KnowledgeBase, aliases
from nerveroot.qa.intent import Intent, classify
from nerveroot.qa.text import tokenize

RRF_K = 60
"""Reciprocal-rank-fusion constant (Cormack et al. 2009)."""


class Encoder(Protocol):
    """Turns texts into unit-length vectors (one row per text)."""

    name: str

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]: ...


@dataclass(frozen=True)
class CardHit:
    """A candidate card with its rank under each signal (None when the signal is off or gives no score)."""

    faq_id: str
    fused: float
    lexical_rank: int | None
    semantic_rank: int | None
    similarity: float
    """Cosine similarity of the question to the card's closest paraphrase (0 without an encoder)."""


@dataclass
class CardIndex:
    """The paraphrases of every FAQ card, indexed lexically and (optionally) by meaning."""

    variants: list[tuple[str, str]]
    """(faq id, one question or paraphrase of it)."""
    qtypes: dict[str, frozenset[str]]
    encoder: Encoder | None = None
    _bm25: bm25s.BM25 = field(init=False, repr=False)
    _ids: list[str] = field(init=False, repr=False)
    _owner: npt.NDArray[np.intp] = field(init=False, repr=False)
    _vectors: npt.NDArray[np.float32] | None = field(init=False, repr=False, default=None)

    def __post_init__(self) -> None:
        self._ids = list(dict.fromkeys(rid for rid, _ in self.variants))
        position = {rid: i for i, rid in enumerate(self._ids)}
        self._owner = np.array([position[rid] for rid, _ in self.variants], dtype=np.intp)
        self._bm25 = bm25s.BM25()
        self._bm25.index([tokenize(text) or [""] for _, text in self.variants], show_progress=False)
        if self.encoder is not None and self.variants:
            self._vectors = self.encoder.encode([text for _, text in self.variants])

    @classmethod
    def from_kb(cls, kb: KnowledgeBase, encoder: Encoder | None = None) -> CardIndex:
        variants: list[tuple[str, str]] = []
        qtypes: dict[str, frozenset[str]] = {}
        for rid, record in kb.entities.get("faqs", {}).items():
            names = list(dict.fromkeys(aliases(record)))
            variants += [(rid, name) for name in names]
            qtypes[rid] = frozenset(q for name in names for q in classify(name).qtypes)
        return cls(variants, qtypes, encoder)

    def _lexical(self, question: str) -> dict[str, float]:
        tokens = [t for t in tokenize(question) if t in self._bm25.vocab_dict]
        if not tokens:
            return {}
        scores = np.asarray(self._bm25.get_scores(tokens), dtype=np.float64)
        best = np.zeros(len(self._ids))
        np.maximum.at(best, self._owner, scores)  # each card's best-scoring paraphrase
        return {self._ids[i]: float(best[i]) for i in np.flatnonzero(best > 0)}

    def _semantic(self, question: str) -> dict[str, float]:
        if self.encoder is None or self._vectors is None:
            return {}
        sims = self._vectors @ self.encoder.encode([question])[0]
        best: dict[str, float] = {}
        for (rid, _), sim in zip(self.variants, sims, strict=True):
            best[rid] = max(best.get(rid, -1.0), float(sim))
        return best

    def rank(self, question: str, k: int = 5, *, lexical: bool = True, semantic: bool = True) -> list[CardHit]:
        """The k best cards by reciprocal rank fusion of the signals switched on."""
        lex = self._lexical(question) if lexical else {}
        sem = self._semantic(question) if semantic else {}
        lex_rank = {rid: i for i, rid in enumerate(sorted(lex, key=lambda r: (-lex[r], r)), 1)}
        sem_rank = {rid: i for i, rid in enumerate(sorted(sem, key=lambda r: (-sem[r], r)), 1)}
        fused = {
            rid: sum(1 / (RRF_K + ranks[rid]) for ranks in (lex_rank, sem_rank) if rid in ranks)
            for rid in set(lex_rank) | set(sem_rank)
        }
        order = sorted(fused, key=lambda r: (-fused[r], r))[:k]
        return [CardHit(r, fused[r], lex_rank.get(r), sem_rank.get(r), sem.get(r, 0.0)) for r in order]

    def agrees(self, faq_id: str, intent: Intent) -> bool:
        """True when the card answers the same type of question (or either side has no type)."""
        card = self.qtypes.get(faq_id) or frozenset({"other"})
        return bool(card & set(intent.qtypes or ("other",)))


__all__ = ["RRF_K", "CardHit", "CardIndex", "Encoder"]
