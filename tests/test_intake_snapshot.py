"""The saved language pipeline: loaded when the key matches, rebuilt when unreadable or not trusted."""

from __future__ import annotations

import re
import warnings
from datetime import date
from pathlib import Path

import pytest
from spacy.language import Language

from nerveroot.intake import pipeline as module
from nerveroot.intake import snapshot
from nerveroot.intake.parse import parse_note
from nerveroot.intake.pipeline import pipeline
from nerveroot.knowledge.base import KnowledgeBase

NOTE = "No saddle anaesthesia. L leg pain to the big toe for 3 weeks, EHL 4/5 L, ankle jerk reduced on the left."


def _never() -> Language:
    raise AssertionError("built although a snapshot was there")


def test_a_saved_pipeline_is_loaded_and_reads_notes_the_same(
    tmp_path: Path, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    built = pipeline(kb)
    first = snapshot.load_or_build(kb.content_hash, lambda: built, cache)
    saved = list(cache.glob(f"{snapshot.PREFIX}*.pickle"))
    assert first is built and len(saved) == 1
    assert saved[0].stat().st_mode & 0o777 == 0o600
    loaded = snapshot.load_or_build(kb.content_hash, _never, cache)
    assert loaded is not built
    with warnings.catch_warnings():  # medspaCy's empty token Matcher, as in parse_note
        warnings.filterwarnings("ignore", message=r"\[W036\]")
        ours, theirs = loaded(NOTE), built(NOTE)
    assert [(t.text, t.is_sent_start) for t in ours] == [(t.text, t.is_sent_start) for t in theirs]
    assert [(e.start, e.end, e.label_) for e in ours.ents] == [(e.start, e.end, e.label_) for e in theirs.ents]
    assert ours.ents
    # parse_note through the snapshot in NERVEROOT_HOME gives the same intake as the pipeline built here
    expected = parse_note(NOTE, kb, today=date(2026, 1, 1)).model_dump_json()
    monkeypatch.setenv("NERVEROOT_SNAPSHOT", "1")
    monkeypatch.setenv("NERVEROOT_HOME", str(tmp_path))
    module._build.cache_clear()
    try:
        assert parse_note(NOTE, kb, today=date(2026, 1, 1)).model_dump_json() == expected
        assert module.pipeline(kb) is not built
    finally:
        module._build.cache_clear()


def test_another_key_an_unreadable_or_untrusted_snapshot_is_rebuilt(tmp_path: Path, kb: KnowledgeBase) -> None:
    built = pipeline(kb)
    snapshot.load_or_build(kb.content_hash, lambda: built, tmp_path)
    with pytest.raises(AssertionError, match="built although"):
        snapshot.load_or_build("another knowledge base", _never, tmp_path)
    assert len(list(tmp_path.glob(f"{snapshot.PREFIX}*.pickle"))) == 1, "only the newest is kept"
    path = next(tmp_path.glob(f"{snapshot.PREFIX}*.pickle"))
    path.chmod(0o666)
    with pytest.raises(AssertionError, match="built although"):
        snapshot.load_or_build("another knowledge base", _never, tmp_path)
    path.write_bytes(b"not a pickle")
    path.chmod(0o600)
    assert snapshot.load_or_build("another knowledge base", lambda: built, tmp_path) is built


def test_saved_regular_expressions_equal_fresh_compiles(tmp_path: Path, kb: KnowledgeBase) -> None:
    cache = tmp_path / "cache"
    snapshot.load_or_build(kb.content_hash, lambda: pipeline(kb), cache)
    loaded = snapshot.load_or_build(kb.content_hash, _never, cache)
    saved = [
        p
        for name in ("medspacy_target_matcher", "medspacy_context")
        for ps in module._regex_matcher(loaded.get_pipe(name))._patterns.values()
        for p in ps
    ]
    assert len(saved) > 500
    assert all(p == re.compile(p.pattern, p.flags) for p in saved)
