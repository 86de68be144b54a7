"""Evaluation files kept untouched for their first run.

A folder of evaluation sets may hold a file named ``UNTOUCHED`` listing, one a line, the paths (relative to that
folder) of sets not yet run. Scoring a listed set needs an explicit first-run flag, so a glob over ``eval/`` or a
habitual command cannot spend a holdout by accident; after its first run the line is deleted.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

MARKER = "UNTOUCHED"


def _listed(marker: Path) -> set[Path]:
    lines = marker.read_text(encoding="utf-8").splitlines()
    return {(marker.parent / line.strip()).resolve() for line in lines if line.strip() and not line.startswith("#")}


def untouched(paths: Iterable[Path]) -> list[Path]:
    """The given paths that an ``UNTOUCHED`` file in their folder or any folder above lists."""
    out = []
    for path in paths:
        resolved = path.resolve()
        markers = (folder / MARKER for folder in resolved.parents)
        if any(resolved in _listed(m) for m in markers if m.is_file()):
            out.append(path)
    return out
