"""The knowledge base compiled into plain tables for fast, repeated inference (assessment and interview)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Final

from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import ROOT_IDS, Accuracy, BodyRegion, Condition, Finding, LocaliserDefault, Root

LR_CAP = 10.0
GROUPS: dict[str, frozenset[str]] = {
    "midlumbar": frozenset({"l2", "l3", "l4"}),
    "low_lumbar": frozenset({"l5", "s1"}),
    "radiculopathy": frozenset(ROOT_IDS),
}
RANKED_ROLES = frozenset({"cause", "type", "mimic", "serious"})

Ratio = tuple[float, str]  # (likelihood ratio, basis)
NAMED_ROOT: Final = "named_root"
"""The finding of a root named in the note; its ratio goes to the named root only (see `named_ratios`)."""


@dataclass(frozen=True)
class ConditionModel:
    """A ranked condition as the scoring loop reads it.

    `fit_roots` are the roots whose findings it explains (its own roots if radicular, the mimicked roots of a
    peripheral mimic); a condition with none is scored on how well the marked regions match its usual regions.
    `subtype`: a type of compression (foraminal, lateral recess, central canal …) that refines a cause already
    ranked, so its prior is part of that cause's and it does not add to the share of root lesions.
    """

    id: str
    prior: float
    radicular: bool
    subtype: bool
    fit_roots: tuple[str, ...]
    regions: frozenset[str]
    numb_regions: frozenset[str]
    features: tuple[tuple[str, str, float], ...]  # (finding, status, lr)


@dataclass(frozen=True)
class Compiled:
    """Per-finding root ratios, root territories and condition features, read once from the knowledge base."""

    ratios: dict[str, dict[str, dict[str, Ratio]]]  # finding → status → root → ratio
    category: dict[str, str]
    names: dict[str, str]
    prior: dict[str, float]
    labels: dict[str, str]
    pain_territory: dict[str, frozenset[str]]
    sensory_territory: dict[str, frozenset[str]]
    region_default: dict[str, LocaliserDefault]
    region_names: dict[str, str]
    conditions: tuple[ConditionModel, ...]
    named: dict[str, Ratio]  # root → ratio when the note names that root
    root_lesion_tests: frozenset[str]  # findings that weigh a root lesion against any other cause (see below)
    region_fits: dict[tuple[frozenset[str], frozenset[str]], tuple[float, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )
    """Per marked pain and numbness regions (nonspecific ones left out), the fits of the conditions scored on them
    (`nerveroot.assessment.differential.region_fits`)."""

    @cached_property
    def non_neural(self) -> frozenset[str]:
        """Ranked conditions that are not a nerve lesion: neither radicular nor copying a root's territory (acute
        limb ischaemia, an aortic catastrophe)."""
        return frozenset(c.id for c in self.conditions if not c.radicular and not c.fit_roots)

    @cached_property
    def feature_index(self) -> dict[tuple[str, str], tuple[tuple[int, int], ...]]:
        """Per (finding, status), the condition features it matches: (condition position, feature position)."""
        index: dict[tuple[str, str], list[tuple[int, int]]] = {}
        for at, cond in enumerate(self.conditions):
            for nth, (finding, when, _) in enumerate(cond.features):
                index.setdefault((finding, when), []).append((at, nth))
        return {key: tuple(found) for key, found in index.items()}

    @cached_property
    def scoring(self) -> tuple[tuple[str, float, bool, bool, tuple[float, ...]], ...]:
        """Per condition, what the scoring loop reads: its id, prior, whether it counts in the radicular share (not
        a subtype), whether it is radicular, and its features' ratios."""
        return tuple(
            (c.id, c.prior, not c.subtype, c.radicular, tuple(lr for _, _, lr in c.features)) for c in self.conditions
        )

    @cached_property
    def fit_groups(self) -> tuple[tuple[tuple[tuple[str, ...], frozenset[str]], ...], tuple[int, ...]]:
        """The distinct (roots, findings left out) whose marginal likelihood a condition's fit reads, and per
        condition the position of its own among them (-1: one scored on the marked regions)."""
        keys: dict[tuple[tuple[str, ...], frozenset[str]], int] = {}
        groups = []
        for cond in self.conditions:
            if not cond.fit_roots:
                groups.append(-1)
                continue
            key = (cond.fit_roots, frozenset() if cond.radicular else self.root_lesion_tests)
            groups.append(keys.setdefault(key, len(keys)))
        return tuple(keys), tuple(groups)

    def matched_features(self, status: Mapping[str, str]) -> dict[int, list[int]]:
        """Per condition position, the positions of its features that `status` matches, in feature order (read
        from the findings a case has rather than from every feature of every condition)."""
        index = self.feature_index
        matched: dict[int, list[int]] = {}
        for pair in status.items():
            for at, nth in index.get(pair, ()):
                matched.setdefault(at, []).append(nth)
        for found in matched.values():
            found.sort()
        return matched


def cap(value: float) -> float:
    return min(max(value, 1 / LR_CAP), LR_CAP)


def _published(acc: Accuracy, present: bool) -> float | None:
    if present:
        if acc.lr_positive_infinite:
            return LR_CAP
        if acc.lr_positive is not None:
            return acc.lr_positive
        if acc.sensitivity is not None and acc.specificity is not None and acc.specificity < 1:
            return acc.sensitivity / (1 - acc.specificity)
        return None
    if acc.lr_negative is not None:
        return acc.lr_negative
    if acc.sensitivity is not None and acc.specificity:
        return (1 - acc.sensitivity) / acc.specificity
    return None


