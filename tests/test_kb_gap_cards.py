"""Issue 12 gap cards (travel, injections, repeat scans, medicine cautions, mimics' outlook): each loads, cites a
located non-seed source, and is found by retrieval from a question worded here."""

from __future__ import annotations

import pytest

from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.qa.cards import CardIndex

PARAPHRASES: dict[str, str] = {
    "faq_esi_who_not": "I am on warfarin - can I still have the steroid injection in my spine?",
    "faq_esi_diabetes": "my glucose went up after the back injection, I am type 2 diabetic, how long will that last?",
    "faq_followup_mri": "a new scan a year after my disc operation to check it worked - is that useful?",
    "faq_massive_disc": "the radiologist called my herniation huge, yet my leg is easing - must I have an operation?",
    "faq_inversion_traction": "does hanging upside down on a tilt table stretch a bulging disc back in place?",
    "faq_meralgia_outlook": "when will the burning numb patch on my outer thigh from the trapped thigh nerve clear?",
    "faq_diclofenac_who_not": "I had a heart attack two years ago, is diclofenac okay for my sciatica?",
    "faq_duloxetine_who_not": "I have glaucoma and kidney trouble - should I avoid duloxetine?",
    "faq_travel_sciatica": "twelve hours on a plane next week with a bad sciatic leg, how do I survive it?",
    "faq_modic_types": "radiologist mentions fatty marrow change beside the endplate, Modic 2 - should I worry?",
    "faq_high_intensity_zone": "bright spot in the back of my L5 disc on the T2 pictures - is that what hurts?",
    "faq_sequestration_mri": "a piece of disc has broken off and moved down behind the vertebra, what does that mean?",
    "faq_foraminal_grades": "the exit hole for the L5 root is narrowed grade 3 on my scan, how bad is that?",
    "faq_disc_herniation_cause": "how does a disc actually burst out - was it the heavy box I lifted?",
    "faq_what_worsens_sciatica": "which everyday things aggravate sciatica, like sitting at the computer?",
}
"""A card and a question, worded here, that it should answer (found among the first three cards)."""


@pytest.fixture(scope="module")
def cards(kb: KnowledgeBase) -> CardIndex:
    return CardIndex.from_kb(kb)


@pytest.mark.parametrize(("faq_id", "question"), sorted(PARAPHRASES.items()))
def test_gap_card_is_found_from_a_paraphrase(cards: CardIndex, faq_id: str, question: str) -> None:
    assert faq_id in [hit.faq_id for hit in cards.rank(question, 3)]


@pytest.mark.parametrize("faq_id", sorted(PARAPHRASES))
def test_gap_card_rests_on_a_located_non_seed_source(kb: KnowledgeBase, faq_id: str) -> None:
    card = kb.entities["faqs"][faq_id]
    kinds = {kb.sources[c.source].kind for c in card.sources}
    assert all(c.locator.strip() for c in card.sources)
    assert kinds - {"expert_answer"}, "a gap card must rest on more than a model answer"
    assert not any(c.source.startswith("seed_") for c in card.sources)
