"""`nerveroot intake` and `nerveroot intake-eval`: free-text intake and its measured precision and recall."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from nerveroot.interfaces.cli_untouched import FirstRun, refuse_untouched
from nerveroot.knowledge.loader import default_knowledge

console = Console()


def register(app: typer.Typer) -> None:
    app.command("intake")(intake)
    app.command("intake-eval")(intake_eval)


def intake(
    text: Annotated[str, typer.Argument(help="Clinical note or patient's description; '-' reads stdin.")],
    today: Annotated[
        str | None, typer.Option(help="Date the note was written (YYYY-MM-DD), for 'since Monday'.")
    ] = None,
) -> None:
    """Read free text into a Case and print it with every finding and the words it came from (JSON)."""
    from nerveroot.intake import parse_note  # the language pipeline loads only for the commands that read text

    note = typer.get_text_stream("stdin").read() if text == "-" else text
    day = datetime.date.fromisoformat(today) if today else None
    result = parse_note(note, default_knowledge(), today=day)
    typer.echo(json.dumps(result.model_dump(mode="json", exclude_defaults=True), ensure_ascii=False, indent=1))


def intake_eval(
    table: Annotated[
        Path | None, typer.Option(help="YAML table of annotated sentences (default: the development table).")
    ] = None,
    show_errors: Annotated[bool, typer.Option("--errors/--no-errors", help="List every mismatch.")] = False,
    outside: Annotated[
        Path | None,
        typer.Option(help="JSON-lines file of outside material (labelled sentences or published cases) to score."),
    ] = None,
    rendering: Annotated[
        str, typer.Option(help="Which rendering of a published case to read: structured, shorthand or lay.")
    ] = "structured",
    first_run: FirstRun = False,
) -> None:
    """Precision and recall of free-text intake: overall, on red flags and on root-localising findings.

    With --outside, scores outside material instead: red flags, localising findings, durations, drugs,
    procedures and red-flag mentions silently dropped.
    """
    if outside is not None:
        from nerveroot.intake.outside import evaluate_outside

        refuse_untouched([outside], first_run)
        if rendering not in ("structured", "shorthand", "lay"):
            raise typer.BadParameter("must be structured, shorthand or lay", param_hint="--rendering")
        result = evaluate_outside(default_knowledge(), outside, rendering)
        for line in result.lines():
            console.print(line, markup=False, highlight=False)
        if show_errors:
            for error in (
                *result.errors,
                *(f"silently dropped {d}" for d in result.silently_dropped),
                *(f"false alarm {d}" for d in result.false_alarms),
            ):
                console.print(error, markup=False, highlight=False)
        return
    from nerveroot.intake.evaluate import DEFAULT_TABLE, evaluate, load_table

    report = evaluate(default_knowledge(), load_table(table or DEFAULT_TABLE))
    for line in report.lines():
        console.print(line, markup=False, highlight=False)
    if show_errors:
        for error in report.errors:
            console.print(error, markup=False, highlight=False)
