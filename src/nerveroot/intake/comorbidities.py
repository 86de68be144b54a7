"""Conditions that change which medicines are safe ("PMH: T2DM, HTN, CKD 3b", "old MI", "no PUD") read into the
Case's drug_safety, so a drug option's ceiling and cautions follow the note instead of asking to check.

A denial makes the factor absent; a relative's, a hypothetical or a doubtful mention leaves it unknown.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from nerveroot.intake.state import ParseState, in_scope_of
from nerveroot.knowledge.yaml_io import load_yaml


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    path = resources.files("nerveroot.intake") / "data" / "comorbidities.yaml"
    table: dict[str, list[str]] = load_yaml(path.read_text(encoding="utf-8"))
    return {key: re.compile(rf"\b(?:{'|'.join(alts)})", re.IGNORECASE) for key, alts in table.items()}


def read_comorbidities(state: ParseState) -> None:
    """Set drug_safety factors named in the note, each with its source words (finding ``comorbidity:<factor>``)."""
    for key, pattern in _patterns().items():
        for mt in pattern.finditer(state.doc.text):
            start, end = mt.start(), mt.end()
            if in_scope_of(state.doc, start, end, {"NEGATED_EXISTENCE"}):
                state.drug_safety.setdefault(key, "absent")
                state.add(f"comorbidity:{key}", "other", "absent", "negated", start, end)
            elif not in_scope_of(state.doc, start, end):
                state.drug_safety[key] = "present"
                state.add(f"comorbidity:{key}", "other", "present", None, start, end)
