"""Multi-part questions answered part by part, answer shapes and leads that name their subject (issue 12)."""

from __future__ import annotations

import pytest

from nerveroot.qa import QaContext
from nerveroot.qa.answer import answer_question
from nerveroot.qa.plan import has_shape


def test_each_part_of_a_two_part_question_gets_its_own_sentence(ctx: QaContext) -> None:
    lead = answer_question(ctx, "When does duloxetine start easing nerve pain, and what time of day do I take it?")
    first, _, rest = lead.answer.partition("]")
    assert "week" in first and "morning" in rest


@pytest.mark.parametrize(
    ("qtype", "sentence", "shaped"),
    [
        ("duration_prognosis", "Some relief may come after about a week.", True),
        ("duration_prognosis", "Take 60 mg a day.", False),
        ("cause", "It comes from pressure on a skin nerve under the groin ligament.", True),
        ("cause", "Because the nerve has no motor fibres there is no weakness.", False),
    ],
)
def test_answer_shapes(qtype: str, sentence: str, shaped: bool) -> None:
    assert has_shape(qtype, sentence) is shaped


def test_a_lead_opening_with_it_names_what_was_asked_about(ctx: QaContext) -> None:
    lead = answer_question(ctx, "Why do people get meralgia paresthetica?").answer
    assert lead.startswith("Meralgia paresthetica")


def test_a_choice_between_two_things_gets_no_yes_or_no(ctx: QaContext) -> None:
    links = ctx.linker.link("Is ice or heat better for my trapped nerve?")
    assert links.choice and not links.verdict
    lead = answer_question(ctx, "For sciatica, should I be using ice or heat?").answer
    assert not lead.startswith(("Yes", "No")) and "cold" in lead.split("[")[0]


def test_a_which_root_question_leads_with_the_sentence_naming_the_root(ctx: QaContext) -> None:
    assert has_shape("which_root", "Foot drop is usually an L5 root problem.")
    assert not has_shape("which_root", "Strength often recovers with or without surgery.")
    lead = answer_question(ctx, "Foot drop in sciatica - which nerve root is usually to blame?").answer
    assert "L5 root" in lead.split("[")[0]


def test_a_lead_for_a_test_without_a_plain_stance_takes_the_cards_reason(ctx: QaContext) -> None:
    lead = answer_question(ctx, "Is an X-ray needed when you have sciatica?").answer
    assert "—" not in lead.split("]")[0] and "X-ray" in lead
