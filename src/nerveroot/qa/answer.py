"""Assemble retrieved statements into a cited answer: direct answer, sections, numbered references."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from nerveroot.knowledge.base import KnowledgeBase, aliases, normalise
from nerveroot.qa.cards import CardIndex, Encoder
from nerveroot.qa.corpus import KIND_LABEL, STANCE_LABEL, Statement, build_corpus
from nerveroot.qa.index import EXPANSION_WEIGHT, LAY_TERMS, Hit, StatementIndex
from nerveroot.qa.intent import Intent, classify, split_parts
from nerveroot.qa.lexicon import lexicon
from nerveroot.qa.link import TOPIC_KINDS, EntityLinker, Key, Links, topics_of
from nerveroot.qa.models import Answer, AnswerStatement, Reference, Section
from nerveroot.qa.plan import (
    WORD_BUDGET,
    CardRule,
    caution_lead,
    choose_card,
    dose_lead,
    has_shape,
    short,
    trim,
    wants_disagreement,
)
from nerveroot.qa.scope import check_scope
from nerveroot.qa.sources import GUIDELINE_KINDS, LABEL_KINDS, PATIENT_KINDS, RESEARCH_KINDS, SourceInfo
from nerveroot.qa.text import tokenize

GUIDELINES = "From the Guidelines"
RESEARCH = "From the Research"
DOSING = "Dosing and safety"
DISAGREE = "Where sources disagree"
PLAIN = "Plain-language answer"
PATIENT = "From patient-information sources (not guidelines)"
DOCUMENTS = "From your documents"
SEEK_CARE = "When to seek care now"
THEME_ORDER = (
    "Causes", "Risk factors", "Anatomy", "Symptoms and examination", "Tests and imaging", "Treatment options",
    "Prevention", "Serious causes", "Conditions that can mimic it", "Measuring outcomes", "Common questions",
    "Study findings", "Warning signs", "Dosing", "Safety", "Coding",
)  # fmt: skip
_CARE_WORDS = re.compile(
    r"\b(pain\w*|hurt\w*|ache\w*|worse\w*|doctor|gp|urgent\w*|emergenc\w*|hospital|serious|weak\w*|numb\w*|"
    r"tingl\w*|bladder|bowel|saddle|red flags?|see someone)\b"
)
"""Words of a question about one's own symptoms, where warning signs belong in the answer."""
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
DOSE_FIELDS = frozenset({"dose", "max_daily", "use", "adverse_effects", "caution", "seed_dose"})
REPEATABLE = frozenset({"position", "caution", "indication", "max_daily"})
"""Fields a record may contribute more than one statement of."""
ASKED = frozenset({"causes", "symptoms", "prognosis", "treatment", "tests", "dosing"})
"""Topics that say what kind of answer a question wants; an FAQ must want the same kind to be used."""
TOPIC_WORDS: dict[str, str] = {"causes": "causes", "prognosis": "recovery", "symptoms": "symptoms"}
"""Words added to the retrieval query for a question that asks for causes, recovery or symptoms in other words
('why do I get …' also searches 'causes')."""
_TOPIC = re.compile(r"Sources disagree on (.+?)\. ")
_YES_NO = re.compile(
    r"(yes|no|not|usually|rarely|often|possibly|(very |fairly )?(common|uncommon|rare|likely|unlikely|safe))\b",
    re.IGNORECASE,
)
_YES_NO_QUESTION = re.compile(r"(can|could|is|are|does|do|should|will|would|may|am)\b")
_ENGINE_ONLY = re.compile(r"(Approximate prior among|nerveroot keeps the default prior)")
"""Sentences written for the assessment engine (its priors), not for a reader of an answer."""
_CODES = re.compile(r"\b(icd|codes?|coding|billing)\b", re.IGNORECASE)
_PREGNANCY = re.compile(r"\b(pregnan\w*|breast ?feed\w*)", re.IGNORECASE)
_LIKELIHOOD = re.compile(r"\b(chances?|likel(y|ihood)|odds)\b")
"""'What are the chances …', 'is it likely …': a question that wants a verdict or a figure, like a yes/no one."""
_WH_QUESTION = re.compile(r"(what|which|who|when|where|why|how)\b")
"""A question that opens with a wh-word asks for more than yes or no, even when it says 'should I'."""


@dataclass(frozen=True)
class AskSettings:
    """Retrieval and assembly knobs."""

    candidates: int = 40
    relative_floor: float = 0.5
    """A statement is kept only when its score is at least this share of the best score."""
    section_cap: int = 5
    faq_cap: int = 2
    conflict_cap: int = 2
    per_record: int = 4
    faq_match: float = 0.45
    """Share of the question (idf-weighted words) an FAQ's own question must cover to be used."""
    min_coverage: float = 0.3
    max_red_flags: int = 3
    full: bool = False
    """Everything relevant, without the word budget."""
    word_budget: int = WORD_BUDGET
    signals: str = "fused"
    """Card choice signals: 'fused' (BM25 and meaning, by reciprocal rank), 'lexical' or 'semantic' alone."""


