"""Cards added in the twelfth round and the card facets that keep them to their own questions: an outlook card answers
only outlook questions, a comparison card only comparisons, and a pregnancy question is matched on what else it asks.
Every question here is written for the test, not taken from an evaluation set."""

from __future__ import annotations

import pytest

from nerveroot.qa import QaContext
from nerveroot.qa.answer import answer_question
from nerveroot.qa.intent import Intent, classify


def _card(ctx: QaContext, question: str) -> str:
    ids = answer_question(ctx, question).answer_statement_ids
    return ids[0].split(":")[1] if ids and ids[0].startswith("faq:") else ""


@pytest.mark.parametrize(
    ("question", "card"),
    [
        ("Am I definitely going to need back surgery for this disc?", "faq_operation_needed"),
        (
            "Six weeks of tablets and exercises and my leg still hurts - where do I go from here?",
            "faq_not_settling_next_steps",
        ),
        ("What could go wrong if I let them operate on my prolapsed disc?", "faq_operation_safety"),
        ("Which works better for a prolapsed disc, an epidural or an operation?", "faq_injection_or_operation"),
        (
            "Is a nerve root injection a real alternative to disc surgery, or just a delay?",
            "faq_injection_or_operation",
        ),
        ("Is lumbago just another name for sciatica?", "faq_lumbago_vs_sciatica"),
    ],
)
def test_new_cards_answer_questions_in_other_words(ctx: QaContext, question: str, card: str) -> None:
    assert _card(ctx, question) == card


def test_the_outlook_card_leads_with_a_verdict(ctx: QaContext) -> None:
    lead = answer_question(ctx, "Could I end up needing spinal surgery for this slipped disc?").answer
    assert lead.startswith("No")


def test_a_comparison_card_does_not_answer_a_question_that_compares_nothing(ctx: QaContext) -> None:
    question = "After keyhole disc surgery, how soon can I walk the dog and what are the risks?"
    assert _card(ctx, question) != "faq_injection_or_operation"
    assert not ctx.cards.confined("faq_injection_or_operation", classify("Is an injection better than surgery?"))
    assert ctx.cards.confined("faq_injection_or_operation", Intent(("surgery_injection_outcome",)))


def test_an_outlook_card_does_not_answer_when_to_agree_to_an_operation(ctx: QaContext) -> None:
    question = "At what point does it make sense to accept the surgeon's offer of an operation for my sciatica?"
    assert _card(ctx, question) != "faq_operation_needed"


@pytest.mark.parametrize(
    "question",
    [
        "Do I need to have an operation for a bulging disc?",
        "Am I definitely going to need back surgery for this disc?",
        "Six weeks on and my calf still hurts - is that normal?",
    ],
)
def test_needing_an_operation_and_pain_that_stays_ask_the_outlook(question: str) -> None:
    assert classify(question).asks("duration_prognosis")


@pytest.mark.parametrize(
    "question",
    [
        "Is sciatica just another word for lumbago?",
        "Which helps more, physio or chiropractic?",
        "Is walking as good as swimming?",
    ],
)
def test_everyday_comparisons_are_comparisons(question: str) -> None:
    assert classify(question).asks("x_vs_y")


def test_a_pregnancy_question_is_matched_on_what_else_it_asks(ctx: QaContext) -> None:
    question = "I'm 30 weeks pregnant and my bottom hurts down to my knee - could it be sciatica?"
    assert _card(ctx, question) == "faq_pregnancy_sciatica"


def test_pregnancy_onset_card_records_the_conflict_and_the_guideline_leads(ctx: QaContext) -> None:
    record = ctx.kb.entities["faqs"]["faq_pregnancy_onset"]
    assert record.conflicts and record.conflicts[0].guideline_position
    answer = answer_question(ctx, "At what point in pregnancy does back and leg pain usually begin?")
    assert "second trimester" in answer.answer
