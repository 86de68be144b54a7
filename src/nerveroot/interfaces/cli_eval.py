"""`nerveroot eval-vignettes`: accuracy of the assessment on the golden clinical cases."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nerveroot.evaluation.vignettes import evaluate, report
from nerveroot.knowledge.loader import default_knowledge


def register(app: typer.Typer) -> None:
    app.command("eval-vignettes")(eval_vignettes)


def eval_vignettes(
    directory: Annotated[Path, typer.Argument(help="Folder of vignette YAML files.")] = Path("tests/cases/vignettes"),
) -> None:
    """Print root, triage and differential accuracy beside published symptom-checker figures."""
    typer.echo(report(evaluate(directory, default_knowledge())))
