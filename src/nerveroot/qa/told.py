"""A question that tells of someone's own symptoms now: read it as a note, and when what it tells is an emergency by
the triage rules, the answer says so first, with the red flag's action.

"I've got back pain with a fever and I inject drugs — could it be an abscess?" asks for the one thing that matters
most: go to hospital today. Questions about a thing's outcome, dose, report or test are not read this way ("he
had surgery for cauda equina last week and still can't feel his bladder: will he get better?" asks about recovery).
"""

from __future__ import annotations

import re

from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import RedFlag
from nerveroot.qa.corpus import Statement
from nerveroot.qa.intent import Intent
from nerveroot.qa.link import Links

_PERSONAL = re.compile(
    r"\b(?:i|i['’]?ve|i['’]?m|im|me|my|we|our|he|she|his|her|him|husband|wife|partner|mum|mom|dad|son|daughter)\b",
    re.IGNORECASE,
)
"""Someone telling their own (or a relative's) symptoms, not a question in general terms."""

_NOT_TOLD = frozenset(
    {
        "duration_prognosis",
        "surgery_injection_outcome",
        "dose",
        "side_effects",
        "who_should_not_take",
        "report_meaning",
        "test_how_accuracy",
        "which_root",
        "x_vs_y",
    }
)
"""Question types that ask about something else than what to do now about what is described (an outcome, a dose, a
report, a test, or how to tell one root or condition from another)."""


def could_be_told(question: str, intent: Intent, links: Links) -> bool:
    """Cheap test before the note reader runs: personal wording, a finding or care named, no other question type."""
    return (
        bool(_PERSONAL.search(question))
        and not intent.asks(*_NOT_TOLD)
        and ("care" in links.topics or any(kind == "findings" for kind, _ in links.specific))
    )


def emergency_lead(question: str, kb: KnowledgeBase, statements: list[Statement]) -> tuple[str, Statement] | None:
    """The lead sentence for a question that tells an emergency, with the red flag's action statement it cites;
    None when what is told is not an emergency by a rule that rests on findings read as present."""
    from nerveroot.assessment.evidence import derive_evidence  # loaded only for questions that tell
    from nerveroot.assessment.triage import triage as run_triage
    from nerveroot.intake import parse_note  # the note reader loads spaCy

    case = parse_note(question, kb).case
    triage = run_triage(case, derive_evidence(case), kb)  # the triage alone, not the whole assessment
    reasons = [r for r in triage.reasons if r.level == "emergency" and r.findings]
    if not reasons:
        return None
    actions = {s.record_id: s for s in statements if s.kind == "red_flags" and s.field == "action"}
    flags = [(i, f) for i, f in kb.entities.get("red_flags", {}).items() if isinstance(f, RedFlag)]
    findings = kb.entities["findings"]
    for reason in reasons:  # the rule that fired first names the red flag, matched by group and finding
        for flag_id, flag in flags:
            if flag_id in actions and flag.group == reason.group and set(flag.findings) & set(reason.findings):
                words = ", ".join(dict.fromkeys(findings[f].name.lower() for f in reason.findings if f in findings))
                return (f"What you describe ({words}) needs emergency care now: {flag.action}", actions[flag_id])
    return None
