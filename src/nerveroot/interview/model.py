"""Interview tables compiled once per knowledge base: triage rules by finding, answer likelihoods, fact probes.

The answer model (used only to weigh answers when computing expected information gain) is an approximation:
under a hypothesis h, an item is present with probability p = odds⁻¹(odds(P0) × LR_h), where LR_h is the
positive likelihood ratio the knowledge base gives that item for h (roots: the localiser ratio times the
prior-weighted mean ratio of the radicular causes; other conditions: their feature ratio; 1 when none is
given). P0 is a single modelling constant, not a published figure.

A body map has too many possible answers to enumerate, so it is modelled by its typical ones: under a root the
person marks that root's territory (pain: its pain and dermatome regions; numbness: its dermatome), under any
other ranked condition the regions where that condition usually hurts (the same regions the differential scores
the marks against), or "none" when those are all non-specific (low back, buttock, saddle). Each typical answer
has the current probability of the hypotheses that give it. The posterior after each answer is not approximated:
it is recomputed with the assessment engine itself.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from nerveroot.assessment.compiled import Compiled, compile_kb
from nerveroot.assessment.localise import NONSPECIFIC_REGIONS
from nerveroot.assessment.triage import ORDER
from nerveroot.interview.regions import NONE
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.loader import predicate_findings
from nerveroot.knowledge.models import RedFlag, TriageRule, Urgency

P0 = 0.3
"""Chance that an item is present under a hypothesis with no ratio for it (modelling assumption)."""
P_CLIP = (0.01, 0.99)
FACT_OPS = {"age_at_least": "age", "duration_at_least": "duration_days", "duration_under": "duration_days"}
FACT_OPS |= {"pain_at_least": "pain_score", "course": "course"}


@dataclass(frozen=True)
class Rule:
    id: str
    level: Urgency
    when: Any
    findings: frozenset[str]
    facts: frozenset[str]
    advice: str


@dataclass(frozen=True)
class Tables:
    model: Compiled
    rules: tuple[Rule, ...]
    red_flag_findings: dict[str, Urgency]  # finding → urgency of its red-flag record
    lr_plus: dict[str, dict[str, float]]  # finding → condition id → positive-ratio equivalent
    numeric: frozenset[str]  # findings that change root likelihoods or condition weights
    root_findings: frozenset[str]  # findings with a root ratio
    radicular: frozenset[str]  # radicular condition ids (their mass is spread over the roots)
    regions: dict[str, frozenset[str]]  # condition id → regions where it usually hurts
    probes: dict[str, tuple[str, ...]]  # fact → values spanning every threshold in the rules
    maps: dict[str, dict[str, tuple[str, ...]]]  # body-map kind → typical answer → hypotheses that give it


def _facts(when: Any, found: dict[str, set[Any]]) -> None:
    if isinstance(when, dict):
        for op, arg in when.items():
            if op in FACT_OPS:
                found.setdefault(FACT_OPS[op], set()).add(arg)
            elif op in ("all", "any"):
                for item in arg:
                    _facts(item, found)
            elif op in ("not", "unless"):
                _facts(arg, found)


def _probes(thresholds: dict[str, set[Any]]) -> dict[str, tuple[str, ...]]:
    """Values just under and at each threshold, so every outcome a rule can take is tried."""
    probes: dict[str, tuple[str, ...]] = {"course": ("improving", "stable", "worsening"), "sides": ("left", "both")}
    for fact, limits in (("age", (16, 120)), ("duration_days", (0, 36500)), ("pain_score", (0, 10))):
        values = {limits[0], limits[1]}
        for t in thresholds.get(fact, set()):
            values |= {min(max(int(t) - 1, limits[0]), limits[1]), min(max(int(t), limits[0]), limits[1])}
        probes[fact] = tuple(str(v) for v in sorted(values))
    return probes


def _plus(when: str, lr: float) -> float:
    """Positive-ratio equivalent of a feature: an 'absent' ratio r means P(absent|c) = (1-P0)·r."""
    if when == "present":
        return lr
    p = min(max(1 - (1 - P0) * lr, P_CLIP[0]), P_CLIP[1])
    return (p / (1 - p)) / (P0 / (1 - P0))


def _map_answers(model: Compiled, order: Iterable[str]) -> dict[str, dict[str, tuple[str, ...]]]:
    """Typical body-map answers (canonical: "none" or region ids by map order) and the hypotheses behind each."""
    order = tuple(order)
    others = [c for c in model.conditions if not c.radicular]
    made: dict[str, dict[str, tuple[str, ...]]] = {}
    for kind, territory, usual in (
        ("pain_map", model.pain_territory, {c.id: c.regions for c in others}),
        ("sensory_map", model.sensory_territory, {c.id: c.numb_regions for c in others}),
    ):
        answers: dict[str, list[str]] = {}
        for hypothesis, regions in (territory | usual).items():
            marked = [r for r in order if r in regions and r not in NONSPECIFIC_REGIONS]
            answers.setdefault(",".join(marked) or NONE, []).append(hypothesis)
        made[kind] = {answer: tuple(hs) for answer, hs in answers.items()}
    return made


_CACHE: dict[int, tuple[KnowledgeBase, Tables]] = {}


def tables(kb: KnowledgeBase) -> Tables:
    """Compile (once per knowledge base object) what the interview reads on every call."""
    hit = _CACHE.get(id(kb))
    if hit is not None and hit[0] is kb:
        return hit[1]
    model = compile_kb(kb)
    thresholds: dict[str, set[Any]] = {}
    rules = []
    for r in kb.all("triage_rules", TriageRule):
        found: dict[str, set[Any]] = {}
        _facts(r.when, found)
        for fact, values in found.items():
            thresholds.setdefault(fact, set()).update(v for v in values if isinstance(v, int))
        rules.append(Rule(r.id, r.level, r.when, frozenset(predicate_findings(r.when)), frozenset(found), r.advice))
    flags: dict[str, Urgency] = {}
    for flag in kb.all("red_flags", RedFlag):
        for f in flag.findings:
            if ORDER[flag.urgency] >= ORDER[flags.get(f, "self_care")]:
                flags[f] = flag.urgency
    lr_plus: dict[str, dict[str, float]] = {}
    for cond in model.conditions:
        for finding, when, lr in cond.features:
            row = lr_plus.setdefault(finding, {})
            if when == "present" or cond.id not in row:
                row[cond.id] = _plus(when, lr)
    root_findings = frozenset(f for f, by in model.ratios.items() if by["present"] or by["absent"])
    compiled = Tables(
        model=model,
        rules=tuple(rules),
        red_flag_findings=flags,
        lr_plus=lr_plus,
        numeric=root_findings | frozenset(lr_plus),
        root_findings=root_findings,
        radicular=frozenset(c.id for c in model.conditions if c.radicular),
        regions={c.id: c.regions for c in model.conditions},
        probes=_probes(thresholds),
        maps=_map_answers(model, kb.entities.get("body_regions", {})),
    )
    _CACHE[id(kb)] = (kb, compiled)
    return compiled


def p_present(lr: float) -> float:
    """odds⁻¹(odds(P0) × lr), clipped away from 0 and 1."""
    odds = P0 / (1 - P0) * lr
    return min(max(odds / (1 + odds), P_CLIP[0]), P_CLIP[1])


def entropy(dist: Iterable[float]) -> float:
    """Shannon entropy in bits."""
    return -sum(p * math.log2(p) for p in dist if p > 0)
