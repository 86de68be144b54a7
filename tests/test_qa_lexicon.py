"""Question vocabulary (issue 12): idioms, facets, natural-history questions, contractions and report words."""

from __future__ import annotations

import pytest

from nerveroot.qa import QaContext
from nerveroot.qa.answer import _cards, answer_question
from nerveroot.qa.intent import classify
from nerveroot.qa.lexicon import lexicon
from nerveroot.qa.scope import check_scope
from nerveroot.qa.text import tokenize


def _card_for(ctx: QaContext, question: str) -> list[str]:
    question = lexicon().rewrite(question)
    return _cards(ctx, question, classify(question), ctx.linker.link(question))


def test_idioms_are_rewritten_before_reading() -> None:
    assert lexicon().rewrite("Do I need to see someone Straight Away?") == "Do I need to see someone immediately?"
    assert "foot drop" in lexicon().rewrite("my foot is slapping, drop foot they said")


def test_an_idiom_does_not_name_a_test(ctx: QaContext) -> None:
    answer = answer_question(ctx, "My sciatica is awful, should I get help straight away?")
    assert "straight leg raise" not in answer.answer.lower()


def test_a_lay_description_of_foot_drop_is_answered_as_foot_drop(ctx: QaContext) -> None:
    lead = answer_question(ctx, "My foot slaps on the floor when I walk with my sciatica, is that serious?").answer
    assert "foot drop" in lead.lower() and "ischaemia" not in lead.lower()


@pytest.mark.parametrize(
    ("question", "facet"),
    [
        ("Is an X-ray of my lower back worth having for sciatica?", "pregnancy"),
        ("which exercises are good for pain from the L4 root", "running"),
    ],
)
def test_a_card_for_a_narrower_group_needs_the_question_to_name_it(ctx: QaContext, question: str, facet: str) -> None:
    chosen = _card_for(ctx, question)
    assert all(facet not in ctx.cards.facets.get(card, frozenset()) for card in chosen)
    assert ctx.cards.narrower("faq_pregnancy_imaging", "Is an MRI safe for my sciatica?")
    assert not ctx.cards.narrower("faq_pregnancy_imaging", "Is an MRI safe when I am pregnant?")


@pytest.mark.parametrize(
    "question",
    [
        "Is my sciatica likely to clear up without an operation?",
        "Why will I probably not need surgery for my slipped disc?",
        "Will the leg pain go away on its own?",
    ],
)
def test_natural_history_questions_ask_for_the_outlook_first(question: str) -> None:
    assert classify(question).qtype == "duration_prognosis"


def test_contraction_remnants_and_irregular_verbs_are_not_words() -> None:
    assert tokenize("I've heard it won't last; it goes away") == ["heard", "last", "go", "away"]


@pytest.mark.parametrize("question", ["What does foraminal narrowing mean?", "Is a 3 mm protrusion a lot?"])
def test_report_words_are_in_scope(question: str) -> None:
    assert check_scope(question).in_scope


def test_a_card_verdict_leads_when_the_guideline_row_cannot_be_said_plainly(ctx: QaContext) -> None:
    lead = answer_question(ctx, "Does someone with mild sciatica need a scan?").answer
    assert not lead.startswith("Not routinely. MRI of the lumbar spine —")
    assert lead.lower().startswith(("usually not", "no", "not"))


def test_a_silent_final_e_does_not_split_a_word_family() -> None:
    assert len(set(tokenize("cause caused causes causing"))) == 1
    assert tokenize("knee knees") == ["knee", "knee"]


def test_a_fallback_guideline_lead_states_the_stance_not_its_label(ctx: QaContext) -> None:
    lead = answer_question(
        ctx, "I tried exercises for six months and I still have sciatica, is surgery the next step?"
    ).answer
    assert not lead.split("[")[0].rstrip().endswith("(conditional recommendation).")


def test_a_placeholder_body_is_not_read_as_a_guideline_finding(ctx: QaContext) -> None:
    from nerveroot.qa.lead import stance_sentence

    placeholders = [s for s in ctx.statements if s.body == "No guideline position" and s.subject and s.stance]
    assert placeholders
    for statement in placeholders[:5]:
        assert stance_sentence(statement, verdict=False).startswith("No guideline takes a position on")


def test_gym_slang_is_read_as_exercise_not_work(ctx: QaContext) -> None:
    lead = answer_question(ctx, "can I do ab work with a trapped nerve in my back").answer
    assert "at work" not in lead.lower() and "return" not in lead.lower()


def test_how_far_along_a_pregnancy_is_says_only_pregnant() -> None:
    assert lexicon().rewrite("I'm 28 weeks pregnant with sciatica") == "I'm pregnant with sciatica"
    assert lexicon().rewrite("6 months pregnant, what helps?") == "pregnant, what helps?"


def test_a_self_care_question_in_pregnancy_is_answered_by_a_pregnancy_card(ctx: QaContext) -> None:
    cards = _card_for(ctx, "I'm 6 months pregnant and my sciatica gets bad at work. What can I do day to day?")
    assert cards and cards[0].startswith("faq_pregnancy")


def test_a_common_verb_is_not_a_named_finding(ctx: QaContext) -> None:
    links = ctx.linker.link("my sciatica flares when I stand at work")
    assert ("findings", "unable_to_walk") not in links.specific


def test_or_something_else_asks_to_tell_two_causes_apart() -> None:
    assert classify("A burning patch on my thigh: is that a trapped nerve or something else?").qtype == "x_vs_y"
