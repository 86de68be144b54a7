"""Stepped care plan: one stance per treatment, set by the strongest source that addresses this presentation.

For each treatment the lead position is chosen among those that apply to the patient's presentation (nerve root
pain, its phase, and neurogenic claudication when present): a guideline before a systematic review before a trial,
NICE NG59 before other guidelines, the most specific population first, and a position against before one for at
equal rank. Statements about low back pain alone, or about another condition, are indirect for nerve root pain and
never set the stance. A treatment enters a stage only when its lead is a guideline that offers or considers it; it
is advised against when its lead advises against it; otherwise (no evidence, experimental, no position) it is left
out. Treatments that rest on one statement (one NICE recommendation on exercise covers aerobic, stretching and
mind-body programmes alike) are offered together in one stage, the stage most of them belong to (the earlier on a
tie), so the same advice is never repeated from stage to stage. Items are ordered by stance, then by the standing
of the source.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Literal

from nerveroot.assessment.case import Case
from nerveroot.assessment.drugs import INDIRECT, phase_of, plan_drugs
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
OFFERED = ("recommended", "consider")
_TIER = {"guideline": 0, "systematic_review": 1, "trial": 2}
_SPECIFIC = {"spinal_stenosis": 0, "sciatica": 1, "low_back_pain_and_sciatica": 2}
_STANCE = {"recommended": 0, "consider": 1, ADVISED_AGAINST: 2}


@dataclass(frozen=True)
class Presentation:
    """What decides which guideline statements apply: the phase (None when the duration is unknown) and whether
    neurogenic claudication is present."""

    phase: Literal["acute", "chronic"] | None
    stenosis: bool

    @classmethod
    def of(cls, case: Case) -> Presentation:
        return cls(phase=phase_of(case), stenosis=case.status("neurogenic_claudication") == "present")

    def applies(self, position: Position) -> bool:
        if position.population in INDIRECT or (position.population == "spinal_stenosis" and not self.stenosis):
            return False
        return self.phase is None or position.phase in ("any", self.phase)


def _tier(position: Position, kb: KnowledgeBase) -> int:
    """0 guideline, 1 systematic review, 2 trial, 3 anything else (label, seed, opinion)."""
    kinds = [kb.sources[c.source].kind for c in position.sources if c.source in kb.sources]
    return min((_TIER.get(kind, 3) for kind in kinds), default=3)


def _rank(position: Position, kb: KnowledgeBase) -> tuple[int, int, int, int]:
    return (
        _tier(position, kb),
        0 if position.body.startswith("NICE") else 1,
        _SPECIFIC.get(position.population, len(_SPECIFIC)),
        0 if position.stance == ADVISED_AGAINST else 1,
    )


def lead(treatment: Treatment, presentation: Presentation, kb: KnowledgeBase) -> Position | None:
    """The position that sets the treatment's stance for this presentation, or None when none applies."""
    applicable = [p for p in treatment.positions if presentation.applies(p)]
    return min(applicable, key=lambda p: _rank(p, kb)) if applicable else None


def _item(treatment: Treatment, position: Position) -> PlanItem:
    return PlanItem(
        id=treatment.id,
        name=treatment.name,
        detail=f"{position.body}: {position.detail}",
        stance=position.stance,
        sources=[*position.sources, *treatment.sources[:1]],
    )


def _stage_of(item: PlanItem, offered: list[tuple[str, tuple[int, ...], PlanItem]]) -> str:
    """The stage of the treatments resting on the same statement as `item` that most of them belong to (the
    earliest on a tie): one statement, one stage."""
    stages = Counter(step for step, _, other in offered if (other.stance, other.detail) == (item.stance, item.detail))
    order = list(STAGES)
    return min(stages, key=lambda stage: (-stages[stage], order.index(stage)))


Static = tuple[dict[str, PlanStep], tuple[PlanItem, ...], tuple[str, ...]]
_STATIC: dict[tuple[str, Presentation], Static] = {}


def _static(kb: KnowledgeBase, presentation: Presentation) -> Static:
    """The parts of the plan that depend only on the knowledge base and the presentation, built once each and shared
    by every plan (read-only, as the drug options are)."""
    key = (kb.content_hash, presentation)
    if key not in _STATIC:
        staged: dict[str, list[tuple[tuple[int, ...], PlanItem]]] = {stage: [] for stage in STAGES}
        avoid: list[tuple[tuple[int, ...], PlanItem]] = []
        offered: list[tuple[str, tuple[int, ...], PlanItem]] = []
        for treatment in kb.all("treatments", Treatment):
            position = lead(treatment, presentation, kb)
            if position is None or position.stance not in _STANCE:
                continue
            order: tuple[int, ...] = (_STANCE[position.stance], *_rank(position, kb))
            if position.stance == ADVISED_AGAINST:
                avoid.append((order, _item(treatment, position)))
            elif treatment.step in staged and _tier(position, kb) == 0:
                offered.append((treatment.step, order, _item(treatment, position)))
        for _, rank, item in offered:
            staged[_stage_of(item, offered)].append((rank, item))
        seek = tuple(f"{f.name}: {f.action}" for f in kb.all("red_flags", RedFlag) if f.urgency == "emergency")
        steps = {
            stage: PlanStep.built(
                stage=stage, title=STAGES[stage], items=[i for _, i in sorted(items, key=lambda x: x[0])]
            )
            for stage, items in staged.items()
        }
        _STATIC[key] = (steps, tuple(i for _, i in sorted(avoid, key=lambda x: x[0])), seek)
    return _STATIC[key]


def plan(
    case: Case, triage: Triage, kb: KnowledgeBase, startback_treatment: str | None = None, *, with_drugs: bool = True
) -> Plan:
    """Build the stepped plan from treatment stances, drug safety and red flags (`with_drugs=False`: no drug
    options, for an answer that reads them by safety profile)."""
    steps, avoid, seek = _static(kb, Presentation.of(case))
    if startback_treatment:
        matched = PlanItem(
            id="startback_matched_care",
            name="Care matched to STarT Back risk group",
            detail=startback_treatment,
            stance="consider",
            sources=[Cite(source="hill_2011", locator="matched treatment by risk group")],
        )
        shared = steps["two_to_six_weeks"]
        steps = steps | {
            shared.stage: PlanStep.built(stage=shared.stage, title=shared.title, items=[matched, *shared.items])
        }
    ordered = [steps[stage] for stage in STAGES if not (triage.level == "emergency" and stage == "first_days")]
    drugs = plan_drugs(case, kb) if with_drugs else []
    return Plan.built(steps=ordered, drugs=drugs, avoid=list(avoid), seek_care_now=list(seek))
