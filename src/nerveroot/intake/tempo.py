"""The tempo of a neurological deficit: how many days ago each finding began (Case.onset_days) and whether the
deficit is new, progressing, stable or improving (Case.deficit_course).

A finding's onset is a time said in its own clause ("L foot drop x 3/7", "numbness in the shin since yesterday",
"weakness for 3 weeks"); the time forms are those of durations.py. Weakness, numbness and leg pain are keyed by
their tempo keys (every weak movement, foot drop and numb region is "weakness" or "numbness"); red flags, history
items and symptoms by their own key. A deficit's course comes from words about the deficit itself ("new foot drop",
"weakness unchanged", "power improving"), never from a negated or hypothetical phrase ("no new weakness").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from datetime import date

from spacy.tokens import Doc

from nerveroot.assessment.case import HISTORY_KEYS, RED_FLAG_KEYS, SYMPTOM_KEYS, DeficitCourse
from nerveroot.intake import patterns as pt
from nerveroot.intake.durations import candidates, not_a_course
from nerveroot.intake.models import ParsedFinding
from nerveroot.intake.rules import STRENGTH_PREFIX
from nerveroot.intake.state import in_scope_of

_DEFICIT = (
    r"(?:weakness|foot[- ]drop|drop[- ]foot|deficit|neurology|neurological (?:deficit|signs)|numbness|power|strength)"
)
_COURSES: tuple[tuple[DeficitCourse, re.Pattern[str]], ...] = (
    (
        "new",
        re.compile(
            rf"\bnew(?:[- ]onset)? (?:\w+ )?(?:(?:left|right|l|r|bilateral) )?{_DEFICIT}"
            rf"|\b{_DEFICIT} (?:is |are )?(?:new|of recent onset)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "improving",
        re.compile(
            rf"\b{_DEFICIT} (?:is |are |has |have |has been |have been )?(?:improving|improved|recovering|recovered|"
            rf"getting better|better)\b|\b(?:improving|recovering) {_DEFICIT}",
            re.IGNORECASE,
        ),
    ),
    (
        "stable",
        re.compile(
            rf"\b{_DEFICIT} (?:is |are |has been |have been |remains |remained )?(?:stable|static|unchanged|the same|"
            rf"no worse)\b|\b(?:stable|static|unchanged|non-?progressive) {_DEFICIT}",
            re.IGNORECASE,
        ),
    ),
)
_CLAUSE = re.compile(r"[,;]|\.(?:\s|$)|\n|\b(?:and|but) now\b", re.IGNORECASE)  # "6 weeks of pain and now stuck in bed"
_ALLOWED = frozenset((*RED_FLAG_KEYS, *HISTORY_KEYS, *SYMPTOM_KEYS))
_LEG_PAIN = frozenset({"radiating_leg_pain", "pain_below_knee", "leg_pain_worse_than_back"})


def _keys(f: ParsedFinding) -> tuple[str, ...]:
    """The onset_days keys of a finding."""
    if f.id.startswith(STRENGTH_PREFIX) or f.id in ("foot_drop", "severe_motor_deficit", "weakness"):
        return ("weakness",)
    if f.id == "progressive_weakness":
        return ("progressive_weakness", "weakness")
    if f.kind == "sensory_region" or f.id in ("numbness", "paresthesia"):
        return ("numbness",)
    if f.id in _LEG_PAIN or (f.kind == "pain_region" and not f.id.endswith((":low_back", ":saddle"))):
        return ("leg_pain",)
    return (f.id,) if f.id in _ALLOWED and f.kind in ("red_flag", "history", "symptom") else ()


_LEG_PAIN_WORDS = re.compile(
    r"\b(?:sciatica|leg pain|radicular pain|pain (?:down|into|in) (?:the|my|his|her) legs?)\b", re.I
)


def onset_days(doc: Doc, findings: list[ParsedFinding], today: date | None) -> dict[str, int]:
    """Days since each present finding began, from a time in the finding's own clause."""
    text = doc.text
    times = [
        (s, e, d)
        for s, e, d, _ in sorted(candidates(doc, today))
        if d is not None and d <= 36500 and not not_a_course(text, s, e)
    ]
    if not times:
        return {}
    marks = [m.start() for m in _CLAUSE.finditer(text)]
    out: dict[str, int] = {}
    spans = [(f.start, f.end, _keys(f)) for f in findings if f.status == "present"]
    spans += [(m.start(), m.end(), ("leg_pain",)) for m in _LEG_PAIN_WORDS.finditer(text)]
    for start, end, keys in sorted(spans):
        if not keys or all(k in out for k in keys):
            continue
        lo, hi = _clause(text, marks, start, end)
        days = next((d for s, e, d in times if lo <= s and e <= hi), None)
        for key in keys:
            if days is not None:
                out.setdefault(key, days)
    _dated_by_operation(text, marks, spans, out)
    _dated_by_birth(text, marks, spans, out)
    return out


