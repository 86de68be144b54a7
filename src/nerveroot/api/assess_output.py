"""The two forms of an /api/assess answer, as bytes: the summary (default) and the full Assessment.

The summary keeps everything about the patient — triage with every reason (rule, findings, advice and citations;
the rule's rationale, the same for every patient, by reference) and every red flag not assessed, root
probabilities with their evidence, workup, instruments, and the differential with its reasons (conditions below
1% by name, code and probability only) — and names the case-independent parts instead of repeating them: plan
items by id and stance (their text and citations are in the knowledge base and the full form) and the drug
options by safety profile: per drug the patient's status, dose, ceiling, the cautions that apply and the factors
to check first, with a link to the full options and their citations (`/api/drugs/profile/{key}`). The full form
is the Assessment exactly as `nerveroot assess --format json` prints it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any, Generic, Literal, TypeVar

import orjson

from nerveroot.assessment.differential import LEADING_PROBABILITY
from nerveroot.assessment.drugs import Jurisdiction, SafetyProfile, plan_brief_json
from nerveroot.assessment.result import (
    Assessment,
    DifferentialItem,
    Out,
    PlanItem,
    PlanStep,
    RootProbability,
    Triage,
    TriageReason,
    Workup,
)
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import TriageRule

P = TypeVar("P")
Form = Literal["summary", "full"]
PROFILE_PATH = "/api/drugs/profile/{key}"
FULL_FORM = "/api/assess?form=full"


def profile_href(key: str, jurisdiction: Jurisdiction) -> str:
    return PROFILE_PATH.format(key=key) + f"?jurisdiction={jurisdiction}"


def _item_summary(item: PlanItem) -> dict[str, Any]:
    return {"id": item.id, "name": item.name, "stance": item.stance}


class _Kept(Generic[P]):
    """Summaries of parts shared between answers, serialised once per part and kept beside it for the last `size`
    parts, the oldest going first; keyed by identity (the part's own, or its items' for a part rebuilt around shared
    items): holding the part keeps those ids from being reused while the entry lasts; or by value (the drug options
    by safety profile)."""

    def __init__(self, build: Callable[[P], object], size: int) -> None:
        self.build, self.size = build, size
        self.kept: OrderedDict[Hashable, tuple[P, orjson.Fragment]] = OrderedDict()

    def __call__(self, part: P, key: Hashable) -> orjson.Fragment:
        hit = self.kept.get(key)
        if hit is not None:
            return hit[1]
        made = orjson.Fragment(orjson.dumps(self.build(part)))
        self.kept[key] = (part, made)
        if len(self.kept) > self.size:
            self.kept.popitem(last=False)  # O(1), where a plain dict's first key is found past every one deleted
        return made


def _step_summary(step: PlanStep) -> dict[str, Any]:
    return {"stage": step.stage, "title": step.title, "items": [_item_summary(i) for i in step.items]}


def _items_summary(items: list[PlanItem]) -> list[dict[str, Any]]:
    return [_item_summary(i) for i in items]


PLAN_MEMO_SIZE = 1024
"""Plan steps and items are built once per knowledge base and presentation (a few hundred in all; a step with a
STarT Back item is one case's own); the advice against and the emergencies to act on are lists of them."""
_step = _Kept(_step_summary, PLAN_MEMO_SIZE)
_items = _Kept(_items_summary, PLAN_MEMO_SIZE)
_seek: _Kept[list[str]] = _Kept(list, PLAN_MEMO_SIZE)


def _ids(parts: list[Any]) -> tuple[int, ...]:
    return tuple(map(id, parts))


_plain: Callable[[Out], dict[str, Any]] = vars
"""`item.model_dump(mode="json")` for a model whose fields are plain values or lists of them and none has an alias:
its own field dict, in declaration order as the core builds and validation makes them (shared read-only: only
serialised)."""


def _reason(reason: TriageReason) -> dict[str, Any]:
    """`reason.model_dump(mode="json")` without the rationale, built directly."""
    return {
        "rule": reason.rule,
        "name": reason.name,
        "group": reason.group,
        "level": reason.level,
        "findings": reason.findings,
        "advice": reason.advice,
        "sources": [{"source": c.source, "locator": c.locator} for c in reason.sources],
    }


TRIAGE_MEMO_SIZE = 1024
"""Triage reasons are shared by the cases that give the same ones (a few hundred in all,
`nerveroot.assessment.triage`)."""
_given = _Kept(_reason, TRIAGE_MEMO_SIZE)


def _plain_list(items: Sequence[Out]) -> list[dict[str, Any]]:
    return [_plain(i) for i in items]


SHARED_MEMO_SIZE = 1024
"""The triages, the lists of red flags not assessed, the ranked levels, the differential and the workups are shared by
the cases that give the same ones (each kept per all it reads, `nerveroot.assessment`: hundreds to thousands)."""
_unassessed = _Kept(_plain_list, SHARED_MEMO_SIZE)


def _triage(triage: Triage) -> dict[str, Any]:
    """The triage with every reason but its rationale (the same for every patient), mostly built directly."""
    return {
        "level": triage.level,
        "reasons": [_given(r, id(r)) for r in triage.reasons],
        "not_assessed": _unassessed(triage.not_assessed, id(triage.not_assessed)),
        "to_confirm": [{"group": t.group, "text": t.text} for t in triage.to_confirm],
        "summary": triage.summary,
    }


_triages = _Kept(_triage, SHARED_MEMO_SIZE)


def _level(level: RootProbability) -> dict[str, Any]:
    """`level.model_dump(mode="json")` (by alias), built directly."""
    return {
        "root": level.root,
        "label": level.label,
        "probability": level.probability,
        "for": [_plain(e) for e in level.supporting],
        "against": [_plain(e) for e in level.opposing],
    }


def _levels_summary(levels: list[RootProbability]) -> list[dict[str, Any]]:
    return [_level(lv) for lv in levels]


_levels = _Kept(_levels_summary, SHARED_MEMO_SIZE)


def _workup(workup: Workup) -> dict[str, Any]:
    return workup.model_dump(mode="json")


_workups = _Kept(_workup, SHARED_MEMO_SIZE)
Ranked = tuple[list[DifferentialItem], frozenset[str]]
"""A differential and the conditions a fired rule suspects."""


def _leads(item: DifferentialItem, suspected: frozenset[str]) -> bool:
    return item.probability >= LEADING_PROBABILITY or item.id in suspected


def _leading(ranked: Ranked) -> list[dict[str, Any]]:
    """The conditions that lead the differential, with their reasons."""
    items, suspected = ranked
    return [_plain(d) for d in items if _leads(d, suspected)]


def _others(ranked: Ranked) -> list[dict[str, Any]]:
    """The others, named without their reasons."""
    items, suspected = ranked
    return [
        {"id": d.id, "name": d.name, "role": d.role, "icd10": d.icd10, "probability": d.probability}
        for d in items
        if not _leads(d, suspected)
    ]


_leading_kept = _Kept(_leading, SHARED_MEMO_SIZE)
_others_kept = _Kept(_others, SHARED_MEMO_SIZE)


def _options(part: tuple[SafetyProfile, KnowledgeBase, Jurisdiction]) -> list[orjson.Fragment]:
    return plan_brief_json(*part)


PROFILE_MEMO_SIZE = 2048
"""The drug options' briefs of the last safety profiles, serialised as one list (~7 KB each, ~15 MB in all): the cases
of a profile seen recently skip the 25 option look-ups, the nine NSAID and aspirin drafts and the ranking."""
_briefs = _Kept(_options, PROFILE_MEMO_SIZE)


def summary(
    assessment: Assessment, profile: SafetyProfile, kb: KnowledgeBase, jurisdiction: Jurisdiction = "UK"
) -> dict[str, Any]:
    """The summary form as plain data for orjson, the parts shared between answers serialised once (`_Kept`); see
    the module docstring."""
    a = assessment
    suspected = frozenset(c for r in a.triage.reasons for c in kb.get("triage_rules", r.rule, TriageRule).suspects)
    ranked = (a.differential, suspected)
    ranked_key = (id(a.differential), suspected)
    plan = a.plan
    key = profile.key
    return {
        "form": "summary",
        "full_form": FULL_FORM,
        "case_id": a.case_id,
        "kb_version": a.kb_version,
        "kb_content_hash": a.kb_content_hash,
        "triage": _triages(a.triage, id(a.triage)),
        "levels": _levels(a.levels, id(a.levels)),
        "level_summary": _plain(a.level_summary),
        "sides": a.sides,
        "multi_level": a.multi_level,
        "differential": _leading_kept(ranked, ranked_key),
        "differential_other": _others_kept(ranked, ranked_key),
        "workup": _workups(a.workup, id(a.workup)),
        "plan": {
            "steps": [_step(s, id(s)) for s in plan.steps],
            "drugs": {
                "profile": key,
                "jurisdiction": jurisdiction,
                "href": profile_href(key, jurisdiction),
                "options": _briefs((profile, kb, jurisdiction), (kb.content_hash, profile, jurisdiction)),
            },
            "avoid": _items(plan.avoid, _ids(plan.avoid)),
            "seek_care_now": _seek(plan.seek_care_now, _ids(plan.seek_care_now)),
        },
        "instruments": a.instruments,
        "disclaimer": a.disclaimer,
    }


def render(
    assessment: Assessment,
    profile: SafetyProfile,
    kb: KnowledgeBase,
    form: Form,
    findings: list[dict[str, Any]] | None = None,
    jurisdiction: Jurisdiction = "UK",
) -> bytes:
    """The answer's bytes in the requested form (with the note's findings when a note was read)."""
    if form == "full":
        if findings is None:
            return assessment.model_dump_json().encode()
        payload = assessment.model_dump(mode="json")
    else:
        payload = summary(assessment, profile, kb, jurisdiction)
    if findings is not None:
        payload["findings"] = findings
    return orjson.dumps(payload)
