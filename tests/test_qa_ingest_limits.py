"""`nerveroot ingest` limits: size caps, linear passage splitting and clean errors for malformed PDFs."""

from __future__ import annotations

from pathlib import Path

import pytest

from nerveroot.qa import store as qa_store
from nerveroot.qa.store import DocumentStore, IngestError, passages


def test_passage_splitting_is_linear_and_unchanged_in_form() -> None:
    one_paragraph = " ".join(f"w{i}" for i in range(300_000))  # a single 300,000-word paragraph (~2 MB)
    parts = passages(one_paragraph)
    assert len(parts) == 2500 and all(len(p.split()) == 120 for p in parts)
    assert passages("a b c\n\nd e") == ["a b c d e"]
    assert passages(" ".join(["x"] * 130)) == [" ".join(["x"] * 120), " ".join(["x"] * 10)]


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer <<>>\n%%EOF", "PDF"),
        ("empty.pdf", b"", "PDF"),
        ("garbage.pdf", bytes(range(256)) * 40, "PDF"),
    ],
)
def test_malformed_pdfs_are_clean_errors(tmp_path: Path, name: str, data: bytes, words: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(IngestError, match=words):
        DocumentStore(tmp_path / "home").add(path)


def test_size_caps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.txt"
    big.write_text("word " * 3000, encoding="utf-8")
    monkeypatch.setattr(qa_store, "MAX_FILE_BYTES", 10_000)
    with pytest.raises(IngestError, match="larger than"):
        DocumentStore(tmp_path / "home").add(big)
    monkeypatch.setattr(qa_store, "MAX_FILE_BYTES", 10**9)
    monkeypatch.setattr(qa_store, "MAX_TEXT_CHARS", 1000)
    with pytest.raises(IngestError, match="characters"):
        DocumentStore(tmp_path / "home").add(big)