_BIRTH_DAYS = re.compile(
    r"\b(?:post-?natal|post-?partum|(?-i:PN|PP))\s*(\d{1,2})\s*/\s*(52|12|7)(?!\d)"
    r"|\b(\d{1,2})\s*(day|week|wk|month)s?\s*"
    r"(?:post-?natal|post-?partum|after (?:giving birth|delivery|the birth|labou?r))"
    r"|\b(?:gave birth|delivered|had (?:the |my |her )?baby)\s*(\d{1,2})\s*(day|week|wk|month)s?\s*ago",
    re.I,
)
_SINCE_BIRTH = re.compile(
    r"\b(?:since|after|following)\s+(?:the\s+|her\s+|my\s+)?"
    r"(?:delivery|birth|labou?r|c-?section|caesarean|giving birth)\b",
    re.I,
)


def _dated_by_birth(text: str, marks: list[int], spans: Spans, out: dict[str, int]) -> None:
    """A deficit said to date from the birth ("weak DF since delivery") began when the note says the baby was born
    ("postnatal 6/52", "8 days postpartum", "gave birth 3 weeks ago")."""
    born = _BIRTH_DAYS.search(text)
    if born is not None:
        count, unit = next((born.group(i), born.group(i + 1)) for i in (1, 3, 5) if born.group(i))
        per = pt.FRACTION_DAYS.get(unit) or pt.UNIT_DAYS[unit.lower()]
        _date_deficits(text, marks, spans, out, int(count) * per, _SINCE_BIRTH)


_SINCE_OPERATION = re.compile(
    r"\b(?:since|after|following|post)[- ](?:the |his |her |my |their |an? )?(?:op|operation|surgery|procedure)\b", re.I
)


def _clause(text: str, marks: list[int], start: int, end: int) -> tuple[int, int]:
    """The bounds of the clause holding [start, end) (clause marks from _CLAUSE)."""
    i, j = bisect_left(marks, start), bisect_left(marks, end)
    return (marks[i - 1] + 1 if i else 0), (marks[j] if j < len(marks) else len(text))


Spans = list[tuple[int, int, tuple[str, ...]]]


def _dated_by_operation(text: str, marks: list[int], spans: Spans, out: dict[str, int]) -> None:
    """A deficit said to date from the operation ("leg weak and numb since op") began when the one dated operation
    of the note did ("THR 7/52 ago")."""
    operations = {d for k, d in out.items() if k.endswith("surgery")}
    if len(operations) == 1:
        _date_deficits(text, marks, spans, out, operations.pop(), _SINCE_OPERATION)


def _date_deficits(
    text: str, marks: list[int], spans: Spans, out: dict[str, int], days: int, since: re.Pattern[str]
) -> None:
    """A weakness or numbness whose clause says it dates from an event ("since op", "since delivery") began then."""
    for start, end, keys in spans:
        lo, hi = _clause(text, marks, start, end)
        if since.search(text, lo, hi):
            for key in keys:
                if key in ("weakness", "numbness"):
                    out.setdefault(key, days)


def deficit_course(doc: Doc) -> DeficitCourse | None:
    """'new', 'improving' or 'stable' from words about the deficit, or None ("progressing" is read as a red flag)."""
    for course, regex in _COURSES:
        for mt in regex.finditer(doc.text):
            if not in_scope_of(doc, mt.start(), mt.end()):
                return course
    return None
