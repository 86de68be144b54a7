"""Score the assessment engine on clinical vignettes; compare with published symptom-checker figures."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from nerveroot.assessment.assess import assess
from nerveroot.assessment.case import Case
from nerveroot.assessment.triage import ORDER
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import Urgency


class Expected(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    triage: Urgency
    root: Literal["l1", "l2", "l3", "l4", "l5", "s1", "none"]
    also_acceptable_roots: list[str] = Field(default_factory=list)
    differential: str


class Vignette(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    title: str
    reference: str
    rationale: str | None = None
    sources: list[str] = Field(min_length=1)
    case: Case
    expected: Expected


class Outcome(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    triage: Urgency
    expected_triage: Urgency
    roots: list[str]
    expected_root: str
    differential: list[str]
    expected_differential: str
    root_top1: bool
    root_top2: bool
    differential_top3: bool


class Metrics(BaseModel):
    model_config = ConfigDict(frozen=True)
    cases: int
    root_top1: float
    root_top2: float
    triage_exact: float
    emergency_recall: float
    safe_triage: float
    over_triage: int
    under_triage: int
    differential_top3: float
    outcomes: list[Outcome]


# Published figures to compare with (reference/anchors.md §2.3); None where a study did not report the measure.
PUBLISHED: list[tuple[str, float | None, float | None, float | None, float | None]] = [
    # (system, correct first, top-3, triage exact, safe triage)
    ("Semigran 2015, 23 symptom checkers", 0.34, None, 0.57, None),
    ("Semigran 2016, physicians", 0.721, 0.843, None, None),
    ("Gilbert 2020, GPs", None, 0.821, None, 0.970),
    ("Gilbert 2020, Ada", None, 0.705, None, 0.970),
    ("Hill 2020, 36 checkers", 0.36, 0.52, 0.49, None),
]


def load_vignettes(directory: Path) -> list[Vignette]:
    """Every case in every YAML file of a directory, validated."""
    cases = []
    for path in sorted(directory.glob("*.yaml")):
        cases += [Vignette.model_validate(raw) for raw in yaml.safe_load(path.read_text(encoding="utf-8")) or []]
    return cases


def run(vignette: Vignette, kb: KnowledgeBase) -> Outcome:
    result = assess(vignette.case, kb)
    roots = [lv.root for lv in result.levels]
    gold = {vignette.expected.root, *vignette.expected.also_acceptable_roots}
    differential = [d.id for d in result.differential]
    return Outcome(
        id=vignette.id,
        triage=result.triage.level,
        expected_triage=vignette.expected.triage,
        roots=roots[:3],
        expected_root=vignette.expected.root,
        differential=differential[:3],
        expected_differential=vignette.expected.differential,
        root_top1=roots[0] in gold,
        root_top2=bool(gold & set(roots[:2])),
        differential_top3=vignette.expected.differential in differential[:3],
    )


def score(outcomes: Iterable[Outcome]) -> Metrics:
    rows = list(outcomes)
    n = len(rows) or 1
    emergencies = [o for o in rows if o.expected_triage == "emergency"]
    over = sum(ORDER[o.triage] > ORDER[o.expected_triage] for o in rows)
    under = sum(ORDER[o.triage] < ORDER[o.expected_triage] for o in rows)
    return Metrics(
        cases=len(rows),
        root_top1=sum(o.root_top1 for o in rows) / n,
        root_top2=sum(o.root_top2 for o in rows) / n,
        triage_exact=sum(o.triage == o.expected_triage for o in rows) / n,
        emergency_recall=sum(o.triage == "emergency" for o in emergencies) / (len(emergencies) or 1),
        safe_triage=(len(rows) - under) / n,
        over_triage=over,
        under_triage=under,
        differential_top3=sum(o.differential_top3 for o in rows) / n,
        outcomes=rows,
    )


def evaluate(directory: Path, kb: KnowledgeBase) -> Metrics:
    return score(run(v, kb) for v in load_vignettes(directory))


def report(metrics: Metrics) -> str:
    """A table of our figures beside the published ones."""

    def pct(x: float | None) -> str:
        return "–" if x is None else f"{x:.1%}"

    lines = [
        f"nerveroot on {metrics.cases} vignettes",
        f"  root top-1 {pct(metrics.root_top1)}   root top-2 {pct(metrics.root_top2)}",
        f"  triage exact {pct(metrics.triage_exact)}   emergency recall {pct(metrics.emergency_recall)}   "
        f"safe triage {pct(metrics.safe_triage)} (gold level or more cautious)",
        f"  over-triage {metrics.over_triage}   under-triage {metrics.under_triage}",
        f"  differential top-3 {pct(metrics.differential_top3)}",
        "",
        f"{'system':<38}{'first':>8}{'top-3':>8}{'triage':>8}{'safe':>8}",
        f"{'nerveroot (this suite)':<38}{pct(metrics.root_top1):>8}{pct(metrics.differential_top3):>8}"
        f"{pct(metrics.triage_exact):>8}{pct(metrics.safe_triage):>8}",
    ]
    lines += [f"{name:<38}{pct(a):>8}{pct(b):>8}{pct(c):>8}{pct(d):>8}" for name, a, b, c, d in PUBLISHED]
    lines.append("Published figures are on general symptom-checker vignettes (reference/anchors.md), not this suite.")
    misses = [
        o for o in metrics.outcomes if not (o.root_top1 and o.differential_top3 and o.triage == o.expected_triage)
    ]
    if misses:
        lines += ["", "Cases that missed on root, differential or triage:"]
        lines += [
            f"  {o.id}: root {o.roots[0]} (gold {o.expected_root}), triage {o.triage} (gold {o.expected_triage}),"
            f" top-3 {o.differential} (gold {o.expected_differential})"
            for o in misses
        ]
    return "\n".join(lines)
