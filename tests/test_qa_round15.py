"""Round 15 (issue 12): the engine's own notes never reach an answer."""

from __future__ import annotations

import pytest

from nerveroot.knowledge.loader import default_knowledge
from nerveroot.qa import QaContext, context, to_markdown
from nerveroot.qa.answer import answer_question
from nerveroot.qa.sections import shown_text


@pytest.fixture(scope="module")
def ctx() -> QaContext:
    return context(default_knowledge())


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
