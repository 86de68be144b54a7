"""What free-text intake returns: the structured Case and every finding with the words it came from."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from nerveroot.assessment.case import Case, Side

FindingStatus = Literal["present", "absent", "unknown"]
Qualifier = Literal["negated", "possible", "hypothetical", "family", "historical"]
FindingKind = Literal[
    "red_flag",
    "history",
    "symptom",
    "sign",
    "strength",
    "reflex",
    "provocative",
    "sensory_region",
    "pain_region",
    "demographic",
    "course",
    "drug",
    "procedure",
    "observation",
    "other",
]


class ParsedFinding(BaseModel):
    """One finding read from the text, with its status and the exact words it came from.

    ``status`` is what reaches the Case: ``present`` or ``absent``; ``unknown`` when the text only raises the
    finding (possible, hypothetical, family, or a past episode of a current-state finding). ``qualifier`` says why.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="Finding id (fixed vocabulary), 'sensory:<region>', 'pain:<region>' or a Case field.")
    kind: FindingKind
    status: FindingStatus
    qualifier: Qualifier | None = Field(default=None, description="ConText modifier behind a non-present status.")
    text_span: str = Field(description="The words in the note this finding was read from.")
    start: int = Field(ge=0, description="Character offset of text_span in the note.")
    end: int = Field(ge=0)
    side: Side | None = None
    value: str | int | None = Field(default=None, description="Structured value: MRC grade, reflex result, age…")


class NotUnderstood(BaseModel):
    """Words the parse did not turn into a finding: a red-flag mention to confirm, or clinical words unparsed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    group: str = Field(description="Red-flag group (cauda_equina, infection, …) or 'unparsed'.")
    text: str = Field(description="The words in the note.")
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Intake(BaseModel):
    """The parsed note: a Case for the engine and the findings a user can check and correct."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    case: Case
    findings: list[ParsedFinding] = Field(default_factory=list)
    to_confirm: list[NotUnderstood] = Field(
        default_factory=list, description="Red-flag mentions not read as present or absent (also in the Case)."
    )
    unparsed: list[NotUnderstood] = Field(
        default_factory=list, description="Sentences with clinical words from which nothing was read."
    )

    def present(self) -> set[str]:
        """Ids of findings read as present."""
        return {f.id for f in self.findings if f.status == "present"}

    def status(self, finding_id: str, side: Side | None = None) -> FindingStatus:
        """Status of one finding id: present wins over absent, absent over unknown; 'unknown' when not mentioned."""
        statuses = {f.status for f in self.findings if f.id == finding_id and (side is None or f.side == side)}
        for status in ("present", "absent"):
            if status in statuses:
                return status
        return "unknown"
