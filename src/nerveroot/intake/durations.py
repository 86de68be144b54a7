"""How long the presenting complaint has lasted: "for 3 weeks", "a 24-hour history of", "LBP 3/52", "over a 3-day
period", "3 days severe back pain", "it's been 2 days", "since this am", "3 days earlier he injured his back".

A duration counts only when it is the complaint's: the spine, leg pain, numbness or weakness it is said with (the
Case's duration_days stands for how long the pain has lasted: persistent pain over six weeks). One said of
something else is left out: weight loss "over 3/12", "a six-month history of diabetes", "urinary hesitancy
x2/7", "a jab in my back 2 weeks ago" (the injection's date, read in medicines.py). Hours and minutes count as
whole days (a 12-hour history is day 0).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from spacy.tokens import Doc

from nerveroot.intake import patterns as pt
from nerveroot.intake.models import ParsedFinding

_NUM = (
    r"((?:\d{1,3}(?:\.\d)?(?:\s*[-–]\s*\d{1,3})?|a few|(?:a )?couple(?: of)?|several|some|an?|one|two|three|four|"
    r"five|six|seven|eight|nine|ten|eleven|twelve)(?:\s+and\s+a\s+half)?)"
)
_UNIT = r"(day|week|wk|fortnight|month|mo|year|yr|y|hour|hr|h|minute|min)(?!s?[\s-]*old\b)s?"  # not "42-year-old"
_GAP = r"(?:(?<=\d)[\s-]*|[\s-]+)"
"""A number word is spaced from its unit ("a year", not "any"); a figure may touch it ("3y", "2wk")."""
_HOURS = {"hour": 1 / 24, "hr": 1 / 24, "h": 1 / 24, "minute": 1 / 1440, "min": 1 / 1440}

# (regex, where the complaint is): "clause" — said in the same clause; "object" — named after it ("2 weeks of X").
_SPANS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"\b{_NUM}{_GAP}{_UNIT}(?:\s+|-)(?:long\s+)?(?:history|hx|of)\b", re.IGNORECASE), "object"),
    (
        re.compile(
            r"(?:\b(?:for|over|of|past|last|since|about|around|lasting|lasted|been|going on|had (?:it|this) for|"
            rf"within)\s+|(?:\bx|×)\s*)(?:the\s+)?(?:last\s+|past\s+)?(?:a\s+)?(?:about\s+|around\s+|nearly\s+|almost\s+|"
            r"more than\s+|over\s+|at least\s+|>\s*|"
            r"approximately\s+|approx\.?\s+|~\s*)?"
            rf"{_NUM}{_GAP}{_UNIT}\b",
            re.IGNORECASE,
        ),
        "clause",
    ),
    (re.compile(rf"\b{_NUM}{_GAP}{_UNIT}(?:['’]s?)?\s+(?:of evolution|duration)\b", re.IGNORECASE), "clause"),
    (
        re.compile(
            rf"\b{_NUM}{_GAP}{_UNIT}\s+(?:ago|earlier|before|prior|previously|back|after (?:the )?onset)\b",
            re.IGNORECASE,
        ),
        "event",
    ),
    (re.compile(r"(?:\bx\s*|\b)(?<![\d/])(\d{1,2})\s*/\s*(52|12|7)\b(?!\s*/\s*\d)", re.IGNORECASE), "clause"),
    # a time opening its clause with the complaint after it: "6 hrs sudden pain L calf", "3 days severe back pain",
    # or straight after the age and sex: "41M 3y LBP"
    (
        re.compile(
            rf"(?:^|(?<=[.;:,(])\s*|(?<=\d[MF] )){_NUM}{_GAP}{_UNIT}\b"
            r"(?!\s*(?:ago|earlier|before|prior|later|after|apart|old)\b)"
            r"(?=\s+(?:(?:of|sudden|severe|acute|worsening|progressive|constant|increasing|new|bad|recurrent|chronic|"
            r"intermittent|(?-i:[LR])|left|right|"
            r"bilat\w*|lower|low)\s+){0,3}(?:pain|(?-i:LBP)|back|leg|sciatica|numb\w*|tingl\w*|weak\w*|buttock|calf|"
            r"thigh|foot|hip|groin|symptoms|(?-i:sx)|radic\w*|neurogenic|claudication)\b)",
            re.IGNORECASE | re.MULTILINE,
        ),
        "object",
    ),
    # a time straight after the complaint, ending its clause: "R buttock pain 30 min, …", "unable to walk 1h"
    (re.compile(rf"(?<=[a-z] )[>~]?(\d{{1,3}})\s*{_UNIT}\b(?=\s*(?:[.,;)]|$))", re.IGNORECASE | re.MULTILINE), "bare"),
    # a bare time as a list item or a template value: "LBP, 6 weeks", "Duration: 3 weeks"
    (
        re.compile(rf"(?:(?<=[:,])|^)\s*{_NUM}{_GAP}{_UNIT}\b(?=\s*(?:[.,;)]|$))", re.IGNORECASE | re.MULTILINE),
        "clause",
    ),
    (
        re.compile(r"\b(?:over|for|in|during) the (?:last|past) (day|week|fortnight|month|year)\b", re.IGNORECASE),
        "clause",
    ),
    (
        re.compile(
            r"\b(?:since\s+(?:last\s+)?)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|"
            r"last week|this morning|this am|this a\.m\.|last night|this afternoon|this evening|tonight|"
            r"(?:this )?lunchtime|teatime)\b",
            re.IGNORECASE,
        ),
        "event",
    ),
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_SINCE_DATE = re.compile(
    r"\bsince\s+(?:about\s+|around\s+|approx\w*\.?\s+|early\s+|mid[- ]?|late\s+|the (?:start|beginning|end) of\s+)?"
    r"(?:(jan|feb|mar|apr|(?-i:May)|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?:\s+((?:19|20)\d\d))?|((?:19|20)\d\d)|"
    r"(?:the\s+|last\s+)?(spring|summer|autumn|winter))\b",
    re.IGNORECASE,
)
"""A start named by its month, year or season: "since April", "since about April 1997", "since 2019", "since spring"."""
_SEASON_MONTH = {"spring": 4, "summer": 7, "autumn": 10, "winter": 1}
"""A season's middle month (northern hemisphere), taken as its month."""


