"""Triage: the most urgent rule that fires sets the level; rules that could fire on unasked items are listed."""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter

from nerveroot.assessment.case import Case
from nerveroot.assessment.evidence import UNASSESSED, Evidence
from nerveroot.assessment.kept import kept
from nerveroot.assessment.logic import compile_condition, compiled
from nerveroot.assessment.logic_source import Outcomes, source_tests
from nerveroot.assessment.result import NotAssessed, ToConfirm, Triage, TriageReason
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import RedFlag, TriageRule, Urgency

ORDER: dict[Urgency, int] = {"self_care": 0, "routine": 1, "urgent": 2, "emergency": 3}
SUMMARY: dict[Urgency, str] = {
    "emergency": "Emergency: same-day emergency assessment.",
    "urgent": "Urgent: to be seen by a clinician within days.",
    "routine": "Routine: planned clinical review in the coming weeks.",
    "self_care": "Self-care with advice and a safety net; no red flag or neurological deficit found.",
}


def _leaves(when: object) -> tuple[str, ...]:
    """The strings a rule's condition names outside its exclusions (`unless`): those that, when present, are the
    findings a fired rule cites."""
    if isinstance(when, str):
        return (when,)
    if isinstance(when, dict):
        return tuple(
            f
            for op, arg in when.items()
            if op != "unless"
            for item in (arg if isinstance(arg, list) else [arg])
            for f in _leaves(item)
        )
    return ()


THRESHOLDS = ("age_at_least", "duration_at_least", "duration_under", "pain_at_least")
"""Operators comparing a case's number with a figure (`nerveroot.assessment.logic`): a case's value matters to the
rules only as which side of each figure it falls."""
_FACT_OPS = frozenset(
    {"all", "any", "not", "unless", "unasked", "unsure", "reported", "onsets_over", "onsets_within"}
    | {"procedure_within", "mentioned", "pain_in", "course", "trigger", *THRESHOLDS}
)
"""Every operator a rule may use; `triage` is kept per what these read (`_Reads`)."""


def _walk(when: object, strings: set[str], figures: dict[str, set[float]]) -> None:
    """Every string in a rule's tree (finding ids and a few others: more than the rules read, never fewer) and the
    figures of its comparisons; ValueError for an operator `_FACT_OPS` does not name."""
    if isinstance(when, str):
        strings.add(when)
    elif isinstance(when, list):
        for item in when:
            _walk(item, strings, figures)
    elif isinstance(when, dict):
        for op, arg in when.items():
            if op not in _FACT_OPS:
                raise ValueError(f"unknown condition operator {op!r}")
            if op in THRESHOLDS:
                figures[op].add(arg)
            _walk(arg, strings, figures)


@dataclass(frozen=True)
class _Reads:
    """What the triage of a case reads, found once per knowledge base."""

    findings: tuple[str, ...]
    """Every finding a rule or red flag may read (and `recent_spinal_procedure`, read by `procedure_within`)."""
    age: tuple[float, ...]
    duration: tuple[float, ...]
    pain: tuple[float, ...]

    def key(self, case: Case, evidence: Evidence) -> tuple[object, ...]:
        """All that decides the triage: the statuses of those findings, which side of each figure the age,
        duration and pain score fall, the course, trigger, marked pain regions, procedures' days, onsets and the
        mentions to confirm."""
        return (
            tuple(map(evidence.status.get, self.findings)),
            _sides(case.age, self.age),
            _sides(case.duration_days, self.duration),
            _sides(case.pain_score, self.pain),
            case.course,
            case.trigger,
            frozenset(m.region for m in case.pain_regions),
            tuple(p.days_ago for p in case.procedures),
            tuple(sorted(case.onset_days.items())),
            tuple((m.group, m.text) for m in case.to_confirm),
        )


def _sides(value: float | None, figures: tuple[float, ...]) -> tuple[bool, ...] | None:
    return None if value is None else tuple(value >= f for f in figures)


def _reads(rules: list[TriageRule], flag_findings: tuple[str, ...]) -> _Reads:
    strings: set[str] = {"recent_spinal_procedure", *flag_findings}
    figures: dict[str, set[float]] = {op: set() for op in THRESHOLDS}
    for rule in rules:
        _walk(rule.when, strings, figures)
    return _Reads(
        tuple(sorted(strings)),
        tuple(sorted(figures["age_at_least"])),
        tuple(sorted(figures["duration_at_least"] | figures["duration_under"])),
        tuple(sorted(figures["pain_at_least"])),
    )


