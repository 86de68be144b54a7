"""Differential: causes, serious conditions and mimics ranked by prior × feature ratios × root-pattern fit."""

from __future__ import annotations

from dataclasses import dataclass

from nerveroot.assessment.evidence import Evidence
from nerveroot.assessment.localise import LR_CAP, Localisation
from nerveroot.assessment.result import DifferentialItem, TraceEntry
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import Condition

RANKED_ROLES = frozenset({"cause", "type", "mimic", "serious"})


@dataclass(frozen=True)
class Differential:
    items: list[DifferentialItem]
    radicular_probability: float
    trace: list[TraceEntry]


def differential(evidence: Evidence, localisation: Localisation, kb: KnowledgeBase) -> Differential:
    """Posterior over the ranked conditions; radicular ones also weigh how well the findings fit their roots."""
    findings = kb.entities["findings"]
    scores: dict[str, float] = {}
    why: dict[str, list[str]] = {}
    against: dict[str, list[str]] = {}
    trace: list[TraceEntry] = []
    conditions = [c for c in kb.all("conditions", Condition) if c.role in RANKED_ROLES]
    for cond in conditions:
        score = cond.prior
        why[cond.id], against[cond.id] = [], []
        for feature in cond.features:
            if evidence.get(feature.finding) != feature.when:
                continue
            lr = min(max(feature.lr, 1 / LR_CAP), LR_CAP)
            score *= lr
            name = findings[feature.finding].name if feature.finding in findings else feature.finding
            text = f"{name} {feature.when} (×{lr:.2g}, {feature.lr_basis}): {feature.why}"
            (why if lr >= 1 else against)[cond.id].append(text)
            trace.append(TraceEntry(kind="ratio", detail=f"{cond.name}: {text}", sources=feature.sources))
        if cond.roots:
            fit = localisation.marginal(list(cond.roots))
            score *= fit
            label = "/".join(r.upper() for r in cond.roots)
            note = f"findings fit a root lesion at {label} (combined ratio ×{fit:.2g})"
            (why if fit >= 1 else against)[cond.id].append(note)
        scores[cond.id] = score
    total = sum(scores.values()) or 1.0
    items = [
        DifferentialItem(
            id=c.id,
            name=c.name,
            role=c.role,
            icd10=[i.code for i in c.icd10],
            probability=round(scores[c.id] / total, 4),
            why=why[c.id],
            against=against[c.id],
        )
        for c in conditions
    ]
    items.sort(key=lambda i: (-i.probability, i.id))
    radicular = sum(scores[c.id] for c in conditions if c.roots) / total
    return Differential(items=items, radicular_probability=radicular, trace=trace)