def _since_date_days(mt: re.Match[str], today: date | None) -> int | None:
    """Days from the middle of the named month (the last one up to today without a year) or year to today."""
    if today is None:
        return None
    month_word, month_year, year, season = mt.groups()
    if month_word is None and season is None:
        start = date(int(year), 7, 1)
    else:
        month = _SEASON_MONTH[season.lower()] if season else _MONTHS.index(month_word[:3].lower()) + 1
        start = date(int(month_year) if month_year else today.year, month, 15)
        if month_year is None and month == today.month:  # "since December" on 7 December: this month
            start = min(start, today.replace(day=1))
        elif month_year is None and start > today:
            start = start.replace(year=today.year - 1)
    return (today - start).days if start <= today else None


_NOT_COURSE_BEFORE = re.compile(
    r"\b(?:stable|unchanged|static|relief|relieved|better|improved|eased|eases|settled|settles|subsides?|stops|"
    r"goes (?:off|away)|wears off|diagnosed|respond\w*|span of|"
    r"interval of|(?:stand|stands|standing|stood|stop|stops|stopping|stopped|rest|rests|resting|sit|sits|sitting) "
    r"(?:still |down )?for)\b[^.;,]{0,30}$",
    re.IGNORECASE,
)
_NOT_COURSE_AFTER = re.compile(
    r"\s*(?:apart|between (?:them|the|each)|(?:\w+ )?(?:course|supply|prescription|trial)\b|"
    r"of (?:\w+ )?(?:antibiotics?|antibiotic therapy|treatment|therapy|physio\w*))",
    re.IGNORECASE,
)
"""A time said of a state or a treatment is not how long the complaint has lasted: "stable for 6 weeks", "relief for
2 days", "diagnosed 10 years ago", "two injections 1/52 apart", "17 days of antibiotic therapy", "a 5/52 course"."""
_PREPOSITION_BEFORE = re.compile(
    r"\b(?:after|for|over|within|in|of|about|around|past|last|than|by|at|to|the|a|nearly|almost|approx\w*)\s*$",
    re.IGNORECASE,
)
_TOLERANCE = re.compile(r"\b(?:standing|walking|sitting|driving)(?: tolerance)?\s*[<>~]?\s*$", re.IGNORECASE)
"""'Standing 5 min', 'sitting tolerance 20 min': how long an activity can be kept up, not how long it has hurt ('unable
to walk 1h' is)."""
_FREQUENCY = re.compile(r"\b(?:times|occasions|episodes|falls|attacks)\s+(?:a\s+)?$", re.IGNORECASE)
"""'3 times in the last month' is how often, not how long."""
_OBJECT_END = re.compile(
    r"[;.]|\b(?:who|which|presents?|presented|presenting|is|was|were|has|had|reports?|reported|complains?|"
    r"believed|thought|related|due)\b",
    re.IGNORECASE,
)
_COMPLAINT = re.compile(
    r"\b(?:back|spine|spinal|sciatica|leg|legs|buttock|thigh|calf|foot|lbp|radic\w*|weak\w*|injur\w*|hurt\w*|"
    r"strain\w*|sprain\w*|rash|shingles|symptoms?|sx|numb\w*|tingl\w*|pins (?:and|n|&) needles|par(?:a|ae|e)sthe\w*|"
    r"(?-i:P ?[/&] ?N)|walk\w*|weight[- ]?bear\w*|move|moving|mobilis\w*|stand\w*)\b",
    re.IGNORECASE,
)
_ONSET = re.compile(
    r"\b(?:since|start\w*|began|begun|begin\w*|developed|develop\w*|came on|onset|injur\w*|hurt|lift\w*|fell|"
    r"fall\w*|twist\w*|strain\w*|slipped|noticed|appeared|woke|sudden(?:ly)?|gave way)\b",
    re.IGNORECASE,
)
"""An event time ("3 days ago", "yesterday") is the complaint's start only with a word of onset beside it: "came to
the emergency department yesterday" is a visit."""
_COMPLAINT_KINDS = frozenset({"symptom", "sign", "strength", "reflex", "provocative", "sensory_region", "pain_region"})
_OTHER_KINDS = frozenset({"red_flag", "history", "procedure", "observation"})
_CLAUSE = re.compile(r"[,;]|\.(?:\s|$)", re.IGNORECASE)
_CONJUNCT = re.compile(r"[,;]|\.(?:\s|$)|\band\b", re.IGNORECASE)


