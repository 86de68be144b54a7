"""Pydantic models of stored records: what callers send (…In) and what the store returns."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationInfo, field_validator

from nerveroot.assessment.instruments import score_odi, score_startback
from nerveroot.errors import InputValidationError

Sex = Literal["female", "male", "other", "unknown"]
Instrument = Literal["odi", "startback", "nrs"]
AuditAction = Literal["create", "read", "list", "export", "import", "revoke", "authenticate", "grant", "update"]
AuditOutcome = Literal["ok", "denied", "not_found"]
Role = Literal["clinician", "admin", "integration"]
FeedbackOutcome = Literal["accepted", "overridden"]
NRS_MAX = 10
EARLIEST_BIRTH_YEAR = 1900


class In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PatientIn(In):
    """A new patient. Keep identifying detail out: a local reference is enough to find the chart."""

    reference: str | None = Field(
        default=None, min_length=1, max_length=64, description="Local chart reference; unique when given."
    )
    year_of_birth: int | None = Field(default=None, ge=EARLIEST_BIRTH_YEAR)
    sex: Sex = "unknown"

    @field_validator("year_of_birth")
    @classmethod
    def _not_future(cls, value: int | None) -> int | None:
        if value is not None and value > date.today().year:
            raise ValueError(f"must not be later than {date.today().year}")
        return value


class Patient(Out):
    id: str
    reference: str | None
    year_of_birth: int | None
    sex: Sex
    created_at: datetime


class EpisodeIn(In):
    """A new episode of care (one presentation followed over time)."""

    title: str = Field(min_length=1, max_length=200)
    started_on: date | None = None


class Episode(Out):
    id: str
    patient_id: str
    title: str
    started_on: date | None
    created_at: datetime


class StoredAssessment(Out):
    id: str
    episode_id: str
    created_at: datetime
    triage_level: str
    top_root: str = Field(description="Most probable root (l1..s1), or 'none' when not radicular.")
    top_condition: str | None = Field(description="Highest-ranked differential condition id, if any.")
    kb_version: str
    case: dict[str, Any] = Field(description="The Case as assessed (JSON).")
    assessment: dict[str, Any] = Field(description="The Assessment as returned at the time (JSON).")


class ScoreIn(In):
    """An outcome measure: ODI (10 answers), STarT Back (9 answers) or pain NRS (value 0-10)."""

    instrument: Instrument
    answers: list[StrictInt | None] | None = Field(
        default=None, validate_default=True, description="ODI: 10 × 0-5|null; STarT Back: 9 ints; NRS: null."
    )
    value: StrictInt | None = Field(default=None, validate_default=True, description="NRS 0-10; null otherwise.")
    recorded_on: date

    @field_validator("answers")
    @classmethod
    def _answers_fit(cls, answers: list[int | None] | None, info: ValidationInfo) -> list[int | None] | None:
        instrument = info.data.get("instrument")
        if instrument == "nrs":
            if answers is not None:
                raise ValueError("must be null for nrs (give value instead)")
        elif instrument is not None:
            if answers is None:
                raise ValueError(f"required for {instrument}")
            missing = [f"startback[{i}]" for i, a in enumerate(answers) if a is None]
            if instrument == "startback" and missing:
                raise ValueError(f"every STarT Back item needs an answer; missing: {', '.join(missing)}")
            try:
                if instrument == "odi":
                    score_odi(answers)
                else:
                    score_startback([a for a in answers if a is not None])
            except InputValidationError as exc:
                raise ValueError("; ".join(map(str, exc.problems))) from exc
        return answers

    @field_validator("value")
    @classmethod
    def _value_fits(cls, value: int | None, info: ValidationInfo) -> int | None:
        instrument = info.data.get("instrument")
        if instrument == "nrs" and (value is None or not 0 <= value <= NRS_MAX):
            raise ValueError(f"nrs needs a value 0-{NRS_MAX}, got {value!r}")
        if instrument in {"odi", "startback"} and value is not None:
            raise ValueError(f"must be null for {instrument}; the score is computed from answers")
        return value


class Score(Out):
    id: str
    episode_id: str
    instrument: Instrument
    value: int | float = Field(description="ODI disability %, STarT Back total, or NRS 0-10.")
    answers: list[int | None] | None
    detail: dict[str, Any] = Field(description="The instrument's full result (band, risk group, sources); {} for NRS.")
    recorded_on: date
    created_at: datetime


class EpisodeDetail(Episode):
    assessments: list[StoredAssessment]
    scores: list[Score]


class AuditEntry(Out):
    """Who touched which record and when; never any patient content."""

    id: str
    actor: str
    action: AuditAction
    entity: str = Field(description="patient, episode, assessment, score, token, cds_feedback or database.")
    entity_id: str | None = Field(description="The record; for a list, the parent whose records were listed.")
    at: datetime
    outcome: AuditOutcome = Field(default="ok", description="ok, denied (no right or no valid token) or not_found.")
    origin: Literal["local", "import"] = Field(default="local", description="import: restored from a backup.")
    seq: int | None = Field(default=None, description="Position in the chain (absent in format 1-2 backups).")
    prev_hash: str | None = Field(default=None, pattern="^[0-9a-f]{64}$")
    hash: str | None = Field(default=None, pattern="^[0-9a-f]{64}$")


class TokenInfo(Out):
    """An API token's user, age and expiry; the token itself is never stored."""

    id: str
    name: str
    created_at: datetime
    expires_at: datetime


class UserInfo(Out):
    """A named user: its role and the care teams it belongs to."""

    id: str
    name: str
    role: Role
    teams: list[str]
    created_at: datetime


class CdsFeedbackIn(BaseModel):
    """One CDS Hooks feedback item to store (kept exactly as sent: no whitespace stripping)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    service_id: str = Field(min_length=1, max_length=200)
    card: str = Field(min_length=1, max_length=200, description="The card's uuid as the service returned it.")
    outcome: FeedbackOutcome
    accepted_suggestions: list[str] = Field(default_factory=list, description="Ids of the accepted suggestions.")
    override_system: str | None = Field(default=None, max_length=500)
    override_code: str | None = Field(default=None, max_length=200)
    override_display: str | None = Field(default=None, max_length=500)
    user_comment: str | None = None
    outcome_timestamp: str = Field(max_length=40)


class CdsFeedback(Out):
    """A stored CDS Hooks feedback item; `client` is the verified CDS client that sent it."""

    id: int
    service_id: str
    card: str
    outcome: FeedbackOutcome
    accepted_suggestions: list[str]
    override_system: str | None
    override_code: str | None
    override_display: str | None
    user_comment: str | None
    outcome_timestamp: str
    client: str
    received_at: datetime
