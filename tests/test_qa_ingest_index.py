"""The ingest index: adding a document parses no other stored document, listing parses each file once per
version, a store written before the digest markers still dedupes, and a removed document can be added again."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from nerveroot.qa.store import _LISTED, _READ, Document, DocumentStore


def _file(folder: Path, n: int) -> Path:
    path = folder / f"guide {n}.txt"
    path.write_text(f"Guideline {n}: heel walking tests ankle dorsiflexion, section {n}.", encoding="utf-8")
    return path


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts document files parsed."""
    calls: list[int] = []
    original = Document.model_validate_json

    def counting(data: bytes | str) -> Document:
        calls.append(1)
        return original(data)

    monkeypatch.setattr(Document, "model_validate_json", counting)
    return calls


def test_adding_reads_no_other_document_and_listing_parses_each_once(tmp_path: Path, parsed: list[int]) -> None:
    store = DocumentStore(tmp_path / "home")
    for n in range(12):
        store.add(_file(tmp_path, n))
    assert len(store.list()) == 12 and parsed == []  # this process wrote them: nothing to parse
    _READ.clear()  # as in a new process (an API worker)
    _LISTED.clear()
    assert len(DocumentStore(tmp_path / "home").list()) == 12 and len(parsed) == 12  # each file parsed once
    assert len(DocumentStore(tmp_path / "home").list()) == 12 and len(parsed) == 12  # the next looks parse none
    assert store.add(_file(tmp_path, 3)).id == "doc_guide_3"  # same content: the stored document, no parse
    assert len(parsed) == 12


def test_a_store_without_digest_markers_still_dedupes(tmp_path: Path) -> None:
    store = DocumentStore(tmp_path / "home")
    first = store.add(_file(tmp_path, 1))
    shutil.rmtree(store.root / "sha256")  # as written before the markers existed
    assert DocumentStore(tmp_path / "home").add(_file(tmp_path, 1)) == first
    assert (store.root / "sha256" / first.sha256).read_text(encoding="utf-8") == first.id


def test_removed_then_added_again_is_a_new_document(tmp_path: Path) -> None:
    store = DocumentStore(tmp_path / "home")
    first = store.add(_file(tmp_path, 1))
    other = store.add(_file(tmp_path, 2))
    store.remove(first.id)
    assert [d.id for d in store.list()] == [other.id]
    again = store.add(_file(tmp_path, 1))
    assert again.id == first.id and again.sha256 == first.sha256
    assert [d.id for d in DocumentStore(tmp_path / "home").list()] == [first.id, other.id]


def test_a_stale_marker_does_not_hide_new_content(tmp_path: Path) -> None:
    store = DocumentStore(tmp_path / "home")
    doc = store.add(_file(tmp_path, 1))
    (store.root / f"{doc.id}.json").unlink()  # an interrupted removal: the marker outlives its document
    assert store.add(_file(tmp_path, 1)).id == doc.id
    assert [d.id for d in store.list()] == [doc.id]


def test_a_settled_listing_is_reused_until_the_folder_changes(tmp_path: Path, parsed: list[int]) -> None:
    store = DocumentStore(tmp_path / "home")
    store.add(_file(tmp_path, 1))
    past = time.time() - 60
    os.utime(store.root, (past, past))  # the folder's last change is long before the next listing
    _READ.clear()
    _LISTED.clear()
    store = DocumentStore(tmp_path / "home")  # as in a new process
    assert len(store.list()) == 1 and len(parsed) == 1
    (store.root / "doc_guide_1.json").unlink()
    os.utime(store.root, (past, past))  # a change the folder's stamp does not show is not seen...
    assert len(store.list()) == 1 and len(parsed) == 1  # ...the settled listing is reused, nothing read
    other = DocumentStore(tmp_path / "home").add(_file(tmp_path, 2))  # a real change moves the stamp
    assert [d.id for d in store.list()] == [other.id]