_FRAGMENT_WORDS = 8
"""A short fragment naming nothing but a time ("started 10 days ago after gardening") speaks of the complaint."""
_CHRONIC_BEFORE = re.compile(
    r"\b(?:chronic|long[- ]?standing|long[- ]term|lifelong|background of|on and off|on-off|recurrent|intermittent)\b"
    r"[^.;]{0,50}$",
    re.I,
)
"""A duration said of a long-standing complaint, before which a later, shorter flare is the episode."""
_FLARE_NEAR = re.compile(
    r"\b(?:worse\w*|worsening|new|acute(?:ly)?|flare\w*|exacerbat\w*|deteriorat\w*|shooting|radiat\w*|sciatica)\b", re.I
)
"""Words beside a later, shorter duration that make it the flare of the long-standing complaint (or the leg pain that
began in it: "back pain on and off for years, but the past 2 weeks it's shooting down my leg")."""


@dataclass(frozen=True)
class Duration:
    start: int
    end: int
    days: int


def _days(mt: re.Match[str], today: date | None) -> int | None:
    groups = [g for g in mt.groups() if g is not None]
    if len(groups) == 1:  # a named day or "the last week"
        word = groups[0].lower()
        if word in pt.UNIT_DAYS:
            return pt.UNIT_DAYS[word]
        if word in ("this am", "this a.m."):
            return 0
        return pt.since_days(word, today)
    count, unit = groups[0], groups[1]
    if re.search(r"\d\s*[-–]\s*\d", count):  # a range, "5–6 weeks": its middle
        low, high = (float(n) for n in re.split(r"\s*[-–]\s*", count))
        return round((low + high) / 2 * pt.UNIT_DAYS.get(unit.lower(), 0)) or None
    if unit in ("52", "12", "7"):
        return int(count) * pt.FRACTION_DAYS[unit]
    unit = unit.lower()
    if unit in _HOURS:
        return int(pt.number(count) * _HOURS[unit]) if count.isdigit() or count.lower() in ("a", "an") else None
    if "." in count:  # "2.5 years"
        return round(float(count) * pt.UNIT_DAYS[unit])
    if count.lower().endswith("half"):  # "two and a half weeks"
        whole = count.rsplit(None, 3)[0]
        return round((pt.number(whole) + 0.5) * pt.UNIT_DAYS[unit])
    return pt.number(count) * pt.UNIT_DAYS[unit]


def _bounds(text: str, start: int, end: int, lo: int, hi: int, marks: re.Pattern[str]) -> tuple[int, int]:
    """The clause around [start, end) within [lo, hi): between commas, semicolons and full stops (and "and")."""
    before = [m.end() for m in marks.finditer(text, lo, start)]
    after = marks.search(text, end, hi)
    return (before[-1] if before else lo), (after.start() if after else hi)