def finding_ratios(finding: Finding, present: bool, default: LocaliserDefault | None) -> dict[str, Ratio]:
    """Root → (likelihood ratio, basis) for one finding with a known status.

    A published ratio for a root or group of roots wins; otherwise the default for the finding's kind applies to
    the roots the finding is linked to (half strength for a secondary link). A level-specific figure (one root
    against all others) shapes the positive finding only: its root leads, with that figure or the larger group
    figure it already has, and the finding's other roots count as secondary links.
    """
    linked: dict[str, str] = {link.root: link.weight for link in finding.roots}
    level = [acc for acc in finding.accuracy if acc.level_specific] if present else []
    if level:
        leads = {acc.target for acc in level}
        linked = {root: "primary" if root in leads else "secondary" for root in linked}
    ratios: dict[str, Ratio] = {}
    for acc in finding.accuracy:
        if acc.level_specific:
            continue
        group = GROUPS.get(acc.target) or (frozenset({acc.target}) if acc.target in ROOT_IDS else frozenset())
        value = _published(acc, present)
        if value is None or not group:
            continue
        label = "∞, capped" if present and acc.lr_positive_infinite else f"{value:.2f}"
        for root in (group & linked.keys()) or group:
            # a group figure applies at full strength to primary roots and at half strength (in the same way as
            # the defaults) to roots the finding is only secondarily linked to
            weaker = acc.target not in ROOT_IDS and linked.get(root) == "secondary"
            scaled = 1 + (value - 1) / 2 if weaker else value
            note = ", half strength for a secondary root" if weaker else ""
            ratios[root] = (cap(scaled), f"published LR {label} for {acc.target}{note} ({acc.sources[0].source})")
    if default is not None:
        base = default.lr_positive if present else default.lr_negative
        for root, weight in linked.items():
            if root not in ratios:
                value = base if weight == "primary" else 1 + (base - 1) / 2
                ratios[root] = (value, f"default for {default.category} findings ({default.sources[0].source})")
    for acc in level:
        value = cap(_published(acc, True) or 1.0)
        if value > ratios.get(acc.target, (1.0, ""))[0]:
            label = "∞, capped" if acc.lr_positive_infinite else f"{acc.lr_positive:.2f}"
            ratios[acc.target] = (
                value,
                f"published level-specific LR {label} for {acc.target.upper()} ({acc.sources[0].source})",
            )
    return ratios


def named_ratios(finding: Finding | None, default: LocaliserDefault | None) -> dict[str, Ratio]:
    """Root → ratio for a note that names that root: the published figure for the root, else the default."""
    published = {acc.target: acc for acc in finding.accuracy if acc.target in ROOT_IDS} if finding else {}
    ratios: dict[str, Ratio] = {}
    for root in ROOT_IDS:
        acc = published.get(root)
        value = _published(acc, True) if acc else None
        if acc and value is not None:
            ratios[root] = (cap(value), f"published LR {value:.2f} for {root.upper()} ({acc.sources[0].source})")
        elif default is not None:
            ratios[root] = (default.lr_positive, f"default for a named root ({default.sources[0].source})")
    return ratios


def root_lesion_tests(findings: list[Finding]) -> frozenset[str]:
    """Findings whose ratios compare a root lesion with any other cause rather than map a root's territory: nerve
    tension tests, findings with a published figure for radiculopathy as a whole, and a root named in the note.
    A peripheral-nerve mimic explains a territory but not these, so its fit leaves them out."""
    return frozenset(
        f.id
        for f in findings
        if f.category == "provocative"
        or f.id == NAMED_ROOT
        or any(
            acc.target == "radiculopathy" and (_published(acc, True) is not None or _published(acc, False) is not None)
            for acc in f.accuracy
        )
    )


_CACHE: dict[int, tuple[KnowledgeBase, Compiled]] = {}


def compile_kb(kb: KnowledgeBase) -> Compiled:
    """Compile (once per knowledge base object) the tables the inference loops read."""
    hit = _CACHE.get(id(kb))
    if hit is not None and hit[0] is kb:
        return hit[1]
    defaults = {d.category: d for d in kb.all("localiser", LocaliserDefault)}
    findings = kb.all("findings", Finding)
    roots = kb.all("roots", Root)
    compiled = Compiled(
        ratios={
            f.id: {
                "present": finding_ratios(f, True, defaults.get(f.category)),
                "absent": finding_ratios(f, False, defaults.get(f.category)),
            }
            for f in findings
            if f.id != NAMED_ROOT
        },
        category={f.id: f.category for f in findings},
        names={f.id: f.name for f in findings},
        prior={r.id: r.prior for r in roots},
        labels={r.id: r.level for r in roots},
        pain_territory={r.id: frozenset(r.sensory_regions) | frozenset(r.pain_regions) for r in roots},
        sensory_territory={r.id: frozenset(r.sensory_regions) for r in roots},
        region_default={
            k: defaults[v] for k, v in (("pain_region", "pain_region"), ("sensory_region", "sensory")) if v in defaults
        },
        region_names={r.id: r.name.lower() for r in kb.all("body_regions", BodyRegion)},
        conditions=tuple(
            ConditionModel(
                id=c.id,
                prior=c.prior,
                radicular=bool(c.roots) and c.role != "mimic",
                subtype=c.role == "type",
                fit_roots=tuple(c.roots or c.mimics_roots),
                regions=frozenset(c.regions),
                numb_regions=frozenset(c.numb_regions),
                features=tuple((f.finding, f.when, cap(f.lr)) for f in c.features),
            )
            for c in kb.all("conditions", Condition)
            if c.role in RANKED_ROLES
        ),
        root_lesion_tests=root_lesion_tests(findings),
        named=named_ratios(next((f for f in findings if f.id == NAMED_ROOT), None), defaults.get(NAMED_ROOT)),
    )
    _CACHE[id(kb)] = (kb, compiled)
    return compiled
