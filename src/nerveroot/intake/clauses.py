"""Examination clauses that report a sign on both sides: the side reading and the safety net ask of a "both legs"
whether it is a symptom in both legs or a sign examined on both sides."""

from __future__ import annotations

import re

_SIGN_CLAUSE = re.compile(
    r"\b(?:tone|reflex(?:es)?|jerks?|(?-i:KJ|AJ|DTRs?)|plantars?|slr|straight leg raises?|babinski|clonus|pulses?|"
    r"(?:internal|external) rotation|(?-i:IR|ER|ROM|FADIR|FABER|FNST)|range of (?:motion|movement)|femoral stretch|"
    r"slump|trendelenburg|tender(?:ness)?)\b",
    re.IGNORECASE,
)
_FULL_POWER = re.compile(r"\b5/5\b|\bfull power\b|\bpower (?:is )?normal\b", re.IGNORECASE)
_LESS_POWER = re.compile(r"\b[0-4][+-]?/5\b|\bweak", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[.;,|\n]")


def _clause(text: str, start: int, end: int) -> str:
    before = [m.end() for m in _CLAUSE_END.finditer(text, 0, start)]
    after = _CLAUSE_END.search(text, end)
    return text[before[-1] if before else 0 : after.start() if after else len(text)]


def sign_clause(text: str, start: int, end: int) -> bool:
    """The words sit in a clause that reports a reflex, a nerve-tension test, a joint's movement, tenderness, a pulse
    or full power ("ankle jerks absent in both legs", "power 5/5 both legs"): a sign found on both sides is not leg
    symptoms on both sides. Weakness or sensory loss in both legs still is (a bilateral deficit)."""
    clause = _clause(text, start, end)
    full = bool(_FULL_POWER.search(clause)) and not _LESS_POWER.search(clause)
    return full or bool(_SIGN_CLAUSE.search(clause))


_WORK_NORMALLY = re.compile(
    r"(?:(?!\b(?:but|though|although|however|except|weak|numb|ting|pain|ach|hurt|heavy|dead|jelly|wobbl|gave|give|"
    r"giving|tired|cramp|burn|sore)\w*)[^.;,\n]){0,60}?\b(?:fine|ok|okay|normal(?:ly)?|no problem|"
    r"without (?:difficulty|problems?)|no trouble|equal(?:ly)?)\b",
    re.IGNORECASE,
)
"""A clause that says both legs work normally ("… on both legs and walk on my heels fine")."""


def works_normally(text: str, end: int) -> bool:
    """The clause after ``end`` says the legs named there work normally ("… on both legs … fine")."""
    return _WORK_NORMALLY.match(text, end) is not None