@dataclass
class QaContext:
    """Everything `ask` needs, built once per knowledge base (and document set)."""

    kb: KnowledgeBase
    statements: list[Statement]
    index: StatementIndex
    sources: dict[str, SourceInfo]
    known_terms: frozenset[str]
    linker: EntityLinker
    faq_names: dict[str, frozenset[str]]
    faq_topics: dict[str, frozenset[str]]
    cards: CardIndex
    faqs: dict[str, Statement] = field(default_factory=dict)
    """FAQ record id → its statement."""
    card_names: dict[str, frozenset[Key]] = field(default_factory=dict)
    """FAQ record id → the drugs, treatments and tests its answer names."""
    card_drugs: dict[str, frozenset[Key]] = field(default_factory=dict)
    """FAQ record id → the drugs its own title and main question name (a card about one medicine)."""
    card_classes: dict[str, frozenset[str]] = field(default_factory=dict)
    """FAQ record id → the words of its drugs' class ('nsaid', 'anti', 'inflammatory' …), minus generic ones."""
    _tokens: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    @classmethod
    def build(
        cls,
        kb: KnowledgeBase,
        extra: Sequence[Statement] = (),
        extra_sources: Sequence[SourceInfo] = (),
        encoder: Encoder | None = None,
    ) -> QaContext:
        """``encoder`` (optional) adds a meaning signal to the choice of FAQ card."""
        statements = build_corpus(kb) + list(extra)
        terms = {
            normalise(name)
            for kind in ("conditions", "treatments", "drugs", "tests", "red_flags", "roots", "instruments")
            for record in kb.entities.get(kind, {}).values()
            for name in [record.name, *record.synonyms, getattr(record, "drug_class", "")]
            if len(normalise(name)) > 3
        }
        sources = {s.id: SourceInfo.of(s) for s in kb.sources.values()} | {s.id: s for s in extra_sources}
        faq_names = {
            rid: frozenset(t for name in aliases(record) for t in tokenize(name))
            for rid, record in kb.entities.get("faqs", {}).items()
        }
        faq_topics = {rid: topics_of(" ".join(aliases(record))) for rid, record in kb.entities.get("faqs", {}).items()}
        index = StatementIndex.from_kb(kb, statements)
        linker = EntityLinker(kb, LAY_TERMS)
        cards = CardIndex.from_kb(kb, encoder, index.expand)
        faqs = {s.record_id: s for s in statements if s.kind == "faqs" and s.field == "answer"}
        card_names = {
            rid: frozenset(
                k for k in linker.link(s.text.split(" — ", 1)[-1]).direct if k[0] in ("drugs", "treatments", "tests")
            )
            for rid, s in faqs.items()
        }
        card_drugs = {
            rid: frozenset(k for k in linker.link(_own_question(record)).direct if k[0] == "drugs")
            for rid, record in kb.entities.get("faqs", {}).items()
        }
        drugs = kb.entities.get("drugs", {})
        card_classes = {
            rid: _class_words(index, [getattr(drugs[k[1]], "drug_class", "") for k in keys if k[1] in drugs])
            for rid, keys in card_drugs.items()
            if keys
        }
        return cls(
            kb,
            statements,
            index,
            sources,
            frozenset(terms),
            linker,
            faq_names,
            faq_topics,
            cards,
            faqs,
            card_names,
            card_drugs,
            card_classes,
        )

    def tokens(self, statement: Statement) -> frozenset[str]:
        """Token set of a statement's printed text (cached)."""
        if statement.id not in self._tokens:
            self._tokens[statement.id] = frozenset(tokenize(statement.text))
        return self._tokens[statement.id]

    def kinds(self, statement: Statement) -> set[str]:
        return {self.sources[c.source].kind for c in statement.cites if c.source in self.sources}

    def section_of(self, statement: Statement) -> str:
        """Which section a statement belongs in, from its field and the kinds of its sources."""
        kinds = self.kinds(statement)
        if statement.kind == "red_flags":
            return SEEK_CARE
        if statement.kind == "faqs":
            return PLAIN
        if statement.field == "conflict":
            return DISAGREE
        if statement.kind == "documents":
            return DOCUMENTS
        if statement.field in DOSE_FIELDS:
            return PATIENT if kinds <= PATIENT_KINDS else DOSING
        if kinds & GUIDELINE_KINDS:
            return GUIDELINES
        if kinds & (RESEARCH_KINDS | LABEL_KINDS):
            return f"{RESEARCH}: {statement.theme}"
        return PATIENT

    def strength(self, statement: Statement) -> int:
        """Evidence strength: the best kind of source cited, plus one for a firm guideline stance."""
        best = max((KIND_STRENGTH.get(k, 0) for k in self.kinds(statement)), default=0)
        return best + (statement.stance in ("recommended", "not_recommended"))

    def faq_match(
        self,
        question_tokens: list[str],
        statement: Statement,
        focus: frozenset[str] = frozenset(),
        body_weight: float = 0.0,
    ) -> float:
        """Share of the question's information (idf-weighted, focus words counted twice) that an FAQ's own
        question and titles hold; a word counts half when only one of its lay-term or synonym expansions is there,
        and ``body_weight`` when only the answer holds it."""
        names = self.faq_names.get(statement.record_id, frozenset())
        body = self.tokens(statement) if body_weight else frozenset()
        total = have = 0.0
        for token in set(question_tokens):
            weight = self.index.idf(token) * (2 if token in focus else 1)
            total += weight
            if token in names:
                have += weight
            elif self.index.expansions.get((token,), set()) & names:
                have += weight / 2
            elif token in body:
                have += weight * body_weight
        return have / total if total else 0.0


