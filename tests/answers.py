"""The lead of a cited answer: the helper the answer tests share."""

from __future__ import annotations

from nerveroot.qa import QaContext
from nerveroot.qa.answer import answer_question


def lead_of(ctx: QaContext, question: str) -> str:
    """The direct answer to ``question``, without its citation marks."""
    return answer_question(ctx, question).answer.split("[")[0]
