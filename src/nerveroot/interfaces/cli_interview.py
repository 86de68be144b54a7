"""`nerveroot interview`: one question at a time in the terminal, red flags first, until nothing would change."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.prompt import Prompt

from nerveroot.assessment.case import Case, Side
from nerveroot.interview import (
    UNKNOWN,
    Choice,
    Outcome,
    apply_answer,
    choices,
    choose_question,
    default_questions,
    outcome,
    parse_answer,
)
from nerveroot.interview.catalogue import Audience, Question
from nerveroot.interview.regions import lexicon
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.loader import default_knowledge

LEVEL_STYLE = {"emergency": "bold red", "urgent": "red", "routine": "yellow", "self_care": "green"}


class AudienceOption(StrEnum):
    patient = "patient"
    clinician = "clinician"


def register(app: typer.Typer) -> None:
    app.command("interview")(interview_command)


def start_case(text: str | None, kb: KnowledgeBase) -> Case:
    """An empty case, or the case read from a note when the intake module is installed."""
    if not text:
        return Case()
    try:
        from nerveroot.intake import parse_note  # imported lazily: intake is optional and heavier
    except ImportError as exc:
        raise typer.BadParameter(f"--text needs the intake module, which is not available ({exc})") from exc
    return parse_note(text, kb).case


def region_names(kb: KnowledgeBase) -> str:
    """The body-map regions as a person may name them (each synonym works too)."""
    lex = lexicon(kb)
    return ", ".join(lex.names[r].lower() for r in lex.order)


def _ask(console: Console, question: Question, audience: Audience, kb: KnowledgeBase) -> str:
    """Prompt until the reply can be read (body maps: comma-separated region names, "none" or "don't know")."""
    if question.body_map:
        console.print(f"[dim]Body-map regions: {region_names(kb)}.[/dim]")
    while True:
        reply = Prompt.ask(
            f"[bold]{question.text(audience)}[/bold] [dim]({' / '.join(choices(question))})[/dim]", console=console
        )
        if reply.strip().lower() in ("help", "h") and question.help:
            console.print(question.help)
            continue
        try:
            return parse_answer(question, reply, kb)
        except ValueError as exc:
            console.print(f"[red]{exc}[/red]")


def stage_label(choice: Choice, asked: list[str]) -> str:
    """Where the interview is: a grouped red-flag screen, the follow-up of one, a single red flag, or later."""
    if choice.phase != "red_flag":
        return "narrowing down"
    if choice.question.screen:
        return "red-flag screen"
    screens = {q.id: q for q in default_questions() if q.screen}
    follows = any(a in screens and choice.question.target in screens[a].items for a in asked)
    return "red-flag follow-up" if follows else "red-flag check"


def per_leg(question: Question, case: Case) -> bool:
    """Examination findings and body maps are recorded leg by leg when both legs have symptoms."""
    return (question.exam or question.body_map) and len(set(case.sides)) == 2


def _record(
    console: Console, case: Case, question: Question, value: str, audience: Audience, kb: KnowledgeBase
) -> Case:
    if per_leg(question, case) and value != UNKNOWN:
        other: Side = "right"
        case = apply_answer(case, question, value, side="left", kb=kb)
        console.print(f"[dim]Recorded for the left leg; now the {other} leg.[/dim]")
        return apply_answer(case, question, _ask(console, question, audience, kb), side=other, kb=kb)
    return apply_answer(case, question, value, kb=kb)


def print_outcome(console: Console, result: Outcome, kb: KnowledgeBase) -> None:
    """The assessment summary: triage, top roots, top conditions and the red flags nobody assessed."""
    tri = result.triage
    console.rule("Summary")
    console.print(f"Triage: [{LEVEL_STYLE[tri.level]}]{tri.summary}[/]")
    for reason in tri.reasons:
        console.print(f"  • {reason.name}: {reason.advice}")
    if not result.complete:
        console.print(
            f"[bold]Triage is incomplete:[/bold] {len(result.not_assessed)} red flag(s) were not assessed, so this is "
            f"not a self-care result. Act at least at the '{result.act_on}' level and have a clinician ask:"
        )
        for item in result.not_assessed:
            console.print(f"  • {item.question} (could raise the level to {item.could_raise_to})")
    labels = {r: r.upper() for r, _ in result.roots}
    console.print("Most likely roots: " + ", ".join(f"{labels[r]} {p:.0%}" for r, p in result.roots))
    names = {cid: kb.entities["conditions"][cid].name for cid, _ in result.conditions}
    console.print("Leading conditions: " + ", ".join(f"{names[c]} {p:.0%}" for c, p in result.conditions))


def interview_command(
    audience: Annotated[AudienceOption, typer.Option(help="patient, or clinician (adds examination items).")] = (
        AudienceOption.patient
    ),
    text: Annotated[
        str | None, typer.Option("--text", help="Start from a free-text note; only ask what it left unknown.")
    ] = None,
    save: Annotated[Path | None, typer.Option("--save", help="Write the final Case JSON to this path.")] = None,
    margin: Annotated[
        float,
        typer.Option(
            help="Stop when no question is expected to move the leading root's probability by more than this."
        ),
    ] = 0.10,
) -> None:
    """Adaptive interview: red flags first, then the most informative question, until no answer would matter."""
    console = Console()
    kb = default_knowledge()
    who: Audience = audience.value
    case = start_case(text, kb)
    asked: list[str] = []
    console.print('[dim]Answer each question; type "don\'t know" if unsure, or "help" for an explanation.[/dim]')
    while (choice := choose_question(case, kb, who, asked, margin)) is not None:
        stage = stage_label(choice, asked)
        console.print(f"[dim]Question {len(asked) + 1} · {stage} · up to {choice.remaining} left[/dim]")
        if per_leg(choice.question, case):
            console.print("[dim]Both legs have symptoms: answer for the left leg first.[/dim]")
        value = _ask(console, choice.question, who, kb)
        case = _record(console, case, choice.question, value, who, kb)
        asked.append(choice.question.id)
    result = outcome(case, kb)
    if result.triage.level == "emergency":
        console.rule("[bold red]Emergency[/bold red]")
        for reason in result.triage.reasons:
            if reason.level == "emergency":
                console.print(f"[bold red]{reason.name}[/bold red]: {reason.advice}")
    print_outcome(console, result, kb)
    if save is not None:
        save.write_text(case.model_dump_json(indent=2, exclude_defaults=True) + "\n", encoding="utf-8")
        console.print(f"Case saved to {save}")
