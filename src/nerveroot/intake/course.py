"""Demographics and timing (age, sex, duration, onset, trigger, course) and findings implied by others."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from spacy.tokens import Doc

from nerveroot.intake import course_patterns as cp
from nerveroot.intake import patterns as pt
from nerveroot.intake.durations import read_duration
from nerveroot.intake.models import ParsedFinding
from nerveroot.intake.rules import STRENGTH_PREFIX
from nerveroot.intake.safety import Unsettled
from nerveroot.intake.state import ParseState, denied_in_item, in_scope_of
from nerveroot.intake.tempo import deficit_course, onset_days

_NOT_TOLD = {"FAMILY", "HYPOTHETICAL", "POSSIBLE_EXISTENCE"}
ADULT_AGE = 16
"""The Case, the rules and the guidelines they follow (NICE NG59, CKS sciatica) are for people aged 16 and over."""


def _first(
    doc: Doc, regexes: Iterable[tuple[str, re.Pattern[str]]], cue: re.Pattern[str] | None = None
) -> tuple[str, re.Match[str]] | None:
    best: tuple[str, re.Match[str]] | None = None
    for label, regex in regexes:
        for mt in regex.finditer(doc.text):
            # a denial reaches a timing word only within its own list item: "no trauma, started suddenly" is sudden
            if in_scope_of(doc, mt.start(), mt.end(), _NOT_TOLD) or denied_in_item(doc, mt.start(), mt.end()):
                continue
            if cue is not None:
                span = doc.char_span(mt.start(), mt.end(), alignment_mode="expand")
                if span is None or not cue.search(span.sent.text):
                    continue
            if best is None or mt.start() < best[1].start():
                best = (label, mt)
            break
    return best


def _told_ages(doc: Doc) -> list[re.Match[str]]:
    """The first match of each age pattern that is the person's own (a relative's age is not)."""
    ages = [m for m in (regex.search(doc.text) for regex in pt.AGE) if m and pt.age_value(m) <= 120]
    return [m for m in ages if not in_scope_of(doc, m.start(), m.end(), {"FAMILY"})]


def child_age(doc: Doc) -> list[Unsettled]:
    """A child's age, which the adult Case cannot hold, as words not used (with the reason) rather than dropped."""
    ages = _told_ages(doc)
    if not ages or any(pt.age_value(m) >= ADULT_AGE for m in ages):
        return []
    first = min(ages, key=lambda m: m.start())
    return [
        Unsettled(
            "unparsed", f"{first.group(0)} (under {ADULT_AGE}: the rules are for adults)", first.start(), first.end()
        )
    ]


def read_demographics(state: ParseState, today: date | None) -> dict[str, Any]:
    doc, text = state.doc, state.doc.text
    out: dict[str, Any] = {}
    family = {"FAMILY"}
    # the first age stated in the note is the patient's ("74F. ... early menopause (age 41)")
    found = [m for m in _told_ages(doc) if pt.age_value(m) >= ADULT_AGE]
    if found:
        first = min(found, key=lambda m: m.start())
        out["age"] = pt.age_value(first)
        state.add("age", "demographic", "present", None, first.start(), first.end(), value=out["age"])
    for sex, sex_regexes in (
        ("female", (pt.SEX_FEMALE, pt.PRONOUN_FEMALE)),
        ("male", (pt.SEX_MALE, pt.PRONOUN_MALE)),
    ):
        for regex in sex_regexes:
            mt = next((x for x in regex.finditer(text) if not in_scope_of(doc, x.start(), x.end(), family)), None)
            if mt and "sex" not in out:
                out["sex"] = sex
                state.add("sex", "demographic", "present", None, mt.start(), mt.end(), value=sex)
            if mt:
                break
        if "sex" in out:
            break
    duration = read_duration(doc, state.findings, today)
    if duration is not None:
        out["duration_days"] = duration.days
        state.add("duration_days", "course", "present", None, duration.start, duration.end, value=duration.days)
    onsets = onset_days(doc, state.findings, today)
    if onsets:
        out["onset_days"] = onsets
    course = deficit_course(doc)
    if course is not None:
        out["deficit_course"] = course
    timing: tuple[tuple[str, tuple[tuple[str, re.Pattern[str]], ...], re.Pattern[str] | None], ...] = (
        ("onset", cp.ONSET, None),
        ("trigger", cp.TRIGGER_SELF, None),
        ("trigger", cp.TRIGGER, cp.TRIGGER_CUE),
        ("course", cp.COURSE, None),
    )
    for name, labelled, cue in timing:
        if name in out:
            continue
        hit = _first(doc, labelled, cue)
        if hit:
            out[name] = hit[0]
            state.add(name, "course", "present", None, hit[1].start(), hit[1].end(), value=hit[0])
    scores = [int(m.group(1) or m.group(2)) for m in pt.PAIN_SCORE.finditer(text)]
    scores = [s for s in scores if 0 <= s <= 10]
    if scores:
        out["pain_score"] = max(scores)
    return out


