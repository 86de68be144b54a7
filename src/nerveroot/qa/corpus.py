"""The citable-statement corpus: every fact in the knowledge base as one short statement with stable id and cites.

Ids come from structure, never from text hashes: ``{kind}:{record}:{field}[:{key}]``, for example
``drug:ibuprofen:max_daily:UK`` or ``treatment:epidural_steroid_injection:position:nice_ng59_2020``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from nerveroot.knowledge.base import KnowledgeBase, aliases
from nerveroot.knowledge.models import (
    Cite,
    Condition,
    Conflict,
    Drug,
    Faq,
    Finding,
    Instrument,
    Position,
    Record,
    RedFlag,
    Root,
    Source,
    Stance,
    Test,
    Treatment,
    Urgency,
)
from nerveroot.qa.dose import ceiling, exceeds_ceiling

KIND_LABEL: dict[str, str] = {
    "roots": "root",
    "findings": "finding",
    "conditions": "condition",
    "tests": "test",
    "treatments": "treatment",
    "drugs": "drug",
    "red_flags": "red_flag",
    "prevention": "prevention",
    "faqs": "faq",
    "instruments": "instrument",
}
"""Entity file stem → id prefix. Body regions are map geometry, not citable facts, and are left out."""

STANCE_LABEL: dict[str, str] = {
    "recommended": "recommended",
    "consider": "consider (conditional recommendation)",
    "not_recommended": "not recommended",
    "insufficient_evidence": "insufficient evidence to recommend for or against",
    "investigational": "investigational only",
    "no_recommendation": "no recommendation made",
}
URGENCY_LABEL: dict[str, str] = {
    "emergency": "Emergency",
    "urgent": "Urgent",
    "routine": "Routine",
    "self_care": "Self-care",
}
"""Urgency words only; the timing always comes from the cited red-flag action."""
JURISDICTION_LABEL: dict[str, str] = {
    "US_OTC": "US over-the-counter label",
    "US_Rx": "US prescription label",
    "UK": "UK (NHS/BNF)",
    "label": "product label",
    "seed": "patient-information source",
}
FACTOR_LABEL: dict[str, str] = {
    "age_65_plus": "age 65 or over",
    "ckd": "chronic kidney disease",
    "gi_bleed_or_ulcer": "a past stomach bleed or ulcer",
    "anticoagulant": "anticoagulant (blood thinner) use",
    "nsaid_sensitive_asthma": "asthma made worse by NSAIDs",
    "pregnancy_third_trimester": "pregnancy (third trimester)",
    "elderly_falls": "older age with risk of falls",
    "opioid_use_disorder": "opioid use disorder",
}
THEMES: dict[str, str] = {
    "cause": "Causes",
    "type": "Causes",
    "risk_factor": "Risk factors",
    "serious": "Serious causes",
    "mimic": "Conditions that can mimic it",
}
_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """'NICE NG59 (2020)' → 'nice_ng59_2020'."""
    return _SLUG.sub("_", text.lower()).strip("_") or "item"


class Statement(BaseModel):
    """One citable statement of the corpus."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    ID_TEMPLATE: ClassVar[str] = "{kind}:{record}:{field}"

    id: str = Field(description="Stable id derived from the record and field, e.g. 'drug:ibuprofen:max_daily:UK'.")
    kind: str = Field(description="Entity file stem ('drugs', 'faqs' ...), 'sources' or 'documents'.")
    record_id: str = Field(description="Id of the knowledge record (or source/document) the statement comes from.")
    field: str = Field(description="Which part of the record: description, position, dose, max_daily, conflict ...")
    title: str = Field(description="Short heading: the record name and the field.")
    text: str = Field(description="The statement as printed.")
    index_text: str = Field(description="Text indexed for retrieval (statement plus names and synonyms).")
    cites: tuple[Cite, ...] = Field(min_length=1, description="Sources that support the statement, with locators.")
    theme: str = Field(description="Research theme used to group the answer: Causes, Treatment options …")
    stance: Stance | None = Field(default=None, description="Guideline stance, for position statements.")
    urgency: Urgency | None = Field(default=None, description="Urgency, for red-flag statements.")
    subject: str | None = Field(default=None, description="What a stance is about (drug, treatment or test name).")
    body: str | None = Field(default=None, description="Guideline body that takes the stance, e.g. 'NICE NG59 (2020)'.")
    population: str | None = Field(default=None, description="Who a stance addresses ('sciatica', 'spinal_stenosis').")


