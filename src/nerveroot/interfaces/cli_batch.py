"""`nerveroot batch`: screen an archive of notes into Parquet, one row per note (local processes or Ray)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from nerveroot.errors import InputValidationError, Problem
from nerveroot.knowledge.loader import default_knowledge

err = Console(stderr=True)


def register(app: typer.Typer) -> None:
    app.command("batch")(batch)


def batch(
    notes: Annotated[Path, typer.Argument(help="JSONL file, one {'id': ..., 'text': ...} per line.")],
    out: Annotated[Path, typer.Argument(help="Output folder: part-*.parquet and _manifest.json.")],
    workers: Annotated[int | None, typer.Option(min=1, help="Worker processes (default: every core).")] = None,
    ray: Annotated[
        str | None, typer.Option(help="Ray cluster address (e.g. ray://head:10001), or 'local' to start Ray here.")
    ] = None,
    chunk_size: Annotated[int, typer.Option(min=1, max=100_000, help="Notes per Parquet part.")] = 500,
    today: Annotated[
        str | None, typer.Option(help="Date for relative dates in the notes (YYYY-MM-DD); kept on resume.")
    ] = None,
) -> None:
    """Screen every note (triage, red flags, leading root, leading condition); rerun the same command to resume
    after a crash: finished parts are kept and never written twice."""
    from nerveroot.batch.run import run_batch

    try:
        if not notes.is_file():
            raise InputValidationError([Problem("notes", f"no such file: {notes}")])
        day = datetime.date.fromisoformat(today) if today else None
        report = run_batch(notes, out, default_knowledge(), day, chunk_size, workers, ray)
    except ValueError as exc:
        err.print(f"[red]error[/red] today: {exc}", highlight=False)
        raise typer.Exit(2) from exc
    except InputValidationError as exc:
        for problem in exc.problems:
            err.print(f"[red]error[/red] {problem.path}: {problem.message}", highlight=False)
        raise typer.Exit(2) from exc
    for line in report.lines():
        typer.echo(line)
