"""`nerveroot assess`: a case or a note in; a clinician report, JSON, Markdown note or patient handout out."""

from __future__ import annotations

import json
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import ValidationError
from rich.console import Console

from nerveroot.assessment.case import Case
from nerveroot.errors import InputValidationError, Problem
from nerveroot.knowledge.loader import default_knowledge

if TYPE_CHECKING:
    from nerveroot.intake import Intake

err = Console(stderr=True)
FINDING_FIELDS = {"id", "status", "text_span", "side", "value", "qualifier"}


class Format(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    fhir = "fhir"


class Audience(StrEnum):
    clinician = "clinician"
    patient = "patient"


def problems_from(exc: ValidationError, prefix: str = "") -> list[Problem]:
    """One Problem per pydantic error, with a dotted field path."""
    return [
        Problem(prefix + (".".join(str(p) for p in e["loc"]) or "(case)"), e["msg"].removeprefix("Value error, "))
        for e in exc.errors()
    ]


def _read(path: Path | None) -> str:
    if path is None or str(path) == "-":
        return sys.stdin.read()
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputValidationError([Problem(str(path), f"cannot be read: {exc.strerror}")]) from exc


def load_case(path: Path | None) -> Case:
    """Read and validate a case from a JSON file (or stdin when path is '-')."""
    raw = _read(path)
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


def read_input(case_file: Path | None, text: str | None, text_file: Path | None) -> tuple[Case, Intake | None]:
    """A Case from a JSON file, or from a note (--text, --text-file, '-' for stdin) through free-text intake."""
    if text is None and text_file is None:
        return load_case(case_file), None
    note = _read(text_file) if text_file is not None else (sys.stdin.read() if text == "-" else text or "")
    if not note.strip():
        raise InputValidationError([Problem("text", "the note is empty")])
    from nerveroot.intake import parse_note  # the language pipeline only when text is read

    intake = parse_note(note, default_knowledge(), today=date.today())
    return intake.case, intake


def findings_section(intake: Intake) -> str:
    """The findings read from the note, each with its words, so the user can check and correct them."""
    lines = ["## Read from the note (check and correct)", "| Finding | Status | Words |", "|---|---|---|"]
    for f in intake.findings:
        detail = f.status + (f" ({f.qualifier})" if f.qualifier else "") + (f", {f.side}" if f.side else "")
        lines.append(f"| {f.id} | {detail} | “{f.text_span}” |")
    return "\n".join(lines) + "\n\n"


def register(app: typer.Typer) -> None:
    app.command("assess")(assess_command)


def assess_command(
    case_file: Annotated[
        Path | None, typer.Argument(help="Case JSON file ('-' for stdin).", show_default=False)
    ] = None,
    text: Annotated[str | None, typer.Option("--text", help="A note or the patient's own words ('-': stdin).")] = None,
    text_file: Annotated[Path | None, typer.Option("--text-file", help="File holding a note.")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
    audience: Annotated[Audience, typer.Option(help="clinician report or patient handout.")] = Audience.clinician,
) -> None:
    """Assess a presentation: triage, root level, causes and mimics, workup and care plan."""
    from nerveroot.assessment.assess import assess

    kb = default_knowledge()
    try:
        case, intake = read_input(case_file, text, text_file)
    except InputValidationError as exc:
        for problem in exc.problems:
            err.print(f"[red]error[/red] {problem.path}: {problem.message}", highlight=False)
        raise typer.Exit(2) from exc
    result = assess(case, kb)
    if fmt is Format.fhir:
        from nerveroot.ehr.fhir_out import assessment_bundle, bundle_json

        typer.echo(bundle_json(assessment_bundle(case, result, kb)))
        return
    if fmt is Format.json:
        payload = result.model_dump(mode="json")
        if intake is not None:
            payload["findings"] = [f.model_dump(mode="json", include=FINDING_FIELDS) for f in intake.findings]
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    from nerveroot.interfaces.report import clinical_note, patient_handout

    body = patient_handout(result, kb) if audience is Audience.patient else clinical_note(result, kb)
    if intake is not None and audience is Audience.clinician:
        body = findings_section(intake) + body
    if fmt is Format.markdown:
        typer.echo(body)
    else:
        from rich.markdown import Markdown

        Console().print(Markdown(body))
