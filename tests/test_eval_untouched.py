"""An evaluation set listed in an UNTOUCHED file is scored only with --first-run."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from nerveroot.evaluation.untouched import untouched
from nerveroot.interfaces.cli import app

runner = CliRunner()


def _sets(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "questions").mkdir()
    held, spent = tmp_path / "questions" / "next.jsonl", tmp_path / "questions" / "old.jsonl"
    for path in (held, spent):
        path.write_text("", encoding="utf-8")
    (tmp_path / "UNTOUCHED").write_text("# kept\nquestions/next.jsonl\n", encoding="utf-8")
    return held, spent


def test_only_the_listed_sets_are_untouched(tmp_path: Path) -> None:
    held, spent = _sets(tmp_path)
    assert untouched([held, spent]) == [held]


def test_each_scoring_command_refuses_an_untouched_set_and_names_it(tmp_path: Path) -> None:
    held, _ = _sets(tmp_path)
    for args in (
        ["eval-published", str(held)],
        ["intake-eval", "--outside", str(held)],
        ["qa-eval", "--outside", str(held)],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, args
        assert str(held) in result.output and "--first-run" in result.output


def test_first_run_scores_it(tmp_path: Path) -> None:
    held, _ = _sets(tmp_path)
    result = runner.invoke(app, ["eval-published", "--first-run", "--no-misses", str(held)])
    assert result.exit_code == 0, result.output
