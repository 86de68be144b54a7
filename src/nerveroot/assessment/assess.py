"""assess(case, kb) → Assessment: the pure core that every interface calls."""

from __future__ import annotations

from typing import Any

from nerveroot.assessment.case import Case
from nerveroot.assessment.compiled import compile_kb
from nerveroot.assessment.differential import differential
from nerveroot.assessment.evidence import derive_evidence
from nerveroot.assessment.instruments import score_odi, score_startback
from nerveroot.assessment.levels import other_cause_first, root_levels
from nerveroot.assessment.localise import localise
from nerveroot.assessment.localise import trace as localise_trace
from nerveroot.assessment.plan import plan
from nerveroot.assessment.result import DISCLAIMER, Assessment, TraceEntry, TriageReason
from nerveroot.assessment.triage import ORDER, triage
from nerveroot.assessment.usage import noted_not_used
from nerveroot.assessment.workup import workup
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import TriageRule

MULTI_LEVEL_SHARE = 0.25


def non_neural_emergencies(reasons: list[TriageReason], kb: KnowledgeBase) -> list[str]:
    """The emergency rules that suspect only causes that are not a nerve lesion (acute limb ischaemia, an aortic
    catastrophe: conditions neither radicular nor copying a root's territory), lower-cased, at most two."""
    non_neural = compile_kb(kb).non_neural
    names = (
        r.name[:1].lower() + r.name[1:]
        for r in reasons
        if r.level == "emergency"
        and (suspects := kb.get("triage_rules", r.rule, TriageRule).suspects)
        and set(suspects) <= non_neural
    )
    return list(dict.fromkeys(names))[:2]


def assess(case: Case, kb: KnowledgeBase, *, for_summary: bool = False) -> Assessment:
    """Triage, root level, differential, workup, plan and instrument scores for one case. `for_summary=True` leaves
    empty what the API summary does not show or reads by safety profile: the trace, the findings noted but not used,
    the reasons of the conditions that do not lead the differential, and the drug options."""
    evidence = derive_evidence(case)
    tri = triage(case, evidence, kb)
    loc = localise(case, evidence, kb)
    pain = {m.region for m in case.pain_regions}
    sensory = {m.region for m in case.sensory_regions}
    suspected: dict[str, tuple[int, int]] = {}  # condition -> (-most urgent level suspecting it, -rules suspecting it)
    for reason in tri.reasons:
        for c in kb.get("triage_rules", reason.rule, TriageRule).suspects:
            level, count = suspected.get(c, (0, 0))
            suspected[c] = (min(level, -ORDER[reason.level]), count - 1)
    ranked, rad, diff_trace = differential(evidence.status, loc, kb, pain, sensory, suspected, leading_only=for_summary)
    levels, level_summary = root_levels(loc, evidence, rad, kb)
    other_causes = non_neural_emergencies(tri.reasons, kb)
    if other_causes:
        levels, level_summary = other_cause_first(levels, level_summary, other_causes)
    instruments: dict[str, Any] = {}
    startback_treatment = None
    if case.odi is not None:
        instruments["odi"] = score_odi(case.odi).model_dump(mode="json")
    if case.startback is not None:
        startback = score_startback(case.startback)
        instruments["startback"] = startback.model_dump(mode="json")
        startback_treatment = startback.treatment
    trace: list[TraceEntry] = []
    if not for_summary:
        trace = [
            TraceEntry.built(kind="rule", detail=f"Triage rule fired: {r.name} → {r.level}", sources=list(r.sources))
            for r in tri.reasons
        ]
        trace += [*localise_trace(loc, kb), *diff_trace]
    return Assessment.built(
        case_id=case.id,
        kb_version=kb.version,
        kb_content_hash=kb.content_hash,
        triage=tri,
        levels=levels,
        level_summary=level_summary,
        sides=sorted(set(case.sides)),
        multi_level=sum(p >= MULTI_LEVEL_SHARE for p in loc.posterior().values()) > 1,
        differential=ranked,
        workup=workup(case, evidence, tri, ranked, kb),
        plan=plan(case, tri, kb, startback_treatment, with_drugs=not for_summary),
        instruments=instruments,
        trace=trace,
        noted_not_used=[] if for_summary else noted_not_used(case, evidence, tri, loc, kb),
        disclaimer=DISCLAIMER,
    )
