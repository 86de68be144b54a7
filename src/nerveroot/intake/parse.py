"""parse_note: a clinical note or a patient's own words → a Case plus every finding with its source words.

Vocabulary lives in data/ (targets, ConText cues, medicines, measures, template sections, the red-flag lexicon);
the code is a few general mechanisms, one module each: state.py (mentions and their ConText status), sides.py,
windows.py and exam.py (exam values beside their movement, reflex or test), plain.py (plain findings and body
regions), course.py (demographics, timing, implied findings), facts.py (medicines, procedures, measured values,
denied template sections), safety.py (red-flag words not understood → to_confirm; unparsed sentences), clauses.py
(a sign examined on both sides, not symptoms in both legs) and chunks.py (a long note read section by section in
linear time).


Status rules (ConText modifiers on each matched phrase):
- negated ("no", "denies", "numbness: none", "is negative for") → ``absent``;
- possible ("might be", "worried about", "?"), hypothetical ("if you notice", safety-netting), family ("mother had")
  → ``unknown``, and the finding is kept out of the Case;
- historical ("previous episode of", "years ago") → ``unknown`` for current-state findings, but ignored for history
  items: "previous breast cancer" is ``cancer_history`` present.
Exam findings take their status from the values written next to them: an MRC grade ≤ 4 is weakness, a reflex
"absent" or "reduced" is a reduced reflex (so "absent ankle jerks" is present, not negated), a "negative" test is
absent.

Notation conventions (documented so a user can check them):
- MRC grades: "4/5", "4-/5", "4+/5", "MRC 4", or a bare grade straight after the movement ("eversion 4-", "DF R 4+").
  A + or - is dropped: 4- and 4+ are grade 4 (weakness), 5- is grade 5.
- Reflexes: words, arrows (↓ reduced, ↑ brisk, ↔ normal) or the 0–4 scale (0 absent, 1/1+/± reduced, 2/2+/++ normal,
  3+/4+/+++ brisk); a lone "+" is not read. "Knee 0, ankles 2" read as reflexes only in a sentence about reflexes.
  "Reduced on the R compared with the L" reads the compared side as normal.
- SLR: a bare angle is positive below 70°; "SLR R 40°, L 80°" gives one result per side.
- A function named without a verdict ("PR tone", "B/B", "gait", "weight", "erections", "saddle sensation") takes
  its status from the judging word beside it ("lax", "↓" → present; "normal", "NAD", "steady" → absent); without
  one it is not read. Post-void residual > 200 mL is bladder dysfunction (local CES protocols, reference
  clinical.md), a temperature ≥ 38 °C is fever and one < 37.5 °C is read as no fever.
- "?X" hedges only the term it is glued to ("?CES – saddle anaesthesia" keeps the saddle anaesthesia present).
- A spaced dash ends a hedge or a negation ("rule out abscess – IVDU, febrile 38.9" asserts both), not a
  safety-net or family scope.
- Sides: an ordered list "(R / L)", "L/R:" gives two values their sides in order; "symmetrical", "equal", "L=R"
  put a value on both sides; "right" before "down", "to", "in the"… is an adverb, not a side; a side said with
  another exam item of the sentence ("… on the L, toe walking fine") is that item's.
- Heel / toe walking and heel raises: a bare number counts repetitions (never an MRC grade); "fatiguing",
  "only 3" are weak cues. Counts alone give no finding.
- A leg said to be free of symptoms ("the L leg is asymptomatic", "confined to the R leg") gives bilateral leg
  symptoms absent and is not a symptomatic side of the note.
- An earlier grade written beside the current one is not the exam ("TA now 3/5 (was 4/5)", "from 4/5 to 3/5",
  "4/5 → 3/5"); a grade that fell is progressive weakness. "B/L" is both sides; "TA and EHL both 4/5" counts the
  items, not the sides. Short abbreviations (KE, KF, HF, HE, ABD, ADD) are movements only with a grade after them.
- A region's own predicate gives its mode and status: "the R calf has gone numb" is sensory, "the calf is not numb"
  is sensory absent.
- "Can't feel when he needs to go" is the bladder or the bowel, whichever the sentence names (and does not call
  normal); it is not read otherwise.
- A negated or hedged red flag says nothing of the symptom inside it: "no sudden severe back pain" leaves back pain
  unknown. A simile after saddle numbness ("like after a dental injection") is the same finding.
- A distant time ("years ago", "as a child", "in 2009") makes recent infection and minor trauma not current; other
  history items keep it. Sleep said to be fine is no night pain only when the pain is spoken of in the same breath.
- A wildcard word of a pattern never swallows a negation ("pain never wakes him" is no night pain).
- A finding never mentioned stays unknown: silence is never read as absence.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import asdict, replace
from datetime import date
from typing import Any, TypeVar

from spacy.tokens import Doc

from nerveroot.assessment.case import (
    HISTORY_KEYS,
    RED_FLAG_KEYS,
    SYMPTOM_KEYS,
    Case,
    DrugSafety,
    NamedRoot,
    ReflexTest,
    RegionMark,
    Side,
    Status,
    StrengthTest,
)
from nerveroot.intake.chunks import chunks
from nerveroot.intake.comorbidities import read_comorbidities
from nerveroot.intake.course import child_age, derive_findings, read_demographics
from nerveroot.intake.exam import read_function, read_grade_changes, read_reflex, read_strength
from nerveroot.intake.facts import (
    LOWEST_WORST,
    MEDICINE_KINDS,
    RootRegions,
    read_medicine,
    read_named_areas,
    read_values,
)
from nerveroot.intake.medicines import fuzzy_drugs
from nerveroot.intake.models import FindingKind, FindingStatus, Intake, NotUnderstood, ParsedFinding
from nerveroot.intake.overlaps import hidden_red_flags
from nerveroot.intake.patterns import ANSWERED_QUESTION, OTHERS_FULL
from nerveroot.intake.pipeline import pipeline
from nerveroot.intake.plain import read_plain, read_region, read_toilet
from nerveroot.intake.pregnancy import read_pregnancy
from nerveroot.intake.provocative import read_provocative
from nerveroot.intake.rules import STRENGTH_PREFIX
from nerveroot.intake.safety import MOTOR_SIGNS, unparsed, unsettled
from nerveroot.intake.sections import denied_sections
from nerveroot.intake.sides import note_sides
from nerveroot.intake.state import (
    MOVEMENTS,
    STRUCTURED_KINDS,
    Mention,
    ParseState,
    drop_saddle_similes,
    drop_weak_pulses,
    in_scope_of,
    read_mentions,
    with_nested,
)
from nerveroot.intake.windows import exam_groups, exam_windows
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import ROOT_IDS, Root


def _merge_status(statuses: Iterator[FindingStatus]) -> FindingStatus:
    seen = set(statuses)
    return "present" if "present" in seen else "absent" if "absent" in seen else "unknown"


CES_ITEMS = (
    "saddle_anaesthesia",
    "bladder_dysfunction",
    "bowel_dysfunction",
    "sexual_dysfunction",
    "bilateral_leg_symptoms",
    "reduced_anal_tone",
)
_DOUBT = re.compile(
    r"\b(?:not sure|unsure|uncertain|(?:do|does|did) ?n[o'’]?t know|dunno|no idea|can[no'’]*t (?:tell|say)|"
    r"hard to (?:tell|say))\b",
    re.IGNORECASE,
)


def _unsure(text: str, f: ParsedFinding) -> bool:
    """A cauda equina item questioned ("?saddle anaesthesia") or that the person is not sure of ("not sure if my
    bladder is right", "I don't know if my bottom is numb"): asked and unsure, never read as a no or dropped."""
    if f.status != "unknown" or f.qualifier not in ("possible", "hypothetical"):
        return False
    clause = re.split(r"[.;!?\n]", text[max(0, f.start - 80) : f.start])[-1]
    return f.qualifier == "possible" or bool(_DOUBT.search(clause))


_T = TypeVar("_T")

SEVERITY_REACH = 60
"""Characters after "profound weakness" (or within "profound ankle DF weakness") in which an ungraded weak movement
takes its severity."""


_SEVERE_BEFORE = re.compile(
    r"\b(?:severe|profound|dense|marked)\s+(?:(?:[RL]|right|left|bilat\w*)\s+)?(?:(?:[\w/]+\s+){1,2}(?:\+|&|and|/)\s+){0,3}$",
    re.IGNORECASE,
)
_WEAK_AFTER = re.compile(r"[^.;\n]{0,50}?\bweak(?:ness)?\b", re.IGNORECASE)
"""A severity word before a list of muscles and the weakness after them: "profound R ankle DF + PF weakness"."""


def _reflex_tests(state: ParseState) -> list[ReflexTest]:
    """Reflexes read with a named reflex, and brisk reflexes read with none ("reflexes brisk", "hyperreflexia"):
    the knee and ankle jerks brisk on that side, unless that reflex was read there."""
    tests: dict[tuple[str, Side | None], ReflexTest] = {(r.reflex, r.side): r for r in state.reflexes}
    for f in state.findings:
        if f.id == "brisk_reflexes" and f.status == "present" and f.value is None:
            for reflex in ("patellar", "achilles"):
                tests.setdefault((reflex, f.side), ReflexTest(reflex=reflex, side=f.side, result="brisk"))
    return _unsided_last(tests)


def _strength_tests(state: ParseState) -> list[StrengthTest]:
    """Graded tests, then ungraded signs with no grade: a weak movement ("weak quads L") is 'weak', foot drop is
    severe ankle dorsiflexion weakness. A test whose leg is not said ("TA 3/5" in a note naming no side) is kept
    with no side, unless the same movement is also tested on a named side."""
    tests: dict[tuple[str, Side | None], StrengthTest] = {(s.movement, s.side): s for s in state.strength}
    text = state.doc.text
    severe = [(f.start, f.end) for f in state.findings if f.id == "severe_motor_deficit" and f.status == "present"]
    for f in state.findings:
        muscle = f.id.removeprefix(STRENGTH_PREFIX)
        if f.status == "absent" and f.qualifier in (None, "negated") and muscle in MOVEMENTS:
            # a muscle said to be normal without a grade ("inversion, PF and hip abduction normal") is full power
            tests.setdefault((muscle, f.side), StrengthTest(movement=muscle, side=f.side, grade=5))
            continue
        if f.status != "present":
            continue
        if f.id == "foot_drop":
            movement, described = "ankle_dorsiflexion", "severe"
        elif f.id.startswith(STRENGTH_PREFIX) and f.id.removeprefix(STRENGTH_PREFIX) in MOVEMENTS:
            # "profound weakness R ankle dorsiflexion and plantarflexion": the severity word governs its list
            graded = any(
                start <= f.start < end + SEVERITY_REACH and not re.search(r"[.;\n]", text[start : f.start])
                for start, end in severe
            ) or bool(
                _SEVERE_BEFORE.search(text, max(0, f.start - SEVERITY_REACH * 2), f.start)
                and _WEAK_AFTER.match(text, f.start)
            )
            movement, described = f.id.removeprefix(STRENGTH_PREFIX), "severe" if graded else "weak"
        else:
            continue
        if (movement, f.side) not in tests:
            tests[(movement, f.side)] = StrengthTest(movement=movement, side=f.side, described=described)
    if OTHERS_FULL.search(text):  # "DF 2/5, EHL 2/5; other muscles 5/5": every movement not named is full
        for side in dict.fromkeys(side for (_, side), t in tests.items() if t.weak):  # in reading order, not a set's
            for movement in sorted(MOVEMENTS):
                tests.setdefault((movement, side), StrengthTest(movement=movement, side=side, grade=5))
    return _unsided_last(tests)


def _unsided_last(items: Mapping[tuple[str, Side | None], _T]) -> list[_T]:
    """Items keyed by (name, side): one whose side is not said is dropped when the same name is read on a side."""
    sided = {name for name, side in items if side}
    return [item for (name, side), item in items.items() if side or name not in sided]


_EXPLAINED = re.compile(
    r"\b(?:diet\w*|slimming|intentional\w*|deliberate\w*|on purpose|trying to|gastrectomy|sleeve|bypass|band\w*|"
    r"bariatric|weight[- ]loss (?:surgery|op\w*))",
    re.I,
)
_UNEXPLAINED = re.compile(
    r"\b(?:unexplained|unintentional|unintended|unplanned|without trying|not trying|no reason)\b", re.I
)


def _weight_loss_explained(state: ParseState) -> bool:
    """A weight loss the note explains (a diet, bariatric surgery) explains the note's other bare mentions of it
    ("rapid wt loss" in the impression); one said to be unintended still counts."""
    text = state.doc.text
    readings = [f for f in state.findings if f.id == "unexplained_weight_loss"]
    explained = any(f.status == "absent" and _EXPLAINED.search(f.text_span) for f in readings)
    unexplained = any(
        f.status == "present" and _UNEXPLAINED.search(text, max(0, f.start - 40), f.end + 40) for f in readings
    )
    return explained and not unexplained


def _case(state: ParseState, extra: dict[str, Any], sides: tuple[Side, ...]) -> Case:
    tables: dict[str, dict[str, Status]] = {"red_flags": {}, "history": {}, "symptoms": {}}
    for key_set, table in ((RED_FLAG_KEYS, "red_flags"), (HISTORY_KEYS, "history"), (SYMPTOM_KEYS, "symptoms")):
        for key in key_set:
            fs = [f.status for f in state.findings if f.id == key and f.status != "unknown"]
            if fs:
                tables[table][key] = _merge_status(iter(fs))
            elif key in CES_ITEMS and any(f.id == key and _unsure(state.doc.text, f) for f in state.findings):
                tables[table][key] = "unsure"
    if tables["red_flags"].get("unexplained_weight_loss") == "present" and _weight_loss_explained(state):
        tables["red_flags"]["unexplained_weight_loss"] = "absent"
    # A motor sign that names no muscle ("my leg stopped working", "paralysed") is no strength test, but it still
    # says the leg is weak: the deficit rules (cancer, infection, bleed, deficit within hours) must see it.
    if "weakness" not in tables["symptoms"] and any(
        f.status == "present" and (f.kind == "strength" or f.id in MOTOR_SIGNS) for f in state.findings
    ):
        tables["symptoms"]["weakness"] = "present"

    def marks(prefix: str) -> list[RegionMark]:
        """Each region read as present, on its side; with no side only when no side is read for it elsewhere."""
        seen: dict[tuple[str, Side | None], RegionMark] = {}
        for f in state.findings:
            if f.id.startswith(prefix) and f.status == "present":
                region = f.id.split(":", 1)[1]
                seen[(region, f.side)] = RegionMark(region=region, side=f.side)
        return _unsided_last(seen)

    unique = {
        "strength": _strength_tests(state),
        "reflexes": _reflex_tests(state),
        "provocative": list({(p.test, p.side): p for p in state.provocative}.values()),
    }
    if state.drug_safety:
        extra["drug_safety"] = DrugSafety(**state.drug_safety)
    if state.observations:
        whole_numbers = ("heart_rate", "systolic_bp", "post_void_residual_ml", "esr_mm_h")
        extra["observations"] = {k: int(v) if k in whole_numbers else v for k, v in state.observations.items()}
    # An undated spinal operation is past history (previous spine surgery), not a recent procedure; an undated
    # injection, puncture or spinal anaesthetic is kept (the Case counts it as recent).
    kept = [p for p in state.procedures if p["days_ago"] is not None or p["kind"] != "spinal_surgery"]
    extra["procedures"] = [dict(p) for p in {p["kind"]: p for p in kept}.values()]
    progressing = any(f.id == "progressive_weakness" and f.status == "present" for f in state.findings)
    if progressing:
        extra["deficit_course"] = "progressing"
    named = {
        (str(f.value).lower(), f.side): None
        for f in state.findings
        if f.id == "root_distribution" and f.status == "present"
    }
    return Case(
        sides=list(sides),
        named_roots=[NamedRoot(root=r, side=s) for r, s in named if r in ROOT_IDS],
        pain_regions=marks("pain:"),
        sensory_regions=marks("sensory:"),
        **unique,
        **tables,
        **extra,
    )


def _read(
    doc: Doc, today: date | None, roots: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]
) -> tuple[ParseState, dict[str, Any]]:
    """Every finding of one stretch of text (a whole short note or one chunk of a long one)."""
    state = ParseState(doc)
    mentions = hidden_red_flags(doc, drop_weak_pulses(drop_saddle_similes(with_nested(doc, read_mentions(doc)))))
    plain = [m for m in mentions if m.kind not in STRUCTURED_KINDS and m.kind not in ("region", *MEDICINE_KINDS)]
    for m in plain:
        read_plain(state, m)
    for m in mentions:
        if m.kind in MEDICINE_KINDS:
            read_medicine(state, m, today)
    for span, generic in fuzzy_drugs(doc):
        a, b = span.start_char, span.end_char
        status: FindingStatus = "absent" if in_scope_of(doc, a, b, {"NEGATED_EXISTENCE"}) else "present"
        status = "unknown" if status == "present" and in_scope_of(doc, a, b) else status
        read_medicine(state, Mention(span, "drug", (generic,), status, None, None), today)
    read_values(state)
    read_pregnancy(state)
    read_comorbidities(state)
    read_named_areas(state, roots)
    for fid, start, end in denied_sections(doc.text):
        kind: FindingKind = "red_flag" if fid in RED_FLAG_KEYS else "history"
        state.add(fid, kind, "absent", "negated", start, end)
        if fid == "anticoagulant_use" and state.drug_safety.get("anticoagulant") != "present":
            state.drug_safety["anticoagulant"] = "absent"
    for sent in doc.sents:
        regions = [m for m in mentions if m.kind == "region" and m.span.sent == sent]
        for m in regions:
            read_region(state, m, regions)
    state.default_side = note_sides(state) if len(note_sides(state)) == 1 else ()
    if state.default_side:
        state.findings = [
            f.model_copy(update={"side": state.default_side[0]}) if f.kind.endswith("_region") and f.side is None else f
            for f in state.findings
        ]
    structured = [m for m in mentions if m.kind in STRUCTURED_KINDS]
    groups = exam_groups(structured)
    handlers = {
        "strength": read_strength,
        "reflex": read_reflex,
        "provocative": read_provocative,
        "function": read_function,
    }
    for group, window in zip(groups, exam_windows(doc, groups), strict=True):
        handlers[group[0].kind](state, group, window)
    for m, status, qualifier in state.toilet:
        read_toilet(state, m, status, qualifier)
    read_grade_changes(state)
    derive_findings(state)
    extra = read_demographics(state, today)
    state.to_confirm = unsettled(doc, state.findings, lambda a, b: _denied(state, a, b))
    state.unparsed = unparsed(doc, state.findings) + child_age(doc)
    return state, extra


