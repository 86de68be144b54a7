"""assess(case, kb) → Assessment: the pure core that every interface calls."""

from __future__ import annotations

from typing import Any

from nerveroot.assessment.case import Case
from nerveroot.assessment.differential import differential
from nerveroot.assessment.evidence import derive_evidence
from nerveroot.assessment.instruments import score_odi, score_startback
from nerveroot.assessment.localise import localise
from nerveroot.assessment.plan import plan
from nerveroot.assessment.result import Assessment, RootProbability, TraceEntry
from nerveroot.assessment.triage import triage
from nerveroot.assessment.workup import workup
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import ROOT_IDS, Root

MULTI_LEVEL_SHARE = 0.25


def assess(case: Case, kb: KnowledgeBase) -> Assessment:
    """Triage, root level, differential, workup, plan and instrument scores for one case."""
    evidence = derive_evidence(case)
    tri = triage(case, evidence, kb)
    loc = localise(case, evidence, kb)
    diff = differential(evidence, loc, kb)
    posterior = loc.posterior()
    rad = diff.radicular_probability
    roots = {r.id: r for r in kb.all("roots", Root)}
    levels = [
        RootProbability(
            root=r,
            label=roots[r].level,
            probability=round(rad * posterior[r], 4),
            supporting=loc.supporting[r],
            opposing=loc.opposing[r],
        )
        for r in ROOT_IDS
    ]
    levels.append(
        RootProbability(
            root="none",
            label="Not radicular / other cause",
            probability=round(1 - rad, 4),
            supporting=[],
            opposing=[],
        )
    )
    levels.sort(key=lambda lv: -lv.probability)
    instruments: dict[str, Any] = {}
    startback_treatment = None
    if case.odi is not None:
        instruments["odi"] = score_odi(case.odi).model_dump(mode="json")
    if case.startback is not None:
        startback = score_startback(case.startback)
        instruments["startback"] = startback.model_dump(mode="json")
        startback_treatment = startback.matched_treatment
    trace = [
        TraceEntry(kind="rule", detail=f"Triage rule fired: {r.name} → {r.level}", sources=r.sources)
        for r in tri.reasons
    ]
    trace += loc.trace + diff.trace
    return Assessment(
        case_id=case.id,
        kb_version=kb.version,
        kb_content_hash=kb.content_hash,
        triage=tri,
        levels=levels,
        sides=sorted(set(case.sides)),
        multi_level=sum(p >= MULTI_LEVEL_SHARE for p in posterior.values()) > 1,
        differential=diff.items,
        workup=workup(case, evidence, tri, diff.items, kb),
        plan=plan(case, tri, kb, startback_treatment),
        instruments=instruments,
        trace=trace,
    )
