"""Exam windows: the words around a group of exam mentions, and the grades, values and sides read in them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from nerveroot.assessment.case import (
    Side,
)
from nerveroot.intake import patterns as pt
from nerveroot.intake.models import FindingStatus
from nerveroot.intake.sides import nearest_side, side_tokens, sides_for
from nerveroot.intake.state import JOINERS, Mention

_BRACKETS = {"(", ")", "[", "]"}


def _repeated_side(group: list[Mention], gap: Span) -> set[str]:
    """A side word that repeats the one leading the group joins too: "right inversion and right eversion 3/5"."""
    doc = gap.doc
    first = group[0].span.start
    lead = doc[first - 1].lower_ if first else ""
    return {lead} if pt.SIDE_WORDS.get(lead) or pt.SIDE_LETTERS.get(doc[first - 1].text if first else "") else set()


def exam_groups(mentions: list[Mention]) -> list[list[Mention]]:
    """Consecutive same-kind structured mentions joined only by 'and', commas, slashes, a bracketed synonym
    ("ankle inversion (tibialis posterior)") or the group's own leading side word said again."""
    groups: list[list[Mention]] = []
    for m in mentions:
        if groups:
            last = groups[-1][-1]
            gap = m.span.doc[last.span.end : m.span.start]
            joiners = JOINERS | _BRACKETS | _repeated_side(groups[-1], gap)
            # "SLR +, FST neg": a "+" closed by a comma is the first test's result, not a joiner
            plus_result = any(t.text == "+" and t.nbor().text in (",", ";") for t in gap if t.i + 1 < len(t.doc))
            joined = all(t.lower_ in joiners for t in gap) and not plus_result
            if last.kind == m.kind and last.span.sent == m.span.sent and joined:
                groups[-1].append(m)
                continue
        groups.append([m])
    return groups


@dataclass(frozen=True)
class _Window:
    """Text around a group of exam mentions, bounded by neighbouring exam mentions and the sentence."""

    left_lo: int
    start: int
    end: int
    right_hi: int

    def left_text(self, doc: Doc, max_tokens: int = 4) -> str:
        lo = max(self.left_lo, self.start - max_tokens)
        return doc[lo : self.start].text if lo < self.start else ""

    def right_text(self, doc: Doc) -> str:
        return doc[self.end : self.right_hi].text if self.end < self.right_hi else ""


def exam_windows(doc: Doc, groups: list[list[Mention]]) -> list[_Window]:
    out = []
    for i, group in enumerate(groups):
        sent = group[0].span.sent
        prev_end = groups[i - 1][-1].span.end if i and groups[i - 1][-1].span.sent == sent else sent.start
        nxt = groups[i + 1][0].span.start if i + 1 < len(groups) and groups[i + 1][0].span.sent == sent else sent.end
        semi = [t.i for t in doc[group[-1].span.end : nxt] if t.text == ";"]
        out.append(_Window(prev_end, group[0].span.start, group[-1].span.end, semi[0] if semi else nxt))
    return out


_CLAUSE_MARKS = {",", ";", ":", "."}


def _valued(doc: Doc, w: _Window, regex: re.Pattern[str], right_first: bool = True) -> list[tuple[int, re.Match[str]]]:
    """Matches of a value pattern in the right window, else in the left window (as absolute char offsets).

    The left window is the mention's own clause, up to six words: "4/5 strength in the right tibialis anterior" is
    graded, "EHL 4/5, TA normal" leaves the 4/5 with the EHL.
    """
    right_start = doc[w.end].idx if w.end < len(doc) else len(doc.text)
    left_lo = max(w.left_lo, w.start - 6)
    left_lo = max([left_lo, *(t.i + 1 for t in doc[left_lo : w.start] if t.text in _CLAUSE_MARKS)])
    spots = [(right_start, doc[w.end : w.right_hi].text)] if w.end < w.right_hi else []
    left = [(doc[left_lo].idx, doc[left_lo : w.start].text)] if left_lo < w.start else []
    for base, text in (spots + left) if right_first else (left + spots):
        hits = [(base + mt.start(), mt) for mt in regex.finditer(text)]
        if hits:
            return hits
    return []


