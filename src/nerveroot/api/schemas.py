"""Request and response models of the API that the library does not already define."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from nerveroot.assessment.case import ODI_SECTIONS, STARTBACK_ITEMS, Case, Side
from nerveroot.assessment.result import (
    Assessment,
    DifferentialItem,
    LevelSummary,
    NotAssessed,
    RootProbability,
    ToConfirm,
    Triage,
    Workup,
)
from nerveroot.interview.catalogue import Kind
from nerveroot.knowledge.models import Cite, Urgency

MAX_NOTE_CHARS = 20_000
MAX_QUESTION_CHARS = 2_000


class In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NoteIn(In):
    """A clinical note or the patient's own words, read by free-text intake."""

    text: str = Field(min_length=1, max_length=MAX_NOTE_CHARS, description="The note (plain text).")

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the note is empty")
        return value


class FindingOut(BaseModel):
    """A finding read from the note, with the words it came from (check and correct it)."""

    id: str
    status: Literal["present", "absent", "unknown"]
    text_span: str
    side: Side | None = None
    value: str | int | None = None
    qualifier: str | None = None


class AssessResult(Assessment):
    """The Assessment as `nerveroot assess --format json` prints it; `findings` only when a note was sent."""

    findings: list[FindingOut] | None = Field(default=None, description="Present only for {'text': ...} requests.")


class PlanItemRef(BaseModel):
    id: str = Field(description="Treatment id (detail and citations: the full form or /api/kb/treatments/{id}).")
    name: str
    stance: str | None


class PlanStepRef(BaseModel):
    stage: str
    title: str
    items: list[PlanItemRef]


class DrugCaution(BaseModel):
    factor: str
    effect: str


class DrugBrief(BaseModel):
    """One drug for this patient: status, dose and ceiling, present cautions and factors to check first."""

    drug_id: str
    status: str
    dose: str | None
    ceiling_mg_per_day: float | None
    cautions: list[DrugCaution] = Field(description="Safety factors present for the patient and their effect.")
    check_first: list[str] = Field(description="Safety factors not recorded: check before prescribing.")


class DrugsRef(BaseModel):
    profile: str = Field(description="Safety-profile key; the same for every patient with the same safety facts.")
    jurisdiction: Literal["UK", "US"]
    href: str = Field(description="The full options with ceilings, reasons and citations.")
    options: list[DrugBrief]


class PlanSummary(BaseModel):
    steps: list[PlanStepRef]
    drugs: DrugsRef
    avoid: list[PlanItemRef]
    seek_care_now: list[str]


class TriageReasonBrief(BaseModel):
    """A rule that fired, as the full form gives it but without its rationale (the same for every patient:
    the full form or /api/kb/triage_rules/{rule})."""

    rule: str = Field(description="Triage rule id (rationale: the full form or /api/kb/triage_rules/{rule}).")
    name: str
    group: str
    level: Urgency
    findings: list[str]
    advice: str
    sources: list[Cite]


class TriageSummary(BaseModel):
    level: Urgency
    reasons: list[TriageReasonBrief]
    not_assessed: list[NotAssessed]
    to_confirm: list[ToConfirm]
    summary: str


class ConditionBrief(BaseModel):
    id: str
    name: str
    role: str
    icd10: list[str]
    probability: float


class AssessSummary(BaseModel):
    """The default /api/assess answer: everything about the patient, case-independent parts by reference."""

    form: Literal["summary"]
    full_form: str = Field(description="Where the full Assessment is (POST the same body).")
    case_id: str | None
    kb_version: str
    kb_content_hash: str
    triage: TriageSummary
    levels: list[RootProbability]
    level_summary: LevelSummary
    sides: list[str]
    multi_level: bool
    differential: list[DifferentialItem] = Field(description="Conditions ≥ 1% and every must-not-miss one.")
    differential_other: list[ConditionBrief] = Field(description="The remaining conditions, below 1%.")
    workup: Workup
    plan: PlanSummary
    instruments: dict[str, Any]
    disclaimer: str
    findings: list[FindingOut] | None = Field(default=None, description="Present only for {'text': ...} requests.")


class AskIn(In):
    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)


OdiItem = Annotated[int, Field(strict=True, ge=0, le=5)]
StartBackItem = Annotated[int, Field(strict=True, ge=0, le=4)]


class OdiIn(In):
    answers: list[OdiItem | None] = Field(
        min_length=ODI_SECTIONS,
        max_length=ODI_SECTIONS,
        description="Ten ODI v2.1a section scores 0-5, null when unanswered (at least eight answered).",
    )


class StartBackIn(In):
    answers: list[StartBackItem] = Field(
        min_length=STARTBACK_ITEMS,
        max_length=STARTBACK_ITEMS,
        description="Items 1-8 as 0 (disagree) or 1 (agree); item 9 bothersomeness 0-4.",
    )


Audience = Literal["patient", "clinician"]
Reply = Annotated[str, Field(max_length=200)]


class NextIn(In):
    case: Case = Field(default_factory=Case)
    asked: list[str] = Field(default_factory=list, max_length=500, description="Ids of questions already asked.")
    audience: Audience = "patient"


class QuestionOut(BaseModel):
    """A catalogue question (see nerveroot.interview.Question) with its wording and the answers it accepts."""

    id: str
    kind: Kind
    target: str = Field(description="The Case item the answer fills (red-flag key, region id, movement, fact…).")
    patient: str | None = Field(description="Plain wording for the patient; null for examination items.")
    clinician: str
    help: str | None
    group: str | None = Field(default=None, description="For a grouped red-flag screen: the red-flag group it asks.")
    items: list[str] = Field(default_factory=list, description="For a grouped screen: the item targets it covers.")
    sources: list[Cite]
    exam: bool = Field(description="An examination item (asked of clinicians, answered per leg).")
    wording: str = Field(description="The wording for the requested audience.")
    choices: list[str] = Field(description="What may be answered ('a number' for typed numeric answers).")


class RootShare(BaseModel):
    root: str
    probability: float


class ConditionShare(BaseModel):
    id: str
    name: str
    probability: float


class OutcomeOut(BaseModel):
    """Where the interview stands: triage, leading roots and conditions, and red flags nobody assessed."""

    triage: Triage
    complete: bool = Field(description="False while an unassessed red flag could raise the level.")
    act_on: Urgency = Field(description="The level to act on (at least 'routine' while incomplete).")
    roots: list[RootShare]
    conditions: list[ConditionShare]
    not_assessed: list[NotAssessed]


class NextOut(BaseModel):
    question: QuestionOut | None = Field(description="The next question; null when no answer could change anything.")
    phase: Literal["red_flag", "discriminate", "done"]
    remaining: int = Field(description="Questions that could still matter (0 when done).")
    outcome: OutcomeOut


class AnswerIn(In):
    case: Case = Field(default_factory=Case)
    question_id: str = Field(min_length=1, max_length=100)
    answer: Reply | list[Reply] = Field(
        description="The reply ('yes', 'no', \"don't know\", '4', '3 weeks'…); a body map takes a list of regions."
    )
    side: Side | None = Field(default=None, description="Leg the answer is for (examination items).")


class CaseOut(BaseModel):
    case: Case


class Health(BaseModel):
    status: Literal["ok"]
    kb_version: str
    database: Literal["sqlite", "postgresql"]


class SearchHit(BaseModel):
    kind: str
    id: str
    name: str


class AssessmentIn(In):
    case: Case
