"""How long ago something happened, from the words of one clause: "7 days ago", "2/52 ago", "last Tuesday",
"10 days after the injection", "yesterday", "3 weeks post-op". Durations ("for 3 weeks") are read in patterns.py.
"""

from __future__ import annotations

import re
from datetime import date

from nerveroot.intake import patterns as pt

_NUM = r"(\d{1,3}|a few|a couple(?: of)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_UNIT = r"(day|week|wk|fortnight|month|mo|year|yr|hour|hr)s?"
_AGO = re.compile(
    rf"\b{_NUM}[\s-]*{_UNIT}\s*(?:ago|earlier|before|prior|previously|back|after|later|post|following|since)\b"
    r"|(?<![\d/])(\d{1,2})\s*/\s*(52|12|7)\s*(?:ago|earlier|before|prior|post|after|previously)",
    re.IGNORECASE,
)
# A bare clinical fraction beside a procedure ("s/p discectomy 2/52") is the time since it; "1/52 apart" is not.
_BARE = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*(52|12|7)(?![\d/])(?!\s*apart)")
_POST_DAY = re.compile(
    r"\b(?:day|d|(?-i:POD))\s?(\d{1,2})\s*(?:post|after|following|p/?o)\b|\b(?-i:POD)\s?(\d{1,2})\b", re.I
)
"""A day after an operation or injection counted from it: "day 0 post microdiscectomy", "D2 post ESI", "POD 1"."""
_NAMED = re.compile(
    r"\b(yesterday|last night|this morning|this afternoon|this evening|tonight|today|the day before|the previous day|"
    r"last week|last month|"
    r"last (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b",
    re.IGNORECASE,
)
_FIXED = {
    "yesterday": 1,
    "last night": 1,
    "this morning": 0,
    "this afternoon": 0,
    "this evening": 0,
    "tonight": 0,
    "today": 0,
    "the day before": 1,
    "the previous day": 1,
    "last week": 7,
    "last month": 30,
}


def days_ago(text: str, today: date | None = None, bare: bool = False) -> int | None:
    """Days between an event named in ``text`` and the note, or None when the clause gives no time. With ``bare``
    (a procedure's clause), a fraction without "ago" ("s/p L4-5 fusion 8/52") is read as the time since."""
    mt = _AGO.search(text)
    if mt:
        if mt.group(3):
            return int(mt.group(3)) * pt.FRACTION_DAYS[mt.group(4)]
        unit = mt.group(2).lower()
        if unit in ("hour", "hr"):
            return 0
        return pt.number(mt.group(1)) * pt.UNIT_DAYS[unit]
    post_day = _POST_DAY.search(text)
    if post_day:
        return int(post_day.group(1) or post_day.group(2))
    named = _NAMED.search(text)
    if named:
        word = named.group(1).lower()
        if word in _FIXED:
            return _FIXED[word]
        return pt.since_days(word.removeprefix("last "), today)
    bare_mt = _BARE.search(text) if bare else None
    if bare_mt:
        return int(bare_mt.group(1)) * pt.FRACTION_DAYS[bare_mt.group(2)]
    return None
