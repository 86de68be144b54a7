"""The published-case evaluator: loading, scoring rules and the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nerveroot.errors import InputValidationError
from nerveroot.evaluation.published import Gold, Run, figures, load_cases, report


def _run(urgency: str, triage: str, roots: list[str], gold_roots: list[str], **kw: object) -> Run:
    gold = Gold.model_validate({"urgency": urgency, "root_levels": gold_roots, **kw})
    return Run(
        id="x",
        style="structured",
        gold=gold,
        ambiguous=False,
        localisable=True,
        triage=triage,
        roots=roots,
        gold_root_probability=0.5 if gold_roots else None,
    )


def test_gold_labels_are_normalised() -> None:
    gold = Gold.model_validate({"urgency": "Self-care", "urgency_acceptable": ["Routine"], "root_levels": ["L4", "x"]})
    assert (gold.urgency, gold.urgency_acceptable, gold.root_levels) == ("self_care", ["routine"], ["l4"])


def test_safe_means_gold_acceptable_or_more_cautious() -> None:
    assert _run("urgent", "emergency", [], []).safe
    assert not _run("urgent", "routine", [], []).safe
    assert _run("urgent", "routine", [], [], urgency_acceptable=["routine"]).safe
    assert not _run("urgent", "routine", [], [], urgency_acceptable=["routine"]).exact


def test_strict_root_counts_none_first_as_a_miss() -> None:
    runs = [_run("routine", "routine", ["none", "l4"], ["l4"]), _run("routine", "routine", ["l4", "none"], ["l4"])]
    table = figures("structured", runs)
    assert (table.radicular, table.root_top1, table.localisable_top1, table.root_brier) == (2, 1, 1, 0.25)
    assert "root none (gold l4)" in report([table], runs)


def test_emergency_missed_is_reported() -> None:
    runs = [_run("emergency", "urgent", [], [])]
    assert figures("lay", runs).emergencies_caught == 0
    assert "EMERGENCY MISSED (urgent)" in report([figures("lay", runs)], runs)


def test_bad_lines_are_named_by_file_line_and_field(tmp_path: Path) -> None:
    good = {
        "id": "a",
        "source_title": "t",
        "source_url": "u",
        "gold": {"urgency": "routine"},
        "renderings": {"structured": "LBP"},
    }
    bad = {**good, "gold": {"urgency": "soon"}}
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join([json.dumps(good), "{not json", json.dumps(bad)]) + "\n", encoding="utf-8")
    with pytest.raises(InputValidationError) as caught:
        load_cases([path])
    paths = [p.path for p in caught.value.problems]
    assert paths[0] == f"{path}:2" and paths[1] == f"{path}:3.gold.urgency"


def test_a_mimic_is_told_apart_only_when_no_root_is_named_first() -> None:
    runs = [
        _run("routine", "routine", ["none", "l5"], [], diagnosis_category="mimic_peripheral_nerve"),
        _run("routine", "routine", ["l5", "none"], [], diagnosis_category="mimic_peripheral_nerve"),
        _run("routine", "routine", ["l5", "none"], [], diagnosis_category="cauda_equina"),
    ]
    table = figures("structured", runs)
    assert (table.mimics, table.mimics_told_apart) == (2, 1)
    text = report([table], runs)
    assert "mimics told apart (no root named first): structured 1/2 (50%)" in text
    assert text.count("mimic named root l5") == 1
