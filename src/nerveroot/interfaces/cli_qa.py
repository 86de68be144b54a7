"""`nerveroot ask`, `nerveroot ingest` and `nerveroot qa-eval`: cited answers, user documents, evaluation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

import typer
import yaml

from nerveroot.errors import KnowledgeValidationError
from nerveroot.interfaces.cli_untouched import FirstRun, refuse_untouched
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.loader import default_knowledge

TARGETS = {"key_fact_recall": 0.85, "citation_validity": 1.0, "abstention_accuracy": 1.0}
"""Answer-suite targets of issue 5, checked by `qa-eval --check` and by the tests."""


def register(app: typer.Typer) -> None:
    app.command("ask")(ask_command)
    app.command("ingest")(ingest_command)
    app.command("qa-eval")(qa_eval_command)


def _kb() -> KnowledgeBase:
    try:
        return default_knowledge()
    except KnowledgeValidationError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc


def ask_command(
    question: Annotated[str, typer.Argument(help="A question about lumbar nerve root compression and its care.")],
    fmt: Annotated[Literal["markdown", "json"], typer.Option("--format", help="Markdown or JSON.")] = "markdown",
    documents: Annotated[bool, typer.Option("--docs/--no-docs", help="Also cite ingested documents.")] = True,
    llm: Annotated[
        bool, typer.Option("--llm/--no-llm", help="Rephrase with the endpoint in NERVEROOT_LLM_* env vars, if set.")
    ] = True,
    full: Annotated[bool, typer.Option("--full", help="Everything relevant, not the 150-300-word answer.")] = False,
) -> None:
    """Answer a question with cited statements from the knowledge base (or abstain)."""
    from nerveroot.qa import AskSettings, HttpChatClient, ask_default, to_json, to_markdown  # loaded per command
    from nerveroot.qa.store import DocumentStore

    docs = DocumentStore().list() if documents else []
    client = HttpChatClient.from_env() if llm else None
    try:
        answer = ask_default(question, documents=docs, client=client, settings=AskSettings(full=full))
    except KnowledgeValidationError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    typer.echo(to_json(answer) if fmt == "json" else to_markdown(answer))


def ingest_command(
    path: Annotated[Path | None, typer.Argument(help="Text, Markdown, HTML or PDF file to make citable.")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List ingested documents.")] = False,
    remove: Annotated[str | None, typer.Option("--remove", help="Remove the document with this id.")] = None,
) -> None:
    """Add a document to the local store (NERVEROOT_HOME) so `ask` can cite it; list or remove documents."""
    from nerveroot.qa.store import DocumentStore, IngestError

    store = DocumentStore()
    try:
        if remove:
            store.remove(remove)
            typer.echo(f"removed {remove}")
        elif path is not None:
            doc = store.add(path)
            typer.echo(f"{doc.id}\t{len(doc.passages)} passage(s)\t{doc.title}")
        elif not list_:
            raise IngestError("give a PATH, --list or --remove ID")
    except IngestError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    if list_:
        for doc in store.list():
            typer.echo(f"{doc.id}\t{len(doc.passages)} passage(s)\t{doc.title}\t{doc.path}")


def qa_eval_command(
    suite: Annotated[Path, typer.Option(help="Answer suite YAML.")] = Path("tests/data/qa_answers.yaml"),
    beir: Annotated[Path, typer.Option(help="BEIR directory (corpus.jsonl, queries.jsonl, qrels/).")] = Path("eval/qa"),
    write: Annotated[bool, typer.Option("--write-corpus", help="Regenerate BEIR corpus.jsonl from the KB.")] = False,
    check: Annotated[bool, typer.Option("--check", help="Exit 1 when a target or floor is missed.")] = False,
    outside: Annotated[
        Path | None, typer.Option(help="JSONL of outside questions (question, key_facts, in_scope, qtype) to score.")
    ] = None,
    detail: Annotated[Path | None, typer.Option(help="With --outside: write per-question rows here (JSONL).")] = None,
    signals: Annotated[
        Literal["fused", "lexical", "semantic"], typer.Option(help="With --outside: card-choice signals to use.")
    ] = "fused",
    semantic: Annotated[
        bool, typer.Option("--semantic", help="Load the optional MiniLM encoder (the `semantic` extra).")
    ] = False,
    first_run: FirstRun = False,
) -> None:
    """Key-fact recall, citation validity, abstention accuracy, and BEIR nDCG@10 / Recall@10; or, with
    --outside, the scores on questions written by others."""
    if outside is not None:
        refuse_untouched([outside], first_run)
    from nerveroot.qa import AskSettings, context  # the index libraries load per command
    from nerveroot.qa.evaluation import evaluate_retrieval, evaluate_suite, format_report, load_suite, write_corpus
    from nerveroot.qa.outside import evaluate_outside, format_outside, load_outside
    from nerveroot.qa.semantic import load_encoder

    encoder = None
    if semantic:
        try:
            encoder = load_encoder()
        except ImportError as exc:
            typer.echo(
                f"error: --semantic needs the optional extra: pip install 'nerveroot[semantic]' ({exc})", err=True
            )
            raise typer.Exit(2) from exc
    ctx = context(_kb(), encoder=encoder)
    if outside is not None:
        if not outside.is_file():
            typer.echo(f"error: --outside: no such file {outside}", err=True)
            raise typer.Exit(2)
        report = evaluate_outside(ctx, load_outside(outside), AskSettings(signals=signals))
        typer.echo(format_outside(report))
        if detail is not None:
            detail.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in report.rows), encoding="utf-8")
        return
    if write:
        typer.echo(f"wrote {write_corpus(ctx.statements, beir / 'corpus.jsonl')} statements to {beir / 'corpus.jsonl'}")
    suite_report = evaluate_suite(ctx, load_suite(suite)) if suite.exists() else None
    retrieval = evaluate_retrieval(ctx, beir) if (beir / "queries.jsonl").exists() else None
    typer.echo(format_report(suite_report, retrieval))
    failures = []
    if suite_report is not None:
        scores = {name: float(getattr(suite_report, name)) for name in TARGETS}
        failures += [f"{n} {scores[n]:.1%} below {floor:.0%}" for n, floor in TARGETS.items() if scores[n] < floor]
    if retrieval is not None and (beir / "expected.yaml").exists():
        floors = yaml.safe_load((beir / "expected.yaml").read_text(encoding="utf-8"))["floors"]
        got = {"nDCG@10": retrieval.ndcg_at_10, "Recall@10": retrieval.recall_at_10}
        failures += [f"{m} {got[m]:.4f} below floor {f}" for m, f in floors.items() if got[m] < f]
    for failure in failures:
        typer.echo(f"FAIL {failure}")
    if check and failures:
        raise typer.Exit(1)
