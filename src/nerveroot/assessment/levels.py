"""Localisation in two stages: radicular or not (from the differential), then which root or roots lead.

Comparing "not radicular" with each single root lets the remainder beat every root whenever the evidence is split
between neighbours, although a root lesion is the likelier explanation. So the first question is whether a root
lesion is more likely than not; only then is the level named, and roots that cannot be separated are named
together ("L3/L4, level uncertain"). A root is named only with a feature of radicular pain on record (the sciatica
definition of NICE CKS: dermatomal leg pain below the knee, leg worse than back; or a root sign); with such a
feature but no finding that tells the roots apart, the levels are ranked by how common they are, as uncertain.
When findings do tell the roots apart, only roots that some finding points to are named: a commoner root that no
finding supports is not put ahead of them on its base rate alone (its probability is still shown).
"""

from __future__ import annotations

from nerveroot.assessment.evidence import Evidence
from nerveroot.assessment.kept import kept
from nerveroot.assessment.localise import Localisation, explain
from nerveroot.assessment.result import EvidenceItem, LevelSummary, RootProbability
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import ROOT_IDS, Root

RADICULAR = 0.5
"""A root lesion is named only when it is more likely than not."""
SHARES_LEAD = 0.5
"""A root whose probability is at least half the leading root's shares the lead (the level cannot be separated); so
does a root the findings favour as much as the leading root, whose lead then rests on the base rate alone."""
MAX_GROUP = 3
DISCRIMINATES = 1.05
"""The findings tell the roots apart when one root's likelihood exceeds another's by more than this factor."""


RADICULAR_SYMPTOMS = ("radiating_leg_pain", "pain_below_knee", "leg_pain_worse_than_back")
"""The history items of the sciatica definition (NICE CKS): leg pain radiating below the knee, worse than back pain."""


def radicular_features(evidence: Evidence, loc: Localisation) -> bool:
    """A feature of radicular pain is recorded: a history item of the sciatica definition, or a finding whose
    ratio favours some root (a weak movement, a reduced reflex, a nerve tension sign, a dermatomal numbness mark).

    Pain marked only above the knee is not such a feature: somatic referred pain from the spine, the sacroiliac
    joint or the hip also reaches the buttock and thigh, so the sciatica definition asks for pain below the knee
    (read from the body map as `pain_below_knee`) or a radiating quality."""
    return any(evidence.get(s) == "present" for s in RADICULAR_SYMPTOMS) or any(
        c.lr > 1 and c.kind != "pain_region" for counted in loc.counted.values() for c in counted
    )


def _localises(loc: Localisation) -> bool:
    values = list(loc.likelihood.values())
    return max(values) > DISCRIMINATES * min(values)


def rank_levels(
    levels: list[RootProbability], radicular: float, loc: Localisation, features: bool
) -> tuple[list[RootProbability], LevelSummary]:
    """Levels in the order a clinician should read them, and the two-stage summary.

    `features`: a feature of radicular pain is recorded (see `radicular_features`).
    """
    by_probability = sorted(levels, key=lambda lv: (-lv.probability, lv.root))
    roots = [lv for lv in by_probability if lv.root != "none"]
    if radicular < RADICULAR:
        statement = f"Another cause is more likely than a lumbar root lesion (root lesion {radicular:.0%})."
        return by_probability, _summary(radicular, [], statement)
    localises = _localises(loc)
    if not features:
        statement = (
            f"A root lesion is more likely than not ({radicular:.0%}), but no feature of radicular pain is recorded "
            "(pain below the knee, leg pain worse than back pain, a root sign or dermatomal numbness) and no finding "
            "tells the roots apart: examine strength, reflexes, sensation and nerve tension by root."
        )
        # no root is named, so none is ranked first: the list agrees with the statement
        unnamed = [lv for lv in by_probability if lv.root == "none"] + roots
        return unnamed, _summary(radicular, [], statement)
    supported = _pointed_to(loc) if localises else set()
    pointed = [lv for lv in roots if lv.root in supported]
    candidates = pointed or roots
    top = candidates[0].probability
    evidence = loc.likelihood.get(candidates[0].root, 1.0)
    leading = [
        lv
        for lv in candidates[:MAX_GROUP]
        if lv.probability >= SHARES_LEAD * top or (localises and loc.likelihood[lv.root] * DISCRIMINATES >= evidence)
    ]
    led = {lv.root for lv in leading}  # one level per root: by root, not by comparing every field
    rest = [lv for lv in by_probability if lv.root not in led]
    names = "/".join(lv.label for lv in leading)
    share = sum(lv.probability for lv in leading) / radicular
    commoner = [lv.label for lv in roots if lv.probability > top and lv.root not in led]
    if not localises:
        statement = (
            f"A root lesion is more likely than not ({radicular:.0%}), but no finding tells the roots apart: "
            f"by how common each level is, {names}, level uncertain. Examine strength, reflexes and sensation by root."
        )
    elif len(leading) > 1:
        statement = (
            f"A root lesion is more likely than not ({radicular:.0%}); {names}, level uncertain ({share:.0%} of it)."
        )
    else:
        statement = f"A root lesion is more likely than not ({radicular:.0%}); {names} leads ({share:.0%} of it)."
    if commoner:
        statement += f" {'/'.join(commoner)} is commoner, but no recorded finding points to it."
    return [*leading, *rest], _summary(radicular, [lv.root for lv in leading], statement)


