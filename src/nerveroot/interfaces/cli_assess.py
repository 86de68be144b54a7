"""`nerveroot assess`: a case in, a clinician report, JSON, Markdown note or patient handout out."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markdown import Markdown

from nerveroot.assessment.assess import assess
from nerveroot.assessment.case import Case
from nerveroot.errors import InputValidationError, Problem
from nerveroot.interfaces.report import clinical_note, patient_handout
from nerveroot.knowledge.loader import default_knowledge

err = Console(stderr=True)


class Format(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


class Audience(StrEnum):
    clinician = "clinician"
    patient = "patient"


def problems_from(exc: ValidationError, prefix: str = "") -> list[Problem]:
    """One Problem per pydantic error, with a dotted field path."""
    return [
        Problem(prefix + (".".join(str(p) for p in e["loc"]) or "(case)"), e["msg"].removeprefix("Value error, "))
        for e in exc.errors()
    ]


def load_case(path: Path | None) -> Case:
    """Read and validate a case from a JSON file (or stdin when path is '-')."""
    try:
        raw = sys.stdin.read() if path is None or str(path) == "-" else path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputValidationError([Problem(str(path), f"cannot be read: {exc.strerror}")]) from exc
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputValidationError(
            [Problem(f"line {exc.lineno} column {exc.colno}", f"invalid JSON: {exc.msg}")]
        ) from exc
    try:
        return Case.model_validate(data)
    except ValidationError as exc:
        raise InputValidationError(problems_from(exc)) from exc


def register(app: typer.Typer) -> None:
    app.command("assess")(assess_command)


def assess_command(
    case_file: Annotated[
        Path | None, typer.Argument(help="Case JSON file ('-' for stdin).", show_default=False)
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
    audience: Annotated[Audience, typer.Option(help="clinician report or patient handout.")] = Audience.clinician,
) -> None:
    """Assess a presentation: triage, root level, causes and mimics, workup and care plan."""
    kb = default_knowledge()
    try:
        case = load_case(case_file)
    except InputValidationError as exc:
        for problem in exc.problems:
            err.print(f"[red]error[/red] {problem.path}: {problem.message}", highlight=False)
        raise typer.Exit(2) from exc
    result = assess(case, kb)
    if fmt is Format.json:
        typer.echo(result.model_dump_json(indent=2))
        return
    text = patient_handout(result, kb) if audience is Audience.patient else clinical_note(result, kb)
    if fmt is Format.markdown:
        typer.echo(text)
    else:
        Console().print(Markdown(text))
