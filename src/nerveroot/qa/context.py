"""What answering needs, built once per knowledge base: the statements, their index, sources and cards;
the section a statement belongs in and how strong its evidence is."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from nerveroot.knowledge.base import KnowledgeBase, aliases, normalise
from nerveroot.qa.cards import CardIndex, Encoder
from nerveroot.qa.corpus import Statement, build_corpus
from nerveroot.qa.index import LAY_TERMS, StatementIndex
from nerveroot.qa.link import EntityLinker, Key, topics_of
from nerveroot.qa.plan import WORD_BUDGET
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


DOSE_FIELDS = frozenset({"dose", "max_daily", "use", "adverse_effects", "caution", "seed_dose"})


NAMED_KINDS = ("drugs", "tests", "treatments", "conditions", "red_flags")
"""Kinds of record that, when a question names one, an FAQ's own questions must name too."""


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
    card_tests: dict[str, frozenset[Key]] = field(default_factory=dict)
    """FAQ record id → the tests its own title and main question name (a card about one test)."""
    card_classes: dict[str, frozenset[str]] = field(default_factory=dict)
    """FAQ record id → the words of its drugs' class ('nsaid', 'anti', 'inflammatory' …), minus generic ones."""
    card_conditions: dict[str, frozenset[Key]] = field(default_factory=dict)
    """FAQ record id → the conditions its own title and main question name (a card about stenosis)."""
    faq_questions: dict[str, tuple[frozenset[str], ...]] = field(default_factory=dict)
    """FAQ record id → the words of each of its own questions and titles."""
    card_roots: dict[str, frozenset[Key]] = field(default_factory=dict)
    """FAQ record id → the roots its own title and main question name (a card about the L4 root)."""
    card_treatments: dict[str, frozenset[Key]] = field(default_factory=dict)
    """FAQ record id → the treatments named by every one of its own questions and titles (a card about how long
    physiotherapy lasts), for cards that are about a treatment throughout."""
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
        faq_questions = {
            rid: tuple(frozenset(tokenize(name)) for name in dict.fromkeys(aliases(record)))
            for rid, record in kb.entities.get("faqs", {}).items()
        }
        faq_names = {rid: frozenset().union(*own) for rid, own in faq_questions.items()}
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
        own = {rid: linker.link(_own_question(record)).direct for rid, record in kb.entities.get("faqs", {}).items()}
        card_drugs = {rid: frozenset(k for k in keys if k[0] == "drugs") for rid, keys in own.items()}
        card_tests = {rid: frozenset(k for k in keys if k[0] == "tests") for rid, keys in own.items()}
        card_conditions = {rid: frozenset(k for k in keys if k[0] == "conditions") for rid, keys in own.items()}
        card_roots = {rid: frozenset(k for k in keys if k[0] == "roots") for rid, keys in own.items()}
        card_treatments = {
            rid: frozenset.intersection(*named)
            for rid, record in kb.entities.get("faqs", {}).items()
            if (named := [treatments_of(linker, q) for q in dict.fromkeys(aliases(record))]) and all(named)
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
            card_tests,
            card_classes,
            card_conditions,
            faq_questions,
            card_roots,
            card_treatments,
        )

    def tokens(self, statement: Statement) -> frozenset[str]:
        """Token set of a statement's printed text (cached)."""
        if statement.id not in self._tokens:
            self._tokens[statement.id] = frozenset(tokenize(statement.text))
        return self._tokens[statement.id]

    @cached_property
    def shared_warning_words(self) -> frozenset[str]:
        """Words of three or more warning signs ('numbness', 'leg', 'pain'): they do not say which warning a
        question is about (burning and numbness on the outside of the thigh is not saddle numbness)."""
        counts = Counter(
            t for s in self.statements if s.kind == "red_flags" and s.field == "action" for t in self.tokens(s)
        )
        return frozenset(t for t, n in counts.items() if n >= 3)

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

    def faq_contained(self, question_tokens: list[str], faq_id: str) -> float:
        """Share of one of the card's own questions (idf-weighted; the best-held one) that the question holds."""
        asked = set(question_tokens)
        best = 0.0
        for own in self.faq_questions.get(faq_id, ()):
            total = sum(self.index.idf(t) for t in own)
            have = sum(self.index.idf(t) for t in own if t in asked)
            best = max(best, have / total if total else 0.0)
        return best

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


def treatments_of(linker: EntityLinker, text: str) -> frozenset[Key]:
    """The treatments a text names."""
    return frozenset(k for k in linker.link(text).direct if k[0] == "treatments")


def low_grade(ctx: QaContext, statement: Statement) -> bool:
    """True when a statement rests on patient information or an unreviewed answer."""
    kinds = ctx.kinds(statement)
    return bool(kinds & PATIENT_KINDS)


_GENERIC_CLASS = frozenset({"drug", "agent", "non", "anti", "oral", "analgesic", "agonist", "combination"})


def _own_question(record: object) -> str:
    """A card's title and main question (not its paraphrases)."""
    return f"{getattr(record, 'name', '')}. {getattr(record, 'question', '')}"


def _class_words(index: StatementIndex, classes: Sequence[str]) -> frozenset[str]:
    """The words naming drug classes, with their lay expansions ('nsaid' → 'anti inflammatory'), minus generic ones."""
    words = {t for text in classes for t in tokenize(text)}
    words |= {w for t in words for w in index.expansions.get((t,), set())}
    return frozenset(words - _GENERIC_CLASS)
