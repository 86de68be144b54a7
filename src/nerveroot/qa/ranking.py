"""Which retrieved statements an answer keeps, in what order: relevance tier, score band, evidence strength;
the answering cards first, the guideline stances on what is named, and the warning signs when care is asked."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from nerveroot.knowledge.base import normalise
from nerveroot.qa.context import DOSE_FIELDS, NAMED_KINDS, AskSettings, QaContext
from nerveroot.qa.corpus import Statement
from nerveroot.qa.index import Hit
from nerveroot.qa.intent import Intent
from nerveroot.qa.link import TOPIC_KINDS, Key, Links
from nerveroot.qa.sources import GUIDELINE_KINDS
from nerveroot.qa.text import tokenize

_CARE_WORDS = re.compile(
    r"\b(pain\w*|hurt\w*|ache\w*|worse\w*|doctor|gp|urgent\w*|emergenc\w*|hospital|serious|weak\w*|numb\w*|"
    r"tingl\w*|bladder|bowel|saddle|red flags?|see someone)\b"
)
"""Words of a question about one's own symptoms, where warning signs belong in the answer."""


REPEATABLE = frozenset({"position", "caution", "indication", "max_daily"})
"""Fields a record may contribute more than one statement of."""


ASKED = frozenset({"causes", "symptoms", "prognosis", "treatment", "tests", "dosing"})
"""Topics that say what kind of answer a question wants; an FAQ must want the same kind to be used."""


_TOPIC = re.compile(r"Sources disagree on (.+?)\. ")


@dataclass(frozen=True)
class Ranked:
    """A kept statement with what orders it: relevance tier and score band, then evidence strength."""

    statement: Statement
    score: float
    tier: int
    band: int
    strength: int
    fit: int = 0

    def key(self) -> tuple[int, int, int, int, float, str]:
        return (self.tier, self.fit, self.band, -self.strength, -self.score, self.statement.id)


NARROW_FIT = 2
"""Population fit of a stance for a narrower population the question does not name."""
NARROW_POPULATIONS: dict[str, frozenset[str]] = {
    "spinal_stenosis": frozenset({"stenosis", "claudication", "narrowing", "narrowed"}),
    "other_condition": frozenset(),
}
"""Stance populations narrower than nerve root pain, with the words that name them in a question."""


def population_fit(statement: Statement, q_tokens: Iterable[str]) -> int:
    """How directly a guideline stance addresses the question: 0 sciatica (or back pain with sciatica), 1 back
    pain alone (indirect for nerve root pain), 2 a narrower population the question does not name (NICE's 'do not
    inject for neurogenic claudication' does not answer an injection question about sciatica)."""
    population = statement.population
    if population in NARROW_POPULATIONS:
        return 0 if NARROW_POPULATIONS[population] & set(q_tokens) else NARROW_FIT
    return 1 if population == "low_back_pain" else 0


def _tier(
    ctx: QaContext,
    links: Links,
    statement: Statement,
    q_tokens: list[str],
    s: AskSettings,
    focused: frozenset[Key] = frozenset(),
) -> int | None:
    """The relevance tier of a statement for the question (lower is closer), or None when it is off topic.

    ``focused``: the named records, when some candidate statement holds a focus word of the question; then only
    their statements that hold one are kept ('how long … heal' keeps recovery, not L4 anatomy)."""
    key = (statement.kind, statement.record_id)
    if statement.kind == "faqs":  # its own question must match, and ask the same kind of thing (causes, …)
        topics = ctx.faq_topics.get(statement.record_id, frozenset()) & ASKED
        if links.topics & ASKED and topics and not topics & links.topics:
            return None
        if ctx.faq_match(q_tokens, statement, links.focus) < s.faq_match:
            return None
        named = [k for k in links.direct if k[0] in NAMED_KINDS]
        if named and not ctx.linker.mentions(named, ctx.faq_names.get(statement.record_id, frozenset())):
            return None  # an FAQ about another drug, test or treatment
        return 1 if topics & links.topics or not links.topics & ASKED else 2
    if statement.kind == "documents":
        return 1
    if not links.specific:  # nothing specific named: the score alone decides
        return links.tier(key) if key in links.generic else 2
    if statement.kind == "sources":  # a study that names the record and shares another word of the question
        tokens = ctx.tokens(statement)
        about = ctx.linker.mentions(links.specific, tokens) and (not links.words or tokens & links.words)
        return 1 if about else None
    if statement.field in DOSE_FIELDS and "dosing" not in links.topics:
        return None
    if key in links.specific:  # about a record the question names, and about what it asks of that record
        return links.tier(key) if key not in focused or ctx.tokens(statement) & links.focus else None
    on_topic = any(statement.kind in TOPIC_KINDS[t] for t in links.topics)
    if on_topic and statement.stance is not None and ctx.kinds(statement) & GUIDELINE_KINDS:
        return 2
    if statement.kind == "red_flags" and "care" in links.topics:
        return 2
    return None


