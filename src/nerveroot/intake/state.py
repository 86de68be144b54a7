"""Mentions of the note with their ConText status, and the state a parse builds up."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, get_args

from spacy.tokens import Doc, Span

from nerveroot.assessment.case import (
    Movement,
    ProvocativeResult,
    ProvocativeTest,
    ReflexName,
    ReflexTest,
    Side,
    StrengthTest,
)
from nerveroot.intake.models import FindingKind, FindingStatus, ParsedFinding, Qualifier
from nerveroot.intake.narrator import relative_is_patient
from nerveroot.intake.rules import nested_targets
from nerveroot.intake.safety import Unsettled

STRUCTURED_KINDS = {"strength", "reflex", "provocative", "function"}


JOINERS = {"and", "n", ",", "/", "&", "or", "+", "nor"}


MOVEMENTS = set(get_args(Movement))


REFLEXES = set(get_args(ReflexName))


TESTS = set(get_args(ProvocativeTest))


_BLOCKING = {"NEGATED_EXISTENCE", "FAMILY", "HYPOTHETICAL", "POSSIBLE_EXISTENCE"}


@dataclass
class Mention:
    """A target entity with its ConText status."""

    span: Span
    kind: str
    ids: tuple[str, ...]
    status: FindingStatus
    qualifier: Qualifier | None
    fixed: str | None


@dataclass
class ParseState:
    doc: Doc
    findings: list[ParsedFinding] = field(default_factory=list)
    strength: list[StrengthTest] = field(default_factory=list)
    reflexes: list[ReflexTest] = field(default_factory=list)
    provocative: list[ProvocativeResult] = field(default_factory=list)
    default_side: tuple[Side, ...] = ()
    toilet: list[tuple[Mention, FindingStatus, Qualifier | None]] = field(default_factory=list)
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


_LIST_WORDS = frozenset(
    {"and", "or", "nor", "&", "/", "+", ",", "l", "r", "lt", "rt", "left", "right", "both", "bilateral"}
)
"""Words that may join the items of one list ("SLR, FNST L and R negative")."""

_CES_FACTS = frozenset(
    {"bladder_dysfunction", "bowel_dysfunction", "saddle_anaesthesia", "sexual_dysfunction", "reduced_anal_tone"}
)


def _same_list(kind: str, ids: tuple[str, ...], other: Span) -> bool:
    meta: dict[str, Any] = other._.target_rule.metadata
    return meta["kind"] == kind or bool(set(ids) & _CES_FACTS and set(meta["ids"]) & _CES_FACTS)


def _reaches(span: Span, kind: str, ids: tuple[str, ...], modifier: Any) -> bool:
    """Whether a modifier after the finding ("normal", "intact", "negative", "?") reaches back to it.

    Beyond a comma such a word describes the item just before it ("saddle numbness, reflexes normal"; "L leg
    weakness, sensation intact"), unless the words after the comma are more items of the same list ("SLR, FNST
    negative"; "B/B, saddle normal"), perhaps closed by "or other symptoms": the earlier finding then shares the
    verdict. A list that says its items were all denied denies every one, whatever their kinds.
    """
    first = modifier.modifier_span[0]
    if modifier.direction.upper() != "BACKWARD" or first < span.end or modifier.rule.literal == "all denied":
        return True
    doc = span.doc
    commas = [t.i for t in doc[span.end : first] if t.text == ","]
    if not commas:
        return True
    items = [e for e in doc.ents if commas[-1] <= e.start and e.end <= first]  # a span may open with its comma
    covered = {i for e in items for i in range(e.start, e.end)}
    end = max((e.end for e in items), default=commas[-1] + 1)
    closed = _LIST_CLOSER.fullmatch(doc[end:first].text) is not None  # "…, weight loss or other symptoms: none"
    joined = all(t.i in covered or t.lower_ in _LIST_WORDS for t in doc[commas[-1] + 1 : end if closed else first])
    return joined and (bool(items) or closed) and all(_same_list(kind, ids, e) for e in items)


_LIST_CLOSER = re.compile(
    r"(?:or|and|nor) (?:any )?other(?: \w+){0,2} (?:symptoms|signs|features|complaints|problems)", re.IGNORECASE
)
"""The words that close a list before its verdict: the verdict still reaches every item of the list."""


_SELF_ASSERTED = re.compile(r"(?:↑|⇑|\b(?:raised|elevated|high|positive)|\+ve)\s*$", re.IGNORECASE)


def _list_denial_spent(span: Span, modifier: Any) -> bool:
    """A list item with its own positive verdict ("no trauma, apyrexial, WCC nl, ESR/CRP ↑") is not denied by a
    negation earlier in the list: the negation stops at the comma before it."""
    if modifier.category != "NEGATED_EXISTENCE" or modifier.modifier_span[1] > span.start:
        return False
    between = span.doc[modifier.modifier_span[1] : span.start]
    return any(t.text == "," for t in between) and bool(_SELF_ASSERTED.search(span.text))


def _distance(span: Span, modifier: Any) -> int:
    start, end = (int(i) for i in modifier.modifier_span)
    return start - span.end if start >= span.end else max(0, span.start - end)


def _context(span: Span, kind: str, ids: tuple[str, ...] = ()) -> tuple[FindingStatus, Qualifier | None]:
    # A modifier inside the phrase is part of it ("can no longer reach a climax"); medspaCy's overlap test misses
    # a modifier that starts after the phrase does, so such modifiers are dropped here.
    modifiers = [
        m
        for m in span._.modifiers
        if not (span.start < m.modifier_span[0] and m.modifier_span[1] <= span.end)
        and _reaches(span, kind, ids, m)
        and not _list_denial_spent(span, m)
        and not relative_is_patient(span.doc, m)
    ]
    categories = {m.category for m in modifiers}
    if "FAMILY" in categories:
        return "unknown", "family"
    if "HYPOTHETICAL" in categories:
        return "unknown", "hypothetical"
    if "NEGATED_EXISTENCE" in categories and "POSSIBLE_EXISTENCE" in categories:
        # Denied and questioned ("no fever, bilateral leg weakness?"): the nearer word decides, a tie is doubt.
        nearest = {c: min(_distance(span, m) for m in modifiers if m.category == c) for c in categories}
        if nearest["POSSIBLE_EXISTENCE"] <= nearest["NEGATED_EXISTENCE"]:
            return "unknown", "possible"
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


def read_mentions(doc: Doc) -> list[Mention]:
    out = []
    for ent in doc.ents:
        meta: dict[str, Any] = ent._.target_rule.metadata
        status, qualifier = _context(ent, meta["kind"], tuple(meta["ids"]))
        out.append(Mention(ent, meta["kind"], tuple(meta["ids"]), status, qualifier, meta["fixed"]))
    return out


NESTS_SYMPTOMS = frozenset(
    {"bilateral_leg_symptoms", "sudden_severe_central_pain", "progressive_weakness", "sensory_level"}
)
"""Red flags whose phrase also names a symptom: "bilateral leg paraesthesia", "sudden severe central LBP",
"increasing weakness in the right foot"; the body region inside is read too ("severe pain in the right buttock
for 15 minutes" is also buttock pain). Only a present red flag asserts its symptom: "no sudden severe back pain"
and "no bilateral leg pain" deny the combination, not back pain or leg pain."""


_NESTS_STRENGTH = frozenset({"thigh_wasting", "bilateral_leg_symptoms", "progressive_weakness"})
"""Findings whose phrase names a muscle: "quads wasting L, power 4-/5" grades the quadriceps, "weakness of bilateral
quadriceps" is knee extension weakness on both sides."""


def with_nested(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Vocabulary findings inside a longer knowledge-base phrase of another finding.

    "numb big toe" or "buttock pain" match a knowledge-base finding outside the fixed vocabulary as a whole; the
    curated rules are run again inside such a phrase so that numbness and the body region are not lost; the same is
    done for symptoms and signs inside the red flags of NESTS_SYMPTOMS ("areflexia in both legs"), for body regions
    inside a symptom phrase ("pain in my groin" is also groin pain), and for drug names inside a history phrase ("on
    tacrolimus" is also the drug). The nested finding keeps the phrase's ConText status.
    """
    out: list[Mention] = []
    for m in mentions:
        out.append(m)
        kinds = {"symptom", "region", "sign"} if set(m.ids) & NESTS_SYMPTOMS else set()
        kinds |= {"strength"} if set(m.ids) & _NESTS_STRENGTH else set()
        kinds |= {"region"} if m.kind == "symptom" and not kinds else set()
        kinds |= {"drug"} if m.kind == "history" else set()
        if m.kind != "other" and not kinds:
            continue
        if set(m.ids) & NESTS_SYMPTOMS and m.status != "present":
            continue
        base, text = m.span.start_char, m.span.text
        hits: list[tuple[int, int, Any]] = []
        for regex, spec in nested_targets():
            if kinds and spec.kind not in kinds:
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
            out.append(Mention(span, spec.kind, spec.ids, m.status, m.qualifier, spec.fixed))
    return sorted(out, key=lambda x: (x.span.start, x.span.end))


def in_scope_of(doc: Doc, start: int, end: int, categories: set[str] = _BLOCKING, label: str = "SYMPTOM") -> bool:
    """True when a ConText modifier of these categories covers the characters [start, end), read as words of this
    target type (modifiers limited to some types, such as a past-history field's, reach only those)."""
    span = doc.char_span(start, end, alignment_mode="expand", label=label)
    if span is None:
        return False
    graph = doc._.context_graph
    return any(m.category in categories and m.modifies(span) for m in (graph.modifiers if graph else []))


def denied_here(doc: Doc, start: int, end: int) -> bool:
    """True when a negation covers [start, end): one before the words reaches along a list ("no numbness in L4, L5
    or S1"), one after them only within their own comma item ("↓ sens S1 derm L, AJ absent L" denies the ankle jerk
    alone)."""
    span = doc.char_span(start, end, alignment_mode="expand", label="SYMPTOM")
    graph = doc._.context_graph
    if span is None or graph is None:
        return False
    return any(
        m.category == "NEGATED_EXISTENCE"
        and m.modifies(span)
        and (m.modifier_span[0] < span.start or not any(t.text == "," for t in doc[span.end : m.modifier_span[0]]))
        for m in graph.modifiers
    )


_ITEM_BREAKS = frozenset({",", "and", "but", "with"})


def denied_in_item(doc: Doc, start: int, end: int) -> bool:
    """True when a negation covers [start, end) from within the same list item (no comma or "and" between them),
    before or after it: "no fever 38.9" and "CRP 5 normal" are denied; "no foot pulses, CRP 118", "no obstruction
    and a residual of 1.2 L" and "CRP 240, WCC normal" are not."""
    span = doc.char_span(start, end, alignment_mode="expand", label="SYMPTOM")
    graph = doc._.context_graph
    if span is None or graph is None:
        return False

    def between(m: Any) -> Any:
        first, last = m.modifier_span
        return doc[min(last, span.start) : span.start] if first < span.start else doc[span.end : max(first, span.end)]

    return any(
        m.category == "NEGATED_EXISTENCE" and m.modifies(span) and not any(t.lower_ in _ITEM_BREAKS for t in between(m))
        for m in graph.modifiers
    )


_SIMILE = re.compile(r"^(?:feels? |felt )?like\b|^as (?:if|though)\b", re.IGNORECASE)


def drop_saddle_similes(mentions: list[Mention]) -> list[Mention]:
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


_PULSE_CLAUSE = re.compile(
    r"\b(?:pulses?|(?-i:DP|PT|DPA|PTA)|dorsalis pedis|posterior tibial|popliteals?|femorals?|pedal)\b"
    r"(?:(?![.;\n]|\b(?:legs?|foot|feet|power|strength|muscles?|hip|knee|ankle|toes?|quads?)\b).)*$",
    re.IGNORECASE,
)
"""A pulse named earlier in the clause, with no limb or muscle word after it: a bare "weak" there is the pulse's."""


def drop_weak_pulses(mentions: list[Mention]) -> list[Mention]:
    """A bare "weak" in a list of pulses ("popliteal R not felt, L weak") grades a pulse, not a muscle."""
    return [
        m
        for m in mentions
        if not (
            m.kind == "symptom"
            and m.ids == ("weakness",)
            and m.span.text.lower() == "weak"
            and _PULSE_CLAUSE.search(m.span.doc.text[max(0, m.span.start_char - 120) : m.span.start_char])
        )
    ]
