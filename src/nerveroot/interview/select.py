"""Choosing the next question: red flags first, then the item with the largest expected information gain.

The hypothesis space is the one the assessment reports: each root L1–S1 weighted by the radicular share, plus
every ranked condition without roots (mimics, non-specific back pain) with its own probability. The interview
stops when no remaining question could change the triage level, change which root leads, or move the leading
root's probability by more than ``margin``. Every posterior here is computed with the assessment engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from nerveroot.assessment.case import Case, Side, Status
from nerveroot.assessment.differential import Scores, condition_scores
from nerveroot.assessment.evidence import Evidence, derive_evidence
from nerveroot.assessment.localise import Localisation, root_likelihoods
from nerveroot.assessment.logic import evaluate, unknown_findings
from nerveroot.assessment.triage import ORDER
from nerveroot.interview.answers import SIDES, UNKNOWN, apply_value, is_answered
from nerveroot.interview.catalogue import Audience, Question, default_questions
from nerveroot.interview.model import Tables, entropy, p_present, tables
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import ROOT_IDS, Urgency

MARGIN = 0.10
REGION_KINDS = frozenset({"pain_region", "sensory_region"})
_TABLE_KINDS = frozenset({"red_flag", "history", "symptom"})
_FINDING_PREFIX = {"strength": "weak_", "reflex": "", "provocative": ""}
_FINDING_SUFFIX = {"strength": "", "reflex": "_reflex_reduced", "provocative": "_positive"}
# Answers that carry information for the roots and conditions (the yes-like answer first), per kind.
_BINARY: dict[str, tuple[str, str]] = {
    "red_flag": ("yes", "no"),
    "history": ("yes", "no"),
    "symptom": ("yes", "no"),
    "pain_region": ("yes", "no"),
    "sensory_region": ("yes", "no"),
    "strength": ("4", "5"),
    "reflex": ("reduced", "normal"),
    "provocative": ("positive", "negative"),
}
# Every answer that could change the triage, per kind (fact answers come from the rules' thresholds).
_POSSIBLE: dict[str, tuple[str, ...]] = {
    **{k: v for k, v in _BINARY.items() if k not in REGION_KINDS},
    "pain_region": ("yes",),
    "sensory_region": ("yes",),
    "strength": ("5", "4", "3"),
    "reflex": ("normal", "reduced", "brisk"),
}


@dataclass(frozen=True)
class Snapshot:
    """What the engine concludes from one case: triage level, rule outcomes and the hypothesis distribution."""

    case: Case
    status: Mapping[str, Status]
    loc: Localisation
    scores: Scores
    outcomes: dict[str, bool | None]
    level: Urgency
    dist: dict[str, float]

    @property
    def lead(self) -> str:
        return max(ROOT_IDS, key=lambda r: self.dist[r])


@dataclass(frozen=True)
class Choice:
    """The next question, why it was chosen, and how many questions could still matter."""

    question: Question
    phase: Literal["red_flag", "discriminate"]
    gain: float
    remaining: int


def finding_of(question: Question) -> str | None:
    """The finding id a question's yes-like answer makes present (None for regions and facts)."""
    if question.kind in _TABLE_KINDS:
        return question.target
    if question.kind in _FINDING_PREFIX:
        return f"{_FINDING_PREFIX[question.kind]}{question.target}{_FINDING_SUFFIX[question.kind]}"
    return None


class _Memo(Localisation):
    """A Localisation that remembers marginal() per root group (condition scoring asks for the same groups)."""

    def marginal(self, roots: Iterable[str] = ROOT_IDS) -> float:
        key = tuple(roots)
        cache: dict[tuple[str, ...], float] = self.__dict__.setdefault("_marginals", {})
        if key not in cache:
            cache[key] = super().marginal(key)
        return cache[key]


def _localise(t: Tables, status: Mapping[str, Status], pain: set[str], sensory: set[str]) -> Localisation:
    loc = root_likelihoods(t.model, status, pain, sensory)
    return _Memo(likelihood=loc.likelihood, prior=loc.prior, counted=loc.counted)


def _distribution(t: Tables, loc: Localisation, scores: Scores) -> dict[str, float]:
    posterior = loc.posterior()
    total = sum(scores.weight.values()) or 1.0
    dist: dict[str, float] = {r: scores.radicular * posterior[r] for r in ROOT_IDS}
    dist |= {c: w / total for c, w in scores.weight.items() if c not in t.radicular}
    return dist