def _column_sides(
    text: str, pos: int, header: re.Pattern[str] = pt.SIDE_COLUMNS
) -> tuple[tuple[Side, ...], tuple[Side, ...]] | None:
    """The sides of a table header earlier on the line of ``pos`` ("Power L (R): …": plain values, bracketed ones;
    with ``header`` SIDE_PAIR_HEADER, "Power R / L: …": the first and the second of a pair)."""
    line_start = text.rfind("\n", 0, pos) + 1
    headers = list(header.finditer(text, line_start, pos))
    found = headers[-1] if headers else None
    if found is None and header is pt.SIDE_PAIR_HEADER:
        found = _header_above(text, line_start)
    if found is None:
        return None
    first, second = (pt.SIDE_WORDS.get(g.lower()) or pt.SIDE_LETTERS[g.upper()] for g in found.groups())
    return (first, second) if first != second else None


def _header_above(text: str, line_start: int, max_rows: int = 15) -> re.Match[str] | None:
    """A side-pair header line above a table row ("Myotomes  R | L" over "hip flex  5 | 4"), reached only through
    rows that hold values; a blank line or a line of words ends the table."""
    end = line_start - 1
    for _ in range(max_rows):
        if end < 0:
            return None
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end]
        header = pt.SIDE_PAIR_LINE.match(line)
        if header is not None:
            return header
        if not re.search(r"\d", line):
            return None
        end = start - 1
    return None


def _sides_by_value(
    doc: Doc, w: _Window, values: list[int], default: tuple[Side, ...], span: Span
) -> list[tuple[Side, ...]]:
    """One side tuple per value position (char offsets), pairing sides written before or after each value.

    Sides are looked for from the start of the group's own clause: in "knee 2+ both sides, ankle absent on the
    right" the ankle's side is "right", not the knee's "both sides". Under a "L (R):" table header a value takes the
    header's side for its column.
    """
    columns = _column_sides(doc.text, values[0]) if values else None
    if columns:
        return [columns[1] if doc.text[:pos].rstrip().endswith("(") else columns[0] for pos in values]
    pair = _column_sides(doc.text, values[0], pt.SIDE_PAIR_HEADER) if len(values) == 2 else None
    if pair:
        return list(pair)
    lo = _left_clause(doc, w, 4).start
    clause = doc[lo : w.right_hi]
    ordered = _ordered_sides(doc[w.left_lo : w.right_hi].text, len(values))
    if ordered:
        return ordered
    if pt.SYMMETRIC.search(clause.text):  # "AJ 2+ symmetrical", "L=R": the value holds on both sides
        return [pt.BOTH for _ in values]
    sides = [(doc[i].idx, s) for i, s in side_tokens(clause)]
    fallback = sides_for(doc, span, lo, w.right_hi, default)
    if not sides:
        return [fallback for _ in values]
    before_first = sides[0][0] < values[0]
    out = []
    for pos in values:
        if before_first:
            cands = [s for p, s in sides if p < pos]
            out.append(cands[-1] if cands else fallback)
        else:
            cands = [s for p, s in sides if p > pos]
            out.append(cands[0] if cands else fallback)
    return out


_FUNCTIONAL = re.compile(r"rais|walk|stand|tip", re.IGNORECASE)
"""Functional tests (heel / toe walking, heel raises): a bare number after them counts repetitions, not MRC grade."""


def _ordered_sides(text: str, count: int) -> list[tuple[Side, ...]]:
    """An ordered side list for two values: "1+ / 2+ (R / L)", "R/L: 4/5, 5/5", "left and right … 0/5 and 2/5,
    respectively" → one side per value, in order."""
    mt = pt.SIDE_ORDER.search(text) or pt.SIDE_RESPECTIVELY.search(text)
    if mt is None or count != 2:
        return []
    first, second = (pt.SIDE_WORDS.get(g.lower()) or pt.SIDE_LETTERS[g.upper()] for g in mt.groups())
    return [first, second] if first != second else []


