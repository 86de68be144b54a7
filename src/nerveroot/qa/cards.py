"""Which common-question card (FAQ) answers a question: BM25 over the cards' own questions and paraphrases, the
same with the question's lay terms expanded (`lexicon.yaml`), an optional meaning signal (sentence embeddings),
fused by reciprocal rank, and checked against the question type and the card's facets (pregnancy, running …)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

import bm25s
import numpy as np
import numpy.typing as npt

from nerveroot.knowledge.base import KnowledgeBase, aliases, normalise
from nerveroot.qa.intent import Intent, classify
from nerveroot.qa.lexicon import lexicon
from nerveroot.qa.text import tokenize

RRF_K = 60
"""Reciprocal-rank-fusion constant (Cormack et al. 2009)."""
CONFINING = frozenset({"x_vs_y", "duration_prognosis"})
"""Question types whose cards answer only questions of that type when every one of a card's own questions has it as
its main type."""


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
    expand: Callable[[list[str]], list[str]] | None = None
    """Lay-term expansion of a question's tokens (a second lexical signal); None leaves it out."""
    facets: dict[str, frozenset[str]] = field(default_factory=dict)
    """Card → the facets (pregnancy, running …) every one of its own questions names."""
    mains: dict[str, frozenset[str]] = field(default_factory=dict)
    """Card → the main question type of each of its own questions."""
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
    def from_kb(
        cls, kb: KnowledgeBase, encoder: Encoder | None = None, expand: Callable[[list[str]], list[str]] | None = None
    ) -> CardIndex:
        variants: list[tuple[str, str]] = []
        qtypes: dict[str, frozenset[str]] = {}
        facets: dict[str, frozenset[str]] = {}
        mains: dict[str, frozenset[str]] = {}
        for rid, record in kb.entities.get("faqs", {}).items():
            names = list(dict.fromkeys(aliases(record)))
            variants += [(rid, name) for name in names]
            qtypes[rid] = frozenset(q for name in names for q in classify(name).qtypes)
            facets[rid] = frozenset.intersection(*(_facets_of(name) for name in names))
            mains[rid] = frozenset(classify(name).qtype for name in names)
        return cls(variants, qtypes, encoder, expand, facets, mains)

    def for_population(self, faq_id: str, question: str) -> bool:
        """True when the card is about a population or activity (pregnancy, running …) that the question names."""
        facets = self.facets.get(faq_id, frozenset())
        return bool(facets - RESTRICTING) and facets <= _facets_named(question)

    def narrower(self, faq_id: str, question: str) -> bool:
        """True when the card is about a population or activity (pregnancy, running …) the question does not name."""
        facets = self.facets.get(faq_id, frozenset())
        return bool(facets) and not facets <= _facets_named(question)

    def confined(self, faq_id: str, intent: Intent) -> bool:
        """True when every one of the card's own questions asks one kind of thing that answers only that kind of
        question (a comparison, the outlook) and the question does not ask it: a card on 'injection or operation,
        which is better?' does not answer 'what are the risks of the operation?', nor one on 'will I need an
        operation?' the question 'when is the right time to have it?'."""
        mains = self.mains.get(faq_id, frozenset())
        return len(mains) == 1 and mains <= CONFINING and not mains <= set(intent.qtypes)

    def _lexical(self, question: str, expanded: bool = False) -> dict[str, float]:
        tokens = tokenize(question)
        if expanded:
            if self.expand is None:
                return {}
            tokens += self.expand(tokens)
        tokens = [t for t in tokens if t in self._bm25.vocab_dict]
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
        wide = self._lexical(question, expanded=True) if lexical else {}
        sem = self._semantic(question) if semantic else {}
        lex_rank, wide_rank, sem_rank = (
            {rid: i for i, rid in enumerate(sorted(scores, key=lambda r: (-scores[r], r)), 1)}
            for scores in (lex, wide, sem)
        )
        signals = (lex_rank, wide_rank, sem_rank)
        fused = {
            rid: sum(1 / (RRF_K + ranks[rid]) for ranks in signals if rid in ranks)
            for rid in set(lex_rank) | set(wide_rank) | set(sem_rank)
        }
        # on a tie the question's own words decide (expansion words count for less)
        order = sorted(fused, key=lambda r: (-fused[r], lex_rank.get(r, len(lex_rank) + 1), r))[:k]
        return [CardHit(r, fused[r], lex_rank.get(r), sem_rank.get(r), sem.get(r, 0.0)) for r in order]

    def population_cards(self, question: str, k: int = 2) -> list[CardHit]:
        """The k cards written for a population or activity the question names (pregnancy, driving …), best
        first by the question's words: candidates beside the ranked ones, since a long story can push the card
        for what is asked ('… is it OK to drive?') out of the first few by shared words."""
        named = _facets_named(question)
        if not named:
            return []
        own = [rid for rid in self._ids if self.facets.get(rid) and self.facets[rid] <= named]
        scores = self._lexical(question)
        own.sort(key=lambda rid: (-scores.get(rid, 0.0), rid))
        return [CardHit(rid, 0.0, None, None, 0.0) for rid in own[:k]]

    def answers_main_type(self, faq_id: str, intent: Intent) -> bool:
        """True when the card answers the question's main (first) type."""
        return bool(intent.qtypes) and intent.qtypes[0] in self.qtypes.get(faq_id, frozenset())

    def agrees(self, faq_id: str, intent: Intent) -> bool:
        """True when the card answers the same type of question (or either side has no type)."""
        card = self.qtypes.get(faq_id) or frozenset({"other"})
        return bool(card & set(intent.qtypes or ("other",)))


_AFTER_OPERATION = re.compile(
    r"\b(?:after|since|following|recovering from|recovery from) (?:(?:an?|the|my|your|his|her|their) )?(?:\w+ ){0,2}?"
    r"(?:operation|surgery|\w*discectomy|laminectomy|decompression|fusion)\b|\bpost ?op\w*"
)
"""Time after an operation ('after my microdiscectomy', 'recovering from surgery', 'post-op'): a facet, so a card
about life after the operation answers only questions about that time ('When is a discectomy needed?' is not one)."""


_HAPPENS_AGAIN = re.compile(
    r"\b(?:herniat\w*|slip\w*|prolaps\w*|ruptur\w*|bulg\w*|burst\w*|tear\w*|torn|come|comes|coming|came|"
    r"return\w*|happen\w*)(?: \w+){0,2} again\b"
)
"""The disc or the pain happening again ('my disc has slipped again', 'could it come back again'), not doing something
again ('when can I drive again'): the recurrence facet."""
RESTRICTING = frozenset({"after_operation", "recurrence", "fusion", "referral"})
"""Facets that keep a card to the questions naming them without putting it before the general cards (a card on when
a clinician refers does not answer 'when should I worry?')."""


def _facets_of(text: str) -> frozenset[str]:
    named = set(lexicon().facets_of(tokenize(text, keep_stop_words=True)))
    plain = normalise(text)
    if _AFTER_OPERATION.search(plain):
        named.add("after_operation")
    if _HAPPENS_AGAIN.search(plain):
        named.add("recurrence")
    return frozenset(named)


@lru_cache(maxsize=256)
def _facets_named(question: str) -> frozenset[str]:
    """The populations and activities a question names, read once per question (each candidate card asks)."""
    return _facets_of(question)


__all__ = ["CONFINING", "RESTRICTING", "RRF_K", "CardHit", "CardIndex", "Encoder"]
