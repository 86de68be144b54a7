"""Score the whole pipeline (free text → Case → assessment) on published cases written by others.

Each case (JSON Lines, format in ``eval/published/README.md``) cites its source, carries a gold label fixed from
that source before the system was run, and three renderings of the same presentation: a structured note, a
clinician's shorthand note and the patient's own words. Every rendering goes through the free-text intake and the
assessment exactly as a user's note would.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from nerveroot.assessment.assess import assess
from nerveroot.assessment.triage import ORDER
from nerveroot.errors import InputValidationError, Problem
from nerveroot.evaluation.calibration import Bin, Pair, Stage, brier, calibration_error, reliability, stage
from nerveroot.intake import parse_note
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import Urgency

Style = Literal["structured", "shorthand", "lay"]
STYLES: tuple[Style, ...] = ("structured", "shorthand", "lay")
ROOTS = ("l1", "l2", "l3", "l4", "l5", "s1")


def _urgency(value: str) -> str:
    return value.strip().lower().replace("-", "_").replace(" ", "_")


class Gold(BaseModel):
    """The label fixed from the source before the system was run."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    urgency: Urgency
    urgency_acceptable: list[Urgency] = Field(default_factory=list)
    root_levels: list[str] = Field(default_factory=list)
    diagnosis: str = ""
    diagnosis_category: str = ""

    @property
    def mimic(self) -> bool:
        """A condition that imitates a root lesion (peripheral nerve, joint, other): no root should be named."""
        return not self.root_levels and self.diagnosis_category.startswith("mimic")

    @field_validator("urgency", mode="before")
    @classmethod
    def _one(cls, value: str) -> str:
        return _urgency(value)

    @field_validator("urgency_acceptable", mode="before")
    @classmethod
    def _many(cls, value: list[str] | None) -> list[str]:
        return [_urgency(v) for v in value or []]

    @field_validator("root_levels", mode="before")
    @classmethod
    def _roots(cls, value: list[str] | None) -> list[str]:
        roots = [str(v).strip().lower() for v in value or []]
        return [r for r in roots if r in ROOTS]


class NoteLabels(BaseModel):
    """What the blind labeller read in the structured rendering (only the part the evaluator needs)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    localising_findings: list[str] = Field(default_factory=list)


class PublishedCase(BaseModel):
    """One published case with its source, gold label and three renderings."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str
    source_title: str
    source_url: str
    gold: Gold
    ambiguous: bool = False
    renderings: dict[Style, str]
    note_labels: NoteLabels = Field(default_factory=NoteLabels)

    @property
    def localisable(self) -> bool:
        """The note carries at least one root-localising finding, as labelled before the system was run."""
        return bool(self.note_labels.localising_findings)


class Run(BaseModel):
    """What the pipeline concluded for one rendering of one case."""

    model_config = ConfigDict(frozen=True)

    id: str
    style: Style
    gold: Gold
    ambiguous: bool
    localisable: bool
    triage: Urgency
    roots: list[str]
    gold_root_probability: float | None
    probabilities: dict[str, float] = Field(default_factory=dict, description="Level (root or 'none') → probability.")
    leading: list[str] = Field(default_factory=list, description="Roots named as leading (several: level uncertain).")

    @property
    def level_pairs(self) -> list[Pair]:
        """(probability, is a gold root) for every level, "none" included (never right on a radicular case)."""
        return [(p, level in self.gold.root_levels) for level, p in sorted(self.probabilities.items())]

    @property
    def radicular_pairs(self) -> list[Pair]:
        """Stage one: (P(root lesion), a root was proven) on a radicular case or a mimic; empty on any other case."""
        if not self.probabilities or not (self.gold.root_levels or self.gold.mimic):
            return []
        return [(1 - self.probabilities.get("none", 0.0), bool(self.gold.root_levels))]

    @property
    def root_pairs(self) -> list[Pair]:
        """Stage two, on a radicular case: (each root's share of the root-lesion probability, is a gold root)."""
        radicular = 1 - self.probabilities.get("none", 1.0)
        if not self.gold.root_levels or radicular <= 0:
            return []
        return [(min(1.0, self.probabilities.get(r, 0.0) / radicular), r in self.gold.root_levels) for r in ROOTS]

    @property
    def in_lead(self) -> bool:
        """A gold root is among the roots named as leading (alone or as 'level uncertain')."""
        return bool(set(self.leading) & set(self.gold.root_levels))

    @property
    def emergency_caught(self) -> bool:
        return self.triage == "emergency"

    @property
    def acceptable(self) -> set[str]:
        return {self.gold.urgency, *self.gold.urgency_acceptable}

    @property
    def exact(self) -> bool:
        return self.triage == self.gold.urgency or (self.ambiguous and self.triage in self.acceptable)

    @property
    def safe(self) -> bool:
        return self.triage in self.acceptable or ORDER[self.triage] >= ORDER[self.gold.urgency]

    @property
    def told_apart(self) -> bool:
        """A mimic with "not radicular" ranked first (no root named)."""
        return bool(self.roots) and self.roots[0] == "none"

    @property
    def root_top1(self) -> bool:
        """Strict: the first-ranked root must be a gold root ("none" first is a miss)."""
        return bool(self.roots) and self.roots[0] in self.gold.root_levels


