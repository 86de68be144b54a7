"""POST /api/interview/next and /api/interview/answer: the adaptive interview, one stateless step at a time."""

from __future__ import annotations

from fastapi import APIRouter

from nerveroot.api.deps import Kb
from nerveroot.api.errors import ERROR_RESPONSES
from nerveroot.api.ids import require_known_ids
from nerveroot.api.schemas import (
    AnswerIn,
    CaseOut,
    ConditionShare,
    NextIn,
    NextOut,
    OutcomeOut,
    QuestionOut,
    RootShare,
)
from nerveroot.errors import InputValidationError, Problem
from nerveroot.interview import Question, apply_answer, choices, choose_question, default_questions, outcome
from nerveroot.interview.answers import parse_answer
from nerveroot.interview.catalogue import Audience
from nerveroot.knowledge.base import KnowledgeBase

router = APIRouter(tags=["interview"])


def question_out(question: Question, audience: Audience) -> QuestionOut:
    return QuestionOut(
        **question.model_dump(), exam=question.exam, wording=question.text(audience), choices=list(choices(question))
    )


def outcome_out(body: NextIn, kb: KnowledgeBase) -> OutcomeOut:
    result = outcome(body.case, kb)
    conditions = kb.entities["conditions"]
    return OutcomeOut(
        triage=result.triage,
        complete=result.complete,
        act_on=result.act_on,
        roots=[RootShare(root=r, probability=round(p, 4)) for r, p in result.roots],
        conditions=[
            ConditionShare(id=c, name=conditions[c].name if c in conditions else c, probability=round(p, 4))
            for c, p in result.conditions
        ],
        not_assessed=result.not_assessed,
    )


@router.post("/api/interview/next", summary="The next question", response_model=NextOut, responses=ERROR_RESPONSES)
def next_endpoint(body: NextIn, kb: Kb) -> NextOut:
    """Red flags first, then the most informative question; `question` is null when nothing would change."""
    require_known_ids(body.case, kb, "body.case")
    choice = choose_question(body.case, kb, body.audience, body.asked)
    return NextOut(
        question=question_out(choice.question, body.audience) if choice else None,
        phase=choice.phase if choice else "done",
        remaining=choice.remaining if choice else 0,
        outcome=outcome_out(body, kb),
    )


@router.get(
    "/api/interview/questions",
    summary="The question catalogue",
    response_model=list[QuestionOut],
    responses=ERROR_RESPONSES,
)
def questions_endpoint(audience: Audience = "patient") -> list[QuestionOut]:
    """Every question of the catalogue in the audience's wording, so one item can be asked on its own (a red flag
    the result lists as not assessed) and answered through /api/interview/answer."""
    return [question_out(q, audience) for q in default_questions()]


@router.post("/api/interview/answer", summary="Record an answer", response_model=CaseOut, responses=ERROR_RESPONSES)
def answer_endpoint(body: AnswerIn, kb: Kb) -> CaseOut:
    """Write one answer onto a copy of the case ("don't know" leaves the item unknown)."""
    require_known_ids(body.case, kb, "body.case")
    question = next((q for q in default_questions() if q.id == body.question_id), None)
    if question is None:
        raise InputValidationError([Problem("body.question_id", f"no question with id {body.question_id!r}")])
    try:
        parse_answer(question, body.answer, kb)
    except ValueError as exc:
        raise InputValidationError([Problem("body.answer", str(exc))]) from exc
    try:
        return CaseOut(case=apply_answer(body.case, question, body.answer, body.side, kb))
    except ValueError as exc:
        raise InputValidationError([Problem("body.side", str(exc))]) from exc
