"""Saved compiled regular expressions: a saved form rebuilds the very pattern, and a file that is not ours, or
from another engine, is never read."""

from __future__ import annotations

import marshal
import re
from pathlib import Path

import pytest

from nerveroot import regexes


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """A process that has neither loaded nor saved, with an empty `re` cache."""
    monkeypatch.setattr(regexes, "_state", {"saved": False, "loaded": False})
    monkeypatch.setattr(regexes, "_known", set())
    monkeypatch.setattr(regexes, "_used", {})
    monkeypatch.setattr(regexes, "_on_file", {})
    monkeypatch.setattr(re, "_cache", {})
    monkeypatch.setenv("NERVEROOT_SNAPSHOT", "1")


@pytest.mark.parametrize(
    "pattern",
    [
        re.compile(r"(?<!\w)(?P<num>\d+(?:\.\d+)?)\s*mg\b", re.IGNORECASE),
        re.compile(r"(?:left|right)\s+(?:leg|foot)(?!\w)"),
        re.compile(rb"^\x00+$", re.MULTILINE),
    ],
)
def test_a_saved_form_rebuilds_an_equal_pattern_that_matches_alike(pattern: re.Pattern[str]) -> None:
    form = regexes.compiled_form(pattern)
    assert form is not None
    rebuilt = regexes.from_form(*form)
    assert rebuilt == pattern and rebuilt.groupindex == pattern.groupindex
    sample = b"\x00\x00" if isinstance(pattern.pattern, bytes) else "Took 400 MG, left leg 12.5mg"
    assert [m.span() for m in rebuilt.finditer(sample)] == [m.span() for m in pattern.finditer(sample)]  # type: ignore[arg-type]


def test_patterns_used_are_saved_and_preloaded_in_the_next_process(
    fresh: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    regexes.preload(tmp_path)
    words = [f"word{n}" for n in range(regexes.NEW_TO_SAVE)]
    for word in words:
        re.compile(rf"\b{word}\b", re.I)
    assert regexes.save(tmp_path)
    assert not regexes.save(tmp_path), "once per process"
    saved = next(tmp_path.glob(f"{regexes.PREFIX}*.marshal"))
    assert saved.stat().st_mode & 0o077 == 0

    monkeypatch.setattr(regexes, "_state", {"saved": False, "loaded": False})
    monkeypatch.setattr(re, "_cache", {})
    assert regexes.preload(tmp_path) == len(words)
    compiled = re._cache[(str, r"\bword3\b", re.I.value)]  # type: ignore[attr-defined]
    assert re.compile(r"\bword3\b", re.I) is compiled and compiled.search("a WORD3 b")


def test_a_few_new_patterns_do_not_rewrite_the_file(fresh: None, tmp_path: Path) -> None:
    regexes.preload(tmp_path)
    for n in range(regexes.NEW_TO_SAVE - 1):
        re.compile(f"only{n}")
    assert not regexes.save(tmp_path)
    assert not list(tmp_path.glob("*.marshal"))


def test_a_file_others_can_write_or_a_broken_one_is_not_read(fresh: None, tmp_path: Path) -> None:
    path = regexes._path(tmp_path)
    form = regexes.compiled_form(re.compile("x+"))
    path.write_bytes(marshal.dumps([("x+", 0, form)]))
    path.chmod(0o666)
    assert regexes.preload(tmp_path) == 0
    regexes._state["loaded"] = False
    path.chmod(0o600)
    path.write_bytes(b"not marshal data")
    assert regexes.preload(tmp_path) == 0


def test_a_save_keeps_other_commands_patterns_and_those_re_evicted(
    fresh: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    regexes.preload(tmp_path)
    for n in range(regexes.NEW_TO_SAVE):
        re.compile(f"first{n}")
    monkeypatch.setattr(re, "_cache", regexes._Recording())  # re evicted them all from its bounded cache
    assert regexes.save(tmp_path)

    monkeypatch.setattr(regexes, "_state", {"saved": False, "loaded": False})
    monkeypatch.setattr(regexes, "_used", {})
    monkeypatch.setattr(re, "_cache", {})
    assert regexes.preload(tmp_path) == regexes.NEW_TO_SAVE  # saved although no longer in re's cache
    for n in range(regexes.NEW_TO_SAVE):
        re.compile(f"second{n}")
    assert regexes.save(tmp_path)

    monkeypatch.setattr(regexes, "_state", {"saved": False, "loaded": False})
    monkeypatch.setattr(re, "_cache", {})
    assert regexes.preload(tmp_path) == 2 * regexes.NEW_TO_SAVE  # the other command's patterns kept


def test_a_packed_form_rebuilds_the_same_pattern() -> None:
    pattern = re.compile(r"(?<!\w)(?P<num>\d+)\s*mg\b", re.IGNORECASE)
    form = regexes.compiled_form(pattern)
    assert form is not None
    packed = regexes._packed(form)
    assert packed is not None and isinstance(packed[2], bytes)
    assert regexes.from_form(*packed) == pattern
