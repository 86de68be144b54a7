"""The answer returned by `ask`: sections of cited statements and a numbered reference list."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AnswerStatement(_Model):
    """One printed statement and the reference numbers that support it."""

    text: str = Field(description="The statement, in nerveroot's words.")
    citations: list[int] = Field(min_length=1, description="Reference numbers; each resolves to `references`.")
    statement_id: str = Field(exclude=True, description="Corpus statement id (kept out of the JSON output).")
    label: str | None = Field(default=None, exclude=True, description="Evidence label shown in Markdown.")


class Section(_Model):
    title: str
    statements: list[AnswerStatement]


class Reference(_Model):
    """A numbered source of the answer."""

    n: int = Field(ge=1)
    source_id: str
    title: str
    year: int
    url: str | None = Field(description="URL, or https://doi.org/… when the source has a DOI.")
    authors: str = Field(exclude=True, description="Authors or organisation (Markdown only).")
    kind: str = Field(exclude=True, description="Kind of source: guideline, systematic_review … (Markdown only).")


class Answer(_Model):
    """A cited answer, or an abstention."""

    question: str
    abstained: bool
    answer: str = Field(description="Short direct answer with bracketed reference numbers; or why nerveroot abstains.")
    sections: list[Section] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    kb_version: str
    answer_statement_ids: list[str] = Field(default_factory=list, exclude=True)
    rephrased: bool = Field(default=False, exclude=True, description="True when an LLM rephrased the direct answer.")

    def statements(self) -> list[AnswerStatement]:
        return [s for section in self.sections for s in section.statements]