def select(ctx: QaContext, question: str, hits: list[Hit], links: Links, settings: AskSettings) -> list[Ranked]:
    """Statements about what the question names (or guideline statements on its topic) whose score is close to
    the best such score; then the guideline stances and recorded conflicts of the drugs, treatments and tests named.

    'Close to the best' is measured against the best statement about the same named record when the question
    names several, so the second thing of 'is surgery better than physiotherapy' is not crowded out."""
    q_tokens = tokenize(question)
    answered = any(
        ctx.tokens(h.statement) & links.focus
        for h in hits
        if (h.statement.kind, h.statement.record_id) in links.specific
        or (h.statement.kind == "faqs" and _tier(ctx, links, h.statement, q_tokens, settings) is not None)
    )
    focused = links.specific if answered else frozenset()
    tiers = {h.statement.id: _tier(ctx, links, h.statement, q_tokens, settings, focused) for h in hits}
    relevant = [h for h in hits if tiers[h.statement.id] is not None]
    if not relevant:
        return []
    top = relevant[0].score
    anchors = {h.statement.id: _anchors(ctx, links, h.statement) for h in relevant}
    best_of: dict[tuple[str, str], float] = {}
    for hit in relevant:
        for key in anchors[hit.statement.id] | {(hit.statement.kind, hit.statement.record_id)}:
            best_of.setdefault(key, hit.score)
    chosen: list[Ranked] = []
    per_record: dict[tuple[str, str], int] = {}
    fields: set[tuple[str, str, str]] = set()
    for hit in relevant:
        s = hit.statement
        key = (s.kind, s.record_id)
        own = anchors[s.id]
        best = min(top, max(best_of[k] for k in own)) if own else top
        tier = tiers[s.id]
        repeat = (s.kind, s.record_id, s.field) in fields and s.field not in REPEATABLE
        if hit.score < settings.relative_floor * best or tier is None:
            continue
        if repeat or per_record.get(key, 0) >= settings.per_record:
            continue
        per_record[key] = per_record.get(key, 0) + 1
        fields.add((s.kind, s.record_id, s.field))
        match = ctx.faq_match(q_tokens, s, links.focus) if s.kind == "faqs" else 0.0
        band = round(10 * (1 - match)) if s.kind == "faqs" else _band(hit.score, best)
        chosen.append(Ranked(s, hit.score, tier, band, ctx.strength(s), population_fit(s, q_tokens)))
    if links.verdict or links.topics & {"treatment", "tests"} or "dosing" not in links.topics:
        chosen += _stances(ctx, links, chosen, best_of, top, settings, q_tokens)
    return chosen


def _anchors(ctx: QaContext, links: Links, statement: Statement) -> frozenset[Key]:
    """The named records a statement is about: its own record, or those a study summary mentions."""
    key = (statement.kind, statement.record_id)
    if key in links.specific:
        return frozenset({key})
    if statement.kind == "sources" and len(links.specific) > 1:
        tokens = ctx.tokens(statement)
        return frozenset(k for k in links.specific if ctx.linker.mentions([k], tokens))
    return frozenset()


def _stances(
    ctx: QaContext,
    links: Links,
    chosen: list[Ranked],
    best_of: dict[tuple[str, str], float],
    top: float,
    settings: AskSettings,
    q_tokens: list[str],
) -> list[Ranked]:
    """Guideline stances of the (at most three) drugs, treatments and tests the question names are never left
    out; nor, for treatment questions, the disagreements recorded on them."""
    shown = {r.statement.id for r in chosen}
    named = sorted(
        (k for k in links.specific if k[0] in ("drugs", "treatments", "tests")), key=lambda k: (links.tier(k), k)
    )[:3]
    treatment = links.verdict or "treatment" in links.topics
    out: list[Ranked] = []
    for statement in ctx.statements:
        key = (statement.kind, statement.record_id)
        wanted = statement.stance is not None or (statement.field == "conflict" and treatment)
        if key in named and wanted and statement.id not in shown:
            score = best_of.get(key, settings.relative_floor * top)
            fit = population_fit(statement, q_tokens)
            out.append(Ranked(statement, score, links.tier(key), _band(score, top), ctx.strength(statement), fit))
    return out