class Figures(BaseModel):
    """The issue-10 table for one note style."""

    model_config = ConfigDict(frozen=True)

    style: Style
    cases: int
    emergencies: int
    emergencies_caught: int
    safe: int
    exact: int
    radicular: int
    root_top1: int
    localisable: int = Field(description="Radicular cases whose note has a localising finding (labelled blind).")
    localisable_top1: int
    root_brier: float | None = Field(description="Mean (1 - P(gold root))² over radicular cases; lower is better.")
    level_brier: float | None = Field(
        default=None, description="Multi-class Brier over all levels (L1-S1 and none) of radicular cases."
    )
    calibration_error: float | None = Field(
        default=None, description="Expected calibration error of the level probabilities of radicular cases."
    )
    reliability: list[Bin] = Field(default_factory=list, description="Predicted probability of a level vs observed.")
    mimics: int = Field(default=0, description="Cases of a mimic (peripheral nerve, joint or other), no root proven.")
    mimics_told_apart: int = Field(default=0, description="Mimic cases with 'not radicular' ranked first.")
    root_in_lead: int = Field(default=0, description="Radicular cases with a gold root among the roots named leading.")
    radicular_stage: Stage | None = Field(default=None, description="Root lesion or not (radicular and mimic cases).")
    root_stage: Stage | None = Field(default=None, description="Which root, given a root lesion (radicular cases).")


def load_cases(paths: Iterable[Path]) -> list[PublishedCase]:
    """Every case of every JSON Lines file; malformed lines are reported together, each with file and line."""
    cases: list[PublishedCase] = []
    problems: list[Problem] = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                cases.append(PublishedCase.model_validate(json.loads(line)))
            except ValidationError as exc:
                problems += [Problem(f"{path}:{number}.{'.'.join(map(str, e['loc']))}", e["msg"]) for e in exc.errors()]
            except ValueError as exc:
                problems.append(Problem(f"{path}:{number}", f"not JSON: {exc}"))
    if problems:
        raise InputValidationError(problems)
    return cases


def run_case(case: PublishedCase, style: Style, kb: KnowledgeBase) -> Run:
    """Read one rendering as free text and assess it."""
    result = assess(parse_note(case.renderings[style], kb).case, kb)
    probability = {lv.root: lv.probability for lv in result.levels}
    gold_p = max((probability.get(r, 0.0) for r in case.gold.root_levels), default=None)
    return Run(
        id=case.id,
        style=style,
        gold=case.gold,
        ambiguous=case.ambiguous,
        localisable=case.localisable,
        triage=result.triage.level,
        roots=[lv.root for lv in result.levels],
        gold_root_probability=gold_p,
        probabilities=probability,
        leading=result.level_summary.leading,
    )


def figures(style: Style, runs: Sequence[Run]) -> Figures:
    emergencies = [r for r in runs if r.gold.urgency == "emergency"]
    radicular = [r for r in runs if r.gold.root_levels]
    localisable = [r for r in radicular if r.localisable]
    briers = [(1 - r.gold_root_probability) ** 2 for r in radicular if r.gold_root_probability is not None]
    levels = [r.level_pairs for r in radicular if r.probabilities]
    bins = reliability([pair for case in levels for pair in case])
    mimics = [r for r in runs if r.gold.mimic]
    return Figures(
        style=style,
        cases=len(runs),
        emergencies=len(emergencies),
        emergencies_caught=sum(r.emergency_caught for r in emergencies),
        safe=sum(r.safe for r in runs),
        exact=sum(r.exact for r in runs),
        radicular=len(radicular),
        root_top1=sum(r.root_top1 for r in radicular),
        localisable=len(localisable),
        localisable_top1=sum(r.root_top1 for r in localisable),
        root_brier=round(sum(briers) / len(briers), 3) if briers else None,
        level_brier=brier(levels),
        calibration_error=calibration_error(bins),
        reliability=bins,
        mimics=len(mimics),
        mimics_told_apart=sum(r.told_apart for r in mimics),
        root_in_lead=sum(r.in_lead for r in radicular),
        radicular_stage=stage([r.radicular_pairs for r in runs if r.radicular_pairs]),
        root_stage=stage([r.root_pairs for r in radicular if r.root_pairs]),
    )


