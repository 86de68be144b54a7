"""`nerveroot interview` driven through typer's runner with scripted keyboard input."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from nerveroot.interfaces.cli_interview import register


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test harness: keeps `interview` as a subcommand."""

    register(app)
    return app


def test_emergency_answer_ends_with_the_emergency_advice(tmp_path: Path) -> None:
    out = tmp_path / "case.json"
    result = CliRunner().invoke(_app(), ["interview", "--save", str(out)], input="yes\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("Question ") == 1
    text = " ".join(result.output.split())
    assert "Emergency" in text and "emergency department" in text.lower()
    saved = json.loads(out.read_text())
    assert "present" in saved["red_flags"].values()


def test_unreadable_reply_is_asked_again_and_dont_know_is_accepted() -> None:
    replies = "maybe\n" + "don't know\n" * 200
    result = CliRunner().invoke(_app(), ["interview"], input=replies)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())  # Rich wraps long lines
    assert "cannot read 'maybe'" in text
    assert "Triage is incomplete" in text and "not a self-care result" in text