def _complaint(text: str, findings: list[ParsedFinding], lo: int, hi: int) -> bool | None:
    """True when [lo, hi) names a complaint, False when it names only something else, None when it names nothing."""
    inside = [f for f in findings if lo <= f.start < hi and f.status == "present"]
    if pt.PAIN_WORD.search(text, lo, hi) or _COMPLAINT.search(text, lo, hi):
        return True
    if any(f.kind in _COMPLAINT_KINDS for f in inside):
        return True
    return False if any(f.kind in _OTHER_KINDS or f.id.startswith("drug") for f in inside) else None


def candidates(doc: Doc, today: date | None) -> Iterator[tuple[int, int, int | None, str]]:
    for regex, where in _SPANS:
        for mt in regex.finditer(doc.text):
            yield mt.start(), mt.end(), _days(mt, today), where
    for mt in _SINCE_DATE.finditer(doc.text):
        yield mt.start(), mt.end(), _since_date_days(mt, today), "event"


def not_a_course(text: str, start: int, end: int) -> bool:
    """A time that is not how long something has lasted: "eased within 2 min", "17 days of antibiotics"."""
    tail = end - 2 if text[start:end].lower().endswith("of") else end  # "17 days of antibiotic therapy"
    return bool(_NOT_COURSE_BEFORE.search(text, max(0, start - 40), start) or _NOT_COURSE_AFTER.match(text, tail))


def read_duration(doc: Doc, findings: list[ParsedFinding], today: date | None) -> Duration | None:
    """The first duration in the note that is the complaint's (see the module docstring); one said with pain first
    ("numbness since yesterday, leg pain for 3 weeks" has lasted 3 weeks)."""
    text = doc.text
    found = sorted(set(candidates(doc, today)))
    found = [c for c in found if c[3] != "bare" or not any(o[3] != "bare" and o[0] <= c[0] < o[1] for o in found)]
    accepted: list[tuple[bool, Duration]] = []
    for start, end, days, where in found:
        span = doc.char_span(start, end, alignment_mode="expand")
        if days is None or days > 36500 or span is None or _FREQUENCY.search(text, max(0, start - 30), start):
            continue
        if not_a_course(text, start, end):
            continue
        if where == "bare":  # "pain 30 min", not "after 10 days" (a time word's own pattern reads that)
            if _PREPOSITION_BEFORE.search(text, max(0, start - 20), start):
                continue
            if _TOLERANCE.search(text, max(0, start - 25), start):
                continue
            where = "clause"
        sent_lo, sent_hi = span.sent.start_char, span.sent.end_char
        lo, hi = _bounds(text, start, end, sent_lo, sent_hi, _CONJUNCT)
        if where == "object":
            stop = _OBJECT_END.search(text, end, sent_hi)
            lo, hi = end, stop.start() if stop else sent_hi
            said = _complaint(text, findings, lo, hi)
        else:
            if where == "event" and not _ONSET.search(text, sent_lo, sent_hi):
                continue
            if where == "event" and any(f.kind == "procedure" and sent_lo <= f.start < sent_hi for f in findings):
                continue  # "had an epidural 3 days ago": the injection's date
            said = _complaint(text, findings, lo, hi)
            if said is False:  # "back pain and a fever over the last 2 days": one time for the whole list
                wide_lo, wide_hi = _bounds(text, start, end, sent_lo, sent_hi, _CLAUSE)
                alone = sum(wide_lo <= s < wide_hi for s, _, _, _ in found) == 1
                said = alone and bool(_complaint(text, findings, wide_lo, wide_hi))
            if said is None:
                said = _complaint(text, findings, sent_lo, sent_hi)
        if said or (said is None and where != "object" and len(text[sent_lo:sent_hi].split()) <= _FRAGMENT_WORDS):
            pain = bool(pt.PAIN_WORD.search(text, lo, hi))
            accepted.append((pain, Duration(start, end, days)))
    pains = [d for pain, d in accepted if pain]
    if not pains:
        return accepted[0][1] if accepted else None
    first = pains[0]
    if _CHRONIC_BEFORE.search(text, max(0, first.start - 60), first.start):
        # "chronic back pain for 30 years with a 3-month history of worsening": the episode is the flare
        flare = (
            d for d in pains[1:] if d.days < first.days and _FLARE_NEAR.search(text[max(0, d.start - 40) : d.end + 40])
        )
        return next(flare, first)
    return first
