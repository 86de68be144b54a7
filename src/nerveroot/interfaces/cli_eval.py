"""`nerveroot eval-vignettes`: accuracy of the assessment on the golden clinical cases."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nerveroot.errors import InputValidationError
from nerveroot.interfaces.cli_untouched import FirstRun, refuse_untouched
from nerveroot.knowledge.loader import default_knowledge


def register(app: typer.Typer) -> None:
    app.command("eval-vignettes")(eval_vignettes)
    app.command("eval-published")(eval_published)


def eval_vignettes(
    directory: Annotated[Path, typer.Argument(help="Folder of vignette YAML files.")] = Path("tests/cases/vignettes"),
) -> None:
    """Print root, triage and differential accuracy beside published symptom-checker figures."""
    from nerveroot.evaluation.vignettes import evaluate, report

    typer.echo(report(evaluate(directory, default_knowledge())))


def eval_published(
    paths: Annotated[list[Path], typer.Argument(help="JSON Lines files of published cases (eval/published/).")],
    misses: Annotated[bool, typer.Option(help="List every miss after the table.")] = True,
    first_run: FirstRun = False,
) -> None:
    """Triage and root accuracy on published cases, each read as a structured note, shorthand and lay words."""
    refuse_untouched(paths, first_run)
    from nerveroot.evaluation import published

    try:
        cases = published.load_cases(paths)
    except InputValidationError as exc:
        for problem in exc.problems:
            typer.echo(f"error {problem}", err=True)
        raise typer.Exit(2) from exc
    table, runs = published.evaluate(cases, default_knowledge())
    typer.echo(published.report(table, runs, misses=misses))
