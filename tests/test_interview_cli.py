"""`nerveroot interview` driven through typer's runner with scripted keyboard input."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import typer
from rich.console import Console
from rich.prompt import Prompt
from typer.testing import CliRunner

from nerveroot.assessment.case import Case
from nerveroot.interfaces import cli_interview
from nerveroot.interfaces.cli_interview import register
from nerveroot.interview import Question, default_questions
from nerveroot.knowledge.base import KnowledgeBase


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test harness: keeps `interview` as a subcommand."""

    register(app)
    return app


def test_emergency_answer_ends_with_the_emergency_advice(tmp_path: Path) -> None:
    out = tmp_path / "case.json"
    # "yes" to the cauda equina screen, then "yes" to its first item: the interview ends there
    result = CliRunner().invoke(_app(), ["interview", "--save", str(out)], input="yes\nyes\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("Question ") == 2
    assert "red-flag screen" in result.output and "red-flag follow-up" in result.output
    text = " ".join(result.output.split())
    assert "Emergency" in text and "emergency department" in text.lower()
    saved = json.loads(out.read_text())
    assert "present" in saved["red_flags"].values()


def test_unreadable_reply_is_asked_again_and_dont_know_is_accepted() -> None:
    replies = "purple\n" + "don't know\n" * 200
    result = CliRunner().invoke(_app(), ["interview"], input=replies)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())  # Rich wraps long lines
    assert "cannot read 'purple'" in text
    assert "Triage is incomplete" in text and "not a self-care result" in text


def _negative(question: Question) -> str:
    facts = {"sides": "left", "duration_days": "2 weeks", "course": "stable", "pain_score": "5", "age": "41"}
    return facts[question.target] if question.kind == "fact" else "none" if question.body_map else "no"


def test_body_map_is_answered_with_region_names(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    wording = {q.text("patient"): q for q in default_questions()}
    replies = {
        "sx_numb": ["yes"],
        "map_pain": ["front of thigh, elbow", "Front of thigh and inner shin"],
        "map_numb": ["inner shin"],
    }
    prompts: list[str] = []

    def ask(prompt: str, **_: object) -> str:
        prompts.append(prompt)
        question = next(q for text, q in wording.items() if text in prompt)
        queue = replies.get(question.id)
        return queue.pop(0) if queue else _negative(question)

    monkeypatch.setattr(Prompt, "ask", ask)
    out = tmp_path / "case.json"
    result = CliRunner().invoke(_app(), ["interview", "--save", str(out)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "not a body-map region: 'elbow'" in text and "Body-map regions: low back" in text
    assert any("body-map regions, separated by commas" in p for p in prompts)
    saved = Case.model_validate_json(out.read_text())
    assert {(m.region, m.side) for m in saved.pain_regions} == {("anterior_thigh", "left"), ("medial_leg", "left")}
    assert [m.region for m in saved.sensory_regions] == ["medial_leg"]
    assert "Most likely roots: L4" in text


def test_body_map_is_recorded_leg_by_leg(monkeypatch: pytest.MonkeyPatch, kb: KnowledgeBase) -> None:
    monkeypatch.setattr(Prompt, "ask", lambda prompt, **_: "calf")
    question = {q.id: q for q in default_questions()}["map_pain"]
    case = Case(sides=["left", "right"])
    assert cli_interview.per_leg(question, case)
    made = cli_interview._record(Console(file=io.StringIO()), case, question, "inner shin", "patient", kb)
    assert {(m.region, m.side) for m in made.pain_regions} == {("medial_leg", "left"), ("posterior_calf", "right")}
