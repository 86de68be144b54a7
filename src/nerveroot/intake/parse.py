"""parse_note: a clinical note or a patient's own words → a Case plus every finding with its source words.

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
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any, get_args

from spacy.tokens import Doc, Span, Token

from nerveroot.assessment.case import (
    HISTORY_KEYS,
    RED_FLAG_KEYS,
    SYMPTOM_KEYS,
    Case,
    DrugSafety,
    Movement,
    ProvocativeResult,
    ProvocativeTest,
    ReflexName,
    ReflexTest,
    RegionMark,
    Side,
    StrengthTest,
)
from nerveroot.intake import patterns as pt
from nerveroot.intake.chunks import chunks
from nerveroot.intake.medicines import PROCEDURE_FINDINGS, fuzzy_drugs, read_drug, read_procedure
from nerveroot.intake.models import FindingKind, FindingStatus, Intake, NotUnderstood, ParsedFinding, Qualifier
from nerveroot.intake.pipeline import pipeline
from nerveroot.intake.rules import PROVOCATIVE_SUFFIX, REFLEX_SUFFIX, STRENGTH_PREFIX, nested_targets
from nerveroot.intake.safety import Unsettled, unparsed, unsettled
from nerveroot.intake.sections import denied_sections
from nerveroot.intake.values import readings
from nerveroot.knowledge.base import KnowledgeBase

_STRUCTURED = {"strength", "reflex", "provocative", "function"}
_JOINERS = {"and", ",", "/", "&", "or", "+", "nor"}
_MOVEMENTS = set(get_args(Movement))
_REFLEXES = set(get_args(ReflexName))
_TESTS = set(get_args(ProvocativeTest))
_BLOCKING = {"NEGATED_EXISTENCE", "FAMILY", "HYPOTHETICAL", "POSSIBLE_EXISTENCE"}
_LEG_SIDE = re.compile(
    r"\b(left|right|(?-i:L|R))(?:[- ]sided)?\s+(?:leg|lower limb|sciatica|buttock|thigh|calf|foot|radicular|"
    r"radiculopathy)\b"
    r"|\b(?:leg|sciatica|symptoms|pain)\s+(?:on the\s+)?(left|right)\b(?!\s+(?:side of|hand)\b|\s+"
    + pt.RIGHT_ADVERB
    + r")"
    r"|\b(both legs|bilateral (?:leg|sciatica|lower limb))",
    re.IGNORECASE,
)


@dataclass
class _Mention:
    """A target entity with its ConText status."""

    span: Span
    kind: str
    ids: tuple[str, ...]
    status: FindingStatus
    qualifier: Qualifier | None
    fixed: str | None


@dataclass
class _State:
    doc: Doc
    findings: list[ParsedFinding] = field(default_factory=list)
    strength: list[StrengthTest] = field(default_factory=list)
    reflexes: list[ReflexTest] = field(default_factory=list)
    provocative: list[ProvocativeResult] = field(default_factory=list)
    default_side: tuple[Side, ...] = ()
    toilet: list[tuple[_Mention, FindingStatus, Qualifier | None]] = field(default_factory=list)
    drug_safety: dict[str, Any] = field(default_factory=dict)
    procedures: list[dict[str, Any]] = field(default_factory=list)
    observations: dict[str, float] = field(default_factory=dict)
    to_confirm: list[Unsettled] = field(default_factory=list)
    unparsed: list[Unsettled] = field(default_factory=list)

    def add(
        self,
        fid: str,
        kind: FindingKind,
        status: FindingStatus,
        qualifier: Qualifier | None,
        start: int,
        end: int,
        side: Side | None = None,
        value: str | int | None = None,
    ) -> None:
        self.findings.append(
            ParsedFinding(
                id=fid,
                kind=kind,
                status=status,
                qualifier=qualifier,
                text_span=self.doc.text[start:end],
                start=start,
                end=end,
                side=side,
                value=value,
            )
        )


_RECENCY_BOUND = frozenset({"recent_infection", "minor_trauma"})
"""History items that only count when recent: "a chest infection years ago" is not a recent infection."""


def _context(span: Span, kind: str, ids: tuple[str, ...] = ()) -> tuple[FindingStatus, Qualifier | None]:
    # A modifier inside the phrase is part of it ("can no longer reach a climax"); medspaCy's overlap test misses
    # a modifier that starts after the phrase does, so such modifiers are dropped here.
    categories = {
        m.category for m in span._.modifiers if not (span.start < m.modifier_span[0] and m.modifier_span[1] <= span.end)
    }
    if "FAMILY" in categories:
        return "unknown", "family"
    if "HYPOTHETICAL" in categories:
        return "unknown", "hypothetical"
    if "NEGATED_EXISTENCE" in categories:
        return "absent", "negated"
    if "POSSIBLE_EXISTENCE" in categories:
        return "unknown", "possible"
    if "HISTORICAL" in categories and kind != "history":
        return "unknown", "historical"
    distant = any(m.rule.literal == "ago" for m in span._.modifiers)
    if distant and kind == "history" and set(ids) & _RECENCY_BOUND:
        return "unknown", "historical"
    return "present", None


def _mentions(doc: Doc) -> list[_Mention]:
    out = []
    for ent in doc.ents:
        meta: dict[str, Any] = ent._.target_rule.metadata
        status, qualifier = _context(ent, meta["kind"], tuple(meta["ids"]))
        out.append(_Mention(ent, meta["kind"], tuple(meta["ids"]), status, qualifier, meta["fixed"]))
    return out


_NESTS_SYMPTOMS = frozenset({"bilateral_leg_symptoms", "sudden_severe_central_pain", "progressive_weakness"})
"""Red flags whose phrase also names a symptom: "bilateral leg paraesthesia", "sudden severe central LBP",
"increasing weakness in the right foot". Only a present red flag asserts its symptom: "no sudden severe back pain"
and "no bilateral leg pain" deny the combination, not back pain or leg pain."""
_NESTS_STRENGTH = frozenset({"thigh_wasting"})
"""Symptoms whose phrase names a muscle: "quads wasting L, power 4-/5" grades the quadriceps."""


def _nested(doc: Doc, mentions: list[_Mention]) -> list[_Mention]:
    """Vocabulary findings inside a longer knowledge-base phrase of another finding.

    "numb big toe" or "buttock pain" match a knowledge-base finding outside the fixed vocabulary as a whole; the
    curated rules are run again inside such a phrase so that numbness and the body region are not lost; the same is
    done for symptoms inside the red flags of _NESTS_SYMPTOMS. The nested finding keeps the phrase's ConText status.
    """
    out: list[_Mention] = []
    for m in mentions:
        out.append(m)
        symptoms_only = bool(set(m.ids) & _NESTS_SYMPTOMS)
        strength_only = bool(set(m.ids) & _NESTS_STRENGTH)
        if m.kind != "other" and not symptoms_only and not strength_only:
            continue
        if symptoms_only and m.status != "present":
            continue
        base, text = m.span.start_char, m.span.text
        hits: list[tuple[int, int, Any]] = []
        for regex, spec in nested_targets():
            if (symptoms_only and spec.kind != "symptom") or (strength_only and spec.kind != "strength"):
                continue
            hits += [(base + x.start(), base + x.end(), spec) for x in regex.finditer(text) if x.end() > x.start()]
        taken: list[tuple[int, int]] = []
        for start, end, spec in sorted(hits, key=lambda h: (h[0] - h[1], h[0])):
            if any(start < e and s < end for s, e in taken):
                continue
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None or (span.start == m.span.start and span.end == m.span.end and spec.kind == m.kind):
                continue
            taken.append((start, end))
            out.append(_Mention(span, spec.kind, spec.ids, m.status, m.qualifier, spec.fixed))
    return sorted(out, key=lambda x: (x.span.start, x.span.end))


_SIDE_NOUNS = frozenset({"side", "sides", "leg", "legs", "limb", "foot"})


def _is_adverb(tok: Token) -> bool:
    """'right' used as an adverb: "right down to my little toe", "all right"."""
    if tok.lower_ != "right":
        return False
    doc = tok.doc
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


def _side_tokens(sent: Span) -> list[tuple[int, tuple[Side, ...]]]:
    found = []
    for tok in sent:
        word = tok.text.rstrip(".:") or tok.text  # "L.", "bilat.", "R:" are side words too
        sides = None if _is_adverb(tok) else pt.SIDE_WORDS.get(word.lower()) or pt.SIDE_LETTERS.get(word)
        if word.lower() in ("each", "either") and tok.i + 1 < len(tok.doc) and tok.nbor().lower_ in _SIDE_NOUNS:
            sides = pt.BOTH  # "each side", "either leg"
        if _split_bilateral(tok):
            sides = pt.BOTH
        elif (tok.i >= 2 and tok.lower_ in _L and _split_bilateral(tok.doc[tok.i - 2])) or _items_both(tok):
            sides = None  # the L of a split "B/L"; "both" counting items
        if sides:
            found.append((tok.i, sides))
    return found


def _nearest_side(doc: Doc, lo: int, hi: int, anchor_start: int, anchor_end: int) -> tuple[Side, ...]:
    """Side words in [lo, hi): the nearest before the anchor, else the nearest after, else ()."""
    sides = _side_tokens(doc[lo:hi])
    before = [s for s in sides if s[0] < anchor_end]
    if before:
        return before[-1][1]
    after = [s for s in sides if s[0] >= anchor_end]
    return after[0][1] if after else ()


def _sides_for(doc: Doc, span: Span, lo: int, hi: int, default: tuple[Side, ...]) -> tuple[Side, ...]:
    """Side of a mention: its own segment first, then its sentence, then the note's default."""
    sent = span.sent
    return (
        _nearest_side(doc, lo, hi, span.start, span.end)
        or _nearest_side(doc, sent.start, sent.end, span.start, span.end)
        or default
    )


