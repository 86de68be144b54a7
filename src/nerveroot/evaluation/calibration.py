"""Reliability of predicted probabilities: binned predicted probability against observed frequency, and Brier.

Each pair is one predicted probability (of one level for one case) and whether that level was right. A model is
calibrated when, among levels given about 30%, about 30% are right. Localisation has two stages, each measured
on its own (`stage`): is a root lesion the cause (radicular cases against mimics), and, given that it is, which
root (the share of the root-lesion probability each root gets, on radicular cases). Each stage's Brier score is
shown beside that of the base rate alone, and the mean prediction where the outcome was true beside that where
it was false: a stage whose Brier score is no better than the base rate's has no skill, however well calibrated.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

Pair = tuple[float, bool]
"""(predicted probability, outcome)."""


class Bin(BaseModel):
    """One probability band of a reliability table."""

    model_config = ConfigDict(frozen=True)

    lower: float
    upper: float
    count: int
    predicted: float | None  # mean predicted probability in the band
    observed: float | None  # share of the band's predictions that were right


def reliability(pairs: Sequence[Pair], bins: int = 5) -> list[Bin]:
    """Equal-width bands over [0, 1]; a probability of exactly 1 falls in the top band."""
    if bins < 1:
        raise ValueError("bins must be at least 1")
    grouped: list[list[Pair]] = [[] for _ in range(bins)]
    for p, hit in pairs:
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"probability {p} outside [0, 1]")
        grouped[min(int(p * bins), bins - 1)].append((p, hit))
    return [
        Bin(
            lower=i / bins,
            upper=(i + 1) / bins,
            count=len(g),
            predicted=round(sum(p for p, _ in g) / len(g), 3) if g else None,
            observed=round(sum(h for _, h in g) / len(g), 3) if g else None,
        )
        for i, g in enumerate(grouped)
    ]


def calibration_error(table: Sequence[Bin]) -> float | None:
    """Expected calibration error: the count-weighted mean gap between predicted and observed per band."""
    total = sum(b.count for b in table)
    if not total:
        return None
    gaps = sum(b.count * abs((b.predicted or 0.0) - (b.observed or 0.0)) for b in table)
    return round(gaps / total, 3)


def brier(cases: Sequence[Sequence[Pair]]) -> float | None:
    """Multi-class Brier score: per case the sum of squared errors over all its levels, averaged over cases."""
    if not cases:
        return None
    return round(sum(sum((p - hit) ** 2 for p, hit in case) for case in cases) / len(cases), 3)


def reference_brier(cases: Sequence[Sequence[Pair]]) -> float | None:
    """Brier score of a forecast without skill that gives every case, at each position (class), the share of cases
    for which that position was right: the base rate of a binary stage. A model is useful only below it."""
    if not cases:
        return None
    rates = [
        sum(case[i][1] for case in cases if len(case) > i) / sum(len(case) > i for case in cases)
        for i in range(max(len(case) for case in cases))
    ]
    return round(sum(sum((rates[i] - hit) ** 2 for i, (_, hit) in enumerate(case)) for case in cases) / len(cases), 3)


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


class Stage(BaseModel):
    """Calibration of one stage of localisation: its reliability table, Brier score and calibration error, the
    Brier score of the base rate alone, and how far the predictions separate true from false outcomes."""

    model_config = ConfigDict(frozen=True)

    cases: int
    brier: float | None
    reference_brier: float | None = None
    calibration_error: float | None
    reliability: list[Bin]
    mean_when_right: float | None = None  # mean predicted probability where the outcome was true
    mean_when_wrong: float | None = None  # and where it was false


def stage(cases: Sequence[Sequence[Pair]], bins: int = 5) -> Stage:
    """One stage's figures from the (probability, outcome) pairs of each case: a binary stage gives one pair per
    case, a multi-class stage one per class."""
    pairs = [pair for case in cases for pair in case]
    table = reliability(pairs, bins)
    return Stage(
        cases=len(cases),
        brier=brier(cases),
        reference_brier=reference_brier(cases),
        calibration_error=calibration_error(table),
        reliability=table,
        mean_when_right=_mean([p for p, hit in pairs if hit]),
        mean_when_wrong=_mean([p for p, hit in pairs if not hit]),
    )