_WEAK_WORD = re.compile(r"\bweak|\bparesis\b|\b(?:power|strength)\b", re.IGNORECASE)


def derive_findings(state: ParseState) -> None:
    """Findings implied by others: bilateral leg symptoms (both legs symptomatic, severely weak or with a positive SLR),
    weakness from a weak
    movement, numbness, back pain."""
    by_id: dict[str, list[ParsedFinding]] = {}
    for f in state.findings:
        by_id.setdefault(f.id, []).append(f)
    present = {fid for fid, fs in by_id.items() if any(f.status == "present" for f in fs)}
    weak = [f for f in state.findings if f.id.startswith(STRENGTH_PREFIX) and f.status == "present"]
    if weak and "weakness" not in present:
        state.add("weakness", "symptom", "present", None, weak[0].start, weak[0].end)
    worse = [
        f for f in by_id.get("progressive_weakness", []) if f.status == "present" and _WEAK_WORD.search(f.text_span)
    ]
    if worse and "weakness" not in present:  # "getting weaker by the day" states weakness too
        state.add("weakness", "symptom", "present", None, worse[0].start, worse[0].end)
    back = [f for f in by_id.get("pain:low_back", []) if f.status == "present"]
    if back and "back_pain" not in by_id:  # "my lower back is in agony": a painful low back is back pain
        state.add("back_pain", "symptom", "present", None, back[0].start, back[0].end)
    if "stocking_distribution_numbness" in present and "numbness" not in present:
        f = next(f for f in by_id["stocking_distribution_numbness"] if f.status == "present")
        state.add("numbness", "symptom", "present", None, f.start, f.end)
    leg = [
        f
        for f in state.findings
        if f.kind in ("sensory_region", "pain_region")
        and f.status == "present"
        and f.side
        and not f.id.endswith((":low_back", ":saddle", ":buttock"))
    ]
    if {f.side for f in leg} == {"left", "right"} and "bilateral_leg_symptoms" not in present:
        state.add("bilateral_leg_symptoms", "red_flag", "present", None, leg[0].start, leg[0].end)
        present.add("bilateral_leg_symptoms")
    # A severe deficit (grade 3 or less, foot drop) in both legs is the "severe or progressive bilateral deficit" of
    # the CES red flags (BASS 2018 via the Cornwall pathway; clinical.md §3.1), and a positive nerve-tension test in
    # both legs is bilateral sciatica (BASS 2018, NHS Lothian: the rule ces_bilateral_sciatica). Mild weakness or
    # reflexes alone are not: both ankle jerks are reduced in a polyneuropathy (clinical.md, mimics table); the
    # safety net asks about them.
    bilateral_signs = ("severe_motor_deficit", "foot_drop", "slr_positive", "femoral_stretch_positive")
    motor = [f for fid in bilateral_signs for f in by_id.get(fid, []) if f.status == "present" and f.side]
    if {f.side for f in motor} == {"left", "right"} and "bilateral_leg_symptoms" not in present:
        state.add("bilateral_leg_symptoms", "red_flag", "present", None, motor[0].start, motor[0].end)
