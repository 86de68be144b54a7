"""The built language pipeline saved on disk (nerveroot.snapshots), so a command that reads a note loads it
(~0.1 s) instead of building it again (~1 s: rules checked and compiled, phrases tokenised).

The key covers the knowledge base's content hash, the source and data files of the packages that build the
pipeline (`nerveroot.intake`, `nerveroot.knowledge`, the case vocabulary), the spaCy and medspaCy versions and
the Python version.

Regular expressions (~800: the target and ConText rules, the tokenizer's) are saved with their compiled form,
so loading skips Python's pure-Python regex parser (most of the load time); the Python version in the key keeps
that form valid, and a pattern whose saved form does not equal a fresh compile is saved as a plain pattern.
"""

from __future__ import annotations

import copyreg
import io
import pickle
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from spacy.language import Language

from nerveroot import snapshots
from nerveroot.regexes import compiled_form, from_form

PREFIX = "intake-pipeline-"
_ROOT = snapshots.PACKAGE


def snapshot_key(kb_content_hash: str) -> str:
    """Hash of the knowledge base, the building code and data, the library versions and the Python version."""
    files = [
        *snapshots.sources(_ROOT / "intake", _ROOT / "knowledge"),
        _ROOT / "assessment" / "case.py",
        _ROOT / "regexes.py",
    ]
    return snapshots.key_of(kb_content_hash, ("spacy", "medspacy"), files)


def _reduce_pattern(pattern: re.Pattern[str]) -> tuple[Any, tuple[Any, ...]]:
    form = compiled_form(pattern) if isinstance(pattern.pattern, str) else None
    if form is not None:
        return from_form, form
    return re._compile, (pattern.pattern, pattern.flags)  # type: ignore[attr-defined]


def _dumps(nlp: Language) -> bytes:
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = copyreg.dispatch_table | {re.Pattern: _reduce_pattern}
    pickler.dump(nlp)
    return out.getvalue()


def load_or_build(kb_content_hash: str, build: Callable[[], Language], cache: Path | None = None) -> Language:
    """The saved pipeline for this key, or ``build()`` saved under it (older snapshots are removed)."""
    return snapshots.load_or_build(PREFIX, snapshot_key(kb_content_hash), Language, build, cache, _dumps)
