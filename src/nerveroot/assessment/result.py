"""The Assessment: everything nerveroot concludes about one case, with the basis of each statement."""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

from nerveroot.assessment.construct import construct
from nerveroot.assessment.drugs import PlanDrug
from nerveroot.knowledge.models import Cite, Urgency

DISCLAIMER = (
    "nerveroot supports clinical decisions; it does not replace examination and judgement by a qualified clinician."
)


class Out(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True, serialize_by_alias=True)

    @classmethod
    def built(cls, **fields: Any) -> Self:
        """An instance from every field (by name, in declaration order, none left to its default) as the core has
        already made it, each of its declared type (a float a float, a list a list): no second validation pass, as
        `model_construct` but at half the cost of validating. Tests hold every Assessment to what validation would
        make of it; the API summary copies some instances' fields as they stand (`nerveroot.api.assess_output`)."""
        return construct(cls, fields)


class TriageReason(Out):
    rule: str
    name: str
    group: str
    level: Urgency
    findings: list[str]
    rationale: str
    advice: str
    sources: list[Cite]


class NotAssessed(Out):
    red_flag: str = Field(description="Red-flag record id.")
    name: str
    group: str
    question: str
    findings: list[str] = Field(description="Finding ids not assessed: not asked, or asked and unsure.")
    unsure: list[str] = Field(default_factory=list, description="Those of `findings` asked, with the answer unsure.")
    could_raise_to: Urgency


class ToConfirm(Out):
    group: str = Field(description="Red-flag group the words may belong to.")
    text: str = Field(description="The words as written.")


class Triage(Out):
    level: Urgency
    reasons: list[TriageReason]
    not_assessed: list[NotAssessed]
    to_confirm: list[ToConfirm] = Field(
        default_factory=list, description="Red-flag mentions not understood: a clinician must confirm them."
    )
    summary: str


class EvidenceItem(Out):
    finding: str
    name: str
    status: Literal["present", "absent"]
    lr: float = Field(description="Likelihood ratio applied (after capping).")
    basis: str = Field(description="Published figure or default, with its source id.")
    side: list[str] = Field(default_factory=list)


class RootProbability(Out):
    root: str = Field(description="l1..s1, or 'none' for not radicular / other cause.")
    label: str
    probability: float
    supporting: list[EvidenceItem] = Field(alias="for")
    opposing: list[EvidenceItem] = Field(alias="against")


class DifferentialItem(Out):
    id: str
    name: str
    role: str
    icd10: list[str]
    probability: float
    must_not_miss: bool = Field(
        default=False, description="A fired red-flag rule suspects it: rule it out whatever its probability."
    )
    why: list[str]
    against: list[str]


class WorkupTest(Out):
    id: str
    name: str
    timing: Literal["now", "urgent", "if_persisting", "specialist"]
    why: str
    sources: list[Cite]


class Workup(Out):
    imaging_now: bool
    imaging_rule: str
    imaging_detail: str
    imaging_sources: list[Cite]
    tests: list[WorkupTest]


class PlanItem(Out):
    id: str
    name: str
    detail: str
    stance: str | None = None
    sources: list[Cite]


class PlanStep(Out):
    stage: Literal["first_days", "two_to_six_weeks", "after_six_weeks", "specialist"]
    title: str
    items: list[PlanItem]


class Plan(Out):
    steps: list[PlanStep]
    drugs: list[PlanDrug] = Field(description="Drug options with patient-specific daily ceilings.")
    avoid: list[PlanItem] = Field(description="What guidelines advise against for sciatica.")
    seek_care_now: list[str]


class TraceEntry(Out):
    kind: Literal["rule", "ratio", "prior", "note"]
    detail: str
    sources: list[Cite] = Field(default_factory=list)


class NotedFinding(Out):
    finding: str
    name: str
    status: Literal["present", "absent", "unsure"]


class LevelSummary(Out):
    """Localisation in two stages: is the pain radicular, and if so which root or roots lead."""

    radicular_probability: float = Field(description="P(a lumbosacral root lesion) from the differential.")
    leading: list[str] = Field(
        description="Roots sharing the lead (l1..s1) when radicular is more likely than not and some finding "
        "localises; empty otherwise."
    )
    level_uncertain: bool = Field(description="More than one root shares the lead: the level cannot be separated.")
    statement: str


class Assessment(Out):
    case_id: str | None
    kb_version: str
    kb_content_hash: str
    triage: Triage
    levels: list[RootProbability] = Field(
        description="Roots and 'none'. When radicular pain is more likely than not, the leading root comes first."
    )
    level_summary: LevelSummary
    sides: list[str]
    multi_level: bool
    differential: list[DifferentialItem]
    workup: Workup
    plan: Plan
    instruments: dict[str, Any]
    trace: list[TraceEntry]
    noted_not_used: list[NotedFinding] = Field(
        default_factory=list,
        description="Findings of the case that no triage rule, root ratio or condition feature uses.",
    )
    disclaimer: str = DISCLAIMER
