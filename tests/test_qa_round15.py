"""Round 15 (issue 12): the engine's own notes never reach an answer; sleeping positions beyond side and back,
walking, and the chair and screen at a desk (cards written from NHS, NICE, Mayo Clinic, Cleveland Clinic and
HSE pages), asked in words of our own."""

from __future__ import annotations

import pytest

from nerveroot.qa import QaContext, to_markdown
from nerveroot.qa.answer import answer_question
from nerveroot.qa.outside import first_words
from nerveroot.qa.sections import shown_text


def test_a_note_for_the_engine_is_cut_wherever_it_stands(ctx: QaContext) -> None:
    """A risk factor's note ends '… are safe. nerveroot keeps the default prior (0.01) only to satisfy the model';
    the lower-case 'nerveroot' after the full stop hid it from the sentence split, so it was shown."""
    notes = [
        s for s in ctx.statements if "nerveroot keeps the default prior" in s.text or "Approximate prior" in s.text
    ]
    assert notes
    for statement in notes:
        text = shown_text(statement, [])
        assert "default prior" not in text and "Approximate prior" not in text
        assert text  # what the note says for a reader stays


def test_no_answer_shows_the_engine_prior(ctx: QaContext) -> None:
    for question in (
        "Does pregnancy make a trapped nerve in the back more likely?",
        "Does being overweight cause sciatica?",
    ):
        answer = answer_question(ctx, question)
        assert "default prior" not in to_markdown(answer)


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("Is it bad for my back to sleep face down when I have sciatica?", "front"),
        ("Can I sleep on my stomach with a bulging disc?", "pillow under the hips"),
        ("My stenosis pain is worse lying flat in bed, what position might help?", "curled"),
    ],
)
def test_sleeping_on_the_front_and_curled_up_are_answered(ctx: QaContext, question: str, said: str) -> None:
    answer = answer_question(ctx, question)
    assert not answer.abstained
    assert said in first_words(answer)


def test_the_sleep_card_opens_with_positions_not_a_bare_no(ctx: QaContext) -> None:
    """'No one position suits everyone' would have read as a 'No' verdict on a yes/no question."""
    answer = answer_question(ctx, "Should I sleep on my front when my sciatica flares?")
    assert not answer.answer.startswith("No one")
    assert "Lying on your front is the position most often advised against" in first_words(answer)


@pytest.mark.parametrize(
    "question",
    ["How far should I be walking each day with sciatica?", "Will going for walks make my slipped disc worse?"],
)
def test_walking_questions_get_the_walking_card(ctx: QaContext, question: str) -> None:
    answer = answer_question(ctx, question)
    assert answer.answer_statement_ids[0] == "faq:faq_walking:answer"
    assert "short walks" in first_words(answer)


def test_bed_rest_still_answers_no(ctx: QaContext) -> None:
    answer = answer_question(ctx, "Is bed rest good for sciatica?")
    assert answer.answer.startswith("No")


@pytest.mark.parametrize(
    "question",
    [
        "What is a good way to set up my office chair and computer screen with sciatica?",
        "I work at a desk all day with sciatica - how should my workstation be arranged?",
    ],
)
def test_desk_set_up_is_answered_with_chair_feet_and_screen(ctx: QaContext, question: str) -> None:
    text = first_words(answer_question(ctx, question))
    assert "footrest" in text and "eye level" in text


def test_new_sources_are_labelled_by_grade(ctx: QaContext) -> None:
    answer = answer_question(ctx, "Can I sleep on my stomach with a bulging disc?")
    refs = {r.title: r for r in answer.references}
    clinic = [title for title in refs if "Mayo Clinic" in title or "Cleveland Clinic" in title]
    assert clinic
    rendered = to_markdown(answer)
    for title in clinic:
        line = next(line for line in rendered.splitlines() if title in line)
        assert "patient information, not a guideline" in line
