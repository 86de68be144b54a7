"""Root localisation: P(root | findings) from priors and published likelihood ratios.

Findings of one kind (all reflexes, all strength tests …) are correlated, so within a kind only the strongest
supporting and the strongest opposing ratio count; kinds are combined as independent. Infinite ratios are capped.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, partial

from nerveroot.assessment.case import Case, Status
from nerveroot.assessment.compiled import NAMED_ROOT, Compiled, compile_kb
from nerveroot.assessment.evidence import UNASSESSED, Evidence
from nerveroot.assessment.kept import kept
from nerveroot.assessment.result import EvidenceItem, TraceEntry
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import ROOT_IDS

NONSPECIFIC_REGIONS = frozenset({"low_back", "buttock", "saddle"})


@dataclass(frozen=True)
class Counted:
    """One ratio that entered a root's likelihood."""

    kind: str
    finding: str
    name: str
    status: Status
    lr: float
    basis: str


@dataclass(frozen=True)
class Localisation:
    """Per-root likelihood (relative to a non-radicular cause) and the ratios behind it."""

    likelihood: dict[str, float]
    prior: dict[str, float]
    counted: dict[str, list[Counted]]
    _marginals: dict[tuple[tuple[str, ...], frozenset[str]], float] = field(
        default_factory=dict, repr=False, compare=False
    )
    _explained: dict[tuple[str, tuple[frozenset[str] | None, ...]], tuple[list[EvidenceItem], list[EvidenceItem]]] = (
        field(default_factory=dict, repr=False, compare=False)
    )
    """Per root and the sides of its counted findings, its evidence for and against (`explain`)."""

    @cached_property
    def counted_findings(self) -> tuple[str, ...]:
        """The findings of every counted ratio, once each (the sides of these are all `explain` reads)."""
        return tuple(dict.fromkeys(c.finding for r in ROOT_IDS for c in self.counted[r]))

    def posterior(self) -> dict[str, float]:
        """P(root | findings, radicular)."""
        weights = {r: self.prior[r] * self.likelihood[r] for r in ROOT_IDS}
        total = sum(weights.values()) or 1.0
        return {r: w / total for r, w in weights.items()}

    def marginal(self, roots: Iterable[str] = ROOT_IDS, leave_out: frozenset[str] = frozenset()) -> float:
        """Likelihood of the findings under a lesion at one of the roots, relative to a non-radicular cause;
        `leave_out`: findings whose counted ratios are left out (a peripheral mimic's fit)."""
        key = (tuple(roots), leave_out)
        found = self._marginals.get(key)
        if found is None:
            pool = [r for r in key[0] if r in self.prior]
            mass = sum(self.prior[r] for r in pool)
            weights = (self.prior[r] * self._likelihood(r, leave_out) for r in pool)
            found = self._marginals[key] = sum(weights) / mass if mass else 1.0
        return found

    def _likelihood(self, root: str, leave_out: frozenset[str]) -> float:
        if not leave_out:
            return self.likelihood[root]
        return math.prod(c.lr for c in self.counted[root] if c.finding not in leave_out)


def _region_ratio(regions: frozenset[str], territory: frozenset[str], low: float, high: float) -> float:
    return low + (high - low) * len(regions & territory) / len(regions)


@dataclass(frozen=True)
class _Counts:
    """What the likelihood loop reads from the compiled tables alone, built once per `Compiled`: per finding and
    status, each root's ratio as a `Counted` (immutable, shared by every case), and per kind of region mark and
    root, the basis line of its overlap ratio."""

    findings: dict[str, dict[Status, tuple[tuple[tuple[str, str], Counted], ...]]]
    region_basis: dict[tuple[str, str], str]
    marks: dict[tuple[str, frozenset[str]], tuple[tuple[tuple[str, str], Counted], ...]] = field(default_factory=dict)
    """Per kind of region mark and set of marked regions (nonspecific ones left out), each root's overlap ratio
    (`_marked`; at most `MARKS_LIMIT` kept)."""
    localised: dict[tuple[object, ...], Localisation] = field(default_factory=dict)
    """Per known status of each finding with ratios (in the case's order), marked regions and named roots, the
    localisation (`localise`)."""