def _grades(doc: Doc, w: _Window, functional: bool = False) -> list[tuple[int, int, int]]:
    """MRC grades around a group as (char start, char end, grade): n/5 first, else a bare digit just after it."""
    valued = _valued(doc, w, pt.GRADE, right_first=not _grade_first(doc, w))
    found = [(pos, pos + len(mt.group(0)), int(mt.group(1) or mt.group(2))) for pos, mt in valued]
    found = [g for g in found if not pt.REST_BEFORE.search(doc.text, max(0, g[0] - 30), g[0])]  # "EHL 4/5, rest 5/5"
    own = [g for g in found if not _REST_AFTER.match(doc.text, g[1])]  # "EHL 4/5, 5/5 elsewhere"
    found = own or found
    current = [g for g in found if not _earlier_grade(doc, w, g[0], g[1])]
    if current:  # "TA now 3/5 (was 4/5 on Monday)", "from 4/5 to 3/5": only the current grade is the exam
        found = current
    if not found and w.end < w.right_hi and not functional:
        right = doc[w.end : w.right_hi]
        bare = pt.BARE_GRADE.match(right.text)
        if bare is not None:
            found = [(right.start_char + bare.start(1), right.start_char + bare.end(0), int(bare.group(1)))]
    spaced = pt.SPACED_PAIR.match(doc.text, found[0][0]) if len(found) == 1 else None
    if spaced and _column_sides(doc.text, found[0][0], pt.SIDE_PAIR_HEADER):  # "DF 2 / 5" under "R / L:"
        return [(spaced.start(i), spaced.end(i), int(spaced.group(i))) for i in (1, 2)]
    if found and _column_sides(doc.text, found[0][0]):  # "knee ext 3/5 (5)" under "L (R):": the other side's grade
        other = pt.BRACKETED_GRADE.match(doc.text, found[0][1])
        if other is not None:
            found = [found[0], (other.start(1), other.end(0), int(other.group(1)))]
    return found


_REST_AFTER = re.compile(
    r"\s+(?:distally|proximally|elsewhere|otherwise|throughout|in (?:the )?(?:rest|other))\b", re.I
)
"""Words after a grade that give it to the muscles not named ("EHL 4/5, 5/5 elsewhere"), not to the one before."""
_ENDS_WITH_GRADE = re.compile(rf"(?:{pt.GRADE.pattern})\s*$", pt.GRADE.flags)
_GRADE_THEN_SIDES = re.compile(
    rf"(?:{pt.GRADE.pattern})(?:\s+(?:bilat\w*|b/l|both(?: sides)?|left|right|(?-i:[LR])))?\s*$", pt.GRADE.flags
)
_GRADE_FOR_THE_REST = re.compile(
    rf"^(?:{pt.GRADE.pattern})\s+(?:distally|proximally|elsewhere|otherwise|throughout|below|above)\b", pt.GRADE.flags
)


def _grade_first(doc: Doc, w: _Window) -> bool:
    """A list written grade first ("5/5 plantar flexion, 4+/5 dorsiflexion", "4/5 bilat hip flex + knee ext, 5/5
    distally"): the grade just before the group (a side word may stand between) is its own, and the grade after it
    belongs to the next item or to the rest of the leg."""
    left = doc[max(w.left_lo, w.start - 6) : w.start].text
    right = doc[w.end : w.right_hi].text.strip(" .,;")
    return bool(_GRADE_THEN_SIDES.search(left)) and (
        not right or bool(_ENDS_WITH_GRADE.search(right)) or bool(_GRADE_FOR_THE_REST.match(right))
    )