def _blocked(doc: Doc, start: int, end: int, categories: set[str] = _BLOCKING) -> bool:
    """True when a ConText modifier of these categories covers the characters [start, end)."""
    span = doc.char_span(start, end, alignment_mode="expand", label="SYMPTOM")
    if span is None:
        return False
    graph = doc._.context_graph
    return any(m.category in categories and m.modifies(span) for m in (graph.modifiers if graph else []))


# --- plain findings ---------------------------------------------------------------------------------------------


def _plain(state: _State, m: _Mention) -> None:
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
    if status != "present" and m.ids[0] in _NESTS_SYMPTOMS:  # "no progressive weakness" says nothing of weakness
        ids = m.ids[:1]
    for fid in ids:
        state.add(fid, kind, status, qualifier, m.span.start_char, m.span.end_char)
        if fid in PROCEDURE_FINDINGS:
            _procedure(state, m, PROCEDURE_FINDINGS[fid], status, qualifier)


def _toilet(state: _State, m: _Mention, status: FindingStatus, qualifier: Qualifier | None) -> None:
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


# --- body regions -----------------------------------------------------------------------------------------------


def _region_modes(doc: Doc, span: Span) -> tuple[set[str], bool]:
    """'sensory' and/or 'pain' from the symptom words nearest the region in its sentence, and whether the region's own
    predicate denies them ("the calf is not numb")."""
    sent = span.sent
    own = {"sensory" for _ in pt.SENSORY_WORD.finditer(span.text)} | {"pain" for _ in pt.PAIN_WORD.finditer(span.text)}
    if own:
        return own, False
    said, denied = _predicate_modes(doc.text[span.end_char : sent.end_char])
    if said:  # "the R calf has gone numb": the region's own predicate beats a word of an earlier clause
        return said, denied
    left = doc.text[sent.start_char : span.start_char]
    right = doc.text[span.end_char : sent.end_char]
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
        return modes, False
    right_hits = [(m.start(), "sensory") for m in pt.SENSORY_WORD.finditer(right)]
    right_hits += [(m.start(), "pain") for m in pt.PAIN_WORD.finditer(right)]
    return ({min(right_hits)[1]} if right_hits else set()), False


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


