"""Precision and recall of free-text intake against a table of annotated sentences."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from nerveroot.assessment.case import (
    HISTORY_KEYS,
    RED_FLAG_KEYS,
    SYMPTOM_KEYS,
    Movement,
    ProvocativeTest,
    ReflexName,
)
from nerveroot.intake.models import Intake
from nerveroot.intake.parse import parse_note
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.yaml_io import load_yaml

Key = tuple[str, str, str | None]  # finding id, status, side
DEFAULT_TABLE = Path(__file__).resolve().parents[3] / "tests" / "data" / "intake_sentences.yaml"
CASE_FIELDS = ("age", "sex", "onset", "duration_days", "trigger", "course", "sides", "pain_score")


_EXAM_IDS = frozenset(
    [f"weak_{m}" for m in get_args(Movement)]
    + [f"{r}_reflex_reduced" for r in get_args(ReflexName)]
    + [f"{t}_positive" for t in get_args(ProvocativeTest)]
    + ["foot_drop", "severe_motor_deficit", "brisk_reflexes"]
)
VOCABULARY = frozenset((*RED_FLAG_KEYS, *HISTORY_KEYS, *SYMPTOM_KEYS, *_EXAM_IDS))
"""Finding ids the table annotates; extra knowledge-base findings (e.g. 'burning_pain') are not scored."""


def is_scored(key: Key) -> bool:
    return key[0] in VOCABULARY or key[0].startswith(("sensory:", "pain:"))


def _present(key: Key) -> bool:
    return key[1] == "present"


def _any(key: Key) -> bool:
    return True


def is_red_flag(key: Key) -> bool:
    return key[0] in RED_FLAG_KEYS


def is_root_localising(key: Key) -> bool:
    """Strength, reflex, sensory-region and provocative-test findings."""
    fid = key[0]
    return (
        fid.startswith("weak_")
        or fid.endswith("_reflex_reduced")
        or fid.startswith("sensory:")
        or (fid.endswith("_positive") and fid != "bilateral_leg_symptoms")
    )


@dataclass
class Score:
    """Counts for one slice of the findings."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Report:
    """Scores overall (present and absent), on present red flags and on present root-localising findings."""

    sentences: int = 0
    overall: Score = field(default_factory=Score)
    red_flags: Score = field(default_factory=Score)
    root_localising: Score = field(default_factory=Score)
    case_checks: int = 0
    case_correct: int = 0
    errors: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        rows = [f"{self.sentences} sentences"]
        for name, score in (
            ("overall (present+absent)", self.overall),
            ("red flags (present)", self.red_flags),
            ("root-localising (present)", self.root_localising),
        ):
            rows.append(
                f"{name:<28} precision {score.precision:.3f}  recall {score.recall:.3f}  "
                f"(tp {score.tp}, fp {score.fp}, fn {score.fn})"
            )
        rows.append(f"{'structured case fields':<28} {self.case_correct}/{self.case_checks} correct")
        return rows


def _keys(intake: Intake) -> set[Key]:
    return {
        (f.id, f.status, f.side)
        for f in intake.findings
        if f.status in ("present", "absent") and is_scored((f.id, f.status, f.side))
    }


def _expected(item: dict[str, Any]) -> set[Key]:
    out: set[Key] = set()
    for row in item.get("expect", []):
        fid, status, *rest = row
        out.add((fid, status, rest[0] if rest else None))
    return out


def _tally(score: Score, predicted: set[Key], expected: set[Key], keep: Callable[[Key], bool]) -> None:
    p = {k for k in predicted if keep(k)}
    e = {k for k in expected if keep(k)}
    score.tp += len(p & e)
    score.fp += len(p - e)
    score.fn += len(e - p)


def load_table(path: Path = DEFAULT_TABLE) -> list[dict[str, Any]]:
    data = load_yaml(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path} must hold a list of sentences")
    return data


def evaluate(kb: KnowledgeBase, table: list[dict[str, Any]]) -> Report:
    """Parse every sentence of the table and score the findings against the annotations."""
    report = Report()
    for i, item in enumerate(table):
        today = item.get("today")
        if isinstance(today, str):
            today = datetime.date.fromisoformat(today)
        intake = parse_note(item["text"], kb, today=today)
        predicted, expected = _keys(intake), _expected(item)
        report.sentences += 1
        _tally(report.overall, predicted, expected, _any)
        _tally(report.red_flags, predicted, expected, lambda k: _present(k) and is_red_flag(k))
        _tally(report.root_localising, predicted, expected, lambda k: _present(k) and is_root_localising(k))
        if predicted != expected:
            report.errors.append(
                f"#{i}: missed {sorted(expected - predicted, key=str)} extra {sorted(predicted - expected, key=str)}"
            )
        for name, want in (item.get("case") or {}).items():
            got = getattr(intake.case, name)
            got = got.model_dump() if hasattr(got, "model_dump") else got
            if isinstance(got, list):
                got = [g.model_dump(exclude_none=True) if hasattr(g, "model_dump") else g for g in got]
                want = [dict(w) if isinstance(w, dict) else w for w in want]
                ok = sorted(map(str, got)) == sorted(map(str, want))
            else:
                ok = got == want
            report.case_checks += 1
            report.case_correct += ok
            if not ok:
                report.errors.append(f"#{i}: case.{name} = {got!r}, expected {want!r}")
    return report
