"""Ids inside a Case checked against the knowledge base: an unknown body-region id is an error, never evidence."""

from __future__ import annotations

from nerveroot.assessment.case import Case
from nerveroot.errors import InputValidationError, Problem
from nerveroot.knowledge.base import KnowledgeBase

REGION_FIELDS = ("pain_regions", "sensory_regions")


def require_known_ids(case: Case, kb: KnowledgeBase, prefix: str = "body") -> None:
    """InputValidationError naming each region mark whose id is not in body_regions (e.g. body.pain_regions[2])."""
    regions = kb.entities.get("body_regions", {})
    problems = [
        Problem(f"{prefix}.{name}[{index}].region", f"unknown body-region id {mark.region!r}")
        for name in REGION_FIELDS
        for index, mark in enumerate(getattr(case, name))
        if mark.region not in regions
    ]
    if problems:
        raise InputValidationError(problems)
