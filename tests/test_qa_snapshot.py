"""The saved `ask` context: built once per content hash, identical answers, rebuilt when damaged or stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from nerveroot.knowledge.loader import default_knowledge
from nerveroot.qa import QaContext, ask_default, context
from nerveroot.qa.answer import answer_question
from nerveroot.qa.snapshot import PREFIX, load_or_build, snapshot_key
from nerveroot.qa.store import Document


@pytest.fixture(scope="module")
def built() -> QaContext:
    return context(default_knowledge())


def _doc(sha: str) -> Document:
    return Document(id="doc_a", title="A", path="/tmp/a.txt", year=2024, added="2024-01-01T00:00:00Z", sha256=sha,
                    passages=["Some text."])  # fmt: skip


def test_a_snapshot_is_built_once_and_answers_the_same(built: QaContext, tmp_path: Path) -> None:
    calls: list[int] = []

    def build() -> QaContext:
        calls.append(1)
        return built

    first = load_or_build([], build, tmp_path)
    second = load_or_build([], build, tmp_path)
    assert calls == [1] and second is not built
    question = "How long does sciatica last?"
    assert answer_question(second, question) == answer_question(first, question)


def test_the_key_follows_the_documents_and_the_data(tmp_path: Path) -> None:
    assert snapshot_key([_doc("1")]) != snapshot_key([_doc("2")]) != snapshot_key([])
    (tmp_path / "sources.yaml").write_text("[]\n")
    before = snapshot_key([], tmp_path)
    (tmp_path / "sources.yaml").write_text("[] # changed\n")
    assert snapshot_key([], tmp_path) != before


def test_a_damaged_snapshot_is_rebuilt(built: QaContext, tmp_path: Path) -> None:
    (tmp_path / f"{PREFIX}{snapshot_key([])}.pickle").write_bytes(b"not a pickle")
    assert load_or_build([], lambda: built, tmp_path) is built
    assert len(list(tmp_path.glob(f"{PREFIX}*.pickle"))) == 1


def test_ask_saves_and_reuses_the_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NERVEROOT_HOME", str(tmp_path))
    monkeypatch.setenv("NERVEROOT_SNAPSHOT", "1")
    first = ask_default("Can I drive with sciatica?")
    assert list((tmp_path / "cache").glob(f"{PREFIX}*.pickle"))
    assert ask_default("Can I drive with sciatica?") == first


def test_a_snapshot_others_may_write_is_not_loaded(built: QaContext, tmp_path: Path) -> None:
    load_or_build([], lambda: built, tmp_path)
    (path,) = tmp_path.glob(f"{PREFIX}*.pickle")
    assert path.stat().st_mode & 0o777 == 0o600
    path.chmod(0o666)
    assert load_or_build([], lambda: built, tmp_path) is built, "rebuilt, not loaded"
