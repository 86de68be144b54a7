"""Sides (left, right, both) of findings: side words, ordered side lists, adverbial "right", note-level sides."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from nerveroot.assessment.case import (
    Side,
)
from nerveroot.intake import patterns as pt
from nerveroot.intake.clauses import sign_clause, works_normally
from nerveroot.intake.state import ParseState, in_scope_of

_LEG_SIDE = re.compile(
    r"\b(left|right|(?-i:L|R))(?:[- ]sided)?\s+(?:leg|lower limb|sciatica|buttock|thigh|calf|foot|radicular|"
    r"radiculopathy)\b"
    r"|\b(?:leg|sciatica|symptoms|pain)\s+(?:on the\s+)?(left|right|(?-i:L|R)(?=\s|,|$))(?!\s+(?:side of|hand)\b|\s+"
    + pt.RIGHT_ADVERB
    + r")"
    r"|\b(both legs|bilateral (?:leg|sciatica|lower limb))",
    re.IGNORECASE,
)


_SIDE_NOUNS = frozenset({"side", "sides", "leg", "legs", "limb", "foot"})


_LEFT_AS_VERB_BEFORE = frozenset(
    {"was", "were", "been", "be", "is", "are", "being", "got", "get", "gets", "has", "had"}
)
_LEFT_AS_VERB_AFTER = frozenset({"with", "behind", "alone", "over", "me", "him", "her", "them", "us"})


def _is_adverb(tok: Token) -> bool:
    """'right' used as an adverb ("right down to my little toe", "all right") or 'left' as a verb ("I was left with a
    drop foot", "it left me with numbness"): not a side."""
    doc = tok.doc
    if tok.lower_ == "left":
        before = doc[tok.i - 1].lower_ if tok.i else ""
        after = doc[tok.i + 1].lower_ if tok.i + 1 < len(doc) else ""
        return after in _LEFT_AS_VERB_AFTER and (before in _LEFT_AS_VERB_BEFORE or after not in ("with", "over"))
    if tok.lower_ != "right":
        return False
    before = doc[tok.i - 1].lower_ if tok.i else ""
    return before == "all" or bool(pt.RIGHT_AS_ADVERB.match(doc.text[tok.idx + len(tok) : tok.idx + len(tok) + 40]))


def _split_bilateral(tok: Token) -> bool:
    """'B/L' split by the tokenizer into B, /, L: true on the B (the L is then no side of its own)."""
    doc = tok.doc
    return tok.lower_ == "b" and tok.i + 2 < len(doc) and doc[tok.i + 1].text == "/" and doc[tok.i + 2].lower_ in _L


_L = ("l", "l.", "l:")


def _items_both(tok: Token) -> bool:
    """'Tib ant and EHL both 4/5 right': "both" after two joined items counts the items, not the sides."""
    doc = tok.doc
    if tok.lower_ != "both" or tok.i < 3:  # "X and Y both": at least three tokens before
        return False
    if tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ in _SIDE_NOUNS | {"sides", "lower", "feet", "knees", "ankles"}:
        return False
    if doc[tok.i - 1].is_punct or doc[tok.i - 1].lower_ in ("in", "on", "of", "to", "down", "into", "affecting"):
        return False
    return any(t.lower_ in ("and", "&", "+") for t in doc[max(0, tok.i - 4) : tok.i - 1])


_SENSORY_BEFORE = frozenset(
    {"↓", "↑", "reduced", "red", "decreased", "dec", "decr", "diminished", "altered", "absent", "impaired", "patchy"}
    | {"to", "sens", "sensation", "sensory", "saddle"}
)
_SENSORY_AFTER = frozenset(
    {"/", "&", "and", "pp", "sensation", "+", "intact", "normal", "nad", "preserved"}
    | {"↓", "reduced", "red", "decreased", "dec", "decr", "diminished", "altered", "absent", "impaired", "patchy"}
)


def _light_touch(tok: Token) -> bool:
    """'LT' in capitals beside a sensory word is light touch, not left: "↓ LT ant thigh R", "Dec LT dorsum R foot",
    "LT/PP reduced", "LT intact", "LT reduced medial shin R"."""
    if tok.text != "LT":
        return False
    doc = tok.doc
    before = doc[tok.i - 1].lower_ if tok.i else ""
    after = doc[tok.i + 1].lower_ if tok.i + 1 < len(doc) else ""
    return before in _SENSORY_BEFORE or after in _SENSORY_AFTER


def _comparison(tok: Token) -> bool:
    """A side named as the other term of a comparison: a bracketed or "vs" value ("IR 10 (R 35)", "KJ 1+ vs L 2+")
    or "than the right one"."""
    doc = tok.doc
    before = doc[tok.i - 1].lower_ if tok.i else ""
    after = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    if before == "than" or (before == "the" and tok.i >= 2 and doc[tok.i - 2].lower_ == "than"):
        return True  # "my calf looks thinner than the right one"
    return before in ("(", "vs", "vs.", "v", "cf", "cf.") and after is not None and after.text[:1].isdigit()


_CURVE = frozenset({"scoliosis", "scoliotic", "convex", "convexity", "concave", "list", "listing", "shift", "curve"})


def _spine_shape(tok: Token) -> bool:
    """A side that names the way the spine bends or shifts ("L scoliosis", "left-convex curve", "R lateral shift"),
    not a leg."""
    doc = tok.doc
    i = tok.i + 1
    while i < len(doc) and doc[i].text in ("-", "lateral", "lumbar", "thoracolumbar"):
        i += 1
    return i < len(doc) and doc[i].lower_ in _CURVE


def side_tokens(sent: Span, regions: bool = False) -> list[tuple[int, tuple[Side, ...]]]:
    """Side words of a span with their token index; for a body region (``regions``) a comparison value's side is
    left out ("groin pain on IR 10 (R 35)" is not right-sided), while exam readers pair it with its value."""
    found = []
    for tok in sent:
        word = tok.text.rstrip(".:") or tok.text  # "L.", "bilat.", "R:" are side words too
        sides = (
            None
            if _is_adverb(tok) or _light_touch(tok) or _spine_shape(tok) or (regions and _comparison(tok))
            else pt.SIDE_WORDS.get(word.lower()) or pt.SIDE_LETTERS.get(word)
        )
        if word.lower() in ("each", "either") and tok.i + 1 < len(tok.doc) and tok.nbor().lower_ in _SIDE_NOUNS:
            sides = pt.BOTH  # "each side", "either leg"
        if _split_bilateral(tok):
            sides = pt.BOTH
        elif (tok.i >= 2 and tok.lower_ in _L and _split_bilateral(tok.doc[tok.i - 2])) or _items_both(tok):
            sides = None  # the L of a split "B/L"; "both" counting items
        if sides:
            found.append((tok.i, sides))
    return found


def nearest_side(
    doc: Doc, lo: int, hi: int, anchor_start: int, anchor_end: int, regions: bool = False
) -> tuple[Side, ...]:
    """Side words in [lo, hi): the nearest before the anchor, else the nearest after, else ()."""
    sides = side_tokens(doc[lo:hi], regions)
    before = [s for s in sides if s[0] < anchor_end]
    if before:
        return before[-1][1]
    after = [s for s in sides if s[0] >= anchor_end]
    return after[0][1] if after else ()


def sides_for(doc: Doc, span: Span, lo: int, hi: int, default: tuple[Side, ...]) -> tuple[Side, ...]:
    """Side of a mention: its own segment first, then its sentence, then the note's default."""
    sent = span.sent
    return (
        nearest_side(doc, lo, hi, span.start, span.end, regions=True)
        or nearest_side(doc, sent.start, sent.end, span.start, span.end, regions=True)
        or default
    )


def _trunk(finding_id: str) -> bool:
    """A low-back or saddle mark: its side is not a leg's ("L paraspinal pain" with right sciatica is one leg)."""
    return finding_id.endswith((":low_back", ":saddle"))


def note_sides(state: ParseState) -> tuple[Side, ...]:
    """The symptomatic legs: side words beside a leg, and the sides of leg regions marked."""
    sides: set[Side] = set()
    text = state.doc.text
    for mt in _LEG_SIDE.finditer(text):
        if (
            in_scope_of(state.doc, mt.start(), mt.end())
            or in_scope_of(state.doc, mt.start(), mt.end(), {"HISTORICAL"}, label="REGION")
            or pt.SPARED.match(text, mt.end())
        ):
            continue  # "the L leg is entirely asymptomatic", "PMH: L sciatica 2019": not a symptomatic side now
        if mt.group(3) and (sign_clause(text, mt.start(), mt.end()) or works_normally(text, mt.end())):
            continue  # "reflexes absent in both legs", "I can stand on tiptoe on both legs fine": not symptoms
        word = mt.group(1) or mt.group(2) or ""
        sides |= set(pt.BOTH) if mt.group(3) else set(pt.SIDE_WORDS.get(word.lower()) or pt.SIDE_LETTERS[word])
    for f in state.findings:
        if f.kind in ("sensory_region", "pain_region") and f.status == "present" and f.side and not _trunk(f.id):
            sides.add(f.side)
    return tuple(sorted(sides))
