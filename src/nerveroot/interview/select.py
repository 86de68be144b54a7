"""Choosing the next question: red flags first, then the body maps, then the item with the most expected information.

Red flags are asked in groups, as clinicians screen them: one screen per red-flag group ("have you had any of
these: ...?", see interview.catalogue), in order of the highest level its items could raise the case to. "No to
all" records every item absent; after "yes" or "not sure" the group's items are asked one by one, before any other
group; "don't know" leaves them unknown (and reported as not assessed). An emergency answer ends the interview.

The hypothesis space is the one the assessment reports: each root L1–S1 weighted by the radicular share, plus
every ranked condition without roots (mimics, non-specific back pain) with its own probability. A question is
worth asking while it matters for the triage or for the root:

- triage: some possible answer changes the triage level. Every possible answer counts, however unlikely, so red
  flags and safety items are never skipped for being improbable;
- root: the expected absolute change of the leading root's probability (answers weighted by the answer model in
  interview.model) exceeds ``margin``, or the leading root changes with probability at least LEAD_CHANGE. An
  answer that could only move the root if it were improbable no longer keeps a question.

The interview stops when no remaining question matters. Every posterior here is computed with the assessment
engine; only the answer probabilities are approximated.
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
from nerveroot.interview.catalogue import MAP_KINDS, SCREENED_KINDS, Audience, Question, default_questions
from nerveroot.interview.model import Tables, entropy, p_present, tables
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import ROOT_IDS, Urgency

MARGIN = 0.10
LEAD_CHANGE = 0.20
"""A question whose answer changes the leading root with at least this probability is worth asking."""
SADDLE_PROBE = "saddle"  # numbness marked in the saddle area is a red flag: a possible body-map answer for triage
_TABLE_KINDS = frozenset({"red_flag", "history", "symptom"})
_FINDING_PREFIX = {"strength": "weak_", "reflex": "", "provocative": ""}
_FINDING_SUFFIX = {"strength": "", "reflex": "_reflex_reduced", "provocative": "_positive"}
# Answers that carry information for the roots and conditions (the yes-like answer first), per kind.
_BINARY: dict[str, tuple[str, str]] = {
    "red_flag": ("yes", "no"),
    "history": ("yes", "no"),
    "symptom": ("yes", "no"),
    "strength": ("4", "5"),
    "reflex": ("reduced", "normal"),
    "provocative": ("positive", "negative"),
}
# Every answer that could change the triage, per kind (fact answers come from the rules' thresholds, body-map
# answers from the hypotheses' typical regions).
_POSSIBLE: dict[str, tuple[str, ...]] = {
    **_BINARY,
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


def _localise(t: Tables, status: Mapping[str, Status], pain: set[str], sensory: set[str]) -> Localisation:
    return root_likelihoods(t.model, status, pain, sensory)


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
    """Canonical answers whose effect is evaluated: every answer that could change the triage, and the weighted ones."""
    if q.kind == "fact":
        return t.probes[q.target]
    if q.kind in MAP_KINDS:
        return (*t.maps[q.kind], *((SADDLE_PROBE,) if q.kind == "sensory_map" else ()))
    return _POSSIBLE[q.kind]


def _p_yes(t: Tables, q: Question, base: Snapshot) -> dict[str, float]:
    """P(yes-like answer | hypothesis) under the odds × ratio approximation (see interview.model)."""
    finding = finding_of(q) or ""
    by_cond = t.lr_plus.get(finding, {})
    weights = {c: w for c, w in base.scores.weight.items() if c in t.radicular}
    mass = sum(weights.values()) or 1.0
    mix = sum(w * by_cond.get(c, 1.0) for c, w in weights.items()) / mass
    ratios = t.model.ratios.get(finding, {}).get("present", {})
    p = {r: p_present(ratios.get(r, (1.0, ""))[0] * mix) for r in ROOT_IDS}
    return p | {h: p_present(by_cond.get(h, 1.0)) for h in base.dist if h not in p}


def answer_weights(t: Tables, q: Question, base: Snapshot) -> dict[str, float]:
    """P(answer) for the answers that weigh on the root, summing to 1.

    Yes/no-like items: the odds × ratio model; body maps: each typical answer carries the probability of the
    hypotheses that give it (interview.model); facts: their probe values, equally weighted (there is no answer
    model for ages or durations, which matter mainly through the triage thresholds).
    """
    if q.kind in _BINARY:
        p_yes = _p_yes(t, q, base)
        prob = min(max(sum(base.dist[h] * p_yes[h] for h in base.dist), 0.0), 1.0)
        yes, no = _BINARY[q.kind]
        return {yes: prob, no: 1.0 - prob}
    if q.kind in MAP_KINDS:
        mass = {a: sum(base.dist.get(h, 0.0) for h in hs) for a, hs in t.maps[q.kind].items()}
        total = sum(mass.values()) or 1.0
        return {a: m / total for a, m in mass.items()}
    probes = t.probes[q.target]
    return dict.fromkeys(probes, 1.0 / len(probes))


@dataclass(frozen=True)
class Effect:
    """What answering one question could do to the conclusion."""

    triage: bool  # some possible answer changes the triage level
    expected_change: float  # probability-weighted |change| of the leading root's probability
    lead_change: float  # probability that another root leads afterwards
    gain: float  # expected information gain in bits (0 for facts, which have no answer model)

    def matters(self, margin: float) -> bool:
        return self.triage or self.expected_change > margin or self.lead_change >= LEAD_CHANGE


def effect(t: Tables, q: Question, base: Snapshot, case: Case, side: Side | None = None) -> Effect:
    """Evaluate every relevant answer with the engine (incrementally) and summarise what it would change."""
    weights = answer_weights(t, q, base)
    possible = _answers(t, q)
    after = {a: update(t, base, apply_value(case, q, a, side)) for a in dict.fromkeys((*possible, *weights))}
    lead, p_lead = base.lead, base.dist[base.lead]
    h_base = entropy(base.dist.values())
    return Effect(
        triage=any(after[a].level != base.level for a in possible),
        expected_change=sum(w * abs(after[a].dist[lead] - p_lead) for a, w in weights.items()),
        lead_change=sum(w for a, w in weights.items() if after[a].lead != lead),
        gain=0.0
        if q.kind == "fact"
        else max(0.0, h_base - sum(w * entropy(after[a].dist.values()) for a, w in weights.items())),
    )


def _eligible(q: Question, case: Case, audience: Audience, asked: frozenset[str], by_target: dict[str, str]) -> bool:
    if q.id in asked or (q.exam and audience != "clinician") or is_answered(case, q):
        return False
    if q.body_map and not case.sides:  # a map needs a leg: only while the sides question can still be asked
        return "sides" in by_target and by_target["sides"] not in asked
    return True


def _raise_to(t: Tables, base: Snapshot) -> dict[str, Urgency]:
    """Finding → the highest level an undecided triage rule could reach if it were present."""
    raise_to: dict[str, Urgency] = {}
    evidence = Evidence(status=dict(base.status))
    for rule in t.rules:
        if base.outcomes[rule.id] is None:
            for f in unknown_findings(rule.when, evidence):
                if ORDER[rule.level] > ORDER[raise_to.get(f, "self_care")]:
                    raise_to[f] = rule.level
    return raise_to


FACT_FLAGS: dict[str, tuple[str, ...]] = {"age": ("new_pain_age_over_50",)}
"""Facts that settle red-flag findings by themselves (evidence marks new pain from 50 absent below 50): asked in
the discriminate phase while the finding is open, though no probe value changes the level on its own."""


def _red_flags(
    t: Tables, base: Snapshot, pool: list[Question], screens: list[Question], asked: frozenset[str]
) -> list[tuple[bool, Urgency, int, Question]]:
    """Red-flag questions still to ask, each as (follow-up, level it could raise the case to, order, question).

    Items of a screen that was answered "yes" or "not sure" are follow-ups, asked before anything else. An unasked
    screen stands for its items while at least two are open and none is present; otherwise its open items are
    asked one by one. Red-flag and history items count at least at their red-flag record's urgency; symptom items
    (red flags only together with another finding) only while an undecided triage rule could use them.
    """
    raise_to = _raise_to(t, base)
    case = base.case

    def level(q: Question) -> Urgency | None:
        found = raise_to.get(q.target)
        if found is None and q.kind in SCREENED_KINDS:
            found = t.red_flag_findings.get(q.target)
        return found

    order = {q.id: i for i, q in enumerate((*screens, *pool))}
    items = [q for q in pool if q.kind in _TABLE_KINDS and q.target in t.red_flag_findings]
    covered: set[str] = set()
    flagged: list[tuple[bool, Urgency, int, Question]] = []
    for screen in screens:
        open_items = [q for q in items if q.target in screen.items]  # the pool holds only unanswered items
        covered.update(q.id for q in open_items)
        if screen.id in asked:  # answered: follow up its open items ("yes" or "not sure")
            flagged += [(True, level(q) or "self_care", order[q.id], q) for q in open_items]
        elif len(open_items) >= 2 and not any(case.status(k) == "present" for k in screen.items):
            top = max((level(q) or "self_care" for q in open_items), key=lambda u: ORDER[u])
            flagged.append((False, top, order[screen.id], screen))
        else:
            covered.difference_update(q.id for q in open_items)
    for q in items:
        found = level(q)
        if q.id not in covered and found is not None:
            flagged.append((False, found, order[q.id], q))
    return sorted(flagged, key=lambda item: (not item[0], -ORDER[item[1]], item[2]))


def choose_question(
    case: Case,
    kb: KnowledgeBase,
    audience: Audience = "patient",
    asked: Iterable[str] = (),
    margin: float = MARGIN,
    questions: tuple[Question, ...] | None = None,
) -> Choice | None:
    """The next question and why; None when the triage is an emergency or no remaining question matters.

    Order: the red flags, grouped (see _red_flags): the follow-ups of a screen answered "yes" or "not sure", then
    screens and single red-flag items by the level they could raise the case to; then the body maps (pain, then
    numbness), each preceded by the sides question while no leg is named, as long as they matter; then the
    remaining question with the largest expected information gain among those that matter. Screens are never
    asked after the red-flag phase. ``questions`` is a catalogue built for ``kb`` (default: the packaged one).
    """
    t = tables(kb)
    catalogue = questions if questions is not None else default_questions()
    done = frozenset(asked)
    by_target = {q.target: q.id for q in catalogue if q.kind == "fact"}
    base = snapshot(case, kb)
    if base.level == "emergency":
        return None
    pool = [q for q in catalogue if not q.screen and _eligible(q, case, audience, done, by_target)]
    screens = [q for q in catalogue if q.screen]
    flags = _red_flags(t, base, pool, screens, done)
    if flags:
        return Choice(question=flags[0][3], phase="red_flag", gain=0.0, remaining=len(pool))
    side: Side | None = None if case.sides else SIDES[0]  # a leg to try hypothetical map answers on
    for q in (q for q in pool if q.body_map):
        found = effect(t, q, base, case, side)
        if found.matters(margin):
            if not case.sides:
                sides_q = next(s for s in pool if s.id == by_target["sides"])
                return Choice(question=sides_q, phase="discriminate", gain=0.0, remaining=len(pool))
            return Choice(question=q, phase="discriminate", gain=found.gain, remaining=len(pool))
    scored: list[tuple[float, bool, int, Question]] = []
    for index, q in enumerate(pool):
        if q.body_map:
            continue  # does not matter (checked above)
        found = effect(t, q, base, case)
        settles = q.kind == "fact" and any(base.status.get(f, UNKNOWN) == UNKNOWN for f in FACT_FLAGS.get(q.target, ()))
        if found.matters(margin) or settles:
            scored.append((found.gain, found.triage or settles, -index, q))
    if not scored:
        return None
    gain, _, _, best = max(scored, key=lambda s: (round(s[0], 9), s[1], s[2]))
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


__all__ = [
    "FACT_FLAGS",
    "LEAD_CHANGE",
    "MARGIN",
    "UNKNOWN",
    "Choice",
    "Effect",
    "Snapshot",
    "answer_weights",
    "choose_question",
    "effect",
    "next_question",
    "snapshot",
]
