"""Other common-question cards whose answers hold what the question asks: the answering card is often not the
only one (how long pregabalin takes to work sits on the card about how to take it). From each such card only the
sentences that share most of the question's words are shown, so they fill the answer without crowding it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nerveroot.qa.context import NAMED_KINDS, QaContext
from nerveroot.qa.corpus import Statement
from nerveroot.qa.index import EXPANSION_WEIGHT, Hit
from nerveroot.qa.link import Links
from nerveroot.qa.text import SENTENCE_END, tokenize

RELATED = "Related common questions"


@dataclass(frozen=True)
class RelatedRule:
    """How many related cards, how close their retrieval score must be to the best hit's, and how many sentences
    each gives."""

    cards: int = 6
    relative_floor: float = 0.4
    sentences: int = 2
    min_share: float = 0.25
    """A shown sentence holds at least this share of the question's information (idf-weighted words)."""


def related_cards(
    ctx: QaContext,
    question: str,
    hits: Sequence[Hit],
    links: Links,
    shown: frozenset[str],
    rule: RelatedRule | None = None,
) -> list[tuple[str, Statement]]:
    """Up to ``rule.cards`` FAQ answers among the retrieved ``hits`` (not already ``shown``: statement ids), each
    with its sentences that best answer the question, best card first. A card must mention every drug, test,
    treatment or condition the question names, and not be about a population the question does not name."""
    rule = rule or RelatedRule()
    if not hits:
        return []
    top = hits[0].score
    named = [k for k in links.specific if k[0] in NAMED_KINDS]
    tokens = set(tokenize(question))
    expanded = set(ctx.index.expand(sorted(tokens)))
    out: list[tuple[str, Statement]] = []
    for hit in hits:
        st = hit.statement
        if len(out) >= rule.cards or hit.score < rule.relative_floor * top:
            break
        if st.kind != "faqs" or st.field != "answer" or st.id in shown:
            continue
        own = ctx.faq_names.get(st.record_id, frozenset())
        if named and not ctx.linker.mentions(named, own | ctx.tokens(st)):
            continue
        if ctx.cards.narrower(st.record_id, question):
            continue
        text = best_sentences(ctx, st.text.split(" — ", 1)[-1], tokens, expanded, rule)
        if text:
            out.append((text, st))
    return out


def best_sentences(ctx: QaContext, body: str, tokens: set[str], expanded: set[str], rule: RelatedRule) -> str:
    """The ``rule.sentences`` sentences of ``body`` holding most of the question's information, in their order."""
    total = sum(ctx.index.idf(t) for t in tokens)
    if not total:
        return ""
    scored = []
    for n, sentence in enumerate(SENTENCE_END.split(body)):
        words = set(tokenize(sentence))
        have = sum(ctx.index.idf(t) for t in words & tokens)
        have += EXPANSION_WEIGHT * sum(ctx.index.idf(t) for t in words & (expanded - tokens))
        if have / total >= rule.min_share:
            scored.append((have, n, sentence))
    best = sorted(scored, key=lambda item: (-item[0], item[1]))[: rule.sentences]
    return " ".join(sentence for _, _, sentence in sorted(best, key=lambda item: item[1]))


__all__ = ["RELATED", "RelatedRule", "best_sentences", "related_cards"]
