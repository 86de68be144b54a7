"""Medicines, procedures and measured values read into findings, drug-safety facts and observations."""

from __future__ import annotations

from datetime import date
from typing import Any

from spacy.tokens import Doc, Span

from nerveroot.assessment.case import Side
from nerveroot.intake.areas import named_areas
from nerveroot.intake.medicines import read_drug, read_procedure
from nerveroot.intake.models import FindingStatus, Qualifier
from nerveroot.intake.sides import side_tokens, sides_for
from nerveroot.intake.state import Mention, ParseState, denied_here, denied_in_item, in_scope_of
from nerveroot.intake.values import readings

MEDICINE_KINDS = ("drug", "drug_class", "procedure")


def read_procedure_mention(
    state: ParseState, m: Mention, kind: str, status: str, qualifier: Qualifier | None, today: date | None = None
) -> None:
    start, end = m.span.start_char, m.span.end_char
    record, recent = read_procedure(m.span, kind, status, today)
    if record is not None:
        state.procedures.append(record)
        state.add(f"procedure:{record['kind']}", "procedure", "present", None, start, end, value=record["days_ago"])
    if recent != "unknown":
        state.add("recent_spinal_procedure", "history", recent, qualifier, start, end)  # type: ignore[arg-type]


def read_medicine(state: ParseState, m: Mention, today: date | None) -> None:
    """A drug, drug class or spinal procedure (medicines.py) into findings, drug-safety facts and procedures."""
    start, end = m.span.start_char, m.span.end_char
    if m.kind == "procedure":
        read_procedure_mention(state, m, m.ids[0], m.status, m.qualifier, today)
        return
    findings, updates = read_drug(m.span, m.kind, m.ids[0], m.status)
    for fid, kind, status in findings:
        state.add(fid, kind, status, m.qualifier if status != "present" else None, start, end)  # type: ignore[arg-type]
    for key, value in updates.items():
        if key == "current_drugs":
            state.drug_safety.setdefault(key, []).extend(v for v in value if v not in state.drug_safety.get(key, []))
        elif state.drug_safety.get(key) != "present":
            state.drug_safety[key] = value


LOWEST_WORST = frozenset({"systolic_bp", "egfr"})
DRUG_SAFETY_MEASURES = frozenset({"egfr"})
"""Measures that set a drug-safety factor (the lowest eGFR sets the renal dose ceilings), not a vital sign."""


_UNASSERTED = {"FAMILY", "HYPOTHETICAL", "POSSIBLE_EXISTENCE"}


def read_values(state: ParseState) -> None:
    """Measured values (values.py): the worst reading of each measure, and the findings the readings give. A number
    is its own verdict: a negation earlier in a list ("no foot pulses, CRP 118") does not deny it; a negation in its
    own item ("no fever 38.9") or a hedge does."""
    for r in readings(state.doc.text):
        if in_scope_of(state.doc, r.start, r.end, _UNASSERTED) or denied_in_item(state.doc, r.start, r.end):
            continue
        if r.value is not None:
            table: dict[str, Any] = state.drug_safety if r.measure in DRUG_SAFETY_MEASURES else state.observations
            old = table.get(r.measure)
            worse = min if r.measure in LOWEST_WORST else max
            value = round(r.value) if r.measure in DRUG_SAFETY_MEASURES else r.value
            table[r.measure] = value if old is None else worse(old, value)
            state.add(f"observation:{r.measure}", "observation", "present", None, r.start, r.end, value=str(r.value))
        for fid, status in r.findings:
            state.add(fid, "red_flag", status, None, r.start, r.end)  # type: ignore[arg-type]


RootRegions = dict[str, tuple[tuple[str, ...], tuple[str, ...]]]
"""Root id → (sensory regions, pain regions), from the knowledge base."""


def _area_sides(doc: Doc, span: Span) -> tuple[Side, ...]:
    """A named area's side: one said just after it ("S1 derm R", "L5 dermatome on the right"), else its clause's,
    else its sentence's."""
    sent = span.sent
    after = doc[span.end : min(span.end + 3, sent.end)]
    cut = next((t.i for t in after if t.text in _CLAUSE_MARKS), after.end)
    said_after = side_tokens(doc[span.end : cut])
    if said_after:
        return said_after[0][1]
    lo = max([sent.start, *(t.i + 1 for t in doc[sent.start : span.start] if t.text in _CLAUSE_MARKS)])
    hi = min([sent.end, *(t.i for t in doc[span.end : sent.end] if t.text in _CLAUSE_MARKS)])
    return sides_for(doc, span, lo, hi, ())


_CLAUSE_MARKS = {",", ";"}


_DOUBT = {"FAMILY", "HYPOTHETICAL", "POSSIBLE_EXISTENCE"}


def read_named_areas(state: ParseState, roots: RootRegions) -> None:
    """Named roots and nerve territories (areas.py): a finding each; a numb or tingling named dermatome also marks
    the root's sensory regions.

    ``roots`` maps a root id to its (sensory regions, pain regions) from the knowledge base.
    """
    doc = state.doc
    for sent in doc.sents:
        for area in named_areas(sent.text, sent.start_char):
            span = doc.char_span(area.start, area.end, alignment_mode="expand")
            if span is None:
                continue
            status: FindingStatus = "absent" if denied_here(doc, area.start, area.end) else "present"
            if status == "present" and in_scope_of(
                doc, area.start, area.end, {"FAMILY", "HYPOTHETICAL", "POSSIBLE_EXISTENCE"}
            ):
                status = "unknown"
            sides = _area_sides(doc, span) or (None,)
            fid = "root_distribution" if area.kind == "root" else "nerve_territory"
            for side in sides:
                state.add(fid, "other", status, None, area.start, area.end, side, value=area.name.upper())
            if not (area.marks_regions and "sensory" in area.modes) or area.name not in roots or status != "present":
                continue
            sensory, _ = roots[area.name]
            for region in sensory:  # a dermatome is a sensory map: a named painful "L5 distribution" marks nothing
                for side in sides:
                    state.add(f"sensory:{region}", "sensory_region", "present", None, area.start, area.end, side)
