"""`nerveroot kb …`: inspect the knowledge base."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console

from nerveroot.errors import UnknownEntityError
from nerveroot.interfaces.kb_render import render_entity, render_source
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.loader import default_knowledge
from nerveroot.knowledge.schemas import write_schemas

kb_app = typer.Typer(help="Inspect the knowledge base: entities, sources and recorded conflicts.", no_args_is_help=True)
console = Console()


def register(app: typer.Typer) -> None:
    app.add_typer(kb_app, name="kb")


def _kind_label(kind: str) -> str:
    return kind.rstrip("s").replace("_", " ")


def _source_line(kb: KnowledgeBase, source_id: str, locator: str) -> str:
    src = kb.sources[source_id]
    link = src.url or (f"https://doi.org/{src.doi}" if src.doi else "")
    return f"{src.title} ({src.authors}, {src.year}) — {locator}" + (f" {link}" if link else "")


@kb_app.command("show")
def show(name: Annotated[str, typer.Argument(help="Entity id, name, synonym, lay term or source id.")]) -> None:
    """Show one entity (or source), readable, with its sources."""
    kb = default_knowledge()
    if name in kb.sources:
        console.print(render_source(kb, name), markup=False, highlight=False)
        return
    try:
        kind, record = kb.find(name)
    except UnknownEntityError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    console.print(render_entity(kb, kind, record), markup=False, highlight=False)


@kb_app.command("search")
def search(
    text: Annotated[str, typer.Argument(help="Name, synonym or lay term.")],
    limit: Annotated[int, typer.Option(min=1, max=100)] = 10,
) -> None:
    """List entities matching a name, synonym or lay term."""
    hits = default_knowledge().search(text, limit=limit)
    if not hits:
        console.print(f"No entity matches {text!r}.")
        raise typer.Exit(1)
    for kind, record in hits:
        console.print(f"{record.id:<40} {_kind_label(kind):<12} {record.name}", markup=False, highlight=False)


@kb_app.command("conflicts")
def conflicts() -> None:
    """Every recorded disagreement between sources, with its sources."""
    kb = default_knowledge()
    count = 0
    for kind, record in kb.conflicts():
        for conflict in record.conflicts:
            count += 1
            console.print(f"\n{count}. {record.name} [{_kind_label(kind)}] — {conflict.topic}", markup=False)
            for claim in conflict.claims:
                refs = "; ".join(_source_line(kb, s.source, s.locator) for s in claim.sources)
                console.print(f"   • {claim.says}\n     ({refs})", markup=False, highlight=False)
            if conflict.guideline_position:
                console.print(f"   Guideline: {conflict.guideline_position}", markup=False)
            console.print(f"   nerveroot: {conflict.note}", markup=False)
    console.print(f"\n{count} recorded conflict(s).")


def export_payload(kb: KnowledgeBase) -> dict[str, object]:
    """The whole knowledge base as one JSON-ready document."""
    entities: list[dict[str, object]] = []
    for src in kb.sources.values():
        fields = src.model_dump(exclude_none=True)
        fields["source_kind"] = fields.pop("kind")
        entities.append(
            {
                "kind": "source",
                "name": src.title,
                "synonyms": [],
                "sources": [{"source": src.id, "locator": "whole document"}],
                **fields,
            }
        )
    for kind, records in kb.entities.items():
        entities += [{"kind": _kind_label(kind), **r.model_dump(exclude_none=True)} for r in records.values()]
    return {"version": kb.version, "content_hash": kb.content_hash, "entities": entities}


@kb_app.command("schema")
def schema(
    out: Annotated[Path | None, typer.Option(help="Directory; default: the package's schema folder.")] = None,
) -> None:
    """Write the JSON Schema of every data file (checked in CI against the committed copies)."""
    for path in write_schemas(out):
        typer.echo(str(path))


@kb_app.command("export")
def export(fmt: Annotated[Literal["json"], typer.Option("--format")] = "json") -> None:
    """Print the whole knowledge base as JSON on stdout."""
    typer.echo(json.dumps(export_payload(default_knowledge()), ensure_ascii=False, indent=1))