class _Builder:
    """Collects statements for one record, keeping ids unique and deterministic."""

    def __init__(self, kb: KnowledgeBase, kind: str, record: Record | Source, theme: str) -> None:
        self.kb, self.kind, self.record, self.theme = kb, kind, record, theme
        self.prefix = f"{KIND_LABEL.get(kind, kind.rstrip('s'))}:{record.id}"
        self.names = " ".join(aliases(record)) if isinstance(record, Record) else record.title
        self.out: list[Statement] = []
        self._seen: set[str] = set()

    def add(self, field: str, key: str | None, text: str, cites: list[Cite] | tuple[Cite, ...], **extra: Any) -> None:
        if isinstance(self.record, Drug) and field != "conflict" and exceeds_ceiling(text, self.record):
            return  # dose guard: never print an amount above the lowest recognised maximum
        sid = f"{self.prefix}:{field}" + (f":{key}" if key else "")
        base, n = sid, 2
        while sid in self._seen:
            sid, n = f"{base}_{n}", n + 1
        self._seen.add(sid)
        name = self.record.name if isinstance(self.record, Record) else self.record.title
        title = f"{name} — {field.replace('_', ' ')}"
        self.out.append(
            Statement(
                id=sid,
                kind=self.kind,
                record_id=self.record.id,
                field=field,
                title=title,
                text=" ".join(text.split()),
                index_text=f"{self.names} {title} {text}",
                cites=tuple(cites),
                theme=str(extra.pop("theme", self.theme)),
                **extra,
            )
        )


def _position_text(position: Position, subject: str) -> str:
    return f"{position.body} on {subject}: {STANCE_LABEL[position.stance]}. {position.detail}"


def _who(kb: KnowledgeBase, cites: list[Cite]) -> str:
    names = []
    for cite in cites:
        src = kb.sources.get(cite.source)
        if src is not None:
            names.append(f"{src.authors} ({src.year}, {src.kind.replace('_', ' ')})")
    return "; ".join(dict.fromkeys(names)) or "a source"


def _conflict_text(kb: KnowledgeBase, conflict: Conflict, drug: Drug | None) -> str:
    parts = []
    for claim in conflict.claims:
        says = claim.says.rstrip(".")
        if drug is not None and exceeds_ceiling(says, drug):
            says = "states a higher figure, withheld here because nerveroot prints only the lowest recognised maximum"
        parts.append(f"{_who(kb, claim.sources)} says: {says}.")
    text = f"Sources disagree on {conflict.topic}. " + " ".join(parts)
    if conflict.guideline_position:
        text += f" Guideline position: {conflict.guideline_position.rstrip('.')}."
    return f"{text} nerveroot: {conflict.note}"


def _drug(b: _Builder, drug: Drug) -> None:
    low = ceiling(drug)
    first = min(drug.max_daily, key=lambda m: m.mg_per_day) if drug.max_daily else None
    for dose in drug.usual_doses:
        cap, cites = "", list(dose.sources)
        if first is not None:
            cap = f"; never more than {first.mg_per_day:g} {drug.dose_unit} in 24 hours"
            cites += [c for c in first.sources if c not in cites]
        b.add(
            "dose",
            dose.sources[0].source,
            f"Usual {drug.name} dose: {dose.text.rstrip('.')}{cap}.",
            cites,
            theme="Dosing",
        )
    if first is not None and low is not None:
        limit = f", {first.limit}" if first.limit else ""
        b.add(
            "max_daily",
            first.jurisdiction,
            f"Maximum daily dose of {drug.name}: do not take more than {low:g} {drug.dose_unit} in 24 hours "
            f"({JURISDICTION_LABEL[first.jurisdiction]}{limit}); this is the lowest recognised maximum.",
            first.sources,
            theme="Dosing",
        )
        for other in drug.max_daily:
            if other is not first and other.mg_per_day > low:
                where = f"{JURISDICTION_LABEL[other.jurisdiction]}{' (' + other.limit + ')' if other.limit else ''}"
                b.add(
                    "max_daily",
                    other.jurisdiction,
                    f"A patient-information source gives a higher daily figure for {drug.name}; nerveroot quotes only "
                    "the lowest recognised ceiling."
                    if other.jurisdiction == "seed"
                    else f"Under the {where} a prescriber may allow more {drug.name} than this; nerveroot quotes only "
                    "the lowest ceiling.",
                    other.sources,
                    theme="Dosing",
                )
    b.add("use", None, f"How to take {drug.name}: {drug.timing}", drug.sources, theme="Dosing")
    effects = f"Common side effects of {drug.name}: {', '.join(drug.adverse_common)}."
    if drug.adverse_serious:
        effects += f" Serious: {', '.join(drug.adverse_serious)}."
    b.add("adverse_effects", None, effects, drug.sources, theme="Safety")
    for caution in drug.cautions:
        cap = f" Keep to at most {caution.max_mg_per_day:g} {drug.dose_unit} a day." if caution.max_mg_per_day else ""
        factor = FACTOR_LABEL.get(caution.factor, caution.factor.replace("_", " "))
        b.add(
            "caution",
            caution.factor,
            f"{drug.name} with {factor}: {caution.effect.replace('_', ' ')}. {caution.detail}{cap}",
            caution.sources,
            theme="Safety",
        )
    for position in drug.sciatica_positions:
        b.add(
            "position",
            slug(position.body),
            _position_text(position, drug.name),
            position.sources,
            stance=position.stance,
            theme="Treatment options",
            subject=drug.name,
            body=position.body,
            population=position.population,
        )


