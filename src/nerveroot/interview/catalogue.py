"""The question catalogue: every item the interview can ask, as validated data (questions.yaml).

Grouped red-flag screens ("Since this began, have you had any of these: ...?") are red-flag questions with a
``group``. Which items a screen covers is not written by hand: it is built from red_flags.yaml when the catalogue
is loaded. Each red-flag or history item belongs to the group of the most specific red-flag record that names its
finding (fewest findings, then the higher urgency, then file order), and the screen lists the items of its group
that carry a ``phrase``, in catalogue order; its wording is the hand-written lead-in followed by those phrases, so
the wording always names exactly the items a "no to all" answer records as absent. Its sources are those of the
group's red-flag records that name its items. Symptom items (numbness, weakness) are never screened: they are red
flags only together with another finding (a cancer history), and are asked on their own while that matters.
"""

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
from nerveroot.assessment.triage import ORDER
from nerveroot.errors import KnowledgeValidationError, Problem
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import Cite, Id, RedFlag
from nerveroot.knowledge.yaml_io import load_yaml

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
SCREENED_KINDS: frozenset[str] = frozenset({"red_flag", "history"})
"""Kinds of item a grouped red-flag screen may cover."""
TABLES: dict[str, tuple[str, ...]] = {"red_flags": RED_FLAG_KEYS, "history": HISTORY_KEYS, "symptoms": SYMPTOM_KEYS}
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


class Phrase(BaseModel):
    """How a grouped red-flag screen names one of its items."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    patient: str = Field(min_length=1, description="Plain words, lower case, no final punctuation.")
    clinician: str = Field(min_length=1, description="Concise clinical words, lower case, no final punctuation.")


class Question(BaseModel):
    """One askable item and the Case field its answer fills; or a grouped red-flag screen over several items."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Id
    kind: Kind
    target: str = Field(
        default="",
        description=(
            "Red-flag, history or symptom key; the Case region field a body map fills (pain_regions or "
            "sensory_regions); movement; reflex; provocative test; or fact. A screen's target is its first "
            "red-flag item (filled in when the catalogue is built; a 'no to all' answer makes every item absent)."
        ),
    )
    group: Id | None = Field(
        default=None, description="A grouped red-flag screen: the red_flags.yaml group whose items it asks about."
    )
    items: tuple[str, ...] = Field(
        default=(), description="A screen: the red-flag and history keys it covers (built from red_flags.yaml)."
    )
    phrase: Phrase | None = Field(
        default=None, description="A red-flag or history item: how the screen of its group names it."
    )
    patient: str | None = Field(default=None, description="Plain wording for the patient; null for exam items.")
    clinician: str = Field(min_length=1, description="Wording for a clinician taking the history or examining.")
    help: str | None = Field(default=None, description="A short plain explanation shown on request.")
    sources: list[Cite] = Field(default_factory=list, description="Where the wording or the item comes from.")

    @model_validator(mode="after")
    def _consistent(self) -> Question:
        if self.group is not None:
            return self._screen_consistent()
        if self.items:
            raise ValueError("only a grouped red-flag screen (with a group) covers items")
        if self.phrase is not None and self.kind not in SCREENED_KINDS:
            raise ValueError(f"only {' and '.join(sorted(SCREENED_KINDS))} items appear in a grouped screen")
        allowed = _TARGETS.get(self.kind)
        if allowed is not None and self.target not in allowed:
            raise ValueError(f"target {self.target!r} is not a {self.kind} item; allowed: {', '.join(sorted(allowed))}")
        if self.kind in EXAM_KINDS and self.patient is not None:
            raise ValueError("examination items are asked of clinicians only; patient wording must be null")
        if self.kind not in EXAM_KINDS and not self.patient:
            raise ValueError("questions a patient can answer need patient wording")
        return self

    def _screen_consistent(self) -> Question:
        if self.kind != "red_flag" or self.phrase is not None:
            raise ValueError("a grouped screen is a red-flag question and is not itself an item of a screen")
        if not self.patient:
            raise ValueError("a grouped screen needs patient wording (its lead-in)")
        if self.target and self.target not in RED_FLAG_KEYS:
            raise ValueError(f"a screen's target must be a red-flag key, not {self.target!r}")
        unknown = [i for i in self.items if not any(i in keys for keys in TABLES.values())]
        if unknown:
            raise ValueError(f"not red-flag, history or symptom keys: {', '.join(unknown)}")
        return self

    @property
    def screen(self) -> bool:
        """A grouped red-flag screen (answers: no to all, yes, not sure, don't know)."""
        return self.group is not None

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


