"""Localisation in two stages: radicular or not (from the differential), then which root or roots lead.

Comparing "not radicular" with each single root lets the remainder beat every root whenever the evidence is split
between neighbours, although a root lesion is the likelier explanation. So the first question is whether a root
lesion is more likely than not; only then is the level named, and roots that cannot be separated are named
together ("L3/L4, level uncertain"). With no finding that tells the roots apart, no root is named.
"""

from __future__ import annotations

from nerveroot.assessment.localise import Localisation
from nerveroot.assessment.result import LevelSummary, RootProbability

RADICULAR = 0.5
"""A root lesion is named only when it is more likely than not."""
SHARES_LEAD = 0.5
"""A root whose probability is at least half the leading root's shares the lead (the level cannot be separated)."""
MAX_GROUP = 3
DISCRIMINATES = 1.05
"""The findings tell the roots apart when one root's likelihood exceeds another's by more than this factor."""


def _localises(loc: Localisation) -> bool:
    values = list(loc.likelihood.values())
    return max(values) > DISCRIMINATES * min(values)


def rank_levels(
    levels: list[RootProbability], radicular: float, loc: Localisation
) -> tuple[list[RootProbability], LevelSummary]:
    """Levels in the order a clinician should read them, and the two-stage summary."""
    by_probability = sorted(levels, key=lambda lv: (-lv.probability, lv.root))
    roots = [lv for lv in by_probability if lv.root != "none"]
    if radicular < RADICULAR:
        statement = f"Another cause is more likely than a lumbar root lesion (root lesion {radicular:.0%})."
        return by_probability, LevelSummary(
            radicular_probability=round(radicular, 4), leading=[], level_uncertain=False, statement=statement
        )
    if not _localises(loc):
        statement = (
            f"A root lesion is more likely than not ({radicular:.0%}), but no finding tells the roots apart: "
            "examine strength, reflexes and sensation by root."
        )
        return by_probability, LevelSummary(
            radicular_probability=round(radicular, 4), leading=[], level_uncertain=False, statement=statement
        )
    top = roots[0].probability
    leading = [lv for lv in roots[:MAX_GROUP] if lv.probability >= SHARES_LEAD * top]
    rest = [lv for lv in by_probability if lv not in leading]
    names = "/".join(lv.label for lv in leading)
    share = sum(lv.probability for lv in leading) / radicular
    if len(leading) > 1:
        statement = (
            f"A root lesion is more likely than not ({radicular:.0%}); {names}, level uncertain ({share:.0%} of it)."
        )
    else:
        statement = f"A root lesion is more likely than not ({radicular:.0%}); {names} leads ({share:.0%} of it)."
    return [*leading, *rest], LevelSummary(
        radicular_probability=round(radicular, 4),
        leading=[lv.root for lv in leading],
        level_uncertain=len(leading) > 1,
        statement=statement,
    )
