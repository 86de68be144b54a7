"""Typed errors with stable codes; each interface maps them to its protocol once."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in some input, located by a dotted path."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class NerverootError(Exception):
    """Base of every error nerveroot raises on purpose."""

    code = "E000"


class KnowledgeValidationError(NerverootError):
    """A knowledge data file holds records that fail validation; lists every problem."""

    code = "E001"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the knowledge base:\n" + "\n".join(map(str, problems)))


class InputValidationError(NerverootError):
    """A case, answer set or request failed validation; lists every problem with its field path."""

    code = "E002"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


class UnknownEntityError(NerverootError):
    """No knowledge-base entity matches the name given."""

    code = "E003"
