"""Reliability of predicted probabilities: binned predicted probability against observed frequency, and Brier.

Each pair is one predicted probability (of one level for one case) and whether that level was right. A model is
calibrated when, among levels given about 30%, about 30% are right. Localisation has two stages, each measured
on its own (`stage`): is a root lesion the cause (radicular cases against mimics), and, given that it is, which
root (the share of the root-lesion probability each root gets, on radicular cases).
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


class Stage(BaseModel):
    """Calibration of one stage of localisation: its reliability table, Brier score and calibration error."""

    model_config = ConfigDict(frozen=True)

    cases: int
    brier: float | None
    calibration_error: float | None
    reliability: list[Bin]


def stage(cases: Sequence[Sequence[Pair]], bins: int = 5) -> Stage:
    """One stage's figures from the (probability, outcome) pairs of each case: a binary stage gives one pair per
    case, a multi-class stage one per class."""
    table = reliability([pair for case in cases for pair in case], bins)
    return Stage(cases=len(cases), brier=brier(cases), calibration_error=calibration_error(table), reliability=table)
