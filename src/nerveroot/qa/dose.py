"""Dose guard: no printed amount of a drug may exceed the lowest recognised daily maximum of its record."""

from __future__ import annotations

import re

from nerveroot.knowledge.models import Drug

_AMOUNT = re.compile(
    r"(\d+(?:\.\d+)?)(?:\s*(?:-|–|to)\s*(\d+(?:\.\d+)?))?\s*(mg|g|micrograms?|mcg|µg|iu|ml)\b", re.IGNORECASE
)
_SCALE: dict[str, dict[str, float]] = {
    "mg": {"mg": 1.0, "g": 1000.0, "microgram": 0.001, "mcg": 0.001, "µg": 0.001},
    "g": {"g": 1.0, "mg": 0.001},
    "microgram": {"microgram": 1.0, "mcg": 1.0, "µg": 1.0, "mg": 1000.0},
    "IU": {"iu": 1.0},
    "mL": {"ml": 1.0},
}


def ceiling(drug: Drug) -> float | None:
    """The lowest recognised maximum daily amount of a drug, in its dose unit; None when none is recorded."""
    return min((m.mg_per_day for m in drug.max_daily), default=None)


def amounts(text: str, unit: str) -> list[float]:
    """Every amount in a text converted to the drug's dose unit ('1,200 mg' and '1.2 g' → 1200 for mg)."""
    scale = _SCALE.get(unit, {unit.lower(): 1.0})
    found: list[float] = []
    for match in _AMOUNT.finditer(text.replace(",", "")):
        factor = scale.get(match[3].lower().rstrip("s"))
        if factor is None:
            continue
        found += [float(v) * factor for v in (match[1], match[2]) if v]
    return found


def exceeds_ceiling(text: str, drug: Drug) -> bool:
    """True when the text prints an amount of this drug above its lowest recognised daily maximum."""
    low = ceiling(drug)
    return low is not None and any(a > low for a in amounts(text, drug.dose_unit))
