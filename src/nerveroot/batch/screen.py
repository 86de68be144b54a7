"""Screen one note: free-text intake then assessment, reduced to one flat row for an audit table.

Pure: no I/O. A note that cannot be read gives a row with `error` set and the other fields empty, so one bad
note never stops a year's archive.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from nerveroot.assessment.assess import assess
from nerveroot.assessment.evidence import derive_evidence
from nerveroot.errors import NerverootError
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import RedFlag

COLUMNS: tuple[tuple[str, str], ...] = (
    ("note_id", "string"),
    ("triage_level", "string"),
    ("triage_rules", "list<string>"),
    ("red_flags", "list<string>"),
    ("red_flags_not_assessed", "list<string>"),
    ("leading_root", "string"),
    ("leading_root_probability", "double"),
    ("leading_condition", "string"),
    ("leading_condition_probability", "double"),
    ("findings", "int32"),
    ("kb_content_hash", "string"),
    ("error", "string"),
)
"""The row's columns and their Arrow types, in order."""


def screen(note_id: str, text: str, kb: KnowledgeBase, today: date) -> dict[str, Any]:
    """One row: triage level and fired rules, red flags present and not assessed, leading root and condition."""
    from nerveroot.intake import parse_note  # the language pipeline loads only where notes are read

    row: dict[str, Any] = dict.fromkeys(name for name, _ in COLUMNS)
    row |= {"note_id": note_id, "kb_content_hash": kb.content_hash}
    if not text.strip():
        row["error"] = "text: the note is empty"
        return row
    try:
        intake = parse_note(text, kb, today=today)
    except (NerverootError, ValueError) as exc:
        row["error"] = f"{type(exc).__name__}: {exc}"[:500]
        return row
    result = assess(intake.case, kb)
    evidence = derive_evidence(intake.case)
    leading_root = max(result.levels, key=lambda lv: lv.probability)
    leading_condition = max(result.differential, key=lambda d: d.probability)
    row |= {
        "triage_level": result.triage.level,
        "triage_rules": [r.rule for r in result.triage.reasons],
        "red_flags": [
            f.id for f in kb.all("red_flags", RedFlag) if any(evidence.get(x) == "present" for x in f.findings)
        ],
        "red_flags_not_assessed": [n.red_flag for n in result.triage.not_assessed],
        "leading_root": leading_root.root,
        "leading_root_probability": leading_root.probability,
        "leading_condition": leading_condition.id,
        "leading_condition_probability": leading_condition.probability,
        "findings": len(intake.findings),
    }
    return row
