"""Related common-question cards: which are shown beside the answering card, and which of their sentences."""

from __future__ import annotations

from nerveroot.qa import QaContext
from nerveroot.qa.related import RelatedRule, best_sentences, related_cards
from nerveroot.qa.text import SENTENCE_END


def test_related_cards_show_their_answering_sentences_and_respect_named_drugs(ctx: QaContext) -> None:
    question = "How long does pregabalin take to work?"
    hits = ctx.index.search(question, 40)
    links = ctx.linker.link(question)
    related = related_cards(ctx, question, hits, links, frozenset())
    assert related and all(st.kind == "faqs" for _, st in related)
    for text, statement in related:
        assert "pregabalin" in statement.text.lower()
        assert all(part in statement.text for part in SENTENCE_END.split(text))
        assert len(text.split()) < len(statement.text.split())
    shown = frozenset(st.id for _, st in related)
    assert not {st.id for _, st in related_cards(ctx, question, hits, links, shown)} & shown


def test_best_sentences_keep_text_order_and_need_a_share_of_the_question(ctx: QaContext) -> None:
    body = "Unrelated opening words here. Pregabalin can take a few weeks to work. Take it twice a day."
    tokens = {"pregabalin", "work", "long"}
    rule = RelatedRule(sentences=2, min_share=0.2)
    assert best_sentences(ctx, body, tokens, set(), rule) == "Pregabalin can take a few weeks to work."
    assert best_sentences(ctx, body, set(), set(), rule) == ""