_Order = tuple[int, str, str]
UNANSWERED_LIMIT = 8192
NOT_ASSESSED_LIMIT = 1024
"""Lists of red flags not assessed kept (`_Tables.lists`: ~1.5 KB a key, mostly the statuses of 50 findings)."""


@dataclass(frozen=True)
class _Tables:
    """What triage reads from the knowledge base alone, built once per knowledge base object."""

    rules: tuple[tuple[TriageRule, frozenset[str]], ...]
    """Each rule with the findings it cites when it fires."""
    outcomes: Outcomes
    """Every rule's condition written out in one function: the rules that fire, and those not decided."""
    flags: tuple[tuple[RedFlag, frozenset[str], tuple[str, ...]], ...]
    """Each red flag with its findings as a set and in order."""
    askers: dict[str, tuple[tuple[int, Urgency], ...]]
    """Per finding, the rules above self-care that ask about it (position in `rules`, level), most urgent first."""
    given: dict[tuple[int, tuple[str, ...]], TriageReason] = field(default_factory=dict)
    """Reasons as built, per rule position and the findings it cites, shared by every case that gives the same one
    (read-only; with `unassessed`, a few hundred in all)."""
    unassessed: dict[tuple[str, tuple[str, ...], tuple[str, ...], Urgency], tuple[_Order, NotAssessed]] = field(
        default_factory=dict
    )
    """Red flags not assessed as built, with their place in the list, per flag, its unassessed and unsure findings
    and level, shared likewise."""
    unanswered: dict[tuple[int, tuple[str | None, ...]], tuple[tuple[str, ...], tuple[str, ...]]] = field(
        default_factory=dict
    )
    """Per flag position and the statuses of its findings (None: not recorded), its unassessed and unsure findings
    (at most `UNANSWERED_LIMIT` kept)."""
    flag_findings: tuple[str, ...] = ()
    """Every finding of a red flag, once each."""
    asking: frozenset[int] = frozenset()
    """The rules that ask about a red flag's finding (`askers`)."""
    reads: _Reads = _Reads((), (), (), ())
    triaged: dict[tuple[object, ...], Triage] = field(default_factory=dict)
    """Per all that decides it (`_Reads.key`), the triage (at most `TRIAGES_LIMIT` kept; shared read-only)."""
    lists: dict[tuple[tuple[str | None, ...], frozenset[int], frozenset[str]], list[NotAssessed]] = field(
        default_factory=dict
    )
    """Red flags not assessed, per all that decides them: the statuses of every red flag's finding, which of the
    rules asking about one are not decided, and which of those findings a fired rule cites (at most
    `NOT_ASSESSED_LIMIT` kept; shared read-only by the cases that give them)."""


_TABLES: dict[int, tuple[KnowledgeBase, _Tables]] = {}


def _tables(kb: KnowledgeBase) -> _Tables:
    hit = _TABLES.get(id(kb))
    if hit is not None and hit[0] is kb:
        return hit[1]
    rules = kb.all("triage_rules", TriageRule)
    askers: dict[str, list[tuple[int, Urgency]]] = {}
    for at in sorted(range(len(rules)), key=lambda n: -ORDER[rules[n].level]):
        if rules[at].level != "self_care":
            for finding in compiled(rules[at].when)[1]:
                askers.setdefault(finding, []).append((at, rules[at].level))
    flags = kb.all("red_flags", RedFlag)
    flag_findings = tuple(dict.fromkeys(f for flag in flags for f in flag.findings))
    tables = _Tables(
        rules=tuple((rule, frozenset(_leaves(rule.when))) for rule in rules),
        outcomes=source_tests([rule.when for rule in rules], compile_condition),
        flags=tuple((f, frozenset(f.findings), tuple(f.findings)) for f in flags),
        askers={finding: tuple(found) for finding, found in askers.items()},
        flag_findings=flag_findings,
        asking=frozenset(at for f in flag_findings for at, _ in askers.get(f, ())),
        reads=_reads(rules, flag_findings),
    )
    _TABLES[id(kb)] = (kb, tables)
    return tables


TRIAGES_LIMIT = 1024
"""Triages kept per knowledge base (`_Tables.triaged`, ~2 KB a key); past this the store starts again."""