def _band(score: float, top: float) -> int:
    share = score / top if top else 0.0
    return 0 if share >= 0.75 else 1 if share >= 0.5 else 2


def dedupe(ranked: list[Ranked]) -> list[Ranked]:
    """Drop a statement whose text repeats one already kept, or a disagreement on the same topic."""
    texts: set[str] = set()
    topics: list[frozenset[str]] = []
    out: list[Ranked] = []
    for r in ranked:
        text = normalise(r.statement.text)
        if text in texts:
            continue
        if r.statement.field == "conflict":
            topic = frozenset(tokenize(_conflict_topic(r.statement)))
            if any(len(topic & t) * 2 >= min(len(topic), len(t)) for t in topics):
                continue
            topics.append(topic)
        texts.add(text)
        out.append(r)
    return out


def _conflict_topic(statement: Statement) -> str:
    match = _TOPIC.match(statement.text)
    return match[1] if match else statement.text


def care(
    ctx: QaContext,
    question: str,
    chosen: list[Ranked],
    links: Links,
    settings: AskSettings,
    intent: Intent | None = None,
) -> list[Ranked]:
    """'When to seek care now': the red flags kept for the question, or, for a question about one's own symptoms
    or urgency (not about a named drug, treatment or test), the emergency warning signs."""
    flagged = [r for r in chosen if r.statement.kind == "red_flags" and r.statement.field == "action"]
    names_care = any(k[0] in ("drugs", "treatments", "tests") for k in links.specific)
    urgent = "care" in links.topics or (intent is not None and intent.qtype == "when_where_seek_care")
    if not flagged and (urgent or (_CARE_WORDS.search(normalise(question)) and not names_care)):
        order = {rid: n for n, rid in enumerate(ctx.kb.entities.get("red_flags", {}))}  # the file's clinical order
        emergencies = [
            s for s in ctx.statements if s.kind == "red_flags" and s.field == "action" and s.urgency == "emergency"
        ]
        emergencies.sort(key=lambda s: order.get(s.record_id, len(order)))
        flagged = [Ranked(s, 0.0, 3, 3, ctx.strength(s)) for s in emergencies]
    return flagged[: settings.max_red_flags]


CARD_STANCES = 3
"""Guideline stances added for the drugs, treatments and tests an answering card names."""


TREATMENT_QTYPES = frozenset({"is_x_recommended", "self_care", "surgery_injection_outcome", "test_how_accuracy"})
"""Question types whose card brings the guideline stances on the treatments and tests it names."""


def with_cards(ctx: QaContext, chosen: list[Ranked], cards: Sequence[str], intent: Intent) -> list[Ranked]:
    """The answering cards ranked first, then what the question itself names (generic matches give way), and for
    a treatment or test question the guideline stances on what the cards name; other FAQs give way to the card."""
    if not cards:
        return chosen
    kept = [r for r in chosen if r.statement.kind != "faqs" and (r.tier <= 1 or r.statement.kind == "red_flags")]
    shown = {r.statement.id for r in kept}
    treatment = intent.asks(*TREATMENT_QTYPES)
    named = {k for c in cards for k in ctx.card_names.get(c, frozenset())} if treatment else set()
    stances = [
        Ranked(s, 0.0, 1, 0, ctx.strength(s))
        for s in ctx.statements
        if (s.kind, s.record_id) in named and s.stance and s.id not in shown and ctx.kinds(s) & GUIDELINE_KINDS
    ]
    stances = sorted(stances, key=Ranked.key)[:CARD_STANCES]
    found = [ctx.faqs[c] for c in cards if c in ctx.faqs]
    cards_ranked = [Ranked(st, 0.0, -1, n, ctx.strength(st)) for n, st in enumerate(found)]
    return cards_ranked + kept + stances
