"""Differential: causes, serious conditions and mimics ranked by prior × feature ratios × fit of the findings.

A radicular cause (or a peripheral mimic) is weighed by how well the findings fit its roots; any other condition
by how well the marked pain and numbness regions match where it usually hurts. Must-not-miss conditions that a
fired triage rule suspects are listed first whatever their probability.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from operator import itemgetter

from nerveroot.assessment.case import Status
from nerveroot.assessment.compiled import Compiled, ConditionModel, compile_kb
from nerveroot.assessment.kept import kept
from nerveroot.assessment.localise import NONSPECIFIC_REGIONS, Localisation
from nerveroot.assessment.result import DifferentialItem, TraceEntry
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import Condition


@dataclass(frozen=True)
class Scores:
    """Unnormalised posterior weight per ranked condition and the radicular share."""

    weight: dict[str, float]
    radicular: float
    fit: dict[str, float]
    matched: dict[int, list[int]]
    """Per condition position in `Compiled.conditions`, the positions of its features the findings match."""

    def probability(self) -> dict[str, float]:
        total = sum(self.weight.values()) or 1.0
        return {c: w / total for c, w in self.weight.items()}


def region_fit(model: Compiled, cond: ConditionModel, pain: set[str], sensory: set[str]) -> float:
    """How well the marked regions match where a non-radicular condition usually hurts and makes the skin numb (same
    scale as the roots): numbness fits poorly a condition that hurts without sensory loss."""
    fit = 1.0
    for kind, marks, usual in (("pain_region", pain, cond.regions), ("sensory_region", sensory, cond.numb_regions)):
        regions = marks - NONSPECIFIC_REGIONS
        default = model.region_default.get(kind)
        if regions and default is not None:
            share = len(regions & usual) / len(regions)
            fit *= default.lr_negative + (default.lr_positive - default.lr_negative) * share
    return fit


REGION_FITS_LIMIT = 4096
"""Sets of marked regions whose fits are kept per compiled knowledge base; past this the store starts again."""


def region_fits(model: Compiled, pain: set[str], sensory: set[str]) -> tuple[float, ...]:
    """`region_fit` of each condition without fit roots, in order, kept per marked regions."""
    kept = model.region_fits
    key = (frozenset(pain - NONSPECIFIC_REGIONS), frozenset(sensory - NONSPECIFIC_REGIONS))
    found = kept.get(key)
    if found is None:
        if len(kept) >= REGION_FITS_LIMIT:
            kept.clear()
        found = kept[key] = tuple(region_fit(model, c, pain, sensory) for c in model.conditions if not c.fit_roots)
    return found


def fits(model: Compiled, loc: Localisation, pain: set[str], sensory: set[str]) -> list[float]:
    """Per condition of `model.conditions`: for a radicular cause, the findings' fit to its roots; for a peripheral
    mimic, their fit to the roots whose territory it copies, without the ratios that weigh a root lesion against any
    other cause (it explains the territory, not a positive nerve tension test or a named root); for any other
    condition, the marked regions. Each distinct marginal is read once."""
    keys, groups = model.fit_groups
    marginals = [loc.marginal(roots, leave_out) for roots, leave_out in keys]
    regional = iter(region_fits(model, pain, sensory))
    return [marginals[group] if group >= 0 else next(regional) for group in groups]


def condition_scores(
    model: Compiled, status: Mapping[str, Status], loc: Localisation, pain: set[str], sensory: set[str]
) -> Scores:
    """The numeric core: prior × matching feature ratios × fit of the findings.

    The radicular share counts each presentation once: a type of compression (a subset of stenosis or disc
    herniation, whose prior is part of theirs) is ranked but left out of both sides of the share."""
    weight: dict[str, float] = {}
    radicular = whole = 0.0
    matched = model.matched_features(status)
    fitted = fits(model, loc, pain, sensory)
    for at, (cid, prior, counts, is_radicular, ratios) in enumerate(model.scoring):
        score = prior * fitted[at]
        for nth in matched.get(at, ()):
            score *= ratios[nth]
        weight[cid] = score
        if counts:
            whole += score
            radicular += score if is_radicular else 0.0
    fit = {cond.id: value for cond, value in zip(model.conditions, fitted, strict=True)}
    return Scores(weight=weight, radicular=radicular / (whole or 1.0), fit=fit, matched=matched)


@dataclass(frozen=True)
class _Explained:
    """A condition's case-independent text: its name, role and codes, per feature the reason line and its trace
    entry, and the fit line's opening when the findings fit it well and when poorly (the ratio completes it)."""

    id: str
    name: str
    role: str
    icd10: tuple[str, ...]
    features: tuple[tuple[bool, str, TraceEntry], ...]  # per feature of the condition: for (lr ≥ 1), text, trace
    fits: tuple[str, str]
    named: dict[float, DifferentialItem] = field(default_factory=dict, compare=False)
    """Per probability below `LEADING_PROBABILITY` (at most 100 of them), the item of a condition named without its
    reasons (`differential(leading_only=True)`), shared by every case that gives it (read-only)."""


_EXPLAINED: dict[str, tuple[_Explained, ...]] = {}