def _record_statements(kb: KnowledgeBase, kind: str, record: Record) -> list[Statement]:
    theme = {
        "roots": "Anatomy",
        "findings": "Risk factors" if getattr(record, "category", "") == "history" else "Symptoms and examination",
        "conditions": THEMES.get(getattr(record, "role", ""), "Causes"),
        "tests": "Tests and imaging",
        "treatments": "Treatment options",
        "drugs": "Treatment options",
        "red_flags": "Warning signs",
        "prevention": "Prevention",
        "faqs": "Common questions",
        "instruments": "Measuring outcomes",
    }[kind]
    b = _Builder(kb, kind, record, theme)
    if isinstance(record, Faq):
        b.add("answer", None, f"{record.question} — {record.answer}", record.sources)
        b.out[-1] = b.out[-1].model_copy(update={"title": record.question})
    else:
        b.add("description", None, f"{record.name}: {record.description}", record.sources)
    if isinstance(record, Root):
        b.add(
            "territory",
            None,
            f"{record.level} root: dermatome {record.dermatome}; key sensory point {record.key_sensory_point}; "
            f"key muscles {', '.join(record.key_muscles)}; movements {', '.join(record.movements)}; "
            f"reflexes {', '.join(record.reflexes) or 'none reliable'}; pain felt in {record.pain_distribution}.",
            record.sources,
        )
        for comp in record.compressed_by:
            b.add(
                "compressed_by",
                f"{slug(comp.disc)}_{comp.zone}",
                f"A {comp.zone.replace('_', ' ')} lesion at the {comp.disc} disc compresses the {comp.relation} "
                f"{record.level} root.",
                comp.sources,
            )
    elif isinstance(record, Finding):
        for acc in record.accuracy:
            bits = [
                f"{label} {value:.0%}" if label in ("sensitivity", "specificity") else f"{label} {value:g}"
                for label, value in (
                    ("sensitivity", acc.sensitivity),
                    ("specificity", acc.specificity),
                    ("LR+", acc.lr_positive),
                    ("LR-", acc.lr_negative),
                )
                if value is not None
            ]
            if acc.lr_positive_infinite:
                bits.append("no false positives in the study (LR+ infinite)")
            figures = f" {', '.join(bits)}." if bits else ""
            note = f" {acc.note}" if acc.note else ""
            b.add(
                "accuracy",
                slug(acc.target),
                f"{record.name} for {acc.target.replace('_', ' ')}:{figures}{note}",
                acc.sources,
            )
    elif isinstance(record, Condition):
        b.add(
            "features",
            None,
            f"{record.name} — typical age {record.typical_age}; setting: {_clause(record.setting)}; telling features: "
            f"{'; '.join(_clause(f) for f in record.distinguishing_features)}.",
            record.sources,
        )
        code_cites = [c for c in record.sources if c.source in kb.sources and kb.sources[c.source].kind == "code_set"]
        if code_cites:
            codes = "; ".join(f"{i.code} {i.title}" + ("" if i.verified else " (unverified)") for i in record.icd10)
            b.add("icd10", None, f"ICD-10-CM codes for {record.name}: {codes}.", code_cites, theme="Coding")
    elif isinstance(record, Test):
        b.add("answers", None, f"{record.name} answers: {record.answers}", record.sources)
        for i, ind in enumerate(record.indications, 1):
            b.add(
                "indication",
                str(i),
                f"{record.name} — {STANCE_LABEL[ind.stance]}: {ind.when}",
                ind.sources,
                stance=ind.stance,
                subject=record.name,
            )
    elif isinstance(record, Treatment):
        for position in record.positions:
            b.add(
                "position",
                slug(position.body),
                _position_text(position, record.name),
                position.sources,
                stance=position.stance,
                subject=record.name,
                body=position.body,
                population=position.population,
            )
        patient_info = [c for c in record.sources if _is_patient_info(kb, c.source)]
        if record.seed_dose and patient_info:
            b.add(
                "seed_dose",
                None,
                f"Dose of {record.name} as patient-information sources state it: {record.seed_dose}.",
                patient_info,
                theme="Dosing",
            )
    elif isinstance(record, Drug):
        _drug(b, record)
    elif isinstance(record, RedFlag):
        b.add(
            "action",
            None,
            f"{record.name} — {URGENCY_LABEL[record.urgency]}: {record.action}",
            record.sources,
            urgency=record.urgency,
        )
    elif isinstance(record, Instrument):
        b.add("scoring", None, f"{record.name} ({record.version}) scoring: {record.scoring}", record.sources)
    drug = record if isinstance(record, Drug) else None
    for conflict in record.conflicts:
        cites = [c for claim in conflict.claims for c in claim.sources]
        text = _conflict_text(kb, conflict, drug)
        b.add("conflict", slug(conflict.topic), text, cites, theme="Where sources disagree")
    if isinstance(record, RedFlag):
        b.out = [s.model_copy(update={"urgency": record.urgency}) for s in b.out]
    return b.out


