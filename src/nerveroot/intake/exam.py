"""Exam findings: MRC strength, reflexes and functions judged by the word beside them (tests: provocative.py)."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from nerveroot.assessment.case import (
    RED_FLAG_KEYS,
    ReflexTest,
    StrengthTest,
)
from nerveroot.intake import patterns as pt
from nerveroot.intake.models import FindingKind, FindingStatus, Qualifier
from nerveroot.intake.rules import REFLEX_SUFFIX, STRENGTH_PREFIX
from nerveroot.intake.sides import side_tokens
from nerveroot.intake.state import MOVEMENTS, REFLEXES, Mention, ParseState, in_scope_of
from nerveroot.intake.windows import (
    _FUNCTIONAL,
    _compared_side,
    _cue,
    _grades,
    _left_clause,
    _ordered_sides,
    _own_sides,
    _sides_by_value,
    _Window,
)


def read_grade_changes(state: ParseState) -> None:
    """A grade that fell ("TA now 3/5 (was 4/5)", "EHL 4/5 → 2/5") is progressive weakness; one that rose
    ("EHL 4/5 (was 3/5)") says the weakness is not progressing."""
    doc = state.doc
    for regex, new_first in ((pt.GRADE_NOW_WAS, True), (pt.GRADE_WAS_NOW, False)):
        for mt in regex.finditer(doc.text):
            a, b = (int(g) for g in mt.groups() if g is not None)
            new, old = (a, b) if new_first else (b, a)
            if new != old and not in_scope_of(doc, mt.start(), mt.end()):
                status: FindingStatus = "present" if new < old else "absent"
                state.add("progressive_weakness", "red_flag", status, None, mt.start(), mt.end())


_INABLE = re.compile(
    r"\b(?:can['’]?t|cannot|can not|could ?n['’]?t|could not|unable to|not able to|inability to)(?: \w+)?$",
    re.IGNORECASE,
)
_CATCHING = re.compile(r"\b(?:catch|scuff|trip)\w*", re.IGNORECASE)
"""Toes that catch or scuff, or tripping over the foot: the mention is itself the (ungraded) weakness."""
_STRENGTH_CUES: tuple[tuple[FindingStatus, re.Pattern[str]], ...] = (
    ("present", pt.WEAK_CUE),
    ("absent", pt.STRONG_CUE),
)


def read_strength(state: ParseState, group: list[Mention], w: _Window) -> None:
    doc = state.doc
    grades = _grades(doc, w, any(_FUNCTIONAL.search(m.span.text) for m in group))
    for m in group:
        if m.qualifier in ("family", "hypothetical", "possible"):
            for mv in m.ids:
                state.add(STRENGTH_PREFIX + mv, "strength", "unknown", m.qualifier, m.span.start_char, m.span.end_char)
            continue
        movements = [mv for mv in m.ids if mv in MOVEMENTS]
        if grades:
            sides = _sides_by_value(doc, w, [p for p, _, _ in grades], state.default_side, m.span)
            for (pos, value_end, grade), side_tuple in zip(grades, sides, strict=True):
                status: FindingStatus = "present" if grade <= 4 else "absent"
                start, end = min(m.span.start_char, pos), max(m.span.end_char, value_end)
                for mv in movements:
                    for side in side_tuple or (None,):
                        state.add(STRENGTH_PREFIX + mv, "strength", status, None, start, end, side, grade)
                        state.strength.append(StrengthTest(movement=mv, side=side, grade=grade))
                        if grade <= 3:
                            state.add("severe_motor_deficit", "sign", "present", None, start, end, side, grade)
                            if mv == "ankle_dorsiflexion":
                                state.add("foot_drop", "sign", "present", None, start, end, side, grade)
            continue
        cue_status: FindingStatus | None = None
        if _INABLE.search(doc[max(w.left_lo, m.span.start - 3) : m.span.start].text):
            cue_status = "present"  # "could not dorsiflex the ankle": an inability, not a denial
        elif m.status == "absent":
            cue_status = "absent"
        elif pt.WEAK_CUE.search(m.span.text) or _CATCHING.search(m.span.text):
            cue_status = "present"
        else:
            cue_status = _cue(_left_clause(doc, w, 4).text, _STRENGTH_CUES, last=True) or _cue(
                w.right_text(doc), _STRENGTH_CUES, last=False
            )
        if cue_status is None:
            continue
        qualifier: Qualifier | None = m.qualifier if cue_status == m.status else None
        if m.qualifier == "historical":
            cue_status, qualifier = "unknown", "historical"
        mention_sides = _own_sides(doc, m.span, w, state.default_side)
        for mv in m.ids:
            for side in mention_sides or (None,):
                state.add(
                    STRENGTH_PREFIX + mv, "strength", cue_status, qualifier, m.span.start_char, m.span.end_char, side
                )


def _reflex_results(text: str) -> list[tuple[int, int, str]]:
    hits: list[tuple[int, int, str]] = []
    for result, regex in pt.REFLEX_RESULTS:
        for mt in regex.finditer(text):
            if any(s <= mt.start() < e for s, e, _ in hits):
                continue
            negated = pt.NOT_BEFORE.search(text[: mt.start()])
            hits.append((mt.start(), mt.end(), "normal" if negated and result != "normal" else result))
    # "1+ and symmetrical": symmetry says both sides match, not that they are normal, when a grade is given too
    graded = [h for h in hits if not pt.SYMMETRIC.fullmatch(text[h[0] : h[1]])]
    return sorted(graded or hits)


def _attributive(doc: Doc, w: _Window) -> list[tuple[int, int, str]]:
    """A result word straight before a reflex, its attribute: "increased patellar reflexes", "absent L ankle jerk".

    Only words count (an arrow or grade before the reflex belongs to the item before it: "KJ↓ AJ normal"); a side
    word may stand between.
    """
    lo = w.start
    while lo > max(w.left_lo, w.start - 3) and not doc[lo - 1].is_punct:
        lo -= 1
    left = doc[lo : w.start]
    hits = [h for h in _reflex_results(left.text) if left.text[h[0] : h[1]].isalpha()]
    if not hits:
        return []
    start, end, result = hits[-1]
    if any(not (pt.SIDE_WORDS.get(x.lower()) or pt.SIDE_LETTERS.get(x)) for x in left.text[end:].split()):
        return []
    return [(left.start_char + start, left.start_char + end, result)]


def _next_item(doc: Doc, w: _Window) -> int:
    """Where the reflex's own words end on the right: at a comma once a result has been read and the words after
    the comma are more than sides and results ("KJ reduced L, sensation intact": 'intact' is the sensation's
    verdict); "KJ reduced L, normal R" reads on."""
    commas = [t.i for t in doc[w.end : w.right_hi] if t.text == ","]
    if not commas:
        return w.right_hi
    for comma, after in zip(commas, [*commas[1:], w.right_hi], strict=True):
        if not _reflex_results(doc[w.end : comma].text):
            continue
        rest = doc[comma + 1 : after]
        if any(not _side_or_result(t.text) for t in rest if any(c.isalnum() for c in t.text)):
            return comma
    return w.right_hi


def _side_or_result(token: str) -> bool:
    word = token.rstrip(".")  # "R." at the end of a sentence is one token
    return bool(
        pt.SIDE_WORDS.get(word.lower()) or pt.SIDE_LETTERS.get(word) or _reflex_results(word) or word.lower() in _LINKS
    )


_LINKS = frozenset({"and", "on", "the", "side", "bilaterally", "both"})


def _site_after_value(m: Mention) -> bool:
    """A reflex named by its site after the value: "2+ at the knees", "absent in both ankles"."""
    doc = m.span.doc
    i = m.span.start
    return i >= 2 and doc[i - 2].lower_ in ("at", "in") and doc[i - 1].lower_ in ("the", "both")


_PLURAL_REFLEX = ("jerks", "reflexes", "kjs", "ajs", "knees", "ankles")


_BARE_SITE = re.compile(r"^(?:knees?|ankles?)$", re.IGNORECASE)


def read_reflex(state: ParseState, group: list[Mention], w: _Window) -> None:
    doc = state.doc
    for m in group:
        if m.qualifier in ("family", "hypothetical", "possible", "historical"):
            continue
        if _BARE_SITE.match(m.span.text) and not pt.REFLEX_WORD.search(m.span.sent.text):
            continue  # "knee 0, ankle 2" reads as reflexes only in a sentence about reflexes
        own = _reflex_results(m.span.text)
        if own:
            found = [(m.span.start_char + s, m.span.start_char + e, r) for s, e, r in own]
        elif m is group[0] and _attributive(doc, w):
            found = _attributive(doc, w)
        elif _site_after_value(m):  # "reflexes 2+ at the knees and absent at the ankles": the value is before
            left = doc[max(w.left_lo, w.start - 5) : w.start]
            found = [(left.start_char + s, left.start_char + e, r) for s, e, r in _reflex_results(left.text)[-1:]]
        else:
            right = doc[w.end : _next_item(doc, w)]
            found = [(right.start_char + s, right.start_char + e, r) for s, e, r in _reflex_results(right.text)]
            if not found:
                left = doc[max(w.left_lo, w.start - 5) : w.start]
                found = [(left.start_char + s, left.start_char + e, r) for s, e, r in _reflex_results(left.text)]
        if not found and m.status == "absent":  # "no ankle jerk on the left" means the reflex is absent
            found = [(m.span.start_char, m.span.end_char, "absent")]
        if not found:
            continue
        plural = any(x.span.text.lower().endswith(_PLURAL_REFLEX) for x in (m, group[-1]))
        clause = doc[_left_clause(doc, w, 4).start : w.right_hi]
        if plural and not side_tokens(clause) and not _ordered_sides(clause.text, len(found)):
            # "absent ankle jerks", "ankles 2+ and equal": both sides
            sides = [pt.BOTH for _ in found]
        else:
            sides = _sides_by_value(doc, w, [s for s, _, _ in found], state.default_side, m.span)
        found_sides = list(zip(found, sides, strict=True))
        found_sides += _compared_side(doc, w, found_sides)
        for (s, e, result), side_tuple in found_sides:
            start, end = min(m.span.start_char, s), max(m.span.end_char, e)
            status: FindingStatus = "present" if result in ("reduced", "absent") else "absent"
            for name in m.ids:
                if name not in REFLEXES:
                    continue
                for side in side_tuple or (None,):
                    state.add(name + REFLEX_SUFFIX, "reflex", status, None, start, end, side, result)
                    state.reflexes.append(ReflexTest(reflex=name, side=side, result=result))
                    if result == "brisk":
                        state.add("brisk_reflexes", "sign", "present", None, start, end, side, result)


_FUNCTION_CUES: tuple[tuple[FindingStatus, re.Pattern[str]], ...] = (
    ("present", pt.FUNCTION_IMPAIRED),
    ("absent", pt.FUNCTION_NORMAL),
)


_CLAUSE_END = {",", ";", ".", "but", "however", "though", "although", "whereas"}


_LEFT_STOP = {"and", "or", "with", "but", "&", "+"}


def _negated_in_clause(span: Span, verdict: re.Pattern[str] | None = None) -> bool:
    """Whether a negation cue modifying the span sits in its own clause (no comma or semicolon in between), or opens
    a list whose last item the span is (joined by "or"/"nor", no semicolon). A cue
    that is itself a present verdict of the function ("anal contraction absent") is its result, not a negation; a
    judging word after the function that is also a negation cue ("normal") is its verdict, read with any "not"
    before it ("wees not normal" is impaired)."""
    doc = span.doc
    for mod in span._.modifiers:
        if mod.category != "NEGATED_EXISTENCE":
            continue
        cue_start, cue_end = mod.modifier_span
        cue = doc[cue_start:cue_end].text
        if verdict is not None and verdict.search(cue):
            continue
        if cue_start >= span.end and any(regex.search(cue) for _, regex in _FUNCTION_CUES):
            continue
        lo, hi = (cue_end, span.start) if cue_end <= span.start else (span.end, cue_start)
        if not any(t.text in (",", ";") for t in doc[lo:hi]):
            return True
        if hi == span.start and hi > lo and doc[hi - 1].lower_ in ("or", "nor") and ";" not in doc[lo:hi].text:
            return True  # a denied list's last item: "no numbness, motor disturbance or bladder/rectal dysfunction"
    return False


def _field_status(value: str, cues: tuple[tuple[FindingStatus, re.Pattern[str]], ...]) -> FindingStatus | None:
    """The verdict of a field's value: its first clause's ("PR: tone preserved, reduced saddle sensation" is
    normal tone), unless a later clause says it changed ("Bladder: normal until Monday, now leaking"); with none in
    the first clause, any later one, impaired first ("B/B: catheter out day 2, normal since")."""
    first, *rest = re.split(r"[,;]", value)
    later = [(bool(_CHANGE.match(part)), _cue(part, cues, last=False)) for part in rest]
    if (True, "present") in later:
        return "present"
    found = {status for _, status in later}
    return _cue(first, cues, last=False) or (
        "present" if "present" in found else ("absent" if "absent" in found else None)
    )


_CHANGE = re.compile(r"\s*(?:now|but|then|since|however|today|yesterday|this morning|recently)\b", re.IGNORECASE)


def read_function(state: ParseState, group: list[Mention], w: _Window) -> None:
    """Functions named with a verdict beside them: "PR tone lax", "gait normal", "erections and ejaculation normal".

    The verdict is the judging word nearest the group in its clause (left first, then right); a function with no
    verdict ("PR not done") gives no finding. Possible, hypothetical or family mentions stay unknown.
    """
    doc = state.doc
    lo = w.start
    while lo > max(w.left_lo, w.start - 3) and not doc[lo - 1].is_punct and doc[lo - 1].lower_ not in _LEFT_STOP:
        lo -= 1
    left = doc[lo : w.start]
    field = w.end < len(doc) and doc[w.end].text in (":", "-", "–")  # "B/B: catheter out day 2, normal since"
    ends = (i for i in range(w.end, w.right_hi) if doc[i].lower_ in _CLAUSE_END)
    stop = w.right_hi if field else next(ends, w.right_hi)
    cues = _FUNCTION_CUES
    extra = pt.FUNCTION_CUES_FOR.get(group[0].ids[0])
    if extra is not None:
        cues = (("absent", extra[1]), ("present", extra[0]), *cues)
    status = (
        _field_status(doc[w.end : stop].text, cues)
        if field
        else _cue(left.text, cues, last=True) or _cue(doc[w.end : stop].text, cues, last=False)
    )
    if status is None:
        return
    start = min(left.start_char, group[0].span.start_char)
    end = max(doc[stop - 1].idx + len(doc[stop - 1]) if stop > w.end else 0, group[-1].span.end_char)
    list_denied = False
    for m in group:
        blocked = m.qualifier in ("family", "hypothetical", "possible", "historical")
        # Negated in its own clause, a function never turns present ("denies peeing being a struggle"); a negation
        # before a comma leaves a verdict clause alone ("no saddle anaesthesia, PR tone lax"). A negation that opens
        # the list sharing one verdict denies every item after it ("no bladder, bowel or saddle problems").
        denied = list_denied or (m.qualifier == "negated" and _negated_in_clause(m.span, extra[0] if extra else None))
        list_denied = denied
        own: FindingStatus = "absent" if denied else status
        for fid in m.ids:
            kind: FindingKind = "red_flag" if fid in RED_FLAG_KEYS else "symptom"
            if blocked:
                state.add(fid, kind, "unknown", m.qualifier, m.span.start_char, m.span.end_char)
            else:
                state.add(fid, kind, own, "negated" if own != status else None, start, end)