def _explained(kb: KnowledgeBase, model: Compiled) -> tuple[_Explained, ...]:
    """Per condition of `model.conditions`, in its order, built once per knowledge base."""
    found = _EXPLAINED.get(kb.content_hash)
    if found is None:
        made = []
        for cm in model.conditions:
            cond = kb.get("conditions", cm.id, Condition)
            features = []
            for feature in cond.features:
                name = model.names.get(feature.finding, feature.finding)
                text = f"{name} {feature.when} (×{feature.lr:.2g}, {feature.lr_basis}): {feature.why}"
                trace = TraceEntry(kind="ratio", detail=f"{cond.name}: {text}", sources=feature.sources)
                features.append((feature.lr >= 1, text, trace))
            if cm.fit_roots:
                label = "/".join(r.upper() for r in cm.fit_roots)
                fits = (
                    f"findings fit the {label} pattern (combined ratio ×",
                    f"findings fit poorly the {label} pattern (combined ratio ×",
                )
            else:
                fits = ("marked regions match where it usually hurts (ratio ×",) * 2
            icd10 = tuple(i.code for i in cond.icd10)
            made.append(_Explained(cond.id, cond.name, cond.role, icd10, tuple(features), fits))
        found = _EXPLAINED[kb.content_hash] = tuple(made)
    return found


def _item(
    parts: _Explained, chance: float, must_not_miss: bool, why: list[str], against: list[str]
) -> DifferentialItem:
    return DifferentialItem.built(
        id=parts.id,
        name=parts.name,
        role=parts.role,
        icd10=list(parts.icd10),
        probability=chance,
        must_not_miss=must_not_miss,
        why=why,
        against=against,
    )


_FIRST_ORDER = itemgetter(0, 1, 2)
_ORDER = itemgetter(0, 1)
MUST_NOT_MISS = "must not be missed: a red-flag rule for it fired"
LEADING_PROBABILITY = 0.01
"""Conditions at or above this probability, and every one a fired rule suspects, lead the differential; the API
summary lists the others by name, code and probability only (`nerveroot.api.assess_output`)."""


Ranked = tuple[list[DifferentialItem], float, list[TraceEntry]]
DIFFERENTIALS_LIMIT = 1024
"""Differentials kept (`differential`); past this the store starts again."""
_DIFFERENTIALS: dict[tuple[object, ...], tuple[Localisation, Ranked]] = {}


def differential(
    status: Mapping[str, Status],
    loc: Localisation,
    kb: KnowledgeBase,
    pain: set[str],
    sensory: set[str],
    suspected: Mapping[str, tuple[int, int]] | None = None,
    *,
    leading_only: bool = False,
) -> Ranked:
    """`ranked_conditions`, kept per all it reads: the localisation (by identity, held while kept), the statuses
    that match a condition's feature, the marked regions (nonspecific ones left out), the suspected conditions and
    `leading_only`. The lists are shared read-only by the cases that give the same."""
    index = compile_kb(kb).feature_index
    key = (
        kb.content_hash,
        id(loc),
        frozenset(pair for pair in status.items() if pair in index),
        frozenset(pain - NONSPECIFIC_REGIONS),
        frozenset(sensory - NONSPECIFIC_REGIONS),
        frozenset(suspected.items()) if suspected else frozenset(),
        leading_only,
    )
    return kept(
        _DIFFERENTIALS,
        DIFFERENTIALS_LIMIT,
        key,
        lambda: (loc, ranked_conditions(status, loc, kb, pain, sensory, suspected, leading_only=leading_only)),
    )[1]


def ranked_conditions(
    status: Mapping[str, Status],
    loc: Localisation,
    kb: KnowledgeBase,
    pain: set[str],
    sensory: set[str],
    suspected: Mapping[str, tuple[int, int]] | None = None,
    *,
    leading_only: bool = False,
) -> Ranked:
    """Ranked conditions with the reasons for and against each, the radicular share, and the trace.

    ``suspected``: conditions a fired triage rule suspects, each with (the most urgent level suspecting it, minus
    the number of rules suspecting it); they come first, an emergency's suspicion before an urgent one's.
    ``leading_only``: reasons and trace for the leading conditions only (`LEADING_PROBABILITY`), the others' left
    empty (and their items shared), for an answer that names those without their reasons (the API summary)."""
    suspected = suspected or {}
    model = compile_kb(kb)
    scores = condition_scores(model, status, loc, pain, sensory)
    total = sum(scores.weight.values()) or 1.0  # as `Scores.probability`, in the conditions' order
    chances = [round(w / total, 4) for w in scores.weight.values()]
    matched = scores.matched
    fit_of = scores.fit
    first: list[tuple[tuple[int, int], float, str, DifferentialItem]] = []  # suspected by a fired rule
    keyed: list[tuple[float, str, DifferentialItem]] = []
    trace = []
    for at, parts in enumerate(_explained(kb, model)):
        cid = parts.id
        suspicion = suspected.get(cid) if suspected else None
        chance = chances[at]
        if leading_only and suspicion is None and chance < LEADING_PROBABILITY:
            item = parts.named.get(chance)
            if item is None:
                item = parts.named[chance] = _item(parts, chance, False, [], [])
            keyed.append((-chance, cid, item))
            continue
        why: list[str] = [] if suspicion is None else [MUST_NOT_MISS]
        against: list[str] = []
        for nth in matched.get(at, ()):
            favours, text, entry = parts.features[nth]
            (why if favours else against).append(text)
            trace.append(entry)
        ratio = fit_of[cid]
        if abs(ratio - 1) > 1e-9:
            if ratio > 1:
                why.append(f"{parts.fits[0]}{ratio:.2g})")
            else:
                against.append(f"{parts.fits[1]}{ratio:.2g})")
        if suspicion is None:
            keyed.append((-chance, cid, _item(parts, chance, False, why, against)))
        else:
            first.append((suspicion, -chance, cid, _item(parts, chance, True, why, against)))
    # suspected first (an emergency's suspicion before an urgent one's), then by probability and id
    first.sort(key=_FIRST_ORDER)
    keyed.sort(key=_ORDER)
    return [entry[3] for entry in first] + [entry[2] for entry in keyed], scores.radicular, trace
