"""Scoring of the ODI v2.1a, the Keele STarT Back tool and pain NRS change (pure functions).

Thresholds mirror instruments.yaml; tests check that the two agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from nerveroot.errors import InputValidationError, Problem
from nerveroot.knowledge.models import Cite

ODI_SECTIONS = 10
ODI_MIN_ANSWERED = 8
ODI_MAX_ITEM = 5
ODI_MCID = 10.0
ODI_BANDS: tuple[tuple[float, str], ...] = (
    (20, "minimal disability"),
    (40, "moderate disability"),
    (60, "severe disability"),
    (80, "crippled"),
    (100, "bed-bound or exaggerating symptoms"),
)
"""(inclusive upper limit, label) per Fairbank & Pynsent 2000."""

STARTBACK_ITEMS = 9
STARTBACK_DISTRESS_ITEMS = (4, 5, 6, 7, 8)
"""Zero-based indices of items 5-9."""
STARTBACK_BOTHER_POSITIVE = 3
"""Item 9 counts as positive at 'very much' (3) or 'extremely' (4)."""
STARTBACK_HIGH_DISTRESS = 4
STARTBACK_MEDIUM_TOTAL = 4

NRS_MCID_POINTS = 2
NRS_MCID_FRACTION = 0.30

RiskGroup = Literal["low", "medium", "high"]

_ODI_SOURCES = (
    Cite(source="fairbank_2000", locator="Scoring and interpretation of the ODI version 2.1a"),
    Cite(source="ostelo_2008", locator="Consensus minimal important change: ODI 10 points"),
)
_STARTBACK_SOURCES = (Cite(source="hill_2008", locator="Scoring and cut-points"),)
_HILL_2011 = Cite(source="hill_2011", locator="Methods: matched treatment packages by risk group")
_NRS_SOURCES = (Cite(source="ostelo_2008", locator="Consensus minimal important change: NRS 2 points or 30%"),)

MATCHED_TREATMENT: dict[RiskGroup, str] = {
    "low": (
        "A single clinic session of assessment, reassurance, advice to stay active and written or video education; "
        "no routine onward referral."
    ),
    "medium": "Standard physiotherapy sessions aimed at pain, function and getting back to usual activity.",
    "high": (
        "Psychologically informed physiotherapy that treats physical symptoms together with the fear, worry and low "
        "mood that hold recovery back."
    ),
}
"""Treatment matched to each STarT Back group in the trial by Hill et al. (2011), in nerveroot's words."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OdiResult(Strict):
    percent: float = Field(ge=0, le=100, description="Disability %, one decimal place.")
    raw_sum: int
    answered: int
    band: str
    sources: list[Cite]


class OdiChange(Strict):
    before: float
    after: float
    difference: float = Field(description="before - after; positive means less disability.")
    mcid: float
    passes_mcid: bool = Field(description="Improvement of at least the minimal important change.")
    sources: list[Cite]


class StartBackResult(Strict):
    total: int = Field(ge=0, le=9)
    distress: int = Field(ge=0, le=5)
    group: RiskGroup
    treatment: str
    sources: list[Cite]


class NrsChange(Strict):
    before: int
    after: int
    difference: int = Field(description="before - after; positive means less pain.")
    percent_change: float | None = Field(description="Fall as a percentage of baseline; None when baseline is 0.")
    passes_mcid: bool
    sources: list[Cite]


def _odi_band(percent: float) -> str:
    return next(label for high, label in ODI_BANDS if percent <= high)


def score_odi(answers: Sequence[int | None]) -> OdiResult:
    """Score ODI v2.1a: sum / (5 × answered) × 100. Needs ten entries, at least eight answered, each 0-5."""
    problems: list[Problem] = []
    if len(answers) != ODI_SECTIONS:
        problems.append(Problem("odi", f"must have {ODI_SECTIONS} entries (null when unanswered), got {len(answers)}"))
    for i, value in enumerate(answers):
        if value is not None and (isinstance(value, bool) or not 0 <= value <= ODI_MAX_ITEM):
            problems.append(Problem(f"odi[{i}]", f"must be 0-{ODI_MAX_ITEM} or null, got {value!r}"))
    answered = [a for a in answers if a is not None]
    if len(answers) == ODI_SECTIONS and len(answered) < ODI_MIN_ANSWERED:
        problems.append(
            Problem(
                "odi", f"at least {ODI_MIN_ANSWERED} of {ODI_SECTIONS} sections must be answered, got {len(answered)}"
            )
        )
    if problems:
        raise InputValidationError(problems)
    raw = sum(answered)
    percent = round(raw / (ODI_MAX_ITEM * len(answered)) * 100, 1)
    return OdiResult(
        percent=percent, raw_sum=raw, answered=len(answered), band=_odi_band(percent), sources=list(_ODI_SOURCES)
    )


def odi_change(before: OdiResult | float, after: OdiResult | float) -> OdiChange:
    """Change between two ODI scores; passes when disability falls by at least 10 points."""
    b = before.percent if isinstance(before, OdiResult) else float(before)
    a = after.percent if isinstance(after, OdiResult) else float(after)
    problems = [Problem(name, "must be 0-100") for name, v in (("before", b), ("after", a)) if not 0 <= v <= 100]
    if problems:
        raise InputValidationError(problems)
    difference = round(b - a, 1)
    return OdiChange(
        before=b,
        after=a,
        difference=difference,
        mcid=ODI_MCID,
        passes_mcid=difference >= ODI_MCID,
        sources=[_ODI_SOURCES[1]],
    )


def score_startback(answers: Sequence[int]) -> StartBackResult:
    """Score the 9-item STarT Back tool: total, distress subscale (items 5-9) and risk group."""
    problems: list[Problem] = []
    if len(answers) != STARTBACK_ITEMS:
        problems.append(Problem("startback", f"must have {STARTBACK_ITEMS} answers, got {len(answers)}"))
    for i, value in enumerate(answers):
        top = 4 if i == STARTBACK_ITEMS - 1 else 1
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
            problems.append(Problem(f"startback[{i}]", f"must be an integer 0-{top}, got {value!r}"))
    if problems:
        raise InputValidationError(problems)
    points = [*answers[:8], 1 if answers[8] >= STARTBACK_BOTHER_POSITIVE else 0]
    total = sum(points)
    distress = sum(points[i] for i in STARTBACK_DISTRESS_ITEMS)
    group: RiskGroup
    if distress >= STARTBACK_HIGH_DISTRESS:
        group = "high"
    elif total >= STARTBACK_MEDIUM_TOTAL:
        group = "medium"
    else:
        group = "low"
    return StartBackResult(
        total=total,
        distress=distress,
        group=group,
        treatment=MATCHED_TREATMENT[group],
        sources=[*_STARTBACK_SOURCES, _HILL_2011],
    )


def nrs_change(before: int, after: int) -> NrsChange:
    """Change in 0-10 pain NRS; passes when pain falls by at least 2 points or at least 30% of baseline."""
    problems = [
        Problem(name, f"must be an integer 0-10, got {v!r}")
        for name, v in (("before", before), ("after", after))
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 10
    ]
    if problems:
        raise InputValidationError(problems)
    difference = before - after
    percent = round(difference / before * 100, 1) if before else None
    passes = difference >= NRS_MCID_POINTS or (before > 0 and difference / before >= NRS_MCID_FRACTION)
    return NrsChange(
        before=before,
        after=after,
        difference=difference,
        percent_change=percent,
        passes_mcid=passes,
        sources=list(_NRS_SOURCES),
    )
