"""The adaptive interview: red flags first (in grouped screens), then the most informative question, until nothing
would change."""

from nerveroot.interview.answers import NOT_SURE, UNKNOWN, Answer, apply_answer, choices, parse_answer
from nerveroot.interview.catalogue import Question, check_questions, default_questions, load_questions
from nerveroot.interview.select import LEAD_CHANGE, MARGIN, Choice, choose_question, next_question
from nerveroot.interview.summary import Outcome, outcome

__all__ = [
    "LEAD_CHANGE",
    "MARGIN",
    "NOT_SURE",
    "UNKNOWN",
    "Answer",
    "Choice",
    "Outcome",
    "Question",
    "apply_answer",
    "check_questions",
    "choices",
    "choose_question",
    "default_questions",
    "load_questions",
    "next_question",
    "outcome",
    "parse_answer",
]