def _region(state: _State, m: _Mention, regions_in_sent: list[_Mention]) -> None:
    doc = state.doc
    modes, denied = _region_modes(doc, m.span)
    if not modes:
        return
    status, qualifier = ("absent", "negated") if denied and m.status == "present" else (m.status, m.qualifier)
    idx = regions_in_sent.index(m)
    lo = regions_in_sent[idx - 1].span.end if idx else m.span.sent.start
    hi = regions_in_sent[idx + 1].span.start if idx + 1 < len(regions_in_sent) else m.span.sent.end
    hi = next((t.i for t in doc[m.span.end : hi] if t.text == ";"), hi)  # a side after ";" is another clause's
    sides = _sides_for(doc, m.span, lo, hi, ())
    for region in m.ids:
        for mode in sorted(modes):
            if region == "saddle" and mode == "sensory":  # altered saddle sensation is the red flag itself
                state.add("saddle_anaesthesia", "red_flag", status, qualifier, m.span.start_char, m.span.end_char)
                continue
            fid = f"{mode}:{region}"
            kind: FindingKind = "sensory_region" if mode == "sensory" else "pain_region"
            for side in sides or (None,):
                state.add(fid, kind, status, qualifier, m.span.start_char, m.span.end_char, side)


# --- exam: strength, reflexes, provocative tests ---------------------------------------------------------------------


def _groups(mentions: list[_Mention]) -> list[list[_Mention]]:
    """Consecutive same-kind structured mentions joined only by 'and', commas or slashes."""
    groups: list[list[_Mention]] = []
    for m in mentions:
        if groups:
            last = groups[-1][-1]
            gap = m.span.doc[last.span.end : m.span.start]
            if last.kind == m.kind and last.span.sent == m.span.sent and all(t.lower_ in _JOINERS for t in gap):
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


def _windows(doc: Doc, groups: list[list[_Mention]]) -> list[_Window]:
    out = []
    for i, group in enumerate(groups):
        sent = group[0].span.sent
        prev_end = groups[i - 1][-1].span.end if i and groups[i - 1][-1].span.sent == sent else sent.start
        nxt = groups[i + 1][0].span.start if i + 1 < len(groups) and groups[i + 1][0].span.sent == sent else sent.end
        semi = [t.i for t in doc[group[-1].span.end : nxt] if t.text == ";"]
        out.append(_Window(prev_end, group[0].span.start, group[-1].span.end, semi[0] if semi else nxt))
    return out


def _valued(doc: Doc, w: _Window, regex: re.Pattern[str], right_first: bool = True) -> list[tuple[int, re.Match[str]]]:
    """Matches of a value pattern in the right window, else in the left window (as absolute char offsets)."""
    right_start = doc[w.end].idx if w.end < len(doc) else len(doc.text)
    left_lo = max(w.left_lo, w.start - 4)
    spots = [(right_start, doc[w.end : w.right_hi].text)] if w.end < w.right_hi else []
    left = [(doc[left_lo].idx, doc[left_lo : w.start].text)] if left_lo < w.start else []
    for base, text in (spots + left) if right_first else (left + spots):
        hits = [(base + mt.start(), mt) for mt in regex.finditer(text)]
        if hits:
            return hits
    return []


def _sides_by_value(
    doc: Doc, w: _Window, values: list[int], default: tuple[Side, ...], span: Span
) -> list[tuple[Side, ...]]:
    """One side tuple per value position (char offsets), pairing sides written before or after each value.

    Sides are looked for from the start of the group's own clause: in "knee 2+ both sides, ankle absent on the
    right" the ankle's side is "right", not the knee's "both sides".
    """
    lo = _left_clause(doc, w, 4).start
    clause = doc[lo : w.right_hi]
    ordered = _ordered_sides(doc[w.left_lo : w.right_hi].text, len(values))
    if ordered:
        return ordered
    if pt.SYMMETRIC.search(clause.text):  # "AJ 2+ symmetrical", "L=R": the value holds on both sides
        return [pt.BOTH for _ in values]
    sides = [(doc[i].idx, s) for i, s in _side_tokens(clause)]
    fallback = _sides_for(doc, span, lo, w.right_hi, default)
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
    """An ordered side list for two values: "1+ / 2+ (R / L)", "R/L: 4/5, 5/5" → one side per value, in order."""
    mt = pt.SIDE_ORDER.search(text)
    if mt is None or count != 2:
        return []
    first, second = (pt.SIDE_WORDS.get(g.lower()) or pt.SIDE_LETTERS[g.upper()] for g in mt.groups())
    return [first, second] if first != second else []


