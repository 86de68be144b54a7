"""The document store and the `ask`, `ingest`, `qa-eval` commands, on a small knowledge base."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from nerveroot.interfaces import cli_qa
from nerveroot.knowledge import KnowledgeBase
from nerveroot.qa import ask
from nerveroot.qa.store import DocumentStore, IngestError, passages, read_text
from test_qa import MINI, write_kb

_PDF_TEXT = "Heel walking tests ankle dorsiflexion strength in L4 and L5 root lesions."


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF holding `text` (hand-built: header, 5 objects, xref table)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return write_kb(tmp_path_factory.mktemp("kb"), MINI)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NERVEROOT_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def runner(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> tuple[CliRunner, typer.Typer]:
    monkeypatch.setattr(cli_qa, "default_knowledge", lambda: kb)
    for var in ("NERVEROOT_LLM_BASE_URL", "NERVEROOT_LLM_MODEL"):
        monkeypatch.delenv(var, raising=False)
    app = typer.Typer()
    cli_qa.register(app)
    return CliRunner(), app


def test_read_text_handles_markdown_html_and_pdf(tmp_path: Path) -> None:
    md = tmp_path / "notes.md"
    md.write_text("# Clinic notes\n\nFirst paragraph.\n\nSecond paragraph.", encoding="utf-8")
    assert read_text(md)[0] == "Clinic notes"
    page = tmp_path / "page.html"
    page.write_text("<html><title>Leaflet</title><script>var x=1;</script><p>Walk daily.</p></html>", encoding="utf-8")
    title, text = read_text(page)
    assert title == "Leaflet" and "Walk daily." in text and "var x" not in text
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(minimal_pdf(_PDF_TEXT))
    assert _PDF_TEXT in read_text(pdf)[1]
    with pytest.raises(IngestError):
        read_text(tmp_path / "image.png")


def test_passages_are_bounded() -> None:
    parts = passages(" ".join(["word"] * 300) + "\n\nshort tail")
    assert [len(p.split()) for p in parts] == [120, 120, 62]


def test_store_adds_lists_dedupes_and_removes_atomically(home: Path, tmp_path: Path) -> None:
    src = tmp_path / "My Notes.txt"
    src.write_text("Heel walking checks ankle dorsiflexion strength.", encoding="utf-8")
    store = DocumentStore()
    doc = store.add(src)
    assert doc.id == "doc_my_notes" and store.add(src).id == doc.id
    assert [d.id for d in store.list()] == ["doc_my_notes"]
    assert not list((home / "documents").glob(".tmp_*"))
    store.remove(doc.id)
    assert store.list() == []
    with pytest.raises(IngestError):
        store.remove("doc_my_notes")


def test_ingested_documents_are_cited(kb: KnowledgeBase, home: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "heel.pdf"
    pdf.write_bytes(minimal_pdf(_PDF_TEXT))
    doc = DocumentStore().add(pdf)
    answer = ask("heel walking dorsiflexion L4 L5", kb, documents=DocumentStore().list())
    section = next(s for s in answer.sections if s.title == "From your documents")
    ref = next(r for r in answer.references if r.source_id == doc.id)
    assert ref.n in section.statements[0].citations and ref.url and ref.url.startswith("file://")


def test_cli_ask_markdown_and_json(runner: tuple[CliRunner, typer.Typer], home: Path) -> None:
    cli, app = runner
    result = cli.invoke(app, ["ask", "Should I take gabapentin for sciatica?"])
    assert result.exit_code == 0, result.output
    assert "## From the Guidelines" in result.output and "## References" in result.output
    result = cli.invoke(app, ["ask", "cervical radiculopathy treatment", "--format", "json"])
    data = json.loads(result.output)
    assert data["abstained"] is True and data["sections"] == [] and data["references"] == []


def test_cli_ingest_list_remove(runner: tuple[CliRunner, typer.Typer], home: Path, tmp_path: Path) -> None:
    cli, app = runner
    doc = tmp_path / "leaflet.html"
    doc.write_text("<title>Leaflet</title><p>Keep gently active with sciatica.</p>", encoding="utf-8")
    assert cli.invoke(app, ["ingest", str(doc)]).output.startswith("doc_leaflet\t1 passage(s)\tLeaflet")
    assert "doc_leaflet" in cli.invoke(app, ["ingest", "--list"]).output
    assert cli.invoke(app, ["ingest", "--remove", "doc_leaflet"]).exit_code == 0
    assert cli.invoke(app, ["ingest", "--remove", "doc_leaflet"]).exit_code == 1
    assert cli.invoke(app, ["ingest", str(tmp_path / "missing.txt")]).exit_code == 1


def test_cli_qa_eval_reports_and_checks(runner: tuple[CliRunner, typer.Typer], tmp_path: Path) -> None:
    cli, app = runner
    suite = tmp_path / "suite.yaml"
    suite.write_text(
        "- {id: a, question: 'Should I take gabapentin for sciatica?', origin: test, key_facts: [not recommended]}\n"
        "- {id: b, question: 'What helps cervical radiculopathy?', origin: test, in_scope: false}\n",
        encoding="utf-8",
    )
    beir = tmp_path / "beir"
    result = cli.invoke(app, ["qa-eval", "--suite", str(suite), "--beir", str(beir), "--write-corpus", "--check"])
    assert result.exit_code == 0, result.output
    assert "key-fact recall: 100.0% (1/1)" in result.output and "out-of-scope abstention: 100.0%" in result.output
    assert (beir / "corpus.jsonl").read_text(encoding="utf-8").count("\n") > 10
    suite.write_text(
        "- {id: c, question: 'Is gabapentin useful?', origin: test, key_facts: [banana]}\n", encoding="utf-8"
    )
    assert cli.invoke(app, ["qa-eval", "--suite", str(suite), "--beir", str(beir), "--check"]).exit_code == 1