def _regions(case: Case) -> tuple[set[str], set[str]]:
    return {m.region for m in case.pain_regions}, {m.region for m in case.sensory_regions}


def snapshot(case: Case, kb: KnowledgeBase) -> Snapshot:
    """Evaluate a case from scratch."""
    t = tables(kb)
    status = derive_evidence(case).status
    pain, sensory = _regions(case)
    loc = _localise(t, status, pain, sensory)
    scores = condition_scores(t.model, status, loc, pain, sensory)
    evidence = Evidence(status=status)
    outcomes = {r.id: evaluate(r.when, evidence, case) for r in t.rules}
    return Snapshot(case, status, loc, scores, outcomes, _level(t, outcomes), _distribution(t, loc, scores))


def _level(t: Tables, outcomes: Mapping[str, bool | None]) -> Urgency:
    fired = [r.level for r in t.rules if outcomes[r.id] is True]
    return max(fired, key=lambda u: ORDER[u]) if fired else "self_care"


def _facts_changed(a: Case, b: Case) -> set[str]:
    return {f for f in ("age", "duration_days", "course", "pain_score") if getattr(a, f) != getattr(b, f)}


def update(t: Tables, base: Snapshot, case: Case) -> Snapshot:
    """Re-evaluate after one answer, recomputing only what the changed findings and facts touch."""
    status = derive_evidence(case).status
    changed = {f for f in status.keys() | base.status.keys() if status.get(f) != base.status.get(f)}
    facts = _facts_changed(base.case, case)
    pain, sensory = _regions(case)
    loc, scores = base.loc, base.scores
    regions_changed = (pain, sensory) != _regions(base.case)
    if regions_changed or changed & t.root_findings:
        loc = _localise(t, status, pain, sensory)
    if loc is not base.loc or changed & t.numeric:
        scores = condition_scores(t.model, status, loc, pain, sensory)
    outcomes = dict(base.outcomes)
    evidence = Evidence(status=status)
    for rule in t.rules:
        if rule.findings & changed or rule.facts & facts:
            outcomes[rule.id] = evaluate(rule.when, evidence, case)
    dist = base.dist if scores is base.scores else _distribution(t, loc, scores)
    return Snapshot(case, status, loc, scores, outcomes, _level(t, outcomes), dist)


def _answers(t: Tables, q: Question) -> tuple[str, ...]:
    if q.kind == "fact":
        return t.probes[q.target]
    return _POSSIBLE[q.kind]


def _p_yes(t: Tables, q: Question, base: Snapshot) -> dict[str, float]:
    """P(yes-like answer | hypothesis) under the odds × ratio approximation (see interview.model)."""
    if q.kind in REGION_KINDS:
        default = t.model.region_default.get("pain_region" if q.kind == "pain_region" else "sensory_region")
        territory = t.model.pain_territory if q.kind == "pain_region" else t.model.sensory_territory
        low, high = (default.lr_negative, default.lr_positive) if default else (1.0, 1.0)
        p = {r: p_present(high if q.target in territory[r] else low) for r in ROOT_IDS}
        usual = t.regions
        return p | {
            h: p_present(high if q.target in usual[h] else low if usual[h] else 1.0) for h in base.dist if h not in p
        }
    finding = finding_of(q) or ""
    by_cond = t.lr_plus.get(finding, {})
    weights = {c: w for c, w in base.scores.weight.items() if c in t.radicular}
    mass = sum(weights.values()) or 1.0
    mix = sum(w * by_cond.get(c, 1.0) for c, w in weights.items()) / mass
    ratios = t.model.ratios.get(finding, {}).get("present", {})
    p = {r: p_present(ratios.get(r, (1.0, ""))[0] * mix) for r in ROOT_IDS}
    return p | {h: p_present(by_cond.get(h, 1.0)) for h in base.dist if h not in p}


def _gain(t: Tables, q: Question, base: Snapshot, after: Mapping[str, Snapshot]) -> float:
    """Expected information gain (bits) over the hypothesis space, clipped at 0."""
    if q.kind not in _BINARY:
        return 0.0
    yes, no = _BINARY[q.kind]
    p_yes = _p_yes(t, q, base)
    prob_yes = sum(base.dist[h] * p_yes[h] for h in base.dist)
    h_yes = entropy(after[yes].dist.values()) if yes in after else entropy(base.dist.values())
    h_no = entropy(after[no].dist.values()) if no in after else entropy(base.dist.values())
    return max(0.0, entropy(base.dist.values()) - prob_yes * h_yes - (1 - prob_yes) * h_no)


