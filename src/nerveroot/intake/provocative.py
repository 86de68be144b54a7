"""Provocative tests (straight-leg raise, crossed SLR, femoral stretch, slump): the result, the SLR angle and the
side of each, also when one test lists two sides ("SLR L 50°, R 80°")."""

from __future__ import annotations

import re

from spacy.tokens import Doc

from nerveroot.assessment.case import ProvocativeResult, Side
from nerveroot.intake import patterns as pt
from nerveroot.intake.models import FindingStatus
from nerveroot.intake.rules import PROVOCATIVE_SUFFIX
from nerveroot.intake.sides import nearest_side, side_tokens
from nerveroot.intake.state import TESTS, Mention, ParseState, denied_in_item
from nerveroot.intake.windows import _left_clause, _ordered_sides, _Window


def _test_result(doc: Doc, m: Mention, w: _Window) -> tuple[str | None, int | None, int, int]:
    """'positive' / 'negative' / None, the SLR angle, and the char bounds of the test name and deciding words."""
    own = m.span.text
    right = doc[w.end : w.right_hi]
    left = _left_clause(doc, w)
    angle_match = pt.ANGLE.search(right.text)
    if angle_match is None and tests_take_angles(m):
        angle_match = pt.ANGLE_BARE.search(right.text)
    angle = int(angle_match.group(1) or angle_match.group(2)) if angle_match else None
    angle = angle if angle is not None and angle <= 120 else None
    after = doc[w.end : m.span.sent.end]
    rest = pt.HAMSTRING_ONLY.search(after.text)
    if rest is not None:
        return "negative", angle, m.span.start_char, after.start_char + rest.end()
    left_neg = pt.TEST_NEGATIVE.search(left.text)
    if left_neg and not pt.TEST_POSITIVE.search(left.text):
        return "negative", angle, left.start_char + left_neg.start(), m.span.end_char
    for text, base in ((own, m.span.start_char), (left.text, left.start_char), (right.text, right.start_char)):
        neg, pos = pt.TEST_NEGATIVE.search(text), pt.TEST_POSITIVE.search(text)
        if neg and (not pos or neg.start() <= pos.start()):
            return "negative", angle, min(base + neg.start(), m.span.start_char), max(base + neg.end(), m.span.end_char)
        if pos:  # "does not elicit pain", "not reproduced": a denied positive word is a negative result
            result = "negative" if pt.NOT_BEFORE.search(text[: pos.start()]) else "positive"
            return result, angle, min(base + pos.start(), m.span.start_char), max(base + pos.end(), m.span.end_char)
    bounds = m.span.start_char, m.span.end_char
    opener = pt.TEST_FOR.search(doc[m.span.sent.start : m.span.start].text)
    if opener is not None and m.status == "present":
        return "positive", angle, m.span.sent.start_char + opener.start(), m.span.end_char
    found = pt.SIGN_FOUND.search(doc[m.span.sent.start : m.span.start].text)
    if found is not None and m.status == "present" and own.lower().endswith("sign"):
        return "positive", angle, m.span.sent.start_char + found.start(), m.span.end_char
    if pt.TEST_NOT_DONE.search(right.text):
        return None, None, *bounds
    if m.status == "absent":
        return "negative", angle, *bounds
    if angle is not None and angle_match is not None:
        result = "positive" if angle < pt.SLR_POSITIVE_BELOW else "negative"
        return result, angle, m.span.start_char, right.start_char + angle_match.end()
    return None, None, *bounds


_CROSSED = ("crossed_slr", "crossed_femoral_stretch")


_TEST_VALUES = (("positive", pt.TEST_POSITIVE), ("negative", pt.TEST_NEGATIVE))


_LIMB_WORD = re.compile(r"^(?:leg|legs|limb|lower|buttock|thigh|calf|foot|hip|knee|groin|shin)\b", re.IGNORECASE)


def tests_take_angles(m: Mention) -> bool:
    """Whether a test mention is a straight-leg raise (the only test written with an angle)."""
    return bool({"slr", "crossed_slr"} & set(m.ids))


