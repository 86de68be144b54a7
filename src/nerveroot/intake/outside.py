"""Score free-text intake on outside material: labelled sentences and whole published cases (JSON lines).

Each line holds ``text`` and ``labels`` (a sentence) or ``renderings`` and ``note_labels`` (a case; the labels
describe the structured rendering). Labels use the vocabulary of CASE_SCHEMA.md, mapped to finding ids by
data/outside_labels.yaml. Reported: precision and recall of present red flags, absent red flags, root-localising
findings, durations, drugs and procedures, and red-flag mentions silently dropped (labelled present, not read
present, and not listed in ``to_confirm`` under the flag's group).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from nerveroot.intake.evaluate import Score
from nerveroot.intake.medicines import generic_name
from nerveroot.intake.models import Intake
from nerveroot.intake.parse import parse_note
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.yaml_io import load_yaml

SIDES = ("left", "right")
Label = tuple[str, str | None]  # label stem, side


@lru_cache(maxsize=1)
def label_map() -> dict[str, Any]:
    """The label-to-finding table (data/outside_labels.yaml)."""
    text = resources.files("nerveroot.intake").joinpath("data/outside_labels.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = load_yaml(text)
    return data


def _split_side(label: str) -> list[Label]:
    """A label's stem and side: "_left" / "_right" name one leg, "_bilateral" both; a root after a named-root stem
    ("named_root_distribution_L5_right") is dropped, as the finding does not say which root was named."""
    if label.endswith("_bilateral"):
        stem = _ROOT_SUFFIX.sub("", label.removesuffix("_bilateral"))
        return [(stem, side) for side in SIDES]
    for side in SIDES:
        if label.endswith("_" + side):
            return [(_ROOT_SUFFIX.sub("", label[: -len(side) - 1]), side)]
    return [(_ROOT_SUFFIX.sub("", label), None)]


_ROOT_SUFFIX = re.compile(r"(?<=^named_root_distribution)_[LS][1-5]$")


def _canonical(label: Label) -> Label:
    stem, side = label
    entry = label_map()["localising"].get(stem, {})
    return (entry.get("same_as", stem), side)


@dataclass
class OutsideReport:
    """Counts over one outside file."""

    items: int = 0
    red_present: Score = field(default_factory=Score)
    red_absent: Score = field(default_factory=Score)
    localising: Score = field(default_factory=Score)
    duration: Score = field(default_factory=Score)
    drugs: Score = field(default_factory=Score)
    procedures: Score = field(default_factory=Score)
    red_mentions: int = 0
    to_confirm_caught: int = 0
    silently_dropped: list[str] = field(default_factory=list)
    no_flag_items: int = 0
    false_alarms: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        rows = [f"{self.items} items"]
        for name, score in (
            ("red flags (present)", self.red_present),
            ("red flags (absent)", self.red_absent),
            ("root-localising", self.localising),
            ("duration (±20%, ≥2 days)", self.duration),
            ("drugs", self.drugs),
            ("procedures (kind)", self.procedures),
        ):
            rows.append(
                f"{name:<26} precision {score.precision:.3f}  recall {score.recall:.3f}  "
                f"(tp {score.tp}, fp {score.fp}, fn {score.fn})"
            )
        rows.append(
            f"{'red-flag mentions':<26} {self.red_mentions} labelled present; {self.to_confirm_caught} missed but in "
            f"to_confirm; {len(self.silently_dropped)} silently dropped"
        )
        rows.append(
            f"{'safety-net false alarms':<26} {len(self.false_alarms)} of {self.no_flag_items} items with no red flag "
            "labelled present have a red-flag item to confirm"
        )
        return rows


def _statuses(intake: Intake) -> dict[tuple[str, str | None], set[str]]:
    out: dict[tuple[str, str | None], set[str]] = {}
    for f in intake.findings:
        out.setdefault((f.id, f.side), set()).add(f.status)
        out.setdefault((f.id, None), set()).add(f.status)
    return out


def _sudden_and_severe(intake: Intake, statuses: dict[tuple[str, str | None], set[str]]) -> bool:
    """A sudden onset with a severe pain (a score of 8 or more, or the words): the label's meaning for a limb or
    back pain that the rules weigh as two facts (the central-pain finding is only the aortic kind)."""
    case = intake.case
    severe = (case.pain_score or 0) >= 8 or "present" in statuses.get(("severe_pain", None), set())
    return severe and (case.onset == "sudden" or "present" in statuses.get(("onset_sudden", None), set()))


def _red_flags(intake: Intake, statuses: dict[tuple[str, str | None], set[str]]) -> tuple[set[str], set[str]]:
    present, absent = set(), set()
    for label, entry in label_map()["red_flags"].items():
        found = set().union(*(statuses.get((i, None), set()) for i in entry["ids"]))
        if "present" in found or (entry.get("or_sudden_and_severe") and _sudden_and_severe(intake, statuses)):
            present.add(label)
        elif "absent" in found:
            absent.add(label)
    return present, absent


def _localising(statuses: dict[tuple[str, str | None], set[str]], gold: set[Label]) -> set[Label]:
    """Labels the findings read. A finding id that several labels list (the anterolateral thigh is both anterior
    and lateral thigh) reads the gold label when one of them is gold, and every candidate otherwise."""
    candidates: dict[tuple[str, str | None], set[str]] = {}
    for stem, entry in label_map()["localising"].items():
        if "same_as" in entry:
            continue
        want = entry.get("status", "present")
        for fid in entry["ids"]:
            for side in (None, *SIDES):
                if want in statuses.get((fid, side), set()):
                    candidates.setdefault((fid, side), set()).add(stem)
    out: set[Label] = set()
    gold_stems = {g[0] for g in gold}
    for (_, side), stems in candidates.items():
        chosen = stems & gold_stems or stems
        out |= {(stem, side) for stem in chosen}
    # A sided reading makes the unsided one redundant.
    return {(s, side) for s, side in out if side is not None or not any((s, x) in out for x in SIDES)}


def _tally_sided(score: Score, predicted: set[Label], gold: set[Label]) -> tuple[set[Label], set[Label]]:
    """Gold without a side is met by any side; a prediction without a side meets a sided gold label."""
    missed = {g for g in gold if not any(p[0] == g[0] and (g[1] is None or p[1] in (None, g[1])) for p in predicted)}
    extra = {p for p in predicted if not any(g[0] == p[0] and (p[1] is None or g[1] in (None, p[1])) for g in gold)}
    score.tp += len(gold) - len(missed)
    score.fn += len(missed)
    score.fp += len(extra)
    return missed, extra


def _tally_sets(score: Score, predicted: set[str], gold: set[str]) -> None:
    score.tp += len(predicted & gold)
    score.fp += len(predicted - gold)
    score.fn += len(gold - predicted)


def _procedure_kind(text: str) -> str | None:
    low = text.lower()
    return next((p["kind"] for p in label_map()["procedures"] if p["keyword"] in low), None)


def _close(got: int, want: int) -> bool:
    return abs(got - want) <= max(2, 0.2 * want)


def _confirm_groups(intake: Intake) -> set[str]:
    return {item.group for item in intake.to_confirm}


def _procedure_words(label: Any) -> str:
    """A procedure label's words: free text, or the `what` of an object such as {"what": ..., "days_ago": ...}."""
    return str(label.get("what", "")) if isinstance(label, dict) else str(label)


