"""Assemble retrieved statements into a cited answer: direct answer, sections, numbered references."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from nerveroot.knowledge.base import KnowledgeBase, normalise
from nerveroot.qa.corpus import KIND_LABEL, Statement, build_corpus
from nerveroot.qa.index import Hit, StatementIndex
from nerveroot.qa.models import Answer, AnswerStatement, Reference, Section
from nerveroot.qa.scope import check_scope
from nerveroot.qa.sources import GUIDELINE_KINDS, LABEL_KINDS, PATIENT_KINDS, RESEARCH_KINDS, SourceInfo

GUIDELINES = "From the Guidelines"
RESEARCH = "From the Research"
DOSING = "Dosing and safety"
DISAGREE = "Where sources disagree"
PATIENT = "From patient-information sources (not guidelines)"
DOCUMENTS = "From your documents"
SEEK_CARE = "When to seek care now"
THEME_ORDER = (
    "Causes", "Risk factors", "Anatomy", "Symptoms and examination", "Tests and imaging", "Treatment options",
    "Prevention", "Serious causes", "Conditions that can mimic it", "Measuring outcomes", "Common questions",
    "Study findings", "Warning signs", "Dosing", "Safety", "Coding",
)  # fmt: skip
_CARE_WORDS = re.compile(
    r"\b(pain\w*|hurt\w*|ache\w*|symptom\w*|treat\w*|worse\w*|doctor|gp|urgent\w*|emergenc\w*|hospital|serious|"
    r"weak\w*|numb\w*|bladder|bowel|saddle|sciatica|relie\w*|exercis\w*|run\w*|should i|red flags?|see someone)\b"
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
DOSE_FIELDS = frozenset({"dose", "max_daily", "use", "adverse_effects", "caution", "seed_dose"})


@dataclass(frozen=True)
class AskSettings:
    """Retrieval and assembly knobs."""

    candidates: int = 40
    max_statements: int = 10
    per_record: int = 3
    relative_floor: float = 0.3
    min_coverage: float = 0.3
    max_red_flags: int = 3


@dataclass
class QaContext:
    """Everything `ask` needs, built once per knowledge base (and document set)."""

    kb: KnowledgeBase
    statements: list[Statement]
    index: StatementIndex
    sources: dict[str, SourceInfo]
    known_terms: frozenset[str]

    @classmethod
    def build(
        cls, kb: KnowledgeBase, extra: Sequence[Statement] = (), extra_sources: Sequence[SourceInfo] = ()
    ) -> QaContext:
        statements = build_corpus(kb) + list(extra)
        terms = {
            normalise(name)
            for kind in ("conditions", "treatments", "drugs", "tests", "red_flags", "roots", "instruments")
            for record in kb.entities.get(kind, {}).values()
            for name in [record.name, *record.synonyms, getattr(record, "drug_class", "")]
            if len(normalise(name)) > 3
        }
        sources = {s.id: SourceInfo.of(s) for s in kb.sources.values()} | {s.id: s for s in extra_sources}
        return cls(kb, statements, StatementIndex.from_kb(kb, statements), sources, frozenset(terms))

    def section_of(self, statement: Statement) -> str:
        """Which section a statement belongs in, from its field and the kinds of its sources."""
        kinds = {self.sources[c.source].kind for c in statement.cites if c.source in self.sources}
        if statement.kind == "red_flags":
            return SEEK_CARE
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


def _first_sentence(text: str, limit: int = 320) -> str:
    parts = _SENTENCE_END.split(text)
    out = parts[0]
    for part in parts[1:]:
        if len(out) >= 60:
            break
        out = f"{out} {part}"
    return out if len(out) <= limit else out[: limit - 1].rsplit(" ", 1)[0] + "…"


def _select(ctx: QaContext, hits: list[Hit], settings: AskSettings) -> list[Hit]:
    """The strongest hits, at most `per_record` from one record and one per record field; then the guideline
    positions of the first three drugs or treatments shown and the recorded conflicts of the first two records."""
    top = hits[0].score
    chosen: list[Hit] = []
    per_record: dict[tuple[str, str], int] = {}
    fields: set[tuple[str, str, str]] = set()
    for hit in hits:
        s = hit.statement
        key = (s.kind, s.record_id)
        if hit.score < settings.relative_floor * top or len(chosen) >= settings.max_statements:
            break
        repeat = (s.kind, s.record_id, s.field) in fields and s.field not in ("position", "caution", "indication")
        if per_record.get(key, 0) >= settings.per_record or repeat:
            continue
        per_record[key] = per_record.get(key, 0) + 1
        fields.add((s.kind, s.record_id, s.field))
        chosen.append(hit)
    shown = {h.statement.id for h in chosen}
    with_positions = [k for k in per_record if k[0] in ("drugs", "treatments")][:3]
    with_conflicts = list(per_record)[:2]
    for statement in ctx.statements:  # guideline positions and recorded conflicts are never left out
        key = (statement.kind, statement.record_id)
        wanted = (statement.field == "position" and key in with_positions) or (
            statement.field == "conflict" and key in with_conflicts
        )
        if wanted and statement.id not in shown:
            chosen.append(Hit(statement, 0.0))
            shown.add(statement.id)
    return chosen


def _care(ctx: QaContext, question: str, hits: list[Hit], settings: AskSettings) -> list[Statement]:
    """Red-flag statements for 'When to seek care now', when the question or the evidence calls for them."""
    flagged = [h.statement for h in hits if h.statement.kind == "red_flags" and h.statement.field == "action"]
    if not flagged and _CARE_WORDS.search(normalise(question)):
        flagged = [s for s in ctx.statements if s.kind == "red_flags" and s.field == "action"]
        flagged = [s for s in flagged if s.urgency == "emergency"]
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


def assemble(ctx: QaContext, question: str, hits: list[Hit], settings: AskSettings | None = None) -> Answer:
    """Build the cited answer from ranked hits (pure: no I/O)."""
    settings = settings or AskSettings()
    chosen = _select(ctx, hits, settings)
    care = _care(ctx, question, hits[: settings.candidates], settings)
    numbering = _Numbering(ctx)
    lead = _lead(ctx, chosen)
    answer_parts = []
    for statement in lead:
        marks = "".join(f"[{n}]" for n in numbering.cite(statement))
        text = statement.text.split(" — ", 1)[1] if statement.kind == "faqs" else statement.text
        answer_parts.append(f"{_first_sentence(text)} {marks}")
    grouped: dict[str, list[AnswerStatement]] = {}
    placed: set[str] = set()
    for statement in [h.statement for h in chosen] + care:
        if statement.id in placed:
            continue
        citations = numbering.cite(statement)
        if not citations:
            continue
        placed.add(statement.id)
        entry = AnswerStatement(text=statement.text, citations=citations, statement_id=statement.id,
                                label=_label(ctx, statement))  # fmt: skip
        grouped.setdefault(ctx.section_of(statement), []).append(entry)
    if GUIDELINES in grouped:  # recommendations with a stated strength first
        grouped[GUIDELINES].sort(key=lambda s: 0 if s.label and s.label.startswith("stance") else 1)
    return Answer(
        question=question,
        abstained=False,
        answer=" ".join(answer_parts),
        sections=[Section(title=t, statements=grouped[t]) for t in _section_order(grouped)],
        references=numbering.references(),
        kb_version=f"{ctx.kb.version}+{ctx.kb.content_hash}",
        answer_statement_ids=[s.id for s in lead],
    )


def _lead(ctx: QaContext, chosen: list[Hit]) -> list[Statement]:
    """The one or two statements the direct answer is drawn from: a guideline one first when it ranks high."""
    ranked = [h.statement for h in chosen if h.score > 0]
    if not ranked:
        return []
    if ranked[0].kind == "faqs":
        return [ranked[0]]
    top = [s for s in ranked[:5] if ctx.section_of(s) == GUIDELINES]
    guideline = next((s for s in top if s.stance), top[0] if top else None)
    lead = [guideline] if guideline else []
    if ranked[0] is not guideline:
        lead.append(ranked[0])
    return lead


def _section_order(grouped: dict[str, list[AnswerStatement]]) -> list[str]:
    research = sorted(
        (t for t in grouped if t.startswith(RESEARCH)),
        key=lambda t: THEME_ORDER.index(t.split(": ", 1)[1]) if t.split(": ", 1)[1] in THEME_ORDER else 99,
    )
    head = [GUIDELINES] if GUIDELINES in grouped else []
    tail = [t for t in (DOSING, DISAGREE, PATIENT, DOCUMENTS, SEEK_CARE) if t in grouped]
    return head + research + tail


def answer_question(ctx: QaContext, question: str, settings: AskSettings | None = None) -> Answer:
    """Scope check, retrieval, abstention on weak evidence, assembly."""
    settings = settings or AskSettings()
    scope = check_scope(question, ctx.known_terms)
    if not scope.in_scope:
        return abstain(ctx, question, scope.reason)
    hits = ctx.index.search(question, settings.candidates)
    if not hits or max(ctx.index.coverage(question, h.statement) for h in hits[:5]) < settings.min_coverage:
        return abstain(ctx, question, "the knowledge base holds no statement that answers it well enough to cite")
    return assemble(ctx, question, hits, settings)


__all__ = ["KIND_LABEL", "AskSettings", "QaContext", "answer_question", "assemble"]
