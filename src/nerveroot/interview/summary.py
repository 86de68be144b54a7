"""The end of an interview: triage, leading roots and conditions, and what was never assessed."""

from __future__ import annotations

from dataclasses import dataclass

from nerveroot.assessment.case import Case
from nerveroot.assessment.evidence import derive_evidence
from nerveroot.assessment.result import NotAssessed, Triage
from nerveroot.assessment.triage import ORDER, triage
from nerveroot.interview.select import snapshot
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import ROOT_IDS, Urgency

TOP = 3


@dataclass(frozen=True)
class Outcome:
    """What the interview concluded.

    ``complete`` is False while some unassessed red flag could raise the level above the current one; ``act_on``
    is then raised to at least ``routine``, so that missing answers are never read as the absence of a red flag.
    """

    triage: Triage
    complete: bool
    act_on: Urgency
    roots: list[tuple[str, float]]
    conditions: list[tuple[str, float]]
    not_assessed: list[NotAssessed]


def outcome(case: Case, kb: KnowledgeBase) -> Outcome:
    """Summarise a case at the end of (or during) an interview."""
    tri = triage(case, derive_evidence(case), kb)
    snap = snapshot(case, kb)
    complete = all(ORDER[item.could_raise_to] <= ORDER[tri.level] for item in tri.not_assessed)
    act_on: Urgency = tri.level if complete or ORDER[tri.level] >= ORDER["routine"] else "routine"
    roots: list[tuple[str, float]] = sorted(((str(r), snap.dist[r]) for r in ROOT_IDS), key=lambda rp: -rp[1])[:TOP]
    conditions = sorted(snap.scores.probability().items(), key=lambda cp: (-cp[1], cp[0]))[:TOP]
    return Outcome(tri, complete, act_on, roots, conditions, tri.not_assessed)