KIND_STRENGTH: dict[str, int] = {
    "guideline": 6, "systematic_review": 5, "trial": 4, "cohort": 3, "drug_label": 3, "cross_sectional": 2,
    "textbook": 2, "standard": 2, "code_set": 2, "case_report": 1, "user_document": 1,
}  # fmt: skip
"""Ordering weight of each kind of source (patient information and unreviewed answers rank last)."""


def _first_sentence(text: str, limit: int = 320) -> str:
    parts = _SENTENCE_END.split(text)
    out = parts[0]
    for part in parts[1:]:
        if len(out) >= 60:
            break
        out = f"{out} {part}"
    return out if len(out) <= limit else out[: limit - 1].rsplit(" ", 1)[0] + "…"


@dataclass(frozen=True)
class Ranked:
    """A kept statement with what orders it: relevance tier and score band, then evidence strength."""

    statement: Statement
    score: float
    tier: int
    band: int
    strength: int

    def key(self) -> tuple[int, int, int, float, str]:
        return (self.tier, self.band, -self.strength, -self.score, self.statement.id)


def _relevant(
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


def _select(ctx: QaContext, question: str, hits: list[Hit], links: Links, settings: AskSettings) -> list[Ranked]:
    """Statements about what the question names (or guideline statements on its topic) whose score is close to
    the best such score; then the guideline stances and recorded conflicts of the drugs, treatments and tests named.

    'Close to the best' is measured against the best statement about the same named record when the question
    names several, so the second thing of 'is surgery better than physiotherapy' is not crowded out."""
    q_tokens = tokenize(question)
    answered = any(
        ctx.tokens(h.statement) & links.focus
        for h in hits
        if (h.statement.kind, h.statement.record_id) in links.specific
        or (h.statement.kind == "faqs" and _relevant(ctx, links, h.statement, q_tokens, settings) is not None)
    )
    focused = links.specific if answered else frozenset()
    tiers = {h.statement.id: _relevant(ctx, links, h.statement, q_tokens, settings, focused) for h in hits}
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
        chosen.append(Ranked(s, hit.score, tier, band, ctx.strength(s)))
    if links.verdict or links.topics & {"treatment", "tests"} or "dosing" not in links.topics:
        chosen += _stances(ctx, links, chosen, best_of, top, settings)
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
) -> list[Ranked]:
    """Guideline stances of the (at most three) drugs, treatments and tests the question names are never left
    out; nor, for treatment questions, the disagreements recorded on them."""
    shown = {r.statement.id for r in chosen}
    named = sorted((k for k in links.specific if k[0] in ("drugs", "treatments", "tests")), key=links.tier)[:3]
    treatment = links.verdict or "treatment" in links.topics
    out: list[Ranked] = []
    for statement in ctx.statements:
        key = (statement.kind, statement.record_id)
        wanted = statement.stance is not None or (statement.field == "conflict" and treatment)
        if key in named and wanted and statement.id not in shown:
            score = best_of.get(key, settings.relative_floor * top)
            out.append(Ranked(statement, score, links.tier(key), _band(score, top), ctx.strength(statement)))
    return out


def _band(score: float, top: float) -> int:
    share = score / top if top else 0.0
    return 0 if share >= 0.75 else 1 if share >= 0.5 else 2


def _dedupe(ranked: list[Ranked]) -> list[Ranked]:
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


