"""Which present findings the assessment used: a finding of the case that changed no rule outcome, entered no root
ratio and matched no condition feature is reported as "noted, not used" instead of being dropped silently."""

from __future__ import annotations

from nerveroot.assessment.case import Case
from nerveroot.assessment.compiled import compile_kb
from nerveroot.assessment.evidence import Evidence
from nerveroot.assessment.localise import Localisation
from nerveroot.assessment.logic import evaluate
from nerveroot.assessment.result import NotedFinding, Triage
from nerveroot.assessment.workup import DEFICIT_FINDINGS, imaging_decision
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.loader import predicate_findings
from nerveroot.knowledge.models import TriageRule

_CACHE: dict[int, tuple[KnowledgeBase, frozenset[str]]] = {}


def _feature_findings(kb: KnowledgeBase) -> frozenset[str]:
    """Findings that some ranked condition weighs when present."""
    hit = _CACHE.get(id(kb))
    if hit is not None and hit[0] is kb:
        return hit[1]
    found = frozenset(
        f for c in compile_kb(kb).conditions for f, when, lr in c.features if when == "present" and lr != 1
    )
    _CACHE[id(kb)] = (kb, found)
    return found


def _changes_a_rule(finding: str, case: Case, evidence: Evidence, tri: Triage, kb: KnowledgeBase) -> bool:
    """Whether a triage rule's outcome or the imaging decision depends on this finding (present versus unknown)."""
    masked = Evidence(status={**evidence.status, finding: "unknown"}, sides=evidence.sides)
    if finding in DEFICIT_FINDINGS and imaging_decision(case, evidence, tri) != imaging_decision(case, masked, tri):
        return True
    return any(
        evaluate(rule.when, evidence, case) != evaluate(rule.when, masked, case)
        for rule in kb.all("triage_rules", TriageRule)
        if finding in set(predicate_findings(rule.when))
    )


def noted_not_used(
    case: Case, evidence: Evidence, tri: Triage, loc: Localisation, kb: KnowledgeBase
) -> list[NotedFinding]:
    """Present findings that changed nothing in this assessment (shown to the clinician as noted, not used)."""
    counted = {c.finding for items in loc.counted.values() for c in items}
    cited = {f for reason in tri.reasons for f in reason.findings}
    used = counted | cited | _feature_findings(kb)
    names = compile_kb(kb).names
    return [
        NotedFinding(finding=f, name=names.get(f, f.replace("_", " ")), status="present")
        for f, value in sorted(evidence.status.items())
        if value == "present" and f not in used and not _changes_a_rule(f, case, evidence, tri, kb)
    ]