def score_item(report: OutsideReport, item_id: str, intake: Intake, labels: dict[str, Any]) -> None:
    """Add one parsed item to the report."""
    statuses = _statuses(intake)
    report.items += 1
    present, absent = _red_flags(intake, statuses)
    gold_present = set(labels.get("red_flags_present", []))
    gold_absent = set(labels.get("red_flags_absent", []))
    _tally_sets(report.red_present, present, gold_present)
    _tally_sets(report.red_absent, absent, gold_absent)
    groups = _confirm_groups(intake)
    if not gold_present:
        report.no_flag_items += 1
        if groups:
            report.false_alarms.append(f"{item_id}: to confirm {sorted(groups)}")
    for label in sorted(gold_present):
        report.red_mentions += 1
        if label in present:
            continue
        group = label_map()["red_flags"].get(label, {}).get("group")
        if group in groups:
            report.to_confirm_caught += 1
        else:
            report.silently_dropped.append(f"{item_id}: {label}")
    if present - gold_present or gold_present - present:
        report.errors.append(
            f"{item_id}: red flags missed {sorted(gold_present - present)} extra {sorted(present - gold_present)}"
        )
    gold_loc = {_canonical(label) for x in labels.get("localising_findings", []) for label in _split_side(x)}
    read_loc = _localising(statuses, gold_loc)
    if "saddle_anaesthesia" in gold_present and all(g[0] != "sensory_loss_saddle" for g in gold_loc):
        # labelled under its red-flag name only: the same finding, not an extra root-localising one
        read_loc = {label for label in read_loc if label[0] != "sensory_loss_saddle"}
    missed, extra = _tally_sided(report.localising, read_loc, gold_loc)
    if missed or extra:
        report.errors.append(f"{item_id}: localising missed {sorted(missed, key=str)} extra {sorted(extra, key=str)}")
    want, got = labels.get("duration_days"), intake.case.duration_days
    if want is not None and got is not None and _close(got, want):
        report.duration.tp += 1
    else:
        report.duration.fn += want is not None
        report.duration.fp += got is not None
        if want != got:
            report.errors.append(f"{item_id}: duration_days {got} expected {want}")
    drugs = {f.id.split(":", 1)[1] for f in intake.findings if f.id.startswith("drug:") and f.status == "present"}
    _tally_sets(report.drugs, drugs, {generic_name(d) or d.lower() for d in labels.get("drugs", [])})
    gold_proc = {k for p in labels.get("procedures", []) if (k := _procedure_kind(_procedure_words(p)))}
    got_proc = {f.id.split(":", 1)[1] for f in intake.findings if f.id.startswith("procedure:")}
    _tally_sets(report.procedures, got_proc, gold_proc)


def load_items(path: Path) -> Iterable[dict[str, Any]]:
    """JSON objects, one a line; blank lines skipped."""
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: not JSON ({exc.msg})") from exc


def evaluate_outside(kb: KnowledgeBase, path: Path, rendering: str = "structured") -> OutsideReport:
    """Parse every item of an outside file (a case's ``rendering``) and score it against its labels."""
    report = OutsideReport()
    for item in load_items(path):
        if "renderings" in item:
            text, labels = item["renderings"][rendering], item.get("note_labels", {})
        else:
            text, labels = item["text"], item.get("labels", {})
        score_item(report, str(item.get("id", report.items)), parse_note(text, kb), labels)
    return report