def _earlier_grade(doc: Doc, w: _Window, start: int, end: int) -> bool:
    """Whether the grade at [start, end) is an earlier one: "(was 4/5)", "previously 4/5", "4/5 → 3/5". A grade that
    opens a list of grades ("… was 0/5 and 2/5, respectively") is the exam told in the past tense."""
    sent = doc[w.start].sent
    before = doc.text[max(sent.start_char, start - 30) : start]
    if pt.EARLIER_BEFORE.search(before) and pt.GRADE_LIST_AFTER.match(doc.text, end, sent.end_char):
        return False
    return bool(pt.EARLIER_BEFORE.search(before) or pt.EARLIER_AFTER.match(doc.text, end, sent.end_char))


def _cue(text: str, regexes: tuple[tuple[FindingStatus, re.Pattern[str]], ...], last: bool) -> FindingStatus | None:
    """The status of the judging word nearest the finding: the last one in text before it, the first one after it.

    A judging word after "not" / "no" counts for the other side ("not weak" is normal, "not normal" impaired).
    """
    hits: list[tuple[int, FindingStatus]] = []
    for status, regex in regexes:
        for mt in regex.finditer(text):
            flipped: FindingStatus = "absent" if status == "present" else "present"
            hits.append((mt.start(), flipped if pt.NOT_BEFORE.search(text[: mt.start()]) else status))
    if not hits:
        return None
    hits.sort()
    return hits[-1][1] if last else hits[0][1]


def _own_sides(doc: Doc, span: Span, w: _Window, default: tuple[Side, ...]) -> tuple[Side, ...]:
    """Sides of an exam mention without a value, leaving out sides that other items of the sentence claimed.

    In "heel walking impossible on the L, toe walking fine" the "on the L" closes the heel-walking clause, and in
    "toe walking normal, heel walking weak on the L" it belongs to heel walking: toe walking takes no side from
    either. A side leading a list ("L ankle eversion weak, inversion fine") carries over to the later items.
    """
    sent = span.sent
    if w.left_lo > sent.start:
        breaks = [t.i for t in doc[w.left_lo : span.start] if t.text in (",", ";")]
        if breaks and any(
            i >= 1 and doc[i - 1].lower_ in ("the", "on") for i, _ in side_tokens(doc[w.left_lo : breaks[-1]])
        ):
            return nearest_side(doc, breaks[-1] + 1, w.right_hi, span.start, span.end) or default
    own = nearest_side(doc, w.left_lo, w.right_hi, span.start, span.end)
    # A side written with a later exam item of the sentence is that item's: only a leading side carries over.
    hi = sent.end if w.right_hi >= sent.end else span.start
    return own or nearest_side(doc, sent.start, hi, span.start, span.end) or default


def _compared_side(
    doc: Doc, w: _Window, found: list[tuple[tuple[int, int, str], tuple[Side, ...]]]
) -> list[tuple[tuple[int, int, str], tuple[Side, ...]]]:
    """'Diminished on the R compared with the L': the other side is read as normal."""
    if w.end >= w.right_hi or len(found) != 1:
        return []
    (_, _, result), sides = found[0]
    right = doc[w.end : w.right_hi]
    mt = pt.COMPARED_WITH.search(right.text)
    if mt is None or result not in ("reduced", "absent") or len(sides) != 1:
        return []
    other = pt.SIDE_WORDS.get(mt.group(1).lower()) or pt.SIDE_LETTERS.get(mt.group(1).upper())
    if not other or other == sides:
        return []
    pos = right.start_char + mt.start(1)
    return [((pos, right.start_char + mt.end(1), "normal"), other)]


def _left_clause(doc: Doc, w: _Window, max_tokens: int = 3) -> Span:
    """Up to three tokens just before a group, stopping at punctuation."""
    lo = w.start
    while lo > max(w.left_lo, w.start - max_tokens) and (not doc[lo - 1].is_punct or doc[lo - 1].text == "-"):
        lo -= 1
    return doc[lo : w.start]
