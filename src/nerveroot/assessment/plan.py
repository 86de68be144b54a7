"""Stepped care plan: non-drug care first, drug options with patient ceilings, what to avoid, when to seek care."""

from __future__ import annotations

from nerveroot.assessment.case import Case
from nerveroot.assessment.drugs import plan_drugs
from nerveroot.assessment.result import Plan, PlanItem, PlanStep, Triage
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import Cite, Position, RedFlag, Treatment

STAGES = {
    "first_days": "First days: stay active, self-manage, simple measures",
    "two_to_six_weeks": "Weeks 2 to 6: structured exercise and physiotherapy",
    "after_six_weeks": "After 6 weeks without improvement: review, consider imaging and injection",
    "specialist": "Specialist: surgical opinion when care has failed and imaging matches",
}
ADVISED_AGAINST = "not_recommended"


def _lead(positions: list[Position]) -> Position | None:
    """The guideline position shown first: NICE, then ACP, then any."""
    for body in ("NICE", "ACP"):
        for position in positions:
            if position.body.startswith(body):
                return position
    return positions[0] if positions else None


def _item(treatment: Treatment, position: Position | None) -> PlanItem:
    detail = f"{position.body}: {position.detail}" if position else treatment.description
    sources = [*(position.sources if position else []), *treatment.sources[:1]]
    return PlanItem(
        id=treatment.id,
        name=treatment.name,
        detail=detail,
        stance=position.stance if position else None,
        sources=sources,
    )


_STATIC: dict[str, tuple[dict[str, tuple[PlanItem, ...]], tuple[PlanItem, ...], tuple[str, ...]]] = {}


def _static(kb: KnowledgeBase) -> tuple[dict[str, tuple[PlanItem, ...]], tuple[PlanItem, ...], tuple[str, ...]]:
    """The parts of the plan that depend only on the knowledge base, built once per knowledge-base version."""
    if kb.content_hash not in _STATIC:
        steps: dict[str, list[PlanItem]] = {stage: [] for stage in STAGES}
        avoid: list[PlanItem] = []
        for treatment in kb.all("treatments", Treatment):
            against = next((p for p in treatment.positions if p.stance == ADVISED_AGAINST), None)
            if against is not None:
                avoid.append(_item(treatment, against))
                continue
            position = _lead(treatment.positions)
            if treatment.step in steps and (position is None or position.stance in ("recommended", "consider")):
                steps[treatment.step].append(_item(treatment, position))
        seek = tuple(f"{f.name}: {f.action}" for f in kb.all("red_flags", RedFlag) if f.urgency == "emergency")
        _STATIC[kb.content_hash] = ({k: tuple(v) for k, v in steps.items()}, tuple(avoid), seek)
    return _STATIC[kb.content_hash]


def plan(case: Case, triage: Triage, kb: KnowledgeBase, startback_treatment: str | None = None) -> Plan:
    """Build the stepped plan from treatment stances, drug safety and red flags."""
    base, avoid, seek = _static(kb)
    steps = {stage: list(items) for stage, items in base.items()}
    if startback_treatment:
        steps["two_to_six_weeks"].insert(
            0,
            PlanItem(
                id="startback_matched_care",
                name="Care matched to STarT Back risk group",
                detail=startback_treatment,
                stance="consider",
                sources=[Cite(source="hill_2011", locator="matched treatment by risk group")],
            ),
        )
    stages = [stage for stage in STAGES if not (triage.level == "emergency" and stage == "first_days")]
    ordered = [PlanStep(stage=stage, title=STAGES[stage], items=steps[stage]) for stage in stages]
    return Plan(steps=ordered, drugs=plan_drugs(case, kb), avoid=list(avoid), seek_care_now=list(seek))