def _is_patient_info(kb: KnowledgeBase, source_id: str) -> bool:
    src = kb.sources.get(source_id)
    return src is not None and src.kind in ("patient_information", "expert_answer")


RESEARCH_KINDS: frozenset[str] = frozenset(
    {"systematic_review", "trial", "cohort", "cross_sectional", "case_report", "textbook", "standard"}
)


def _source_statements(kb: KnowledgeBase, source: Source) -> Iterator[Statement]:
    if source.kind in RESEARCH_KINDS and source.notes and not source.seed_file:
        b = _Builder(kb, "sources", source, "Study findings")
        caveat = "" if source.verified else " (figures unverified)"
        b.add(
            "notes",
            None,
            f"{source.title} ({source.authors}, {source.year}){caveat}: {source.notes}",
            [Cite(source=source.id, locator="study summary")],
        )
        yield from b.out


def build_corpus(kb: KnowledgeBase) -> list[Statement]:
    """Every citable statement of the knowledge base, in a deterministic order."""
    out: list[Statement] = []
    for kind in KIND_LABEL:
        for rid in sorted(kb.entities.get(kind, {})):
            out += _record_statements(kb, kind, kb.entities[kind][rid])
    for sid in sorted(kb.sources):
        out += _source_statements(kb, kb.sources[sid])
    return out


def record_sources(kb: KnowledgeBase, statement: Statement) -> set[str]:
    """Every source id cited anywhere in the statement's knowledge record (for citation validity)."""
    if statement.kind in ("sources", "documents"):
        return {statement.record_id}
    return {cite.source for cite in walk_cites(kb.entities[statement.kind][statement.record_id])}


def walk_cites(value: object) -> Iterator[Cite]:
    """Every Cite nested anywhere inside a record."""
    if isinstance(value, Cite):
        yield value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from walk_cites(getattr(value, name))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from walk_cites(item)


def _clause(text: str) -> str:
    """A sentence written into a list of clauses: its closing full stop dropped, its first letter lower-cased
    unless it starts an acronym or a name ("Obesity, pregnancy." → "obesity, pregnancy")."""
    text = text.strip().rstrip(".")
    return text[:1].lower() + text[1:] if text[1:2].islower() else text