def _grades(doc: Doc, w: _Window, functional: bool = False) -> list[tuple[int, int, int]]:
    """MRC grades around a group as (char start, char end, grade): n/5 first, else a bare digit just after it."""
    found = [(pos, pos + len(mt.group(0)), int(mt.group(1) or mt.group(2))) for pos, mt in _valued(doc, w, pt.GRADE)]
    current = [g for g in found if not _earlier_grade(doc, w, g[0], g[1])]
    if current:  # "TA now 3/5 (was 4/5 on Monday)", "from 4/5 to 3/5": only the current grade is the exam
        found = current
    if found or w.end >= w.right_hi or functional:
        return found
    right = doc[w.end : w.right_hi]
    bare = pt.BARE_GRADE.match(right.text)
    if bare is None:
        return []
    return [(right.start_char + bare.start(1), right.start_char + bare.end(0), int(bare.group(1)))]


def _earlier_grade(doc: Doc, w: _Window, start: int, end: int) -> bool:
    """Whether the grade at [start, end) is an earlier one: "(was 4/5)", "previously 4/5", "4/5 → 3/5"."""
    sent = doc[w.start].sent
    before = doc.text[max(sent.start_char, start - 30) : start]
    return bool(pt.EARLIER_BEFORE.search(before) or pt.EARLIER_AFTER.match(doc.text, end, sent.end_char))


def _grade_changes(state: _State) -> None:
    """A grade that fell ("TA now 3/5 (was 4/5)", "EHL 4/5 → 2/5") is progressive weakness."""
    doc = state.doc
    for regex, new_first in ((pt.GRADE_NOW_WAS, True), (pt.GRADE_WAS_NOW, False)):
        for mt in regex.finditer(doc.text):
            a, b = (int(g) for g in mt.groups() if g is not None)
            new, old = (a, b) if new_first else (b, a)
            if new < old and not _blocked(doc, mt.start(), mt.end()):
                state.add("progressive_weakness", "red_flag", "present", None, mt.start(), mt.end())


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


_STRENGTH_CUES: tuple[tuple[FindingStatus, re.Pattern[str]], ...] = (
    ("present", pt.WEAK_CUE),
    ("absent", pt.STRONG_CUE),
)


def _strength(state: _State, group: list[_Mention], w: _Window) -> None:
    doc = state.doc
    grades = _grades(doc, w, any(_FUNCTIONAL.search(m.span.text) for m in group))
    for m in group:
        if m.qualifier in ("family", "hypothetical", "possible"):
            for mv in m.ids:
                state.add(STRENGTH_PREFIX + mv, "strength", "unknown", m.qualifier, m.span.start_char, m.span.end_char)
            continue
        movements = [mv for mv in m.ids if mv in _MOVEMENTS]
        if grades:
            sides = _sides_by_value(doc, w, [p for p, _, _ in grades], state.default_side, m.span)
            for (pos, value_end, grade), side_tuple in zip(grades, sides, strict=True):
                status: FindingStatus = "present" if grade <= 4 else "absent"
                start, end = min(m.span.start_char, pos), max(m.span.end_char, value_end)
                for mv in movements:
                    for side in side_tuple or (None,):
                        state.add(STRENGTH_PREFIX + mv, "strength", status, None, start, end, side, grade)
                        if side is not None:
                            state.strength.append(StrengthTest(movement=mv, side=side, grade=grade))
                        if grade <= 3:
                            state.add("severe_motor_deficit", "sign", "present", None, start, end, side, grade)
                            if mv == "ankle_dorsiflexion":
                                state.add("foot_drop", "sign", "present", None, start, end, side, grade)
            continue
        cue_status: FindingStatus | None = None
        if m.status == "absent":
            cue_status = "absent"
        elif pt.WEAK_CUE.search(m.span.text):
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
            i >= 1 and doc[i - 1].lower_ in ("the", "on") for i, _ in _side_tokens(doc[w.left_lo : breaks[-1]])
        ):
            return _nearest_side(doc, breaks[-1] + 1, w.right_hi, span.start, span.end) or default
    own = _nearest_side(doc, w.left_lo, w.right_hi, span.start, span.end)
    # A side written with a later exam item of the sentence is that item's: only a leading side carries over.
    hi = sent.end if w.right_hi >= sent.end else span.start
    return own or _nearest_side(doc, sent.start, hi, span.start, span.end) or default


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


_PLURAL_REFLEX = ("jerks", "reflexes", "kjs", "ajs", "knees", "ankles")
_BARE_SITE = re.compile(r"^(?:knees?|ankles?)$", re.IGNORECASE)


def _reflex(state: _State, group: list[_Mention], w: _Window) -> None:
    doc = state.doc
    for m in group:
        if m.qualifier in ("family", "hypothetical", "possible", "historical"):
            continue
        if _BARE_SITE.match(m.span.text) and not pt.REFLEX_WORD.search(m.span.sent.text):
            continue  # "knee 0, ankle 2" reads as reflexes only in a sentence about reflexes
        own = _reflex_results(m.span.text)
        if own:
            found = [(m.span.start_char + s, m.span.start_char + e, r) for s, e, r in own]
        else:
            right = doc[w.end : w.right_hi]
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
        if plural and not _side_tokens(clause) and not _ordered_sides(clause.text, len(found)):
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
                if name not in _REFLEXES:
                    continue
                for side in side_tuple or (None,):
                    state.add(name + REFLEX_SUFFIX, "reflex", status, None, start, end, side, result)
                    if side is not None:
                        state.reflexes.append(ReflexTest(reflex=name, side=side, result=result))
                    if result == "brisk":
                        state.add("brisk_reflexes", "sign", "present", None, start, end, side, result)


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