def evaluate(cases: Sequence[PublishedCase], kb: KnowledgeBase) -> tuple[list[Figures], list[Run]]:
    """Run every rendering of every case; figures per style and every run."""
    runs = [run_case(c, s, kb) for s in STYLES for c in cases if c.renderings.get(s)]
    return [figures(s, [r for r in runs if r.style == s]) for s in STYLES], runs


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _frac(part: int, whole: int) -> str:
    return f"{part}/{whole} ({part / whole:.0%})" if whole else "–"


def _reliability_lines(table: Sequence[Figures]) -> list[str]:
    """Per note style (not the patient's words): predicted probability of each level against how often it was a
    gold root, on the radicular cases, with the multi-class Brier score and the expected calibration error; then
    the same for each stage of localisation on its own."""
    lines = ["", "Calibration of the level probabilities (radicular cases; every level L1-S1 and 'none' of each case):"]
    for f in table:
        if f.style == "lay" or not any(b.count for b in f.reliability):
            continue
        lines.append(f"  {f.style:<11}predicted vs observed  " + _cells(f.reliability))
        lines.append(f"  {'':<11}level Brier {f.level_brier:.3f}   calibration error {f.calibration_error:.3f}")
    lines += [
        "",
        "Calibration by stage (stage 1: root lesion or not, on radicular and mimic cases; stage 2: which root, "
        "each root's share of the root-lesion probability, on radicular cases):",
    ]
    for f in table:
        for name, measured in (("stage 1", f.radicular_stage), ("stage 2", f.root_stage)):
            if f.style != "lay" and measured and measured.cases:
                lines.append(
                    f"  {f.style:<11}{name}  n={measured.cases:<4}Brier {measured.brier:.3f} "
                    f"(base rate alone {measured.reference_brier:.3f})  "
                    f"calibration error {measured.calibration_error:.3f}  " + _cells(measured.reliability)
                )
                lines.append(
                    f"  {'':<11}{'':<9}mean predicted {_num(measured.mean_when_right)} when true, "
                    f"{_num(measured.mean_when_wrong)} when false"
                )
    return lines


def _cells(bins: Sequence[Bin]) -> str:
    """Predicted vs observed in each band that holds a prediction."""
    return " | ".join(
        f"{b.lower:.1f}-{b.upper:.1f}: {b.predicted:.2f} vs {b.observed:.2f} (n={b.count})"
        for b in bins
        if b.count and b.predicted is not None and b.observed is not None
    )


def report(table: Sequence[Figures], runs: Sequence[Run], misses: bool = True) -> str:
    """The issue-10 table (root top-1 not scored on the patient's words), then every miss."""
    lines = [
        f"{'style':<11}{'cases':>6}  {'emergencies':<16}{'safe triage':<16}{'exact triage':<16}"
        f"{'root top-1 (strict)':<20}{'localisable':<16}{'root Brier':>10}",
    ]
    for f in table:
        root = "triage only" if f.style == "lay" else _frac(f.root_top1, f.radicular)
        local = "" if f.style == "lay" else _frac(f.localisable_top1, f.localisable)
        brier = "–" if f.style == "lay" or f.root_brier is None else f"{f.root_brier:.3f}"
        lines.append(
            f"{f.style:<11}{f.cases:>6}  {_frac(f.emergencies_caught, f.emergencies):<16}{_frac(f.safe, f.cases):<16}"
            f"{_frac(f.exact, f.cases):<16}{root:<20}{local:<16}{brier:>10}"
        )
    told = [f"{f.style} {_frac(f.mimics_told_apart, f.mimics)}" for f in table if f.style != "lay" and f.mimics]
    if told:
        lines.append("mimics told apart (no root named first): " + ", ".join(told))
    lead = [f"{f.style} {_frac(f.root_in_lead, f.radicular)}" for f in table if f.style != "lay" and f.radicular]
    if lead:
        lines.append("gold root among the roots named leading (a 'level uncertain' group counts): " + ", ".join(lead))
    lines.append(
        "root top-1 is strict (\"not radicular\" first is a miss); 'localisable' counts only radicular cases whose "
        "note has a root-localising finding in the blind labels."
    )
    lines += _reliability_lines(table)
    if misses:
        lines += ["", "Misses (triage unsafe, emergency missed, or strict root miss):"]
        for r in runs:
            problems = []
            if r.gold.urgency == "emergency" and not r.emergency_caught:
                problems.append(f"EMERGENCY MISSED ({r.triage})")
            elif not r.safe:
                problems.append(f"under-triage {r.triage} < {r.gold.urgency}")
            if r.style != "lay" and r.gold.root_levels and not r.root_top1:
                problems.append(f"root {r.roots[0] if r.roots else '-'} (gold {'/'.join(r.gold.root_levels)})")
            if r.style != "lay" and r.gold.mimic and not r.told_apart:
                problems.append(f"mimic named root {r.roots[0] if r.roots else '-'}")
            if problems:
                lines.append(f"  {r.id} [{r.style}]: " + "; ".join(problems))
    return "\n".join(lines)