def triage(case: Case, evidence: Evidence, kb: KnowledgeBase) -> Triage:
    """Evaluate every triage rule; the level is the highest among those that fire (self-care if none). Kept per
    all that decides it (`_Reads.key`)."""
    tables = _tables(kb)
    key = tables.reads.key(case, evidence)
    return kept(tables.triaged, TRIAGES_LIMIT, key, lambda: _triage(case, evidence, tables))


def _triage(case: Case, evidence: Evidence, tables: _Tables) -> Triage:
    reasons: list[TriageReason] = []
    status = evidence.status
    given = tables.given
    fired, open_rules = tables.outcomes(evidence, case)
    for at in fired:
        rule, cited = tables.rules[at]
        findings = tuple(sorted(f for f in cited if status.get(f) == "present"))
        reason = given.get((at, findings))
        if reason is None:
            reason = given[at, findings] = TriageReason.built(
                rule=rule.id,
                name=rule.name,
                group=rule.group,
                level=rule.level,
                findings=list(findings),
                rationale=rule.rationale,
                advice=rule.advice,
                sources=list(rule.sources),
            )
        reasons.append(reason)
    reasons.sort(key=lambda r: -ORDER[r.level])
    level: Urgency = reasons[0].level if reasons else "self_care"
    return Triage.built(
        level=level,
        reasons=reasons,
        not_assessed=_not_assessed(evidence, tables, open_rules, {f for r in reasons for f in r.findings}),
        to_confirm=[ToConfirm.built(group=m.group, text=m.text) for m in case.to_confirm],
        summary=SUMMARY[level],
    )


def _could_raise(unasked: tuple[str, ...], tables: _Tables, open_rules: set[int], default: Urgency) -> Urgency:
    """The most urgent level a flag's unassessed findings could raise the case to: per finding, that of the most
    urgent rule above self-care not yet decided that asks about it, else `default` (the flag's urgency)."""
    best: Urgency = "self_care"
    for finding in unasked:
        level = default
        for at, asker in tables.askers.get(finding, ()):
            if at in open_rules:
                level = asker
                break
        if ORDER[level] > ORDER[best]:
            best = level
    return best


def _unanswered(findings: tuple[str, ...], states: tuple[str | None, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Of a flag's findings, those not assessed (not recorded, unknown or unsure) and those unsure."""
    unasked = tuple(f for f, s in zip(findings, states, strict=True) if s is None or s in UNASSESSED)
    return unasked, tuple(f for f, s in zip(findings, states, strict=True) if s == "unsure")


def _not_assessed(evidence: Evidence, tables: _Tables, open_rules: set[int], fired: set[str]) -> list[NotAssessed]:
    """`_flags_not_assessed`, kept per what decides it (`_Tables.lists`)."""
    key = (
        tuple(map(evidence.status.get, tables.flag_findings)),
        tables.asking.intersection(open_rules),
        frozenset(fired.intersection(tables.flag_findings)),
    )
    return kept(tables.lists, NOT_ASSESSED_LIMIT, key, lambda: _flags_not_assessed(evidence, tables, open_rules, fired))


def _flags_not_assessed(
    evidence: Evidence, tables: _Tables, open_rules: set[int], fired: set[str]
) -> list[NotAssessed]:
    """Red flags with an unasked finding, each with the level it could raise the case to; a flag already raised by a
    rule that fired is not repeated (a present risk factor alone does not hide the unasked items of its flag)."""
    get = evidence.status.get
    made, answers = tables.unassessed, tables.unanswered
    items = []
    for at, (flag, named, findings) in enumerate(tables.flags):
        states = tuple(map(get, findings))
        split = answers.get((at, states))
        if split is None:
            if len(answers) >= UNANSWERED_LIMIT:
                answers.clear()
            split = answers[at, states] = _unanswered(findings, states)
        unasked, unsure = split
        if not unasked or not fired.isdisjoint(named):
            continue
        raise_to = _could_raise(unasked, tables, open_rules, flag.urgency)
        item = made.get((flag.id, unasked, unsure, raise_to))
        if item is None:
            built = NotAssessed.built(
                red_flag=flag.id,
                name=flag.name,
                group=flag.group,
                question=flag.question,
                findings=list(unasked),
                unsure=list(unsure),
                could_raise_to=raise_to,
            )
            item = made[flag.id, unasked, unsure, raise_to] = ((-ORDER[raise_to], flag.group, flag.id), built)
        items.append(item)
    items.sort(key=itemgetter(0))
    return [item for _, item in items]