def _denied(state: ParseState, start: int, end: int) -> bool:
    """A negation covers these words and no finding read over them is questioned ("no fever, leg weakness?")."""
    questioned = any(f.qualifier == "possible" and f.start < end and start < f.end for f in state.findings)
    return not questioned and in_scope_of(state.doc, start, end, {"NEGATED_EXISTENCE"})


def _shifted(state: ParseState, offset: int) -> list[ParsedFinding]:
    return [f.model_copy(update={"start": f.start + offset, "end": f.end + offset}) for f in state.findings]


def parse_note(text: str, kb: KnowledgeBase, today: date | None = None) -> Intake:
    """Read a clinical note or a patient's description into a Case and a list of findings with their source words.

    ``today`` resolves relative dates such as "since Monday"; without it they are left out of ``duration_days``.
    A long note is read chunk by chunk (sections and paragraphs, see chunks.py), so its cost grows linearly; the
    chunks' findings are then joined and the note-level findings (bilateral symptoms, sides) derived once.
    """
    nlp = pipeline(kb)
    text = ANSWERED_QUESTION.sub(":", text)  # "Loss of control of bowels? No" is a field and its answer
    roots: RootRegions = {str(r.id): (tuple(r.sensory_regions), tuple(r.pain_regions)) for r in kb.all("roots", Root)}
    parts = chunks(text)
    with warnings.catch_warnings():
        # spaCy warns (W036) that the token Matcher inside medspaCy's matchers has no patterns: every rule here is a
        # phrase or a regular expression, so that matcher is empty by design.
        warnings.filterwarnings("ignore", message=r"\[W036\]")
        docs = list(nlp.pipe(part for _, part in parts))
    whole = ParseState(docs[0]) if len(docs) == 1 else ParseState(nlp.make_doc(text))
    extra: dict[str, Any] = {}
    sides: set[Side] = set()
    for (offset, _), doc in zip(parts, docs, strict=True):
        state, found = _read(doc, today, roots)
        sides.update(note_sides(state))
        if len(docs) == 1:
            whole = state
        else:
            whole.findings += _shifted(state, offset)
            whole.strength += state.strength
            whole.reflexes += state.reflexes
            whole.provocative += state.provocative
            whole.procedures += state.procedures
            whole.to_confirm += [replace(u, start=u.start + offset, end=u.end + offset) for u in state.to_confirm]
            whole.unparsed += [replace(u, start=u.start + offset, end=u.end + offset) for u in state.unparsed]
            for key, value in state.observations.items():
                whole.observations[key] = (
                    value
                    if key not in whole.observations
                    else (min if key in LOWEST_WORST else max)(whole.observations[key], value)
                )
            for key, value in state.drug_safety.items():
                if key == "current_drugs":
                    whole.drug_safety.setdefault(key, []).extend(value)
                elif key in LOWEST_WORST and key in whole.drug_safety:
                    whole.drug_safety[key] = min(whole.drug_safety[key], value)
                elif whole.drug_safety.get(key) != "present":
                    whole.drug_safety[key] = value
        for key, value in found.items():
            extra.setdefault(key, value)
    if len(docs) > 1:
        derive_findings(whole)
    sided = {(f.id, f.status) for f in whole.findings if f.side is not None}
    whole.findings = [f for f in whole.findings if f.side is not None or (f.id, f.status) not in sided]
    findings = sorted(whole.findings, key=lambda f: (f.start, f.id, f.side or ""))
    whole.findings = list({(f.id, f.side, f.start, f.status, f.value): f for f in findings}.values())
    seen_confirm = {(u.group, u.text[:200]) for u in whole.to_confirm}
    extra["to_confirm"] = [{"group": g, "text": t} for g, t in sorted(seen_confirm)]
    return Intake(
        case=_case(whole, extra, tuple(sorted(sides))),
        findings=whole.findings,
        to_confirm=[NotUnderstood(**asdict(u)) for u in whole.to_confirm],
        unparsed=[NotUnderstood(**asdict(u)) for u in whole.unparsed],
    )