def _care(
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


class _Numbering:
    def __init__(self, ctx: QaContext) -> None:
        self.ctx = ctx
        self.numbers: dict[str, int] = {}

    def cite(self, statement: Statement) -> list[int]:
        out: list[int] = []
        for cite in statement.cites:
            if cite.source not in self.ctx.sources:
                continue  # an unresolvable citation is dropped, never printed
            n = self.numbers.setdefault(cite.source, len(self.numbers) + 1)
            if n not in out:
                out.append(n)
        return out

    def references(self) -> list[Reference]:
        refs = []
        for sid, n in sorted(self.numbers.items(), key=lambda kv: kv[1]):
            info = self.ctx.sources[sid]
            refs.append(Reference(n=n, source_id=sid, title=info.title, year=info.year, url=info.url,
                                  authors=info.authors, kind=info.kind))  # fmt: skip
        return refs


def _label(ctx: QaContext, statement: Statement) -> str | None:
    kinds = {ctx.sources[c.source].kind for c in statement.cites if c.source in ctx.sources}
    if statement.stance:
        return f"stance: {statement.stance.replace('_', ' ')}"
    if kinds and kinds <= PATIENT_KINDS:
        return "patient information"
    if any(not ctx.sources[c.source].verified for c in statement.cites if c.source in ctx.sources):
        return "unverified"
    return None


def abstain(ctx: QaContext, question: str, reason: str) -> Answer:
    return Answer(
        question=question,
        abstained=True,
        answer=f"nerveroot cannot answer this: {reason}. It answers questions about lumbar nerve root compression "
        "(L1–S1) and its care from its cited knowledge base. Please ask a clinician.",
        kb_version=f"{ctx.kb.version}+{ctx.kb.content_hash}",
    )


def assemble(
    ctx: QaContext,
    question: str,
    hits: list[Hit],
    settings: AskSettings | None = None,
    links: Links | None = None,
    asked: str = "",
    intent: Intent | None = None,
    cards: Sequence[str] = (),
) -> Answer:
    """Build the cited answer from ranked hits (pure: no I/O); ``asked`` holds the topic words added to the query,
    ``cards`` the FAQ cards that answer the question (or its parts), best first."""
    settings = settings or AskSettings()
    links = links or ctx.linker.link(question)
    intent = intent or classify(question)
    chosen = _with_cards(ctx, _select(ctx, f"{question} {asked}", hits, links, settings), cards, intent)
    if not _CODES.search(question):  # billing codes only when asked for
        chosen = [r for r in chosen if r.statement.field != "icd10"]
    if not wants_disagreement(question):  # a low-grade source is not set against a guideline as an equal
        chosen = [r for r in chosen if r.statement.field != "conflict" or not _low_grade(ctx, r.statement)]
    grouped: dict[str, list[Ranked]] = {}
    for r in _dedupe(sorted(chosen, key=Ranked.key)):
        if r.statement.kind != "red_flags":
            grouped.setdefault(ctx.section_of(r.statement), []).append(r)
    care = _dedupe(_care(ctx, question, chosen, links, settings, intent))
    if care:
        grouped[SEEK_CARE] = care
    _cap(grouped, settings, bool(cards))
    order = _section_order(grouped, intent)
    lead = _lead(ctx, links, grouped, order, intent, bool(cards), question)
    lead_ids = frozenset(st.id for _, st in lead)
    lead_text = " ".join(text for text, _ in lead)
    planned = [(title, [(_shown_text(r.statement, lead), r.statement) for r in grouped[title]]) for title in order]
    planned = [(title, [(text, st) for text, st in entries if text]) for title, entries in planned]
    if not settings.full:
        planned = trim(
            planned,
            lead_text,
            settings.word_budget,
            lead_ids,
            frozenset({SEEK_CARE}),
            frozenset({GUIDELINES}),
            card_first=bool(cards),
        )
    numbering = _Numbering(ctx)
    answer_parts = [f"{text} {''.join(f'[{n}]' for n in numbering.cite(st))}" for text, st in lead]
    sections = []
    for title, planned_entries in planned:
        entries = []
        for text, statement in planned_entries:
            citations = numbering.cite(statement)
            if citations:
                entries.append(AnswerStatement(text=text, citations=citations, statement_id=statement.id,
                                               label=_label(ctx, statement)))  # fmt: skip
        if entries:
            sections.append(Section(title=title, statements=entries))
    return Answer(
        question=question,
        abstained=False,
        answer=" ".join(answer_parts),
        sections=sections,
        references=numbering.references(),
        kb_version=f"{ctx.kb.version}+{ctx.kb.content_hash}",
        answer_statement_ids=list(dict.fromkeys(st.id for _, st in lead)),
    )


CARD_STANCES = 3
"""Guideline stances added for the drugs, treatments and tests an answering card names."""


TREATMENT_QTYPES = frozenset({"is_x_recommended", "self_care", "surgery_injection_outcome", "test_how_accuracy"})
"""Question types whose card brings the guideline stances on the treatments and tests it names."""


def _with_cards(ctx: QaContext, chosen: list[Ranked], cards: Sequence[str], intent: Intent) -> list[Ranked]:
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


def _low_grade(ctx: QaContext, statement: Statement) -> bool:
    """True when a statement rests on patient information or an unreviewed answer."""
    kinds = ctx.kinds(statement)
    return bool(kinds & PATIENT_KINDS)


def _shown_text(statement: Statement, lead: list[tuple[str, Statement]]) -> str:
    """A card's text without its question and without the sentences already given as the direct answer (the
    whole text when that is all it says)."""
    if statement.kind != "faqs":
        return " ".join(p for p in _SENTENCE_END.split(statement.text) if not _ENGINE_ONLY.match(p))
    body = statement.text.split(" — ", 1)[-1]
    for text, st in lead:
        if st.id == statement.id and text in body:
            rest = " ".join(body.replace(text, " ", 1).split())
            body = rest if len(rest.split()) >= 5 else body
    return body


def _cap(grouped: dict[str, list[Ranked]], settings: AskSettings, carded: bool = False) -> None:
    """At most `section_cap` statements a section (all research themes together count as one section)."""
    faqs = settings.faq_cap if not carded else max(settings.faq_cap, len(grouped.get(PLAIN, [])))
    caps = {PLAIN: faqs, DISAGREE: settings.conflict_cap, SEEK_CARE: settings.max_red_flags}
    research = sorted((r for t, rs in grouped.items() if t.startswith(RESEARCH) for r in rs), key=Ranked.key)
    kept = {r.statement.id for r in research[: settings.section_cap]}
    for title in list(grouped):
        if title.startswith(RESEARCH):
            grouped[title] = [r for r in grouped[title] if r.statement.id in kept]
        else:
            grouped[title] = grouped[title][: caps.get(title, settings.section_cap)]
        if not grouped[title]:
            del grouped[title]


def _lead(
    ctx: QaContext,
    links: Links,
    grouped: dict[str, list[Ranked]],
    order: list[str],
    intent: Intent | None = None,
    carded: bool = False,
    question: str = "",
) -> list[tuple[str, Statement]]:
    """One or two sentences that answer the question, each with the statement it comes from.

    The card that answers the question (one per part) leads with its opening sentence. Otherwise by question
    type: a dose question gets the usual dose and the ceiling; 'who should not take' the firm cautions; 'when to
    seek care' the emergency action. A question about whether something is recommended or helps gets the
    guideline stance on each named drug, treatment or test, stated plainly; otherwise a closely matching FAQ
    answer; otherwise the highest-ranked guideline statement; otherwise the highest-ranked statement."""
    intent = intent or Intent(())
    stances = [
        r
        for r in grouped.get(GUIDELINES, [])
        if r.statement.stance is not None
        and r.tier <= 1
        and (r.statement.kind, r.statement.record_id) in links.specific
    ]
    asks_verdict = intent.qtype == "is_x_recommended" or (links.verdict and intent.qtype not in NOT_VERDICT)
    broad = not carded and ("treatment" in links.topics or "tests" in links.topics)
    cards = [r.statement for r in grouped.get(PLAIN, []) if r.tier < 0] if carded else []
    # a choice between two things ('ice or heat?') is answered by the card that weighs them, not by one stance
    weighed = Intent(tuple(q for q in intent.qtypes if q != "is_x_recommended")) if links.choice else intent
    card_lead = _part_sentences(ctx, cards, links, weighed, question)
    # a stance that cannot be said plainly (a test's indication row) gives way to the card: the stance's verdict
    # word, then the card's sentence, unless that sentence gives its own verdict
    unsayable = bool(stances) and not _firm_first(stances)[0].statement.body
    if stances and (asks_verdict or broad) and not (card_lead and (links.choice or unsayable)):
        return _stance_lead(stances, links)
    if card_lead and unsayable and asks_verdict and not links.choice and not _YES_NO.match(card_lead[0][0]):
        first = _firm_first(stances)[0].statement
        return [(_verdict_head(first, _mixed(stances)), first), *card_lead]
    if card_lead:
        return card_lead
    drugs = [k for k in sorted(links.specific, key=links.tier) if k[0] == "drugs"][:1]
    drug_facts = [s for s in ctx.statements if (s.kind, s.record_id) in drugs]
    if intent.qtype == "dose" and (doses := dose_lead(drug_facts, lambda s: _low_grade(ctx, s))):
        return [(_first_sentence(st.text), st) for st in doses]
    if intent.qtype == "pregnancy":  # the cautions about pregnancy and breastfeeding, when the drug has them
        drug_facts = [s for s in drug_facts if _PREGNANCY.search(s.text)] or drug_facts
    if intent.qtype == "side_effects" and (effects := [s for s in drug_facts if s.field == "adverse_effects"]):
        return [(effects[0].text, effects[0])]
    if intent.qtype in ("who_should_not_take", "pregnancy") and (cautions := caution_lead(drug_facts)):
        return [(short(st), st) for st in cautions]
    if intent.qtype == "when_where_seek_care" and SEEK_CARE in grouped:
        return [(_first_sentence(grouped[SEEK_CARE][0].statement.text), grouped[SEEK_CARE][0].statement)]
    if PLAIN in grouped:
        faq = grouped[PLAIN][0].statement
        return [(_first_sentence(faq.text.split(" — ", 1)[-1]), faq)]
    if GUIDELINES in grouped:  # a stance said plainly ('NICE … says to consider …: …'), not its bare label
        top = grouped[GUIDELINES][0].statement
        return [(_stance_sentence(top, verdict=False) if top.stance else _first_sentence(top.text), top)]
    kept = [r for title in order if title != SEEK_CARE for r in grouped[title]]
    described = [r for r in kept if r.statement.field == "description" and r.tier == 0]
    if described:  # what a named thing is, in two sentences
        statement = described[0].statement
        return [(" ".join(_SENTENCE_END.split(statement.text)[:2]), statement)]
    if kept:
        statement = kept[0].statement
        return [(_first_sentence(statement.text.split(" — ", 1)[-1]), statement)]
    return []


def _part_sentences(
    ctx: QaContext, cards: list[Statement], links: Links, intent: Intent, question: str
) -> list[tuple[str, Statement]]:
    """The card sentence answering each part of the question in turn ('How long does it take to work, and when
    do I take it?': the time, then the timing), the n-th part from the n-th card (the last card for later parts)."""
    parts = split_parts(question)
    if len(parts) < 2:
        chosen = [(_card_sentence(ctx, st, links, intent, question), st) for st in cards]
    else:
        chosen = []
        for n, part in enumerate(parts[:2] if cards else []):
            card = cards[min(n, len(cards) - 1)]
            text = _card_sentence(ctx, card, ctx.linker.link(part), classify(part), part)
            if all(text not in seen for seen, _ in chosen):
                chosen.append((text, card))
    return [(_with_subject(ctx, text, links, card), card) for text, card in chosen]


def _stance_lead(stances: list[Ranked], links: Links) -> list[tuple[str, Statement]]:
    """The guideline stance on each of the first two things named, or on one thing with a contrary stance."""
    stances = _firm_first(stances)
    subjects = list(dict.fromkeys(r.statement.record_id for r in stances))
    if len(subjects) > 1:  # one stance on each of the first two things named
        picked = [next(r for r in stances if r.statement.record_id == rid) for rid in subjects[:2]]
        return [(_stance_sentence(r.statement, verdict=False), r.statement) for r in picked]
    first = stances[0]
    other = next((r for r in stances[1:] if _direction(r.statement) != _direction(first.statement)), None)
    out = [(_stance_sentence(first.statement, verdict=links.verdict, mixed=_mixed(stances)), first.statement)]
    if other is not None:
        out.append((_stance_sentence(other.statement, verdict=False, prefix="But "), other.statement))
    return out


def _mixed(stances: list[Ranked]) -> bool:
    """True when another stance shown points the other way from the first (firm one first)."""
    stances = _firm_first(stances)
    return any(_direction(r.statement) != _direction(stances[0].statement) for r in stances[1:])


def _firm_first(stances: list[Ranked]) -> list[Ranked]:
    """When a guideline body makes no recommendation on a thing for this population but says yes or no to it for
    a neighbouring one (NICE: nothing on paracetamol for sciatica, 'not on its own' for back pain), its firm
    statement leads, since silence tells a reader nothing."""
    if not stances or _direction(stances[0].statement) != 0:
        return stances
    family = (stances[0].statement.body or "").split(" ")[0]
    firm = next(
        (
            r
            for r in stances[1:]
            if r.statement.record_id == stances[0].statement.record_id
            and _direction(r.statement) != 0
            and (r.statement.body or "").split(" ")[0] == family
        ),
        None,
    )
    return stances if firm is None else [firm, *(r for r in stances if r is not firm)]


def _card_sentence(ctx: QaContext, statement: Statement, links: Links, intent: Intent, question: str) -> str:
    """The sentence of a card that answers this question: most of the question's words that the card's own
    question does not hold (idf-weighted), plus the shape its type needs (a time for 'how long', a dose for
    'how much') and a yes or no for a yes/no question; the opening sentence on a tie."""
    own_question, _, body = statement.text.partition(" — ")
    sentences = _SENTENCE_END.split(body)
    own = set(tokenize(own_question)) | ctx.linker.link(own_question).focus  # the opening answers its own question
    own |= {w for t in own for w in ctx.index.expansions.get((t,), set())}  # 'emergency' also covers 'urgent'
    said = links.words | set(tokenize(question))
    wanted = (links.focus | said) - own
    asked = normalise(question)
    yes_no = bool(_YES_NO_QUESTION.match(asked) or _LIKELIHOOD.search(asked)) or (
        links.verdict and not _WH_QUESTION.match(asked)
    )
    # A yes or no answers this question only if it names the drug, test or treatment the question adds to the
    # card's own question ("ibuprofen and naproxen together?" on a card opening "Yes: paracetamol and ibuprofen").
    named = {t for _, record in links.specific for t in tokenize(record.replace("_", " "))}
    if links.choice:  # 'ice or heat?': a sentence weighing both options answers it
        wanted |= named - set(tokenize(own_question))
    specific = wanted & named & set(tokenize(body))
    key = max(specific, key=lambda t: (ctx.index.idf(t), t), default=None)

    def score(item: tuple[int, str]) -> tuple[float, int]:
        n, sentence = item
        tokens = set(tokenize(sentence))
        # a word the question only implies (a lay-term expansion) counts for less than one it says
        overlap = sum(ctx.index.idf(t) * (1.0 if t in said else EXPANSION_WEIGHT) for t in tokens & wanted)
        verdict = yes_no and bool(_YES_NO.match(sentence)) and (key is None or key in tokens)
        shape = 3.0 * has_shape(intent.qtype, sentence, asked) + 2.0 * any(
            has_shape(q, sentence, asked) for q in intent.qtypes[1:]
        )
        return (overlap + shape + 6.0 * verdict + (1.5 if n == 0 else 0.0), -n)

    n, best = max(enumerate(sentences), key=score)
    if len(best.split()) < 4 and n + 1 < len(sentences):  # a bare 'Usually not.' takes the sentence that says why
        best = f"{best} {sentences[n + 1]}"
    elif n == 1 and yes_no and len(sentences[0].split()) < 4 and _YES_NO.match(sentences[0]):
        best = f"{sentences[0]} {best}"  # and the sentence that says why keeps its 'Usually not.'
        n = 0
    return _first_sentence(best) if n == 0 else best


_PRONOUN = re.compile(r"^It (?=is\b|can\b|may\b|usually\b|often\b|was\b)")


def _with_subject(ctx: QaContext, sentence: str, links: Links, card: Statement) -> str:
    """A lead opening 'It is …' names its subject when the question names one thing the card's own questions
    name too ('It is burning …' → 'Meralgia paresthetica is burning …'); a lead stands without its card."""
    named = [k for k in links.specific if k[0] in NAMED_KINDS]
    if len(named) != 1 or not _PRONOUN.match(sentence):
        return sentence
    record = ctx.kb.entities.get(named[0][0], {}).get(named[0][1])
    if record is None or not ctx.linker.mentions(named, ctx.faq_names.get(card.record_id, frozenset())):
        return sentence
    return _PRONOUN.sub(f"{record.name} ", sentence, count=1)


VERDICT: dict[str, str] = {
    "recommended": "Yes.",
    "not_recommended": "No.",
    "consider": "Possibly.",
    "insufficient_evidence": "Uncertain.",
    "no_recommendation": "Uncertain.",
    "investigational": "Only within research.",
}
STANCE_VERB: dict[str, str] = {
    "recommended": "recommends",
    "not_recommended": "advises against",
    "consider": "says to consider",
    "insufficient_evidence": "found too little evidence to recommend for or against",
    "no_recommendation": "makes no recommendation on",
    "investigational": "regards as investigational",
}


def _direction(statement: Statement) -> int:
    return {"recommended": 1, "consider": 1, "not_recommended": -1}.get(statement.stance or "", 0)


def _verdict_head(statement: Statement, mixed: bool) -> str:
    """'No.', 'Yes.' … for a stance; 'Not routinely.' / 'In some cases.' when another stance points the other way."""
    stance = statement.stance or "no_recommendation"
    word = {"not_recommended": "Not routinely.", "recommended": "In some cases."}.get(stance) if mixed else None
    return word or VERDICT[stance]


def _stance_sentence(statement: Statement, *, verdict: bool, prefix: str = "", mixed: bool = False) -> str:
    """'No. NICE NG59 (2020) advises against gabapentin: do not offer …' from a position or test indication;
    'Not routinely.' / 'In some cases.' when another stance shown points the other way (``mixed``)."""
    stance = statement.stance or "no_recommendation"
    head = f"{_verdict_head(statement, mixed)} " if verdict else prefix
    if statement.body and statement.subject:
        detail = _first_sentence(statement.text.split(f"{STANCE_LABEL[stance]}. ", 1)[-1])
        subject = statement.subject
        if subject[1:2].islower():  # 'Gabapentin' → 'gabapentin'; 'MRI …' stays
            subject = subject[0].lower() + subject[1:]
        if statement.body.startswith("No guideline"):  # a placeholder body, not a guideline that found something
            return f"{head}No guideline takes a position on {subject}: {detail}"
        return f"{head}{statement.body} {STANCE_VERB[stance]} {subject}: {detail}"
    return f"{head}{_first_sentence(statement.text)}"


def _section_order(grouped: dict[str, list[Ranked]], intent: Intent | None = None) -> list[str]:
    research = sorted(
        (t for t in grouped if t.startswith(RESEARCH)),
        key=lambda t: THEME_ORDER.index(t.split(": ", 1)[1]) if t.split(": ", 1)[1] in THEME_ORDER else 99,
    )
    drug_first = intent is not None and intent.qtype in DRUG_QTYPES
    head = [t for t in (GUIDELINES, PLAIN, DOSING if drug_first else "") if t in grouped]
    tail = [t for t in (DOSING, DISAGREE, PATIENT, DOCUMENTS, SEEK_CARE) if t in grouped and t not in head]
    return head + research + tail


NOT_VERDICT = frozenset(
    {"dose", "side_effects", "duration_prognosis", "who_should_not_take", "when_where_seek_care", "report_meaning"}
)
"""Question types whose 'should I …' wording does not ask for a guideline verdict ('when should I take it')."""
NAMED_KINDS = ("drugs", "tests", "treatments", "conditions", "red_flags")
"""Kinds of record that, when a question names one, an FAQ's own questions must name too."""
CORE_CONDITIONS = frozenset({("conditions", "disc_herniation")})
"""What nearly every card is about (a disc pressing on a root): a card need not name it to answer a question that
does ('will my strength come back after a disc herniation')."""
CARD_BODY_WEIGHT = 0.5
"""A question word found only in a card's answer (not its questions) counts half towards choosing the card."""
DRUG_QTYPES = frozenset({"dose", "side_effects", "who_should_not_take", "pregnancy"})
"""Question types about taking a medicine: its dose, cautions and safety facts belong in the answer."""


def answer_question(ctx: QaContext, question: str, settings: AskSettings | None = None) -> Answer:
    """Scope check, question type, the answering card(s), retrieval, abstention on weak evidence, assembly."""
    settings = settings or AskSettings()
    scope = check_scope(question, ctx.known_terms)
    if not scope.in_scope:
        return abstain(ctx, question, scope.reason)
    asked_as, question = question, lexicon().rewrite(question)  # 'straight away' is not a straight leg raise
    intent = classify(question)
    links = ctx.linker.link(question)
    if intent.asks(*DRUG_QTYPES) and any(k[0] == "drugs" for k in links.specific):
        links = replace(links, topics=links.topics | {"dosing"})
    cards = _cards(ctx, question, intent, links, settings.signals)
    asked = " ".join(TOPIC_WORDS[t] for t in sorted(links.topics) if t in TOPIC_WORDS)
    hits = ctx.index.search(f"{question} {asked}", settings.candidates)
    weak = not hits or max(ctx.index.coverage(question, h.statement) for h in hits[:5]) < settings.min_coverage
    if weak and not cards:
        return abstain(ctx, asked_as, "the knowledge base holds no statement that answers it well enough to cite")
    answer = assemble(ctx, question, hits, settings, links, asked, intent, cards)
    if not answer.answer:  # nothing on the question itself survived (at most generic warning signs)
        return abstain(ctx, asked_as, "the knowledge base holds no statement that answers it well enough to cite")
    return answer.model_copy(update={"question": asked_as})


_GENERIC_CLASS = frozenset({"drug", "agent", "non", "anti", "oral", "analgesic", "agonist", "combination"})


def _own_question(record: object) -> str:
    """A card's title and main question (not its paraphrases)."""
    return f"{getattr(record, 'name', '')}. {getattr(record, 'question', '')}"


def _class_words(index: StatementIndex, classes: Sequence[str]) -> frozenset[str]:
    """The words naming drug classes, with their lay expansions ('nsaid' → 'anti inflammatory'), minus generic ones."""
    words = {t for text in classes for t in tokenize(text)}
    words |= {w for t in words for w in index.expansions.get((t,), set())}
    return frozenset(words - _GENERIC_CLASS)


def _cards(ctx: QaContext, question: str, intent: Intent, links: Links, signals: str = "fused") -> list[str]:
    """The card answering the question, and a second card for a second part that asks something else.

    A later part inherits the things the whole question names ('What is X, and how is it treated?'), and its
    card must cover it strictly, since a short part says little on its own."""
    found: list[str] = []
    parts = split_parts(question)
    first = parts[0] if len(parts) > 1 else ""
    main = _card(ctx, first, classify(first), ctx.linker.link(first), signals=signals) if first else None
    main = main or _card(ctx, question, intent, links, signals=signals)
    if main is not None:
        found.append(main)
    named = " ".join(ctx.linker.names_of(links.direct))
    for part in parts[1:2]:
        text = f"{part} {named}".strip()
        card = _card(ctx, text, classify(part), ctx.linker.link(text), strict=True, signals=signals)
        if card is not None and card not in found:
            found.append(card)
    return found


def _card(
    ctx: QaContext, question: str, intent: Intent, links: Links, strict: bool = False, signals: str = "fused"
) -> str | None:
    tokens = tokenize(question)
    named = [k for k in links.direct if k[0] in NAMED_KINDS]
    faq = ctx.faqs

    def coverage(faq_id: str) -> float:
        return ctx.faq_match(tokens, faq[faq_id], links.focus, CARD_BODY_WEIGHT) if faq_id in faq else 0.0

    def names_match(faq_id: str) -> bool:
        """The card's own questions name the drug the question names; other named things may be in its answer."""
        if faq_id not in faq:
            return False
        names = ctx.faq_names.get(faq_id, frozenset())
        drugs = [k for k in named if k[0] == "drugs"]
        if drugs:
            return ctx.linker.mentions(drugs, names)
        if ctx.card_drugs.get(faq_id) and not ctx.card_classes.get(faq_id, frozenset()) & set(tokens):
            return False  # a card about one medicine answers questions naming it or its class
        specific = [k for k in named if k not in CORE_CONDITIONS]
        return not specific or ctx.linker.mentions(specific, names | ctx.tokens(faq[faq_id]))

    rule = CardRule(coverage_top=0.6, coverage_agree=0.6, similarity_agree=0.7) if strict else None
    return choose_card(ctx.cards, intent, question, coverage, names_match, rule, signals)


__all__ = ["KIND_LABEL", "AskSettings", "QaContext", "answer_question", "assemble"]