Levels = tuple[list[RootProbability], LevelSummary]
LEVELS_LIMIT = 1024
"""Ranked levels kept (`root_levels`); past this the store starts again."""
_LEVELS: dict[tuple[object, ...], tuple[Localisation, Levels]] = {}


def root_levels(loc: Localisation, evidence: Evidence, radicular: float, kb: KnowledgeBase) -> Levels:
    """Each root's probability (its share of `radicular`) with its evidence, and 'none', ranked (`rank_levels`);
    kept per all they read: the localisation (by identity, held while kept), the sides of its counted findings, the
    radicular share and whether a feature of radicular pain is recorded. Shared read-only."""
    features = radicular_features(evidence, loc)
    key = (kb.content_hash, id(loc), tuple(map(evidence.sides.get, loc.counted_findings)), radicular, features)

    def build() -> tuple[Localisation, Levels]:
        explained = [explain(loc, evidence, r) for r in ROOT_IDS]
        return loc, rank_levels(_levels(loc, explained, radicular, kb), radicular, loc, features)

    return kept(_LEVELS, LEVELS_LIMIT, key, build)[1]


def _levels(
    loc: Localisation,
    explained: list[tuple[list[EvidenceItem], list[EvidenceItem]]],
    radicular: float,
    kb: KnowledgeBase,
) -> list[RootProbability]:
    posterior = loc.posterior()
    roots = {r.id: r for r in kb.all("roots", Root)}
    levels = [
        RootProbability.built(
            root=r,
            label=roots[r].level,
            probability=round(radicular * posterior[r], 4),
            supporting=supporting,
            opposing=opposing,
        )
        for r, (supporting, opposing) in zip(ROOT_IDS, explained, strict=True)
    ]
    levels.append(
        RootProbability.built(
            root="none",
            label="Not radicular / other cause",
            probability=round(1 - radicular, 4),
            supporting=[],
            opposing=[],
        )
    )
    return levels


def other_cause_first(
    levels: list[RootProbability], summary: LevelSummary, suspected: list[str]
) -> tuple[list[RootProbability], LevelSummary]:
    """With an emergency suspected whose cause is not a nerve lesion (acute limb ischaemia, an aortic catastrophe), no
    root is named: its pain, numbness and weakness follow the blood supply, not a dermatome (ESVS 2020), so a root
    read from them would mislead; the root probabilities are still shown, "not radicular" first."""
    unnamed = [lv for lv in levels if lv.root == "none"] + [lv for lv in levels if lv.root != "none"]
    statement = (
        f"An emergency that is not a nerve lesion is suspected ({', '.join(suspected)}): the leg symptoms may come "
        "from it rather than a nerve root, so no root is named until it is excluded."
    )
    return unnamed, _summary(summary.radicular_probability, [], statement)


def _pointed_to(loc: Localisation) -> set[str]:
    """Roots that some recorded finding favours over another root: a counted ratio above 1 that is higher than the
    same finding's ratio for some other root (a ratio shared by every root, such as radiating leg pain, does not
    point to any one of them)."""
    ratios: dict[str, dict[str, float]] = {}
    for root, items in loc.counted.items():
        for c in items:
            ratios.setdefault(c.finding, {})[root] = c.lr
    pointed: set[str] = set()
    for by_root in ratios.values():
        lowest = min(by_root.get(r, 1.0) for r in loc.counted)
        pointed.update(root for root, lr in by_root.items() if lr > 1 and lr > lowest)
    return pointed


def _summary(radicular: float, leading: list[str], statement: str) -> LevelSummary:
    return LevelSummary.built(
        radicular_probability=round(radicular, 4),
        leading=leading,
        level_uncertain=len(leading) > 1,
        statement=statement,
    )