def _test_result(doc: Doc, m: _Mention, w: _Window) -> tuple[str | None, int | None, int, int]:
    """'positive' / 'negative' / None, the SLR angle, and the char bounds of the test name and deciding words."""
    own = m.span.text
    right = doc[w.end : w.right_hi]
    left = _left_clause(doc, w)
    angle_match = pt.ANGLE.search(right.text)
    angle = int(angle_match.group(1) or angle_match.group(2)) if angle_match else None
    angle = angle if angle is not None and angle <= 120 else None
    left_neg = pt.TEST_NEGATIVE.search(left.text)
    if left_neg and not pt.TEST_POSITIVE.search(left.text):
        return "negative", angle, left.start_char + left_neg.start(), m.span.end_char
    for text, base in ((own, m.span.start_char), (left.text, left.start_char), (right.text, right.start_char)):
        neg, pos = pt.TEST_NEGATIVE.search(text), pt.TEST_POSITIVE.search(text)
        if neg and (not pos or neg.start() <= pos.start()):
            return "negative", angle, min(base + neg.start(), m.span.start_char), max(base + neg.end(), m.span.end_char)
        if pos:
            return "positive", angle, min(base + pos.start(), m.span.start_char), max(base + pos.end(), m.span.end_char)
    bounds = m.span.start_char, m.span.end_char
    if pt.TEST_NOT_DONE.search(right.text):
        return None, None, *bounds
    if m.status == "absent":
        return "negative", angle, *bounds
    if angle is not None and angle_match is not None:
        result = "positive" if angle < pt.SLR_POSITIVE_BELOW else "negative"
        return result, angle, m.span.start_char, right.start_char + angle_match.end()
    return None, None, *bounds


def _left_clause(doc: Doc, w: _Window, max_tokens: int = 3) -> Span:
    """Up to three tokens just before a group, stopping at punctuation."""
    lo = w.start
    while lo > max(w.left_lo, w.start - max_tokens) and (not doc[lo - 1].is_punct or doc[lo - 1].text == "-"):
        lo -= 1
    return doc[lo : w.start]


_CROSSED = ("crossed_slr", "crossed_femoral_stretch")
_TEST_VALUES = (("positive", pt.TEST_POSITIVE), ("negative", pt.TEST_NEGATIVE))
_LIMB_WORD = re.compile(r"^(?:leg|legs|limb|lower|buttock|thigh|calf|foot|hip|knee|groin|shin)\b", re.IGNORECASE)


def tests_take_angles(m: _Mention) -> bool:
    """Whether a test mention is a straight-leg raise (the only test written with an angle)."""
    return bool({"slr", "crossed_slr"} & set(m.ids))


