"""Answers of the nerveroot intake Questionnaire (its canonical, with or without `|version`) written onto a Case.
Unknown answers leave items unknown; a bad answer is an InputValidationError naming the item."""

from __future__ import annotations

from typing import Any, Protocol, cast

from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse, QuestionnaireResponseItem
from pydantic import ValidationError

from nerveroot.assessment.case import Case, RegionMark, Side
from nerveroot.ehr import codes
from nerveroot.errors import InputValidationError, Problem
from nerveroot.interview import Question, default_questions
from nerveroot.interview.answers import UNKNOWN, apply_value

SIDES: tuple[Side, Side] = ("left", "right")
ODI_PREFIX, STARTBACK_PREFIX = "odi-", "startback-"
MAP_PREFIXES = {"pain-": "pain_regions", "numb-": "sensory_regions"}
ASKED_KINDS = frozenset({"fact", "red_flag", "history", "symptom"})


class Ledger(Protocol):
    """Where reading is recorded: what was used, what was not, and why."""

    used: list[str]
    ignored: list[str]
    reasons: dict[str, str]


def _answer_value(item: QuestionnaireResponseItem) -> Any:
    for answer in item.answer or []:
        if answer.valueCoding is not None:
            return answer.valueCoding.code
        for name in ("valueInteger", "valueBoolean", "valueString", "valueDecimal"):
            value = getattr(answer, name)
            if value is not None:
                return value
    return None


def _walk(items: list[QuestionnaireResponseItem] | None) -> list[QuestionnaireResponseItem]:
    out: list[QuestionnaireResponseItem] = []
    for item in items or []:
        out.append(item)
        out += _walk(item.item)
        for answer in item.answer or []:
            out += _walk(answer.item)
    return out


def apply_response(case: Case, response: QuestionnaireResponse, where: str, intake: Ledger) -> Case:
    """Answers of the nerveroot intake form written onto the case (unknown answers leave items unknown)."""
    canonical = str(response.questionnaire or "").split("|", 1)[0]
    if canonical != codes.INTAKE_URL or response.status not in ("completed", "amended", "in-progress"):
        intake.ignored.append(where)
        intake.reasons[where] = "not an answer to the nerveroot intake form"
        return case
    catalogue: dict[str, Question] = {q.id: q for q in default_questions() if q.kind in ASKED_KINDS}
    marks: dict[str, list[RegionMark]] = {"pain_regions": [], "sensory_regions": []}
    odi: list[int | None] = [None] * 10
    startback: list[int | None] = [None] * 9
    problems: list[Problem] = []
    for item in _walk(response.item):
        value = _answer_value(item)
        link = item.linkId or ""
        if value is None:
            continue
        try:
            if link.startswith(ODI_PREFIX) or link.startswith(STARTBACK_PREFIX):
                scores, prefix = (odi, ODI_PREFIX) if link.startswith(ODI_PREFIX) else (startback, STARTBACK_PREFIX)
                index = int(link.removeprefix(prefix)) - 1
                top = 5 if prefix == ODI_PREFIX else (4 if index == 8 else 1)
                if not 0 <= int(value) <= top or index < 0:
                    raise ValueError(f"score {value} is outside 0-{top}")
                scores[index] = int(value)
            elif link in catalogue:
                case = _apply_question(case, catalogue[link], value)
            elif prefix_field := next(((p, f) for p, f in MAP_PREFIXES.items() if link.startswith(p)), None):
                marks[prefix_field[1]] += _marks(link.removeprefix(prefix_field[0]), str(value))
        except (ValueError, IndexError, ValidationError) as exc:
            problems.append(Problem(f"{where}.item[{link}]", str(exc).splitlines()[0]))
    if problems:
        raise InputValidationError(problems)
    update: dict[str, Any] = {f: [*getattr(case, f), *m] for f, m in marks.items() if m}
    if any(v is not None for v in odi):
        update["odi"] = odi
    if all(v is not None for v in startback):
        update["startback"] = startback
    intake.used.append(where)
    intake.reasons[where] = "nerveroot intake answers"
    return Case.model_validate({**case.model_dump(), **update}) if update else case


def _marks(region: str, answer: str) -> list[RegionMark]:
    if answer == "no":
        return []
    if answer not in ("left", "right", "both"):
        raise ValueError(f"answer {answer!r} is not left, right, both or no")
    return [RegionMark(region=region, side=s) for s in (SIDES if answer == "both" else (cast(Side, answer),))]


def _apply_question(case: Case, question: Question, value: Any) -> Case:
    if isinstance(value, bool):
        value = "yes" if value else "no"
    text = str(value)
    if question.kind != "fact" and text not in ("yes", "no", UNKNOWN):
        raise ValueError(f"answer {text!r} is not yes, no or unknown")
    return apply_value(case, question, text)
