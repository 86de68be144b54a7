"""BM25 retrieval over the statement corpus, with medical-synonym and lay-term query expansion."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import bm25s
import numpy as np
import numpy.typing as npt

from nerveroot.knowledge.base import KnowledgeBase, aliases
from nerveroot.qa.corpus import KIND_LABEL, Statement
from nerveroot.qa.lexicon import lexicon
from nerveroot.qa.text import tokenize

LAY_TERMS: dict[str, str] = lexicon().lay_terms
"""Lay and professional synonyms (`lexicon.yaml`), added to those the knowledge base records on each entity."""

EXPANSION_WEIGHT = 0.4
"""Weight of expansion terms relative to the words of the question."""


@dataclass(frozen=True)
class Hit:
    """One retrieved statement with its score."""

    statement: Statement
    score: float


def _phrases(kb: KnowledgeBase) -> dict[tuple[str, ...], set[str]]:
    """Alias token sequence → expansion tokens: a lay term or synonym maps to the record's name and synonyms."""
    table: dict[tuple[str, ...], set[str]] = {}
    for phrase, extra in LAY_TERMS.items():
        table.setdefault(tuple(tokenize(phrase)), set()).update(tokenize(extra))
    for kind in KIND_LABEL:
        for record in kb.entities.get(kind, {}).values():
            canonical = [record.name, *(s for s in record.synonyms if len(s.split()) <= 3)]
            tokens = {t for n in canonical for t in tokenize(n)}
            for name in [n for n in aliases(record) if n != getattr(record, "question", None)]:
                key = tuple(tokenize(name))
                if key and len(key) <= 5:
                    table.setdefault(key, set()).update(tokens)
    return {k: v for k, v in table.items() if k}


@dataclass
class StatementIndex:
    """A BM25 index over statements; `search` is pure given the index."""

    statements: Sequence[Statement]
    expansions: dict[tuple[str, ...], set[str]] = field(default_factory=dict)
    _bm25: bm25s.BM25 = field(init=False, repr=False)
    _vocab: frozenset[str] = field(init=False, repr=False)
    _common: frozenset[str] = field(init=False, repr=False)
    _df: Counter[str] = field(init=False, repr=False)

    COMMON_SHARE: ClassVar[float] = 0.02
    """A single word found in more than this share of statements is too common to trigger or be an expansion."""

    def __post_init__(self) -> None:
        tokens = [tokenize(s.index_text) or [""] for s in self.statements]
        self._bm25 = bm25s.BM25()
        self._bm25.index(tokens, show_progress=False)
        self._vocab = frozenset(self._bm25.vocab_dict) - {""}
        df = Counter(t for doc in tokens for t in set(doc))
        self._df = df
        self._common = frozenset(t for t, n in df.items() if n > self.COMMON_SHARE * len(tokens))

    @classmethod
    def from_kb(cls, kb: KnowledgeBase, statements: Sequence[Statement]) -> StatementIndex:
        return cls(statements=statements, expansions=_phrases(kb))

    def expand(self, query_tokens: list[str]) -> list[str]:
        """Expansion tokens for every alias phrase found in the query, minus the query's own tokens."""
        extra: set[str] = set()
        n = len(query_tokens)
        for size in range(1, 6):
            for start in range(n - size + 1):
                key = tuple(query_tokens[start : start + size])
                if size == 1 and key[0] in self._common:
                    continue
                extra |= self.expansions.get(key, set())
        return sorted(extra - set(query_tokens) - self._common)

    def idf(self, token: str) -> float:
        """BM25 inverse document frequency; a word absent from the corpus gets the highest value."""
        n, df = len(self.statements), self._df.get(token, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def coverage(self, query: str, statement: Statement) -> float:
        """Share of the question's information (idf-weighted words) that a statement contains."""
        tokens = set(tokenize(query))
        total = sum(self.idf(t) for t in tokens)
        if not total:
            return 0.0
        have = set(tokenize(statement.index_text))
        return sum(self.idf(t) for t in tokens if t in have) / total

    def known(self, tokens: list[str]) -> list[str]:
        """Tokens of the query that occur somewhere in the corpus."""
        return [t for t in tokens if t in self._vocab]

    def _scores(self, tokens: list[str]) -> npt.NDArray[np.float32]:
        known = self.known(tokens)
        if not known:
            return np.zeros(len(self.statements), dtype=np.float32)
        scores: npt.NDArray[np.float32] = np.asarray(self._bm25.get_scores(known), dtype=np.float32)
        return scores

    def scores(self, query: str) -> npt.NDArray[np.float32]:
        """BM25 score of every statement: question words plus weighted expansion terms."""
        tokens = tokenize(query)
        return self._scores(tokens) + EXPANSION_WEIGHT * self._scores(self.expand(tokens))

    def search(self, query: str, k: int = 10) -> list[Hit]:
        """The k best statements with a positive score, best first (ties broken by id)."""
        scores = self.scores(query)
        positive = np.flatnonzero(scores > 0)
        if len(positive) > k:
            cut = np.partition(scores[positive], len(positive) - k)[len(positive) - k]
            positive = positive[scores[positive] >= cut]
        order = sorted(positive, key=lambda i: (-float(scores[i]), self.statements[i].id))
        return [Hit(self.statements[i], float(scores[i])) for i in order[:k]]

    def search_many(self, queries: dict[str, str], top_k: int = 10) -> dict[str, dict[str, float]]:
        """BEIR `BaseSearch` shape: query id → {statement id: score}."""
        return {qid: {h.statement.id: h.score for h in self.search(q, top_k)} for qid, q in queries.items()}


def bare_index(texts: Sequence[str]) -> bm25s.BM25:
    """A plain bm25s index over the same texts (baseline for the benchmark)."""
    index = bm25s.BM25()
    index.index(bm25s.tokenize(list(texts), show_progress=False), show_progress=False)
    return index