MARKS_LIMIT = 4096
"""Sets of marked regions whose overlap ratios are kept per compiled knowledge base; past this the store starts
again."""


_COUNTS: dict[int, tuple[Compiled, _Counts]] = {}


def _counts(model: Compiled) -> _Counts:
    hit = _COUNTS.get(id(model))
    if hit is not None and hit[0] is model:
        return hit[1]
    known: tuple[Status, ...] = ("present", "absent")  # the statuses a finding's ratios are compiled for
    findings = {
        fid: {
            value: tuple(
                ((model.category[fid], root), Counted(model.category[fid], fid, model.names[fid], value, lr, basis))
                for root, (lr, basis) in by_status[value].items()
            )
            for value in known
            if value in by_status
        }
        for fid, by_status in model.ratios.items()
    }
    region_basis = {
        (kind, root): f"overlap with the {model.labels[root]} territory ({default.sources[0].source})"
        for kind, default in model.region_default.items()
        for root in (model.pain_territory if kind == "pain_region" else model.sensory_territory)
    }
    counts = _Counts(findings, region_basis)
    _COUNTS[id(model)] = (model, counts)
    return counts


def _marked(
    model: Compiled, counts: _Counts, kind: str, regions: frozenset[str]
) -> tuple[tuple[tuple[str, str], Counted], ...]:
    """Each root's overlap ratio for one kind of region mark and the marked regions (none without a default)."""
    default = model.region_default.get(kind)
    if default is None:
        return ()
    territories = model.pain_territory if kind == "pain_region" else model.sensory_territory
    marked = ", ".join(model.region_names.get(r, r) for r in sorted(regions))
    name = f"{'pain' if kind == 'pain_region' else 'numbness or tingling'} in {marked}"
    return tuple(
        (
            (kind, root),
            Counted(
                kind,
                kind,
                name,
                "present",
                _region_ratio(regions, territory, default.lr_negative, default.lr_positive),
                counts.region_basis[kind, root],
            ),
        )
        for root, territory in territories.items()
    )


def root_likelihoods(
    model: Compiled, status: Mapping[str, Status], pain: set[str], sensory: set[str], named: Iterable[str] = ()
) -> Localisation:
    """The numeric core: strongest supporting and opposing ratio per kind of finding, per root (`named`: the roots
    the note names as affected)."""
    candidates: dict[tuple[str, str], list[Counted]] = {}
    counts = _counts(model)
    for fid, value in status.items():
        if value in UNASSESSED or fid not in counts.findings:
            continue
        for key, entry in counts.findings[fid][value]:
            candidates.setdefault(key, []).append(entry)
    for kind, marks in (("pain_region", pain), ("sensory_region", sensory)):
        regions = frozenset(marks - NONSPECIFIC_REGIONS)
        if not regions:
            continue
        ratios = counts.marks.get((kind, regions))
        if ratios is None:
            if len(counts.marks) >= MARKS_LIMIT:
                counts.marks.clear()
            ratios = counts.marks[kind, regions] = _marked(model, counts, kind, regions)
        for key, entry in ratios:
            candidates.setdefault(key, []).append(entry)
    for root in sorted(set(named) & model.named.keys()):
        lr, basis = model.named[root]
        name = f"{model.names.get(NAMED_ROOT, 'root named')}: {model.labels[root]}"
        candidates.setdefault((NAMED_ROOT, root), []).append(
            Counted(NAMED_ROOT, NAMED_ROOT, name, "present", lr, basis)
        )
    likelihood: dict[str, float] = dict.fromkeys(ROOT_IDS, 1.0)
    counted: dict[str, list[Counted]] = {r: [] for r in ROOT_IDS}
    for (_, root), items in candidates.items():
        if len(items) == 1:  # most kinds of finding have one ratio for a root
            chosen = items if items[0].lr > 1 or items[0].lr < 1 else []
        else:
            ups = [c for c in items if c.lr > 1]
            downs = [c for c in items if c.lr < 1]
            chosen = ([max(ups, key=lambda c: c.lr)] if ups else []) + (
                [min(downs, key=lambda c: c.lr)] if downs else []
            )
        for c in chosen:
            likelihood[root] *= c.lr
            counted[root].append(c)
    return Localisation(likelihood=likelihood, prior=model.prior, counted=counted)


