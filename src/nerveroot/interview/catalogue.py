"""The question catalogue: every item the interview can ask, as validated data (questions.yaml)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from nerveroot.assessment.case import (
    HISTORY_KEYS,
    RED_FLAG_KEYS,
    SYMPTOM_KEYS,
    Movement,
    ProvocativeTest,
    ReflexName,
)
from nerveroot.errors import KnowledgeValidationError, Problem
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import Cite, Id

Kind = Literal["red_flag", "history", "symptom", "pain_map", "sensory_map", "strength", "reflex", "provocative", "fact"]
Audience = Literal["patient", "clinician"]
Fact = Literal["sides", "age", "duration_days", "course", "pain_score"]
EXAM_KINDS: frozenset[str] = frozenset({"strength", "reflex", "provocative"})
# Body-map questions: one multi-select answer (every region where it hurts, or is numb or tingles) fills the
# whole Case field named by the target, on the side(s) in Case.sides. They replace the former yes/no question per
# region (twenty regions for pain, twenty for numbness), which are not kept even as follow-ups because they add
# nothing once a map is answered: the engine has no "absent" state for a region (an unmarked region is simply not
# evidence), so "no" to a region question changes nothing, and "yes" to a region the person left unmarked would
# contradict the map they just filled in; the localiser scores the marked set as a whole (the share of marked
# regions inside each root's territory), which the map gives in one answer; and a person who answers "don't know"
# to the map is not helped by being walked through the same regions one by one.
MAP_KINDS: frozenset[str] = frozenset({"pain_map", "sensory_map"})
SIDED_KINDS: frozenset[str] = frozenset({*MAP_KINDS, *EXAM_KINDS})
_TARGETS: dict[str, frozenset[str]] = {
    "red_flag": frozenset(RED_FLAG_KEYS),
    "history": frozenset(HISTORY_KEYS),
    "symptom": frozenset(SYMPTOM_KEYS),
    "pain_map": frozenset({"pain_regions"}),
    "sensory_map": frozenset({"sensory_regions"}),
    "strength": frozenset(get_args(Movement)),
    "reflex": frozenset(get_args(ReflexName)),
    "provocative": frozenset(get_args(ProvocativeTest)),
    "fact": frozenset(get_args(Fact)),
}


class Question(BaseModel):
    """One askable item and the Case field its answer fills."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Id
    kind: Kind
    target: str = Field(
        description=(
            "Red-flag, history or symptom key; the Case region field a body map fills (pain_regions or "
            "sensory_regions); movement; reflex; provocative test; or fact."
        )
    )
    patient: str | None = Field(default=None, description="Plain wording for the patient; null for exam items.")
    clinician: str = Field(min_length=1, description="Wording for a clinician taking the history or examining.")
    help: str | None = Field(default=None, description="A short plain explanation shown on request.")
    sources: list[Cite] = Field(default_factory=list, description="Where the wording or the item comes from.")

    @model_validator(mode="after")
    def _consistent(self) -> Question:
        allowed = _TARGETS.get(self.kind)
        if allowed is not None and self.target not in allowed:
            raise ValueError(f"target {self.target!r} is not a {self.kind} item; allowed: {', '.join(sorted(allowed))}")
        if self.kind in EXAM_KINDS and self.patient is not None:
            raise ValueError("examination items are asked of clinicians only; patient wording must be null")
        if self.kind not in EXAM_KINDS and not self.patient:
            raise ValueError("questions a patient can answer need patient wording")
        return self

    @property
    def exam(self) -> bool:
        return self.kind in EXAM_KINDS

    @property
    def body_map(self) -> bool:
        """A multi-select body-map question (answer: a list of region ids or names, "none" or "don't know")."""
        return self.kind in MAP_KINDS

    def text(self, audience: Audience) -> str:
        """The wording for one audience."""
        return self.patient if audience == "patient" and self.patient else self.clinician


def _path() -> Path:
    return Path(str(resources.files("nerveroot.interview") / "questions.yaml"))


def load_questions(path: Path | None = None) -> tuple[Question, ...]:
    """Read and validate the catalogue; KnowledgeValidationError lists every problem."""
    source = path or _path()
    problems: list[Problem] = []
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeValidationError([Problem(source.name, f"cannot be read: {exc}")]) from exc
    if not isinstance(raw, list):
        raise KnowledgeValidationError([Problem(source.name, "must be a list of questions")])
    questions: list[Question] = []
    seen: dict[tuple[str, str], str] = {}
    for index, item in enumerate(raw):
        label = f"{source.name}[{item.get('id') if isinstance(item, dict) else f'#{index}'}]"
        try:
            question = Question.model_validate(item)
        except ValidationError as exc:
            problems += [
                Problem(f"{label}.{'.'.join(map(str, e['loc'])) or '(record)'}", e["msg"]) for e in exc.errors()
            ]
            continue
        key = (question.kind, question.target)
        if question.id in {q.id for q in questions}:
            problems.append(Problem(f"{label}.id", "duplicate id"))
        elif key in seen:
            problems.append(
                Problem(f"{label}.target", f"{question.kind} {question.target!r} is already asked by {seen[key]}")
            )
        else:
            seen[key] = question.id
            questions.append(question)
    if problems:
        raise KnowledgeValidationError(problems)
    return tuple(questions)


@lru_cache(maxsize=1)
def default_questions() -> tuple[Question, ...]:
    """The packaged catalogue, loaded once per process."""
    return load_questions()


def check_questions(questions: tuple[Question, ...], kb: KnowledgeBase) -> list[Problem]:
    """Cross-references against a knowledge base: cited sources and finding ids exist, body maps have regions."""
    problems: list[Problem] = []
    findings = kb.entities.get("findings", {})
    for q in questions:
        label = f"questions.yaml[{q.id}]"
        problems += [
            Problem(f"{label}.sources", f"unknown source id {c.source!r}")
            for c in q.sources
            if c.source not in kb.sources
        ]
        if q.body_map and not kb.entities.get("body_regions"):
            problems.append(Problem(f"{label}.kind", "a body-map question needs body_regions.yaml records"))
        if q.kind in ("red_flag", "history", "symptom") and q.target not in findings:
            problems.append(Problem(f"{label}.target", f"no finding record {q.target!r} in findings.yaml"))
    return problems
