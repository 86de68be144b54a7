"""What the free-text intake reads and the triage it leads to: the helpers the reading tests share."""

from __future__ import annotations

from nerveroot.assessment.assess import assess
from nerveroot.intake import parse_note
from nerveroot.knowledge.base import KnowledgeBase


def readings(kb: KnowledgeBase, note: str, finding: str) -> set[tuple[str, str | None]]:
    """(status, side) of every reading of ``finding`` in ``note``."""
    return {(f.status, f.side) for f in parse_note(note, kb).findings if f.id == finding}


def confirm(kb: KnowledgeBase, note: str) -> list[str]:
    """The red-flag groups of what ``note`` mentions but the intake could not settle (its to_confirm list)."""
    return [u.group for u in parse_note(note, kb).to_confirm]


def triage(kb: KnowledgeBase, note: str) -> tuple[str, list[str]]:
    """The triage level of ``note`` and the rules that fired."""
    result = assess(parse_note(note, kb).case, kb).triage
    return result.level, [r.rule for r in result.reasons]
