"""A uniform view of citable sources: knowledge-base sources and ingested user documents."""

from __future__ import annotations

from dataclasses import dataclass

from nerveroot.knowledge.models import Source

GUIDELINE_KINDS = frozenset({"guideline"})
RESEARCH_KINDS = frozenset({"systematic_review", "trial", "cohort", "cross_sectional", "case_report", "textbook"})
LABEL_KINDS = frozenset({"drug_label", "standard", "code_set"})
PATIENT_KINDS = frozenset({"patient_information", "expert_answer"})
KIND_LABEL: dict[str, str] = {
    "guideline": "guideline",
    "systematic_review": "systematic review",
    "trial": "randomised trial",
    "cohort": "cohort study",
    "cross_sectional": "diagnostic/cross-sectional study",
    "case_report": "case report",
    "textbook": "reference text",
    "standard": "standard",
    "drug_label": "drug label/formulary",
    "code_set": "code set",
    "patient_information": "patient information, not a guideline",
    "expert_answer": "unreviewed answer, not a guideline",
    "user_document": "your document",
}


@dataclass(frozen=True)
class SourceInfo:
    """What a reference list needs about a source."""

    id: str
    title: str
    authors: str
    year: int
    url: str | None
    kind: str
    verified: bool = True

    @classmethod
    def of(cls, source: Source) -> SourceInfo:
        url = source.url or (f"https://doi.org/{source.doi}" if source.doi else None)
        return cls(source.id, source.title, source.authors, source.year, url, source.kind, source.verified)
