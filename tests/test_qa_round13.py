"""Round 13 (issue 12): declining on what a question names, not on word coverage; another region told in passing."""

from __future__ import annotations

import pytest

from nerveroot.knowledge.loader import default_knowledge
from nerveroot.qa import QaContext, context
from nerveroot.qa.answer import answer_question
from nerveroot.qa.scope import check_scope


@pytest.fixture(scope="module")
def ctx() -> QaContext:
    return context(default_knowledge())


@pytest.mark.parametrize(
    "question",
    [
        "I've had injections in my lower back and neck for spinal stenosis and my doctor started gabapentin at night. "
        "What is your opinion on gabapentin?",
        "Years ago I had a lumbar laminectomy at L4-5, and I have had shoulder problems for longer. "
        "Can I go back to a job with lifting?",
    ],
)
def test_another_region_told_in_passing_stays_in_scope(question: str) -> None:
    assert check_scope(question).in_scope


@pytest.mark.parametrize(
    "question",
    [
        "I have a pinched nerve in my neck with pain going down my arm. Do I need cervical disc surgery?",
        "My lower back is fine but my neck and arm hurt. Could my neck be the problem?",
        "An MRI showed bulging discs from C3 to C7 and my lower back aches too. What does it mean?",
        "My dog has sciatica like my own lower back. What can I give him?",
    ],
)
def test_another_region_asked_about_is_still_declined(question: str) -> None:
    assert not check_scope(question).in_scope


def test_a_question_naming_a_drug_is_answered_not_declined_on_word_coverage(ctx: QaContext) -> None:
    question = (
        "Is there randomised evidence that duloxetine helps patients with chronic low back pain who have a "
        "neuropathic, radicular leg-pain component?"
    )
    answer = answer_question(ctx, question)
    assert not answer.abstained
    assert "duloxetine" in answer.answer.lower()
