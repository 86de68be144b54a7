"""Root localisation: P(root | findings) from priors and published likelihood ratios.

Findings of one kind (all reflexes, all strength tests …) are correlated, so within a kind only the strongest
supporting and the strongest opposing ratio count; kinds are combined as independent. Infinite ratios are capped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from nerveroot.assessment.case import Case, RegionMark
from nerveroot.assessment.evidence import Evidence
from nerveroot.assessment.result import EvidenceItem, TraceEntry
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import ROOT_IDS, Accuracy, Finding, LocaliserDefault, Root

LR_CAP = 10.0
NONSPECIFIC_REGIONS = frozenset({"low_back", "buttock", "saddle"})
GROUPS: dict[str, frozenset[str]] = {
    "midlumbar": frozenset({"l2", "l3", "l4"}),
    "low_lumbar": frozenset({"l5", "s1"}),
    "radiculopathy": frozenset(ROOT_IDS),
}


@dataclass(frozen=True)
class Localisation:
    """Per-root likelihood (relative to a non-radicular cause) and the evidence behind it."""

    likelihood: dict[str, float]
    prior: dict[str, float]
    supporting: dict[str, list[EvidenceItem]]
    opposing: dict[str, list[EvidenceItem]]
    trace: list[TraceEntry]

    def posterior(self) -> dict[str, float]:
        """P(root | findings, radicular)."""
        weights = {r: self.prior[r] * self.likelihood[r] for r in ROOT_IDS}
        total = sum(weights.values())
        return {r: w / total for r, w in weights.items()}

    def marginal(self, roots: list[str] | None = None) -> float:
        """Likelihood of the findings under a radicular cause at any of the roots, relative to a non-radicular one."""
        pool = [r for r in (roots or ROOT_IDS) if r in self.prior]
        mass = sum(self.prior[r] for r in pool)
        return sum(self.prior[r] * self.likelihood[r] for r in pool) / mass if mass else 1.0


def _cap(value: float) -> float:
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


def finding_ratios(finding: Finding, present: bool, default: LocaliserDefault | None) -> dict[str, tuple[float, str]]:
    """Root → (likelihood ratio, basis) for one finding with a known status."""
    linked = {link.root: link.weight for link in finding.roots}
    ratios: dict[str, tuple[float, str]] = {}
    for acc in finding.accuracy:
        group = GROUPS.get(acc.target) or (frozenset({acc.target}) if acc.target in ROOT_IDS else frozenset())
        roots = (group & linked.keys()) or group
        value = _published(acc, present)
        if value is None:
            continue
        label = "∞ capped" if present and acc.lr_positive_infinite else f"{value:.2f}"
        for root in roots:
            ratios[root] = (_cap(value), f"published LR {label} for {acc.target} ({acc.sources[0].source})")
    if default is not None:
        base = default.lr_positive if present else default.lr_negative
        for root, weight in linked.items():
            if root in ratios:
                continue
            value = base if weight == "primary" else 1 + (base - 1) / 2
            ratios[root] = (value, f"default for {default.category} findings ({default.sources[0].source})")
    return ratios


def _region_ratio(marks: list[RegionMark], territory: set[str], default: LocaliserDefault) -> float | None:
    regions = {m.region for m in marks} - NONSPECIFIC_REGIONS
    if not regions:
        return None
    share = len(regions & territory) / len(regions)
    return default.lr_negative + (default.lr_positive - default.lr_negative) * share


def localise(case: Case, evidence: Evidence, kb: KnowledgeBase) -> Localisation:
    """Combine every known finding and the body-map marks into a likelihood per root."""
    roots: dict[str, Root] = {r.id: r for r in kb.all("roots", Root)}
    defaults: dict[str, LocaliserDefault] = {d.category: d for d in kb.all("localiser", LocaliserDefault)}
    findings = kb.entities["findings"]
    # kind of finding → root → list of (ratio, item)
    by_kind: dict[str, dict[str, list[tuple[float, EvidenceItem]]]] = {}
    for fid, status in evidence.status.items():
        finding = findings.get(fid)
        if status == "unknown" or not isinstance(finding, Finding):
            continue
        present = status == "present"
        for root, (lr, basis) in finding_ratios(finding, present, defaults.get(finding.category)).items():
            item = EvidenceItem(
                finding=fid,
                name=finding.name,
                status=status,
                lr=round(lr, 3),
                basis=basis,
                side=sorted(evidence.sides.get(fid, ())),
            )
            by_kind.setdefault(finding.category, {}).setdefault(root, []).append((lr, item))
    for kind, marks, default_kind in (
        ("pain_region", case.pain_regions, "pain_region"),
        ("sensory_region", case.sensory_regions, "sensory"),
    ):
        default = defaults.get(default_kind)
        if default is None:
            continue
        for rid, root_record in roots.items():
            territory = set(root_record.sensory_regions)
            if kind == "pain_region":
                territory |= set(root_record.pain_regions)
            ratio = _region_ratio(marks, territory, default)
            if ratio is None:
                continue
            marked = sorted({m.region for m in marks} - NONSPECIFIC_REGIONS)
            item = EvidenceItem(
                finding=kind,
                name=f"{kind.replace('_', ' ')}: {', '.join(marked)}",
                status="present",
                lr=round(ratio, 3),
                basis=f"overlap with the {root_record.level} territory ({default.sources[0].source})",
            )
            by_kind.setdefault(kind, {}).setdefault(rid, []).append((ratio, item))
    likelihood: dict[str, float] = {r: 1.0 for r in ROOT_IDS}
    supporting: dict[str, list[EvidenceItem]] = {r: [] for r in ROOT_IDS}
    opposing: dict[str, list[EvidenceItem]] = {r: [] for r in ROOT_IDS}
    trace: list[TraceEntry] = []
    for kind, per_root in sorted(by_kind.items()):
        for root, pairs in per_root.items():
            ups = [p for p in pairs if p[0] > 1]
            downs = [p for p in pairs if p[0] < 1]
            chosen = ([max(ups, key=lambda p: p[0])] if ups else []) + (
                [min(downs, key=lambda p: p[0])] if downs else []
            )
            for lr, item in chosen:
                likelihood[root] *= lr
                (supporting if lr > 1 else opposing)[root].append(item)
                trace.append(
                    TraceEntry(
                        kind="ratio",
                        detail=f"{root.upper()}: {item.name} {item.status} × {lr:.2f} "
                        f"({item.basis}; strongest {kind} ratio counted)",
                    )
                )
    prior: dict[str, float] = {rid: r.prior for rid, r in roots.items()}
    trace.append(
        TraceEntry(
            kind="prior",
            detail="Root priors: " + ", ".join(f"{r.upper()} {p:.2f}" for r, p in prior.items()),
            sources=[c for r in roots.values() for c in r.sources[:1]],
        )
    )
    for items in (*supporting.values(), *opposing.values()):
        items.sort(key=lambda i: -abs(math.log(i.lr)))
    return Localisation(likelihood=likelihood, prior=prior, supporting=supporting, opposing=opposing, trace=trace)
