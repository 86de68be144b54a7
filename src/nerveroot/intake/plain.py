"""Plain findings (red flags, history, symptoms, signs) and body regions with their sensory or pain mode."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from nerveroot.assessment.case import Side
from nerveroot.intake import patterns as pt
from nerveroot.intake.facts import read_procedure_mention
from nerveroot.intake.medicines import PROCEDURE_FINDINGS
from nerveroot.intake.models import FindingKind, FindingStatus, Qualifier
from nerveroot.intake.sides import sides_for
from nerveroot.intake.state import NESTS_SYMPTOMS, Mention, ParseState


def read_plain(state: ParseState, m: Mention) -> None:
    status, qualifier = m.status, m.qualifier
    if m.fixed == "absent" and status == "present":
        status, qualifier = "absent", "negated"
    if m.fixed == "denied_only" and status != "absent":  # a bare word says something only when denied
        return
    if m.kind == "toilet":  # read once every other finding of the sentence is known
        state.toilet.append((m, status, qualifier))
        return
    kind: FindingKind = m.kind if m.kind in ("red_flag", "history", "symptom", "sign") else "other"  # type: ignore[assignment]
    ids = m.ids
    if status != "present" and m.ids[0] in NESTS_SYMPTOMS:  # "no progressive weakness" says nothing of weakness
        ids = m.ids[:1]
    for fid in ids:
        sides: tuple[Side | None, ...] = (None,)
        if fid in SIDED_SIGNS:  # "R foot drop", "foot drop on the left": the sign carries its side
            sent = m.span.sent
            sides = sides_for(state.doc, m.span, sent.start, sent.end, ()) or (None,)
        for side in sides:
            state.add(fid, kind, status, qualifier, m.span.start_char, m.span.end_char, side)
        if fid in PROCEDURE_FINDINGS:
            read_procedure_mention(state, m, PROCEDURE_FINDINGS[fid], status, qualifier)


SIDED_SIGNS = frozenset({"foot_drop"})
"""Signs of one leg named without a movement grade; their side is read like a body region's."""


def read_toilet(state: ParseState, m: Mention, status: FindingStatus, qualifier: Qualifier | None) -> None:
    """'Can't feel when he needs to go': the bladder or the bowel, whichever the sentence is about.

    The nearest bladder or bowel word before the phrase decides (else the nearest after it); a sphincter the sentence
    calls normal ("bladder OK; can't feel when he needs to go") is not a candidate. With no candidate the phrase is
    not read.
    """
    sent = m.span.sent
    normal = {f.id for f in state.findings if f.status == "absent" and sent.start_char <= f.start < sent.end_char}
    before = state.doc.text[sent.start_char : m.span.start_char]
    after = state.doc.text[m.span.end_char : sent.end_char]
    words = (("bowel_dysfunction", pt.BOWEL_WORD), ("bladder_dysfunction", pt.BLADDER_WORD))
    cues = [(x.end(), fid) for fid, regex in words if fid not in normal for x in regex.finditer(before)]
    if cues:
        fid = max(cues)[1]
    else:
        later = [(x.start(), fid) for fid, regex in words if fid not in normal for x in regex.finditer(after)]
        if not later:
            return
        fid = min(later)[1]
    state.add(fid, "red_flag", status, qualifier, m.span.start_char, m.span.end_char)


