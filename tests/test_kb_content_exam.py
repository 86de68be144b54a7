"""Cards on report words, tests, roots, mimics and medicine cautions: each is found from a question worded
differently from its own title, and cites known sources with locators."""

from __future__ import annotations

import pytest

from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.qa.cards import CardIndex

PARAPHRASES: dict[str, str] = {
    "faq_root_map": "numb patch on the outer edge of my foot and little toe - which spinal root is that?",
    "faq_level_to_root": "a slipped disc between the L5 and S1 vertebrae squashes which nerve?",
    "faq_neuro_exam_accuracy": "can a doctor tell the trapped root by tapping my knee and ankle and testing strength?",
    "faq_xray_ct": "would a plain x-ray of my lower back show a disc problem?",
    "faq_stenosis_grades": "radiologist wrote severe narrowing of the central canal - what does that grade mean?",
    "faq_peroneal_vs_l5": "my foot slaps when I walk after sitting cross-legged for hours, is that my spine?",
    "faq_tramadol_cautions": "is it okay to combine tramadol with my sertraline?",
}
"""A card and a question, worded here, that it should answer (found among the first three cards)."""


@pytest.fixture(scope="module")
def cards(kb: KnowledgeBase) -> CardIndex:
    return CardIndex.from_kb(kb)


@pytest.mark.parametrize(("faq_id", "question"), sorted(PARAPHRASES.items()))
def test_card_is_found_from_a_paraphrase(cards: CardIndex, faq_id: str, question: str) -> None:
    assert faq_id in [hit.faq_id for hit in cards.rank(question, 3)]


@pytest.mark.parametrize("faq_id", sorted(PARAPHRASES))
def test_card_cites_known_sources_with_locators(kb: KnowledgeBase, faq_id: str) -> None:
    card = kb.entities["faqs"][faq_id]
    assert card.sources and all(c.source in kb.sources and c.locator.strip() for c in card.sources)