def load_questions(path: Path | None = None, kb: KnowledgeBase | None = None) -> tuple[Question, ...]:
    """Read and validate the catalogue and build its grouped screens from the red flags of ``kb`` (by default the
    packaged knowledge base); KnowledgeValidationError lists every problem in the file."""
    source = path or _path()
    problems: list[Problem] = []
    try:
        raw = load_yaml(source.read_text(encoding="utf-8")) or []
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
        key = (question.kind, question.target if question.group is None else f"group:{question.group}")
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
    if kb is None:
        from nerveroot.knowledge.loader import default_knowledge

        kb = default_knowledge()
    return build_screens(tuple(questions), kb)


def home_groups(kb: KnowledgeBase) -> dict[str, RedFlag]:
    """Finding → the most specific red-flag record naming it (fewest findings, higher urgency, file order)."""
    best: dict[str, RedFlag] = {}
    for flag in kb.all("red_flags", RedFlag):
        for finding in flag.findings:
            held = best.get(finding)
            if held is None or (len(flag.findings), -ORDER[flag.urgency]) < (len(held.findings), -ORDER[held.urgency]):
                best[finding] = flag
    return best


def screen_members(questions: tuple[Question, ...], kb: KnowledgeBase) -> dict[str, list[Question]]:
    """Red-flag group → the catalogue's red-flag and history items that belong to it, in catalogue order."""
    home = home_groups(kb)
    members: dict[str, list[Question]] = {}
    for q in questions:
        if q.group is None and q.kind in SCREENED_KINDS and q.target in home:
            members.setdefault(home[q.target].group, []).append(q)
    return members


def build_screens(questions: tuple[Question, ...], kb: KnowledgeBase) -> tuple[Question, ...]:
    """The catalogue with every screen's items, target, wording and sources built from ``kb``'s red flags.

    A screen covers the phrased items of its group; one that would cover fewer than two items, or no red-flag key,
    is left out (its items are then asked one by one). check_questions reports both cases.
    """
    members = screen_members(questions, kb)
    flags = kb.all("red_flags", RedFlag)
    built: list[Question] = []
    for q in questions:
        if q.group is None or q.items:  # an item, or a screen that is already built
            built.append(q)
            continue
        items = [i for i in members.get(q.group, []) if i.phrase is not None]
        keys = [i.target for i in items]
        target = next((i.target for i in items if i.kind == "red_flag"), None)
        if len(items) < 2 or target is None:
            continue
        cites = list(q.sources)
        for flag in flags:
            if flag.group == q.group and set(flag.findings) & set(keys):
                cites += [c for c in flag.sources if c not in cites]
        phrases = [i.phrase for i in items if i.phrase is not None]
        update = {
            "target": target,
            "items": tuple(keys),
            "sources": cites,
            "patient": f"{q.patient} {'; '.join(p.patient for p in phrases)}?",
            "clinician": f"{q.clinician} {'; '.join(p.clinician for p in phrases)}?",
        }
        built.append(Question.model_validate(q.model_dump() | update))
    return tuple(built)


@lru_cache(maxsize=1)
def default_questions() -> tuple[Question, ...]:
    """The packaged catalogue, loaded once per process."""
    return load_questions()


def check_questions(questions: tuple[Question, ...], kb: KnowledgeBase) -> list[Problem]:
    """Cross-references against a knowledge base: cited sources and finding ids exist, body maps have regions, and
    every red-flag group with items in the catalogue has a screen that covers all of them."""
    problems: list[Problem] = _screen_problems(questions, kb)
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


def _screen_problems(questions: tuple[Question, ...], kb: KnowledgeBase) -> list[Problem]:
    screens = {q.group: q for q in questions if q.group is not None}
    problems: list[Problem] = []
    for group, items in screen_members(questions, kb).items():
        screen = screens.get(group)
        if screen is None:
            problems.append(Problem(f"questions.yaml[{items[0].id}].group", f"red-flag group {group!r} has no screen"))
            continue
        missing = [i.id for i in items if i.target not in screen.items]
        if missing:
            problems.append(
                Problem(f"questions.yaml[{screen.id}].items", f"does not cover {', '.join(missing)} (no phrase?)")
            )
    for group, screen in screens.items():
        if not screen.items:
            problems.append(Problem(f"questions.yaml[{screen.id}].group", f"no items built for group {group!r}"))
    return problems