def _matters(base: Snapshot, after: Iterable[Snapshot], margin: float) -> tuple[bool, bool]:
    """(could change the triage level, could change the leading root or move it by more than margin)."""
    lead, p_lead = base.lead, base.dist[base.lead]
    triage = roots = False
    for snap in after:
        triage = triage or snap.level != base.level
        roots = roots or snap.lead != lead or abs(snap.dist[lead] - p_lead) > margin
    return triage, roots


def _eligible(q: Question, case: Case, audience: Audience, asked: frozenset[str], by_target: dict[str, str]) -> bool:
    if q.id in asked or (q.exam and audience != "clinician") or is_answered(case, q):
        return False
    return not (q.kind in REGION_KINDS and not case.sides and by_target.get("sides", "") in asked)


def _red_flags(t: Tables, base: Snapshot, pool: list[Question]) -> list[tuple[Urgency, int, Question]]:
    """Unasked red-flag questions with the level each could raise the case to."""
    raise_to: dict[str, Urgency] = {}
    evidence = Evidence(status=dict(base.status))
    for rule in t.rules:
        if base.outcomes[rule.id] is None:
            for f in unknown_findings(rule.when, evidence):
                if ORDER[rule.level] > ORDER[raise_to.get(f, "self_care")]:
                    raise_to[f] = rule.level
    flagged = []
    for index, q in enumerate(pool):
        if q.kind == "red_flag" or (q.target in t.red_flag_findings and q.kind in _TABLE_KINDS):
            level = raise_to.get(q.target, t.red_flag_findings.get(q.target, "self_care"))
            flagged.append((level, index, q))
    return sorted(flagged, key=lambda item: (-ORDER[item[0]], item[1]))


def choose_question(
    case: Case,
    kb: KnowledgeBase,
    audience: Audience = "patient",
    asked: Iterable[str] = (),
    margin: float = MARGIN,
    questions: tuple[Question, ...] | None = None,
) -> Choice | None:
    """The next question and why; None when the triage is an emergency or no remaining question matters."""
    t = tables(kb)
    catalogue = questions if questions is not None else default_questions()
    done = frozenset(asked)
    by_target = {q.target: q.id for q in catalogue if q.kind == "fact"}
    base = snapshot(case, kb)
    if base.level == "emergency":
        return None
    pool = [q for q in catalogue if _eligible(q, case, audience, done, by_target)]
    flags = _red_flags(t, base, pool)
    if flags:
        return Choice(question=flags[0][2], phase="red_flag", gain=0.0, remaining=len(pool))
    scored: list[tuple[float, bool, int, Question]] = []
    for index, q in enumerate(pool):
        side: Side | None = SIDES[0] if q.kind in REGION_KINDS and not case.sides else None
        after = {a: update(t, base, apply_value(case, q, a, side)) for a in _answers(t, q)}
        triage, roots = _matters(base, after.values(), margin)
        if not (triage or roots):
            continue
        if q.kind in _BINARY and _BINARY[q.kind][1] not in after:
            after[_BINARY[q.kind][1]] = update(t, base, apply_value(case, q, _BINARY[q.kind][1], side))
        scored.append((_gain(t, q, base, after), triage, -index, q))
    if not scored:
        return None
    gain, _, _, best = max(scored, key=lambda s: (round(s[0], 9), s[1], s[2]))
    if best.kind in REGION_KINDS and not case.sides and "sides" in by_target:
        sides_q = next(q for q in catalogue if q.id == by_target["sides"])
        return Choice(question=sides_q, phase="discriminate", gain=0.0, remaining=len(scored))
    return Choice(question=best, phase="discriminate", gain=gain, remaining=len(scored))


def next_question(
    case: Case,
    kb: KnowledgeBase,
    audience: Audience = "patient",
    asked: Iterable[str] = (),
    margin: float = MARGIN,
    questions: tuple[Question, ...] | None = None,
) -> Question | None:
    """The next question to ask, or None to stop (pure: the case is not changed)."""
    choice = choose_question(case, kb, audience, asked, margin, questions)
    return choice.question if choice else None


__all__ = ["MARGIN", "UNKNOWN", "Choice", "Snapshot", "choose_question", "next_question", "snapshot"]
