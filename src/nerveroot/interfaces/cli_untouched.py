"""The --first-run guard shared by the commands that score evaluation sets."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer

from nerveroot.evaluation.untouched import MARKER, untouched

FirstRun = Annotated[
    bool,
    typer.Option("--first-run", help=f"Score a set listed in an {MARKER} file (its first run; then unlist it)."),
]


def refuse_untouched(paths: Iterable[Path], first_run: bool) -> None:
    """Exit 2 naming each untouched set, unless this is its first run."""
    held = [] if first_run else untouched(paths)
    for path in held:
        typer.echo(f"error {path}: listed in {MARKER}, kept for its first run; pass --first-run to spend it", err=True)
    if held:
        raise typer.Exit(2)
