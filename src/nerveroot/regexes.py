"""Regular expressions kept in their compiled form between runs, so a command skips Python's pure-Python regex
parser for the ~300 patterns it and its libraries compile at start (a tenth of a `--text` start).

`re` keeps what it compiles in `re._cache`, keyed by pattern and flags. `preload()` fills that cache from the saved
forms as the command line (or the intake) is imported, so each `re.compile` of a known pattern is a lookup;
`save()` writes the patterns the process used (looked up or compiled) at exit, once, when some were not in the
file. A form is saved only when rebuilding it gives a pattern equal to the fresh compile (same pattern, flags and
code), and the file name carries the Python version and the regex engine's magic number, so a form is never read
by an engine that did not write it. The file holds only strings and numbers (`marshal`), never code; it is read
only when it is ours and not writable by others (the rule of `nerveroot.snapshots`). `NERVEROOT_SNAPSHOT=0`
turns it off.
"""

from __future__ import annotations

import _sre
import hashlib
import marshal
import os
import re
import sys
import tempfile
from array import array
from pathlib import Path
from re import _compiler, _parser  # type: ignore[attr-defined]
from typing import Any

from nerveroot import snapshots

Form = tuple[str | bytes, int, list[int] | bytes, int, dict[str, int]]
"""Pattern, flags, code (on file as packed machine words, read far faster than a list of numbers), groups, names."""
_WORD = "I" if array("I").itemsize == _sre.CODESIZE else None
PREFIX = "regexes-"
NEW_TO_SAVE = 8
"""New patterns that make a save worth it: a few are built from unordered sets (`tokenize`'s string prefixes) and
differ in every process, so they alone never rewrite the file."""
Key = tuple[type, str | bytes, int]
_known: set[Key] = set()
_used: dict[Key, re.Pattern[Any]] = {}
"""Each pattern this process looked up or compiled, kept even after `re` evicts it from its bounded cache."""
MAX_SAVED = 2048
"""Forms kept on file (every command's patterns, more than `re._MAXCACHE`)."""
_on_file: dict[Key, Form | None] = {}
"""The forms read from the file, kept in a save so one command does not drop another's patterns."""
_state = {"saved": False, "loaded": False}


class _Recording(dict[Key, "re.Pattern[Any]"]):
    """`re`'s cache, noting each pattern this process looks up or adds, so only those are saved; a pattern on file
    is built from its saved form the first time `re` looks it up, so a command builds only the patterns it uses."""

    def __getitem__(self, key: Key) -> re.Pattern[Any]:
        try:
            found = dict.__getitem__(self, key)
        except KeyError:
            form = _on_file.get(key)
            if form is None:
                raise
            found = from_form(*form)
            dict.__setitem__(self, key, found)
        _used[key] = found
        return found

    def __setitem__(self, key: Key, pattern: re.Pattern[Any]) -> None:
        _used[key] = pattern
        dict.__setitem__(self, key, pattern)


def compiled_form(pattern: re.Pattern[Any]) -> Form | None:
    """What `re` builds after parsing: the pattern's code, groups and group names; None when rebuilding it would
    not give an equal pattern."""
    tree = _parser.parse(pattern.pattern, pattern.flags)
    form: Form = (
        pattern.pattern,
        pattern.flags,
        [int(op) for op in _compiler._code(tree, pattern.flags)],
        pattern.groups,
        dict(tree.state.groupdict),
    )
    return form if from_form(*form) == pattern else None


def from_form(
    pattern: str | bytes, flags: int, code: list[int] | bytes, groups: int, index: dict[str, int]
) -> re.Pattern[Any]:
    """A pattern from its saved compiled form."""
    if isinstance(code, bytes):
        code = array(_WORD or "I", code).tolist()
    names: list[str | None] = [None] * (groups + 1)
    for name, i in index.items():
        names[i] = name
    compiled: re.Pattern[Any] = _sre.compile(pattern, flags, code, groups, index, tuple(names))
    return compiled


def _packed(form: Form | None) -> Form | None:
    """The form with its code packed into machine words for the file (kept as numbers where the sizes differ)."""
    if form is None or _WORD is None or isinstance(form[2], bytes):
        return form
    return (form[0], form[1], array(_WORD, form[2]).tobytes(), form[3], form[4])


def _path(cache: Path | None) -> Path:
    engine = hashlib.sha256(f"{sys.version}|{_sre.MAGIC}|{_sre.CODESIZE}".encode()).hexdigest()[:16]
    return (cache or snapshots.cache_dir()) / f"{PREFIX}{engine}.marshal"


def preload(cache: Path | None = None) -> int:
    """Make the saved patterns available to `re`'s cache (built on first lookup), once per process; returns how
    many have a form."""
    if not snapshots.enabled() or _state["loaded"]:
        return 0
    _state["loaded"] = True
    if not isinstance(re._cache, _Recording):  # type: ignore[attr-defined]
        re._cache = _Recording(re._cache)  # type: ignore[attr-defined]
    path = _path(cache)
    try:
        if not (path.is_file() and snapshots.trusted(path)):
            return 0
        saved = marshal.loads(path.read_bytes())
        added = 0
        for pattern, flags, form in saved:
            key = (type(pattern), pattern, flags)  # the flags as `re.compile` was given them
            _known.add(key)
            _on_file[key] = form
            added += form is not None
        return added
    except (OSError, ValueError, TypeError, EOFError, RuntimeError):  # an unreadable file is rewritten later
        return 0


def save(cache: Path | None = None) -> bool:
    """Write the patterns this process used when `NEW_TO_SAVE` were not in the file (once per process), with those
    already on file that it did not use (up to `MAX_SAVED`, this process's first); True when written.
    Commands use different patterns (`ask` none of the intake's), so each keeps the others' on file."""
    if _state["saved"] or not snapshots.enabled() or len(_used.keys() - _known) < NEW_TO_SAVE:
        return False
    _state["saved"] = True
    # a pattern whose form does not rebuild equal is listed without one, so it does not ask for a save each run
    forms = [(key[1], key[2], _packed(compiled_form(pattern))) for key, pattern in list(_used.items())]
    kept = [(key[1], key[2], form) for key, form in _on_file.items() if key not in _used]
    forms += kept[: max(0, MAX_SAVED - len(forms))]
    path = _path(cache)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as tmp:
            tmp.write(marshal.dumps(forms))
        os.chmod(tmp.name, 0o600)
        os.replace(tmp.name, path)
    except OSError:  # a read-only home still works, only slower
        return False
    _known.update(_used)
    return True
