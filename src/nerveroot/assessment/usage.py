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

_CACHE: dict[int, tuple[KnowledgeBase, frozenset[str], dict[str, tuple[TriageRule, ...]]]] = {}


def _tables(kb: KnowledgeBase) -> tuple[frozenset[str], dict[str, tuple[TriageRule, ...]]]:
    """Findings that some ranked condition weighs when present, and per finding the triage rules that read it
    (in rule order); built once per knowledge base."""
    hit = _CACHE.get(id(kb))
    if hit is not None and hit[0] is kb:
        return hit[1], hit[2]
    found = frozenset(
        f for c in compile_kb(kb).conditions for f, when, lr in c.features if when == "present" and lr != 1
    )
    readers: dict[str, list[TriageRule]] = {}
    for rule in kb.all("triage_rules", TriageRule):
        for finding in dict.fromkeys(predicate_findings(rule.when)):
            readers.setdefault(finding, []).append(rule)
    rules = {f: tuple(r) for f, r in readers.items()}
    _CACHE[id(kb)] = (kb, found, rules)
    return found, rules


def _changes_a_rule(finding: str, case: Case, evidence: Evidence, tri: Triage, kb: KnowledgeBase) -> bool:
    """Whether a triage rule's outcome or the imaging decision depends on this finding (present versus unknown)."""
    masked = Evidence(status={**evidence.status, finding: "unknown"}, sides=evidence.sides)
    if finding in DEFICIT_FINDINGS and imaging_decision(case, evidence, tri) != imaging_decision(case, masked, tri):
        return True
    return any(
        evaluate(rule.when, evidence, case) != evaluate(rule.when, masked, case)
        for rule in _tables(kb)[1].get(finding, ())
    )


def noted_not_used(
    case: Case, evidence: Evidence, tri: Triage, loc: Localisation, kb: KnowledgeBase
) -> list[NotedFinding]:
    """Present findings that changed nothing in this assessment (shown to the clinician as noted, not used)."""
    counted = {c.finding for items in loc.counted.values() for c in items}
    cited = {f for reason in tri.reasons for f in reason.findings}
    used = counted | cited | _tables(kb)[0]
    names = compile_kb(kb).names
    return [
        NotedFinding.built(finding=f, name=names.get(f, f.replace("_", " ")), status="present")
        for f, value in sorted(evidence.status.items())
        if value == "present" and f not in used and not _changes_a_rule(f, case, evidence, tri, kb)
    ]
