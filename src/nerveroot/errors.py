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


class NotFoundError(NerverootError):
    """No stored record of this kind has this id."""

    code = "E010"

    def __init__(self, entity: str, entity_id: str) -> None:
        self.entity = entity
        self.entity_id = entity_id
        super().__init__(f"{entity} {entity_id!r} not found")


class ConflictError(NerverootError):
    """The write clashes with what is stored (a duplicate reference, or importing into a database that holds data)."""

    code = "E011"


class AuthError(NerverootError):
    """Missing, malformed or unknown API token."""

    code = "E012"


class PrefetchMissingError(NerverootError):
    """A CDS Hooks call lacks required prefetch data and names no FHIR server to fetch it from (HTTP 412)."""

    code = "E070"

    def __init__(self, service: str, missing: list[str]) -> None:
        self.service = service
        self.missing = missing
        super().__init__(f"service {service!r} needs prefetch key(s) {', '.join(missing)} or a fhirServer")


class ForbiddenError(NerverootError):
    """The user is known but may not do this (role or patient access); the attempt is audited (HTTP 403)."""

    code = "E013"


class StorageError(NerverootError):
    """The records database cannot be written: the disk is full (HTTP 507) or read-only / unreachable (HTTP 503)."""

    code = "E020"

    def __init__(self, message: str, *, full: bool) -> None:
        self.full = full
        super().__init__(message)