LOCALISATIONS_LIMIT = 1024
"""Localisations kept per compiled knowledge base (`_Counts.localised`, a few KB each with their marginals and
explanations); past this the store starts again."""


def localise(case: Case, evidence: Evidence, kb: KnowledgeBase) -> Localisation:
    """Likelihood of each root from every known finding and the body-map marks of a case, kept per all it reads
    (shared read-only by the cases that give the same)."""
    model = compile_kb(kb)
    counts = _counts(model)
    read = counts.findings
    pain = {m.region for m in case.pain_regions}
    sensory = {m.region for m in case.sensory_regions}
    named = {n.root for n in case.named_roots}
    key = (
        tuple(item for item in evidence.status.items() if item[1] not in UNASSESSED and item[0] in read),
        frozenset(pain - NONSPECIFIC_REGIONS),
        frozenset(sensory - NONSPECIFIC_REGIONS),
        frozenset(named & model.named.keys()),
    )
    build = partial(root_likelihoods, model, evidence.status, pain, sensory, named)
    return kept(counts.localised, LOCALISATIONS_LIMIT, key, build)


EVIDENCE_LIMIT = 4096
"""Evidence items kept built (one per counted ratio and sides: a few hundred for the findings, more for the region
marks' combinations); past this the store starts again."""
_EVIDENCE: dict[tuple[str, str, str, float, str, tuple[str, ...]], EvidenceItem] = {}


def _evidence(c: Counted, side: tuple[str, ...]) -> EvidenceItem:
    """The evidence item of a counted ratio on these sides, built once and shared by every case (read-only)."""
    key = (c.finding, c.name, c.status, c.lr, c.basis, side)
    found = _EVIDENCE.get(key)
    if found is None:
        if len(_EVIDENCE) >= EVIDENCE_LIMIT:
            _EVIDENCE.clear()
        found = _EVIDENCE[key] = EvidenceItem.built(
            finding=c.finding,
            name=c.name,
            status="present" if c.status == "present" else "absent",
            lr=round(c.lr, 3),
            basis=c.basis,
            side=list(side),
        )
    return found


def explain(loc: Localisation, evidence: Evidence, root: str) -> tuple[list[EvidenceItem], list[EvidenceItem]]:
    """Findings for and against one root, strongest first (kept on the localisation per the sides of its findings;
    the lists are shared read-only)."""
    counted = loc.counted[root]
    sides = evidence.sides
    key = (root, tuple(sides.get(c.finding) for c in counted))
    found = loc._explained.get(key)
    if found is None:
        items = sorted(counted, key=lambda c: -abs(math.log(c.lr)))
        made = [_evidence(c, tuple(sorted(sides[c.finding])) if c.finding in sides else ()) for c in items]
        found = loc._explained[key] = ([e for e in made if e.lr > 1], [e for e in made if e.lr < 1])
    return found


def trace(loc: Localisation, kb: KnowledgeBase) -> list[TraceEntry]:
    """Every ratio counted, and the priors, for the clinician to check."""
    entries = [
        TraceEntry.built(
            kind="ratio",
            detail=f"{root.upper()}: {c.name} {c.status} × {c.lr:.2f} ({c.basis}; strongest {c.kind} ratio counted)",
            sources=[],
        )
        for root in ROOT_IDS
        for c in loc.counted[root]
    ]
    entries.append(_prior_entry(loc.prior, kb))
    return entries


_PRIORS: dict[int, tuple[dict[str, float], KnowledgeBase, TraceEntry]] = {}


def _prior_entry(prior: dict[str, float], kb: KnowledgeBase) -> TraceEntry:
    """The trace entry of the root priors, built once per prior table (the compiled knowledge base's)."""
    hit = _PRIORS.get(id(prior))
    if hit is not None and hit[0] is prior and hit[1] is kb:
        return hit[2]
    entry = TraceEntry(
        kind="prior",
        detail="Root priors: " + ", ".join(f"{r.upper()} {p:.2f}" for r, p in prior.items()),
        sources=[c for r in kb.entities["roots"].values() for c in r.sources[:1]],
    )
    _PRIORS[id(prior)] = (prior, kb, entry)
    return entry