def _region_modes(doc: Doc, span: Span) -> tuple[set[str], bool]:
    """'sensory' and/or 'pain' from the symptom words nearest the region in its sentence, and whether the region's own
    predicate denies them ("the calf is not numb", a region named spared after an earlier symptom word: "sole
    intact")."""
    sent = span.sent
    own = {"sensory" for _ in pt.SENSORY_WORD.finditer(span.text)} | {"pain" for _ in pt.PAIN_WORD.finditer(span.text)}
    if own:
        return own, False
    said, denied = _predicate_modes(doc.text[span.end_char : sent.end_char])
    if said:  # "the R calf has gone numb": the region's own predicate beats a word of an earlier clause
        return said, denied
    left = doc.text[sent.start_char : span.start_char]
    right = doc.text[span.end_char : sent.end_char]
    spared = bool(pt.REGION_SPARED.match(right))  # "sens ↓ dorsum of foot; sole intact"
    hits = [(m.end(), "sensory") for m in pt.SENSORY_WORD.finditer(left)]
    hits += [(m.end(), "pain") for m in pt.PAIN_WORD.finditer(left)]
    if hits:
        hits.sort()
        modes = {hits[-1][1]}
        # "pain and numbness down the shin": words joined by and/or/commas share the region.
        tail = left[: hits[-1][0]]
        for end, mode in reversed(hits[:-1]):
            gap = tail[end:].lower()
            words = re.sub(r"[^a-z ]", " ", gap).split()
            if len(words) <= 4 and any(w in ("and", "or", "with") for w in words):
                modes.add(mode)
                tail = left[:end]
            else:
                break
        return modes, spared
    right_hits = [(m.start(), "sensory") for m in pt.SENSORY_WORD.finditer(right)]
    right_hits += [(m.start(), "pain") for m in pt.PAIN_WORD.finditer(right)]
    if right_hits:
        return {min(right_hits)[1]}, False
    return _course_modes(doc, sent), False


_COURSE = re.compile(
    r"\b(?:it|this|that|which)\s+(?:\w+\s+)?(?:starts?|begins?|goes|runs|travels|spreads|shoots|moves|comes)\b"
    r"|\b(?:goes|runs|travels|spreads|shoots|moves) (?:right |all the way )?(?:down|into|to|through|along|across)\b",
    re.IGNORECASE,
)


def _course_modes(doc: Doc, sent: Span) -> set[str]:
    """A sentence that only traces a course ("It starts in my lower back and goes down the front of my thigh") speaks
    of the symptom of the sentence before it: that sentence's last symptom word gives the mode."""
    if not _COURSE.search(sent.text) or sent.start == 0:
        return set()
    before = doc[sent.start - 1].sent.text
    hits = [(m.end(), "sensory") for m in pt.SENSORY_WORD.finditer(before)]
    hits += [(m.end(), "pain") for m in pt.PAIN_WORD.finditer(before)]
    return {max(hits)[1]} if hits else set()


def _predicate_modes(right: str) -> tuple[set[str], bool]:
    """Modes of a predicate straight after a region ("has gone numb", "feels tingly and sore", "numb") and whether
    the predicate denies them ("is not numb")."""
    mt = pt.REGION_PREDICATE.match(right)
    if mt is None:
        return set(), False
    denied = bool(pt.PREDICATE_NEGATION.search(mt.group(0)))
    modes: set[str] = set()
    pos = mt.end()
    while True:
        word = pt.SENSORY_WORD.match(right, pos) or pt.PAIN_WORD.match(right, pos)
        if word is None:
            return modes, denied
        modes.add("sensory" if pt.SENSORY_WORD.match(right, pos) else "pain")
        joiner = pt.PREDICATE_JOINER.match(right, word.end())
        if joiner is None:
            return modes, denied
        pos = joiner.end()


def read_region(state: ParseState, m: Mention, regions_in_sent: list[Mention]) -> None:
    doc = state.doc
    modes, denied = _region_modes(doc, m.span)
    if not modes:
        return
    status, qualifier = ("absent", "negated") if denied and m.status == "present" else (m.status, m.qualifier)
    idx = regions_in_sent.index(m)
    lo = regions_in_sent[idx - 1].span.end if idx else m.span.sent.start
    hi = regions_in_sent[idx + 1].span.start if idx + 1 < len(regions_in_sent) else m.span.sent.end
    hi = next((t.i for t in doc[m.span.end : hi] if t.text == ";"), hi)  # a side after ";" is another clause's
    sides = sides_for(doc, m.span, lo, hi, ())
    for region in m.ids:
        for mode in sorted(modes):
            if region == "saddle" and mode == "sensory":  # altered saddle sensation is the red flag itself
                state.add("saddle_anaesthesia", "red_flag", status, qualifier, m.span.start_char, m.span.end_char)
                continue
            fid = f"{mode}:{region}"
            kind: FindingKind = "sensory_region" if mode == "sensory" else "pain_region"
            for side in sides or (None,):
                state.add(fid, kind, status, qualifier, m.span.start_char, m.span.end_char, side)
