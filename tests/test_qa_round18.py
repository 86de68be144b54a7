"""Round 18 (issue 12): question types said in words the classifier did not know (when a medicine must not be used,
the prospects, whether pain means something more serious, where a symptom is felt), a question about named roots
answered by a card about other roots, and answers that used only about 60% of the words a reader sees first.
Asked in words of our own."""

from __future__ import annotations

import pytest

from answers import lead_of
from nerveroot.qa import QaContext
from nerveroot.qa.answer import _cards, answer_question
from nerveroot.qa.intent import classify
from nerveroot.qa.outside import first_words
from nerveroot.qa.plan import WORD_BUDGET
from nerveroot.qa.related import RelatedRule


@pytest.mark.parametrize(
    ("question", "main"),
    [
        ("When shouldn't people use ibuprofen?", "who_should_not_take"),
        ("When must I never take diclofenac?", "who_should_not_take"),
        ("When should one avoid taking amitriptyline?", "who_should_not_take"),
        ("Is naproxen safe for everybody?", "who_should_not_take"),
        ("When is duloxetine not suitable for someone?", "who_should_not_take"),
        ("What are my prospects after a prolapsed disc?", "duration_prognosis"),
        ("What can I expect for the future with sciatica?", "duration_prognosis"),
        ("Can leg pain be a sign of something more serious?", "when_where_seek_care"),
        ("Could my back pain point to a serious illness?", "when_where_seek_care"),
        ("Where would the tingling from a trapped nerve be felt?", "symptom"),
        ("Where does the pain of a slipped disc spread to?", "symptom"),
    ],
)
def test_question_types_in_everyday_words(question: str, main: str) -> None:
    assert classify(question).qtype == main


@pytest.mark.parametrize(
    "question",
    [
        "When should I take my gabapentin, morning or night?",  # a timing question stays a dose question
        "Should I stop taking pregabalin once the pain has gone?",  # stopping is not a caution
        "When should I avoid lifting after my operation?",  # avoiding an activity is not a medicine's caution
    ],
)
def test_other_when_questions_are_not_cautions(question: str) -> None:
    assert classify(question).qtype != "who_should_not_take"


def test_a_caution_question_in_other_words_leads_with_the_cautions(ctx: QaContext) -> None:
    lead = lead_of(ctx, "When shouldn't people use naproxen?").lower()
    assert "ulcer" in lead or "bleed" in lead
    assert "insufficient" not in lead and "too little evidence" not in lead


@pytest.mark.parametrize(
    "question",
    [
        "What are the typical symptoms of a trapped L5 and S1 nerve root?",
        "What is impingement of the S1 and L5 nerve roots?",
    ],
)
def test_named_roots_are_answered_by_the_card_about_them(ctx: QaContext, question: str) -> None:
    intent = classify(question)
    cards = _cards(ctx, question, intent, ctx.linker.link(question))
    assert cards and cards[0] == "faq_l5_s1"
    lead = lead_of(ctx, question)
    assert "inner shin" not in lead and "Care is stepped" not in lead


def test_a_card_about_the_named_root_still_answers(ctx: QaContext) -> None:
    question = "Which symptoms does a pinched L4 nerve give?"
    assert _cards(ctx, question, classify(question), ctx.linker.link(question))[:1] == ["faq_l4_symptoms"]


def test_a_question_naming_no_root_keeps_its_card(ctx: QaContext) -> None:
    question = "Which nerve root makes the big toe weak?"
    assert _cards(ctx, question, classify(question), ctx.linker.link(question))[:1] == ["faq_root_map"]


def test_answers_use_the_words_a_reader_sees_first(ctx: QaContext) -> None:
    assert WORD_BUDGET == 500
    rule = RelatedRule()
    assert rule.sentences == 2 and rule.cards == 6
    answer = answer_question(ctx, "How long will my sciatica go on for?")
    count = len(first_words(answer, 10_000).split())
    assert 300 < count <= WORD_BUDGET + 60  # the lead and warning signs may run a little over


def test_related_questions_stay_on_the_question(ctx: QaContext) -> None:
    answer = answer_question(ctx, "Can I carry on driving while taking pregabalin?")
    related = [s for s in answer.sections if s.title == "Related common questions"]
    text = " ".join(st.text for s in related for st in s.statements).lower()
    assert "pregnan" not in text


@pytest.mark.parametrize(
    "question",
    [
        "Which specialty should look at my sciatic nerve pain?",
        "What sort of doctor deals with sciatica?",
        "Whose job is it to treat a slipped disc: which kind of doctor?",
    ],
)
def test_which_doctor_or_service_is_a_question_about_whom_to_see(question: str) -> None:
    assert classify(question).qtype == "when_where_seek_care"


def test_which_doctor_treats_sciatica_is_answered_by_the_route_through_care(ctx: QaContext) -> None:
    question = "What sort of doctor deals with sciatica?"
    assert _cards(ctx, question, classify(question), ctx.linker.link(question))[:1] == ["faq_who_treats_sciatica"]
    lead = lead_of(ctx, question)
    assert "GP" in lead and "physiotherapist" in lead
    answer = answer_question(ctx, "Would a neurosurgeon or an orthopaedic spine surgeon do my operation?")
    assert "faq:faq_who_treats_sciatica:answer" in answer.answer_statement_ids


def test_whom_to_see_is_answered_with_the_routine_route_not_the_emergency(ctx: QaContext) -> None:
    lead = lead_of(ctx, "Who should I go and see about my sciatica?")
    assert lead.startswith("See a GP") or "GP" in lead.split(";")[0]
    assert not lead.lower().startswith("any bladder")


@pytest.mark.parametrize(
    "question",
    ["What is sciatic nerve pain?", "What are sciatic pains?"],
)
def test_sciatic_pain_is_read_as_sciatica(ctx: QaContext, question: str) -> None:
    lead = lead_of(ctx, question)
    assert lead.startswith("Sciatica is")


def test_the_sciatic_nerve_named_alone_is_left_as_it_is() -> None:
    from nerveroot.qa.lexicon import lexicon

    assert lexicon().rewrite("Could my piriformis press on the sciatic nerve?") == (
        "Could my piriformis press on the sciatic nerve?"
    )
    assert "sciatica" in lexicon().rewrite("Does swimming help sciatic nerve pain?")


def test_a_dose_asked_after_a_story_is_answered_by_the_dose_card(ctx: QaContext) -> None:
    question = "My GP started me on pregabalin for the nerve pain down my leg. How much of it should I be taking?"
    assert classify(question).qtype == "dose"
    lead = lead_of(ctx, question)
    assert "mg" in lead


@pytest.mark.parametrize(
    "question",
    ["When must a person not use ibuprofen?", "Who can't use naproxen tablets?", "When shouldn't you use naproxen?"],
)
def test_must_not_use_is_answered_by_the_card_on_who_should_not_take(ctx: QaContext, question: str) -> None:
    lead = lead_of(ctx, question).lower()
    assert "ulcer" in lead and "contraindicated" not in lead


def test_using_something_is_otherwise_left_as_it_is() -> None:
    from nerveroot.qa.lexicon import lexicon

    assert lexicon().rewrite("Can I use a heat pad on my back?") == "Can I use a heat pad on my back?"
