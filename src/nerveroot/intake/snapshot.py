"""The built language pipeline saved on disk, keyed by the content hash of what it is built from, so a command
that reads a note loads it (~0.3 s) instead of building it again (~1 s: rules checked and compiled, phrases
tokenised).

The key covers the knowledge base's content hash, the source and data files of the packages that build the
pipeline (`nerveroot.intake`, `nerveroot.knowledge`, the case vocabulary), the spaCy and medspaCy versions and
the Python version; anything else gives a new key and a rebuild. The snapshot lives in ``$NERVEROOT_HOME/cache``
next to the `ask` snapshot; only the newest is kept; one that is unreadable, not ours, or writable by others is
ignored and rebuilt. ``NERVEROOT_SNAPSHOT=0`` turns it off.

Regular expressions (~800: the target and ConText rules, the tokenizer's) are saved with their compiled form,
so loading skips Python's pure-Python regex parser (most of the load time); the Python version in the key keeps
that form valid, and a pattern whose saved form does not equal a fresh compile is saved as a plain pattern.
"""

from __future__ import annotations

import _sre
import copyreg
import hashlib
import io
import os
import pickle
import re
import stat
import sys
import tempfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from re import _compiler, _parser  # type: ignore[attr-defined]
from typing import Any

from spacy.language import Language

PREFIX = "intake-pipeline-"
_ROOT = Path(__file__).resolve().parent.parent
_SOURCES = (_ROOT / "intake", _ROOT / "knowledge")


def snapshot_key(kb_content_hash: str) -> str:
    """Hash of the knowledge base, the building code and data, the library versions and the Python version."""
    digest = hashlib.sha256(f"{sys.version}|{kb_content_hash}".encode())
    for package in ("spacy", "medspacy"):
        digest.update(f"|{package}={metadata.version(package)}".encode())
    files = sorted(p for folder in _SOURCES for p in folder.rglob("*") if p.suffix in (".py", ".yaml", ".json"))
    for path in [*files, _ROOT / "assessment" / "case.py"]:
        digest.update(str(path.relative_to(_ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def _compiled(pattern: str, flags: int, code: list[int], groups: int, index: dict[str, int]) -> re.Pattern[str]:
    """A pattern from its saved compiled form (as `re` builds it after parsing)."""
    names: list[str | None] = [None] * (groups + 1)
    for name, i in index.items():
        names[i] = name
    compiled: re.Pattern[str] = _sre.compile(pattern, flags, code, groups, index, tuple(names))
    return compiled


def _reduce_pattern(pattern: re.Pattern[str]) -> tuple[Any, tuple[Any, ...]]:
    tree = _parser.parse(pattern.pattern, pattern.flags)
    args = (
        pattern.pattern,
        pattern.flags,
        [int(op) for op in _compiler._code(tree, pattern.flags)],
        pattern.groups,
        tree.state.groupdict,
    )
    if isinstance(pattern.pattern, str) and _compiled(*args) == pattern:
        return _compiled, args
    return re._compile, (pattern.pattern, pattern.flags)  # type: ignore[attr-defined]


def _dumps(nlp: Language) -> bytes:
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = copyreg.dispatch_table | {re.Pattern: _reduce_pattern}
    pickler.dump(nlp)
    return out.getvalue()


def _cache_dir() -> Path:
    """$NERVEROOT_HOME/cache, else under $XDG_DATA_HOME/nerveroot or ~/.local/share/nerveroot (the records' rule,
    without importing the records package)."""
    home = os.environ.get("NERVEROOT_HOME")
    if not home:
        home = str(Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "nerveroot")
    return Path(home).expanduser() / "cache"


def enabled() -> bool:
    return os.environ.get("NERVEROOT_SNAPSHOT", "1") != "0"


def _trusted(path: Path) -> bool:
    """Ours and writable by nobody else: a pickle runs code when loaded."""
    info = path.stat()
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def load_or_build(kb_content_hash: str, build: Callable[[], Language], cache: Path | None = None) -> Language:
    """The saved pipeline for this key, or ``build()`` saved under it (older snapshots are removed)."""
    directory = cache or _cache_dir()
    path = directory / f"{PREFIX}{snapshot_key(kb_content_hash)}.pickle"
    try:
        if path.is_file() and _trusted(path):
            nlp = pickle.loads(path.read_bytes())
            if isinstance(nlp, Language):
                return nlp
    except Exception:
        pass
    nlp = build()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for old in directory.glob(f"{PREFIX}*.pickle"):
            old.unlink(missing_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, delete=False, suffix=".tmp") as tmp:
            tmp.write(_dumps(nlp))
        os.chmod(tmp.name, 0o600)
        os.replace(tmp.name, path)
    except OSError:  # a read-only home still reads notes, only slower
        pass
    return nlp