def _per_side_results(doc: Doc, m: _Mention, w: _Window, limit: int) -> list[tuple[Side, str, int | None, int]]:
    """'SLR L 50°, R 80°' / 'SLR positive L, negative R': one result per side when a test lists two sides.

    Side words naming a limb or region ("reproducing right buttock pain") are not test sides. Each result word or
    angle goes with the one side word of its own comma clause, else with the nearest side word before it (or after
    it, when the sides are written after the values).
    """
    lo = _left_clause(doc, w).start
    sides = [
        (doc[i].idx, side)
        for i, side in _side_tokens(doc[lo:limit])
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
        angles = [(x.start(1), x.end(), int(x.group(1))) for x in pt.ANGLE_AFTER_SIDE.finditer(right.text)]
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
    state: _State, test: str, side: Side | None, result: str, angle: int | None, start: int, end: int
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


def _provocative(state: _State, group: list[_Mention], w: _Window) -> None:
    doc = state.doc
    for m in group:
        if m.qualifier in ("family", "hypothetical", "possible", "historical"):
            continue
        tests = [t for t in m.ids if t in _TESTS]
        sent = m.span.sent
        later = [i for i in range(w.end, sent.end) if doc[i].ent_iob_ == "B" and doc[i].ent_type_ == "PROVOCATIVE"]
        per_side = [] if set(tests) & set(_CROSSED) else _per_side_results(doc, m, w, later[0] if later else sent.end)
        if per_side:
            for one_side, verdict, degrees, value_end in per_side:
                for test in tests:
                    _record_test(state, test, one_side, verdict, degrees, m.span.start_char, value_end)
            continue
        result, angle, start, end = _test_result(doc, m, w)
        if result is None:
            continue
        if m.status == "absent" and result == "positive" and m.qualifier == "negated":
            result = "negative"
        left = _left_clause(doc, w)
        sides = _nearest_side(doc, left.start, w.right_hi, m.span.start, m.span.end)
        if not sides and not set(tests) & set(_CROSSED):  # "SLR + at 30° on the left, Bragard's also positive"
            sides = _nearest_side(doc, sent.start, sent.end, m.span.start, m.span.end)
        for test in tests:
            for side in sides or state.default_side or (None,):
                _record_test(state, test, side, result, angle, start, end)


_FUNCTION_CUES: tuple[tuple[FindingStatus, re.Pattern[str]], ...] = (
    ("present", pt.FUNCTION_IMPAIRED),
    ("absent", pt.FUNCTION_NORMAL),
)
_CLAUSE_END = {",", ";", ".", "but", "however", "though", "although", "whereas"}
_LEFT_STOP = {"and", "or", "with", "but", "&", "+"}


def _negated_in_clause(span: Span) -> bool:
    """Whether a negation cue modifying the span sits in its own clause (no comma or semicolon in between)."""
    doc = span.doc
    for mod in span._.modifiers:
        if mod.category != "NEGATED_EXISTENCE":
            continue
        cue_start, cue_end = mod.modifier_span
        lo, hi = (cue_end, span.start) if cue_end <= span.start else (span.end, cue_start)
        if not any(t.text in (",", ";") for t in doc[lo:hi]):
            return True
    return False


def _function(state: _State, group: list[_Mention], w: _Window) -> None:
    """Functions named with a verdict beside them: "PR tone lax", "gait normal", "erections and ejaculation normal".

    The verdict is the judging word nearest the group in its clause (left first, then right); a function with no
    verdict ("PR not done") gives no finding. Possible, hypothetical or family mentions stay unknown.
    """
    doc = state.doc
    lo = w.start
    while lo > max(w.left_lo, w.start - 3) and not doc[lo - 1].is_punct and doc[lo - 1].lower_ not in _LEFT_STOP:
        lo -= 1
    left = doc[lo : w.start]
    stop = next((i for i in range(w.end, w.right_hi) if doc[i].lower_ in _CLAUSE_END), w.right_hi)
    cues = _FUNCTION_CUES
    extra = pt.FUNCTION_CUES_FOR.get(group[0].ids[0])
    if extra is not None:
        cues = (("absent", extra[1]), ("present", extra[0]), *cues)
    status = _cue(left.text, cues, last=True) or _cue(doc[w.end : stop].text, cues, last=False)
    if status is None:
        return
    start = min(left.start_char, group[0].span.start_char)
    end = max(doc[stop - 1].idx + len(doc[stop - 1]) if stop > w.end else 0, group[-1].span.end_char)
    for m in group:
        blocked = m.qualifier in ("family", "hypothetical", "possible", "historical")
        # Negated in its own clause, a function never turns present ("denies peeing being a struggle"); a negation
        # before a comma leaves a verdict clause alone ("no saddle anaesthesia, PR tone lax").
        own: FindingStatus = "absent" if m.qualifier == "negated" and _negated_in_clause(m.span) else status
        for fid in m.ids:
            kind: FindingKind = "red_flag" if fid in RED_FLAG_KEYS else "symptom"
            if blocked:
                state.add(fid, kind, "unknown", m.qualifier, m.span.start_char, m.span.end_char)
            else:
                state.add(fid, kind, own, "negated" if own != status else None, start, end)


# --- demographics and timing ----------------------------------------------------------------------------------------


def _first(
    doc: Doc, regexes: Iterable[tuple[str, re.Pattern[str]]], cue: re.Pattern[str] | None = None
) -> tuple[str, re.Match[str]] | None:
    best: tuple[str, re.Match[str]] | None = None
    for label, regex in regexes:
        for mt in regex.finditer(doc.text):
            if _blocked(doc, mt.start(), mt.end()):
                continue
            if cue is not None:
                span = doc.char_span(mt.start(), mt.end(), alignment_mode="expand")
                if span is None or not cue.search(span.sent.text):
                    continue
            if best is None or mt.start() < best[1].start():
                best = (label, mt)
            break
    return best


def _demographics(state: _State, today: date | None) -> dict[str, Any]:
    doc, text = state.doc, state.doc.text
    out: dict[str, Any] = {}
    family = {"FAMILY"}
    for regex in pt.AGE:
        mt = regex.search(text)
        if mt and 16 <= int(mt.group(1)) <= 120 and not _blocked(doc, mt.start(), mt.end(), family):
            out["age"] = int(mt.group(1))
            state.add("age", "demographic", "present", None, mt.start(), mt.end(), value=out["age"])
            break
    for sex, sex_regexes in (
        ("female", (pt.SEX_FEMALE, pt.PRONOUN_FEMALE)),
        ("male", (pt.SEX_MALE, pt.PRONOUN_MALE)),
    ):
        for regex in sex_regexes:
            mt = next((x for x in regex.finditer(text) if not _blocked(doc, x.start(), x.end(), family)), None)
            if mt and "sex" not in out:
                out["sex"] = sex
                state.add("sex", "demographic", "present", None, mt.start(), mt.end(), value=sex)
            if mt:
                break
        if "sex" in out:
            break
    for mt in pt.LAST_UNIT.finditer(text):
        if not _blocked(doc, mt.start(), mt.end(), {"FAMILY", "HYPOTHETICAL"}):
            unit_days = pt.UNIT_DAYS[mt.group(1).lower()]
            state.add("duration_days", "course", "present", None, mt.start(), mt.end(), value=unit_days)
            out["duration_days"] = unit_days
            break
    candidates = [(m.start(), m.end(), pt.duration_days(m)) for m in pt.DURATION.finditer(text)]
    candidates = candidates if "duration_days" not in out else []
    candidates += [(m.start(), m.end(), pt.since_days(m.group(1), today)) for m in pt.SINCE_DAY.finditer(text)]
    for start, end, days in sorted(candidates):
        span = doc.char_span(start, end, alignment_mode="expand")
        sent = span.sent if span is not None else None
        history_only = (
            sent is not None
            and any(e._.target_rule.metadata["kind"] in ("history", *_MEDICINE) for e in sent.ents)
            and not pt.PAIN_WORD.search(sent.text)
        )
        if days is None or history_only or days > 36500 or _blocked(doc, start, end, {"FAMILY", "HYPOTHETICAL"}):
            continue
        out["duration_days"] = days
        state.add("duration_days", "course", "present", None, start, end, value=days)
        break
    timing: tuple[tuple[str, tuple[tuple[str, re.Pattern[str]], ...], re.Pattern[str] | None], ...] = (
        ("onset", pt.ONSET, None),
        ("trigger", pt.TRIGGER_SELF, None),
        ("trigger", pt.TRIGGER, pt.TRIGGER_CUE),
        ("course", pt.COURSE, None),
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


# --- assembly -------------------------------------------------------------------------------------------------------


def _note_sides(state: _State) -> tuple[Side, ...]:
    sides: set[Side] = set()
    text = state.doc.text
    for mt in _LEG_SIDE.finditer(text):
        if _blocked(state.doc, mt.start(), mt.end()) or pt.SPARED.match(text, mt.end()):
            continue  # "the L leg is entirely asymptomatic" is not a symptomatic side
        word = mt.group(1) or mt.group(2) or ""
        sides |= set(pt.BOTH) if mt.group(3) else set(pt.SIDE_WORDS.get(word.lower()) or pt.SIDE_LETTERS[word])
    for f in state.findings:
        if f.kind in ("sensory_region", "pain_region") and f.status == "present" and f.side:
            sides.add(f.side)
    return tuple(sorted(sides))


_WEAK_WORD = re.compile(r"\bweak|\bparesis\b|\b(?:power|strength)\b", re.IGNORECASE)


def _derive(state: _State) -> None:
    """Findings implied by others: bilateral leg symptoms, weakness from a weak movement, numbness."""
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


_SIMILE = re.compile(r"^(?:feels? |felt )?like\b|^as (?:if|though)\b", re.IGNORECASE)


def _drop_saddle_similes(mentions: list[_Mention]) -> list[_Mention]:
    """A simile after saddle numbness describes it: "bottom numb, like after a dental injection" is one finding."""
    saddle = [m for m in mentions if m.kind == "red_flag" and "saddle_anaesthesia" in m.ids]
    return [
        m
        for m in mentions
        if not (
            m.kind == "symptom"
            and set(m.ids) <= {"numbness", "paresthesia"}
            and _SIMILE.match(m.span.text)
            and any(s.span.sent == m.span.sent and s.span.end <= m.span.start for s in saddle)
        )
    ]


def _merge_status(statuses: Iterator[FindingStatus]) -> FindingStatus:
    seen = set(statuses)
    return "present" if "present" in seen else "absent" if "absent" in seen else "unknown"


def _case(state: _State, extra: dict[str, Any], sides: tuple[Side, ...]) -> Case:
    tables: dict[str, dict[str, FindingStatus]] = {"red_flags": {}, "history": {}, "symptoms": {}}
    for key_set, table in ((RED_FLAG_KEYS, "red_flags"), (HISTORY_KEYS, "history"), (SYMPTOM_KEYS, "symptoms")):
        for key in key_set:
            fs = [f.status for f in state.findings if f.id == key and f.status != "unknown"]
            if fs:
                tables[table][key] = _merge_status(iter(fs))

    def marks(prefix: str) -> list[RegionMark]:
        seen: dict[tuple[str, Side], None] = {}
        for f in state.findings:
            if f.id.startswith(prefix) and f.status == "present" and f.side:
                seen[(f.id.split(":", 1)[1], f.side)] = None
        return [RegionMark(region=r, side=s) for r, s in seen]

    unique = {
        "strength": list({(s.movement, s.side): s for s in state.strength}.values()),
        "reflexes": list({(r.reflex, r.side): r for r in state.reflexes}.values()),
        "provocative": list({(p.test, p.side): p for p in state.provocative}.values()),
    }
    if state.drug_safety:
        extra["drug_safety"] = DrugSafety(**state.drug_safety)
    if state.observations and "observations" in Case.model_fields:
        extra["observations"] = {k: (int(v) if k != "temperature_c" else v) for k, v in state.observations.items()}
    if state.procedures and "procedures" in Case.model_fields:
        extra["procedures"] = [dict(p) for p in {p["kind"]: p for p in state.procedures}.values()]
    return Case(
        sides=list(sides),
        pain_regions=marks("pain:"),
        sensory_regions=marks("sensory:"),
        **unique,
        **tables,
        **extra,
    )


def _read(doc: Doc, today: date | None) -> tuple[_State, dict[str, Any]]:
    """Every finding of one stretch of text (a whole short note or one chunk of a long one)."""
    state = _State(doc)
    mentions = _drop_saddle_similes(_nested(doc, _mentions(doc)))
    plain = [m for m in mentions if m.kind not in _STRUCTURED and m.kind not in ("region", *_MEDICINE)]
    for m in plain:
        _plain(state, m)
    for m in mentions:
        if m.kind in _MEDICINE:
            _medicine(state, m, today)
    for span, generic in fuzzy_drugs(doc):
        a, b = span.start_char, span.end_char
        status: FindingStatus = "absent" if _blocked(doc, a, b, {"NEGATED_EXISTENCE"}) else "present"
        status = "unknown" if status == "present" and _blocked(doc, a, b) else status
        _medicine(state, _Mention(span, "drug", (generic,), status, None, None), today)
    _values(state)
    for fid, start, end in denied_sections(doc.text):
        kind: FindingKind = "red_flag" if fid in RED_FLAG_KEYS else "history"
        state.add(fid, kind, "absent", "negated", start, end)
        if fid == "anticoagulant_use" and state.drug_safety.get("anticoagulant") != "present":
            state.drug_safety["anticoagulant"] = "absent"
    for sent in doc.sents:
        regions = [m for m in mentions if m.kind == "region" and m.span.sent == sent]
        for m in regions:
            _region(state, m, regions)
    state.default_side = _note_sides(state) if len(_note_sides(state)) == 1 else ()
    if state.default_side:
        state.findings = [
            f.model_copy(update={"side": state.default_side[0]}) if f.kind.endswith("_region") and f.side is None else f
            for f in state.findings
        ]
    structured = [m for m in mentions if m.kind in _STRUCTURED]
    groups = _groups(structured)
    handlers = {"strength": _strength, "reflex": _reflex, "provocative": _provocative, "function": _function}
    for group, window in zip(groups, _windows(doc, groups), strict=True):
        handlers[group[0].kind](state, group, window)
    for m, status, qualifier in state.toilet:
        _toilet(state, m, status, qualifier)
    _grade_changes(state)
    _derive(state)
    extra = _demographics(state, today)
    state.to_confirm = unsettled(doc, state.findings, lambda a, b: _blocked(doc, a, b, {"NEGATED_EXISTENCE"}))
    state.unparsed = unparsed(doc, state.findings)
    return state, extra


_MEDICINE = ("drug", "drug_class", "procedure")


def _procedure(
    state: _State, m: _Mention, kind: str, status: str, qualifier: Qualifier | None, today: date | None = None
) -> None:
    start, end = m.span.start_char, m.span.end_char
    record, recent = read_procedure(m.span, kind, status, today)
    if record is not None:
        state.procedures.append(record)
        state.add(f"procedure:{record['kind']}", "procedure", "present", None, start, end, value=record["days_ago"])
    if recent != "unknown":
        state.add("recent_spinal_procedure", "history", recent, qualifier, start, end)  # type: ignore[arg-type]


def _medicine(state: _State, m: _Mention, today: date | None) -> None:
    """A drug, drug class or spinal procedure (medicines.py) into findings, drug-safety facts and procedures."""
    start, end = m.span.start_char, m.span.end_char
    if m.kind == "procedure":
        _procedure(state, m, m.ids[0], m.status, m.qualifier, today)
        return
    findings, updates = read_drug(m.span, m.kind, m.ids[0], m.status)
    for fid, kind, status in findings:
        state.add(fid, kind, status, m.qualifier if status != "present" else None, start, end)  # type: ignore[arg-type]
    for key, value in updates.items():
        if key == "current_drugs":
            state.drug_safety.setdefault(key, []).extend(v for v in value if v not in state.drug_safety.get(key, []))
        elif state.drug_safety.get(key) != "present":
            state.drug_safety[key] = value


_LOWEST_WORST = frozenset({"systolic_bp"})


def _values(state: _State) -> None:
    """Measured values (values.py): the worst reading of each measure, and the findings the readings give."""
    for r in readings(state.doc.text):
        if _blocked(state.doc, r.start, r.end):
            continue
        if r.value is not None:
            old = state.observations.get(r.measure)
            worse = min if r.measure in _LOWEST_WORST else max
            state.observations[r.measure] = r.value if old is None else worse(old, r.value)
            state.add(f"observation:{r.measure}", "observation", "present", None, r.start, r.end, value=str(r.value))
        for fid, status in r.findings:
            state.add(fid, "red_flag", status, None, r.start, r.end)  # type: ignore[arg-type]


def _shifted(state: _State, offset: int) -> list[ParsedFinding]:
    return [f.model_copy(update={"start": f.start + offset, "end": f.end + offset}) for f in state.findings]


def parse_note(text: str, kb: KnowledgeBase, today: date | None = None) -> Intake:
    """Read a clinical note or a patient's description into a Case and a list of findings with their source words.

    ``today`` resolves relative dates such as "since Monday"; without it they are left out of ``duration_days``.
    A long note is read chunk by chunk (sections and paragraphs, see chunks.py), so its cost grows linearly; the
    chunks' findings are then joined and the note-level findings (bilateral symptoms, sides) derived once.
    """
    nlp = pipeline(kb)
    parts = chunks(text)
    with warnings.catch_warnings():
        # spaCy warns (W036) that the token Matcher inside medspaCy's matchers has no patterns: every rule here is a
        # phrase or a regular expression, so that matcher is empty by design.
        warnings.filterwarnings("ignore", message=r"\[W036\]")
        docs = list(nlp.pipe(part for _, part in parts))
    whole = _State(docs[0]) if len(docs) == 1 else _State(nlp.make_doc(text))
    extra: dict[str, Any] = {}
    sides: set[Side] = set()
    for (offset, _), doc in zip(parts, docs, strict=True):
        state, found = _read(doc, today)
        sides.update(_note_sides(state))
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
                    else (min if key in _LOWEST_WORST else max)(whole.observations[key], value)
                )
            for key, value in state.drug_safety.items():
                if key == "current_drugs":
                    whole.drug_safety.setdefault(key, []).extend(value)
                elif whole.drug_safety.get(key) != "present":
                    whole.drug_safety[key] = value
        for key, value in found.items():
            extra.setdefault(key, value)
    if len(docs) > 1:
        _derive(whole)
    sided = {(f.id, f.status) for f in whole.findings if f.side is not None}
    whole.findings = [f for f in whole.findings if f.side is not None or (f.id, f.status) not in sided]
    findings = sorted(whole.findings, key=lambda f: (f.start, f.id, f.side or ""))
    whole.findings = list({(f.id, f.side, f.start, f.status): f for f in findings}.values())
    if "to_confirm" in Case.model_fields:
        extra["to_confirm"] = [{"group": u.group, "text": u.text} for u in whole.to_confirm]
    return Intake(
        case=_case(whole, extra, tuple(sorted(sides))),
        findings=whole.findings,
        to_confirm=[NotUnderstood(**asdict(u)) for u in whole.to_confirm],
        unparsed=[NotUnderstood(**asdict(u)) for u in whole.unparsed],
    )