def _per_side_results(doc: Doc, m: Mention, w: _Window, limit: int) -> list[tuple[Side, str, int | None, int]]:
    """'SLR L 50°, R 80°' / 'SLR positive L, negative R': one result per side when a test lists two sides.

    Side words naming a limb or region ("reproducing right buttock pain") are not test sides. Each result word or
    angle goes with the one side word of its own comma clause, else with the nearest side word before it (or after
    it, when the sides are written after the values).
    """
    lo = _left_clause(doc, w).start
    sides = [
        (doc[i].idx, side)
        for i, side in side_tokens(doc[lo:limit])
        if i + 1 >= len(doc) or not _LIMB_WORD.match(doc[i + 1].text)
    ]
    if len({s for _, s in sides}) < 2 or any(len(s) > 1 for _, s in sides):
        return []
    right = doc[m.span.start : limit]  # the test's own words may hold a result: "SLR positive on the left, ..."
    values: list[tuple[int, str, int | None, int]] = []
    for result, regex in _TEST_VALUES:
        values += [
            (right.start_char + x.start(), result, None, right.start_char + x.end()) for x in regex.finditer(right.text)
        ]
    angles = [(x.start(), x.end(), int(x.group(1) or x.group(2))) for x in pt.ANGLE.finditer(right.text)]
    if not angles and tests_take_angles(m):
        found = {x.start(1): x for x in pt.ANGLE_AFTER_SIDE.finditer(right.text)}
        found |= {x.start(1): x for x in pt.ANGLE_BEFORE_SIDE.finditer(right.text) if x.start(1) not in found}
        angles = [(start, x.end(1), int(x.group(1))) for start, x in sorted(found.items())]
    for x_start, x_end, degrees in angles:
        if 10 <= degrees <= 120:
            verdict = "positive" if degrees < pt.SLR_POSITIVE_BELOW else "negative"
            values.append((right.start_char + x_start, verdict, degrees, right.start_char + x_end))
    if not values:
        return []
    values.sort()
    ordered = _ordered_sides(doc[w.left_lo : limit].text, len(values))
    if ordered:  # "SLR 40° / 80° (R / L)"
        return [(side[0], result, angle, end) for (_, result, angle, end), side in zip(values, ordered, strict=True)]
    before_first = sides[0][0] < values[0][0]
    breaks = [t.idx for t in doc[lo:limit] if t.text in (",", ";")]

    def clause(pos: int) -> int:
        return sum(b < pos for b in breaks)

    by_side: dict[Side, tuple[str, int | None, int]] = {}
    for pos, result, angle, end in values:
        own = {s for p, s in sides if clause(p) == clause(pos)}  # "SLR 40° L, R 85°": the side in the value's clause
        cands = [s for p, s in sides if p < pos] if before_first else [s for p, s in sides if p > pos]
        if len(own) == 1:
            cands = list(own)
        if not cands:
            continue
        side = (cands[-1] if before_first else cands[0])[0]
        held = by_side.get(side)
        if held is None:  # a result word beats an angle; the first word wins
            by_side[side] = (result, angle, end)
        elif held[1] is not None and angle is None:
            by_side[side] = (result, held[1], max(end, held[2]))
        elif held[1] is None and angle is not None:
            by_side[side] = (held[0], angle, held[2])
    return [(side, result, angle, end) for side, (result, angle, end) in by_side.items()]


def _record_test(
    state: ParseState, test: str, side: Side | None, result: str, angle: int | None, start: int, end: int
) -> None:
    status: FindingStatus = "present" if result == "positive" else "absent"
    state.add(test + PROVOCATIVE_SUFFIX, "provocative", status, None, start, end, side, result)
    state.provocative.append(
        ProvocativeResult(
            test=test,
            side=side,
            result=result,
            angle=angle if test in ("slr", "crossed_slr") else None,
        )
    )


def _own_result(m: Mention) -> str | None:
    """The verdict written inside a test's own phrase ("slump positive"), if any."""
    neg, pos = pt.TEST_NEGATIVE.search(m.span.text), pt.TEST_POSITIVE.search(m.span.text)
    if neg and (not pos or neg.start() <= pos.start()):
        return "negative"
    return "positive" if pos else None


def read_provocative(state: ParseState, group: list[Mention], w: _Window) -> None:
    doc = state.doc
    for m in group:
        if m.qualifier in ("family", "hypothetical", "possible", "historical"):
            continue
        tests = [t for t in m.ids if t in TESTS]
        sent = m.span.sent
        later = [i for i in range(w.end, sent.end) if doc[i].ent_iob_ == "B" and doc[i].ent_type_ == "PROVOCATIVE"]
        per_side = [] if set(tests) & set(_CROSSED) else _per_side_results(doc, m, w, later[0] if later else sent.end)
        if per_side:
            for one_side, verdict, degrees, value_end in per_side:
                for test in tests:
                    _record_test(state, test, one_side, verdict, degrees, m.span.start_char, value_end)
            continue
        result, angle, start, end = _test_result(doc, m, w)
        if result is None:  # "SLR and slump positive L": a later test of the list carries the verdict in its phrase
            result = next((r for r in (_own_result(x) for x in group[group.index(m) + 1 :]) if r), None)
        if result is None:
            continue
        # "no positive SLR" denies the test; a "no" of an earlier list item ("no pain below knee, SLR +ve") does not
        negated_here = denied_in_item(doc, m.span.start_char, m.span.end_char)
        if m.status == "absent" and result == "positive" and m.qualifier == "negated" and negated_here:
            result = "negative"
        left = _left_clause(doc, w)
        sides = nearest_side(doc, left.start, w.right_hi, m.span.start, m.span.end)
        if not sides and not set(tests) & set(_CROSSED):  # "SLR + at 30° on the left, Bragard's also positive"
            sides = nearest_side(doc, sent.start, sent.end, m.span.start, m.span.end)
        for test in tests:
            for side in sides or state.default_side or (None,):
                _record_test(state, test, side, result, angle, start, end)
