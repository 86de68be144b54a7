"""A question that tells an emergency of the asker's own (or a relative's) is answered with the emergency first."""

from __future__ import annotations

import pytest

from nerveroot.qa import QaContext
from nerveroot.qa.answer import answer_question


@pytest.mark.parametrize(
    "question",
    [
        "I inject drugs and have a fever with my back pain. Could it be serious?",
        "I have sciatica and now my bum feels numb, should I worry?",
        "My dad's legs went weak this morning and he can't pee, what do we do?",
    ],
)
def test_a_told_emergency_leads_with_emergency_care(ctx: QaContext, question: str) -> None:
    answer = answer_question(ctx, question)
    assert answer.answer.startswith("What you describe (")
    assert "emergency care now" in answer.answer.split(".")[0]


@pytest.mark.parametrize(
    "question",
    [
        "Is losing bladder control a sign of cauda equina?",
        "My husband had surgery for cauda equina last week and still can't feel his bladder. Will he get better?",
        "I have had sciatica down my left leg for three weeks. How long will it last?",
        "Patient with foot drop: how do I tell an L5 radiculopathy from a peroneal palsy?",
    ],
)
def test_a_general_or_outcome_question_is_not_read_as_a_told_emergency(ctx: QaContext, question: str) -> None:
    assert not answer_question(ctx, question).answer.startswith("What you describe")


def test_the_askers_job_is_not_what_is_asked_about(ctx: QaContext) -> None:
    answer = answer_question(ctx, "As a first contact physio, what symptoms should make me suspect cauda equina?")
    assert "physiotherapy" not in answer.answer.split(".")[0].lower()
    assert "saddle" in answer.answer
