"""Reliability table, calibration error and Brier score of the level probabilities (published-case evaluator)."""

from __future__ import annotations

import pytest

from nerveroot.evaluation.calibration import brier, calibration_error, reference_brier, reliability, stage
from nerveroot.evaluation.published import Gold, Run, figures, report


def test_bins_hold_mean_prediction_and_observed_share() -> None:
    table = reliability([(0.1, False), (0.15, True), (0.9, True), (1.0, True), (0.5, False)], bins=5)
    assert [b.count for b in table] == [2, 0, 1, 0, 2]
    assert (table[0].predicted, table[0].observed) == (0.125, 0.5)
    assert (table[4].predicted, table[4].observed) == (0.95, 1.0)
    assert table[1].predicted is None and table[1].observed is None


def test_calibration_error_is_the_weighted_gap() -> None:
    assert calibration_error(reliability([(0.9, True), (0.9, True)], bins=5)) == pytest.approx(0.1)
    assert calibration_error(reliability([(0.3, True), (0.3, False)], bins=5)) == pytest.approx(0.2)
    assert calibration_error(reliability([], bins=5)) is None


def test_brier_sums_over_levels_and_averages_over_cases() -> None:
    assert brier([[(1.0, True), (0.0, False)], [(0.5, True), (0.5, False)]]) == pytest.approx(0.25)
    assert brier([]) is None


def test_bad_probabilities_and_bins_are_refused() -> None:
    with pytest.raises(ValueError, match="outside"):
        reliability([(1.2, True)])
    with pytest.raises(ValueError, match="bins"):
        reliability([], bins=0)


def _run(probabilities: dict[str, float], gold: list[str]) -> Run:
    return Run(
        id="x",
        style="structured",
        gold=Gold.model_validate({"urgency": "routine", "root_levels": gold}),
        ambiguous=False,
        localisable=True,
        triage="routine",
        roots=sorted(probabilities, key=lambda k: -probabilities[k]),
        gold_root_probability=max(probabilities.get(g, 0.0) for g in gold),
        probabilities=probabilities,
    )


def test_the_published_report_shows_the_reliability_table() -> None:
    runs = [_run({"l5": 0.7, "s1": 0.2, "none": 0.1}, ["l5"]), _run({"l5": 0.3, "l4": 0.1, "none": 0.6}, ["l4"])]
    table = figures("structured", runs)
    # levels: 0.7 right, 0.2 wrong, 0.1 wrong, 0.3 wrong, 0.1 right, 0.6 wrong
    assert [b.count for b in table.reliability] == [2, 2, 0, 2, 0]
    assert [b.observed for b in table.reliability if b.count] == [0.5, 0.0, 0.5]
    assert table.level_brier == pytest.approx(((0.3**2 + 0.2**2 + 0.1**2) + (0.3**2 + 0.9**2 + 0.6**2)) / 2, abs=1e-3)
    text = report([table], runs, misses=False)
    assert "Calibration of the level probabilities" in text and "level Brier" in text


def test_each_stage_is_measured_on_its_own_cases() -> None:
    radicular = _run({"l5": 0.45, "s1": 0.15, "none": 0.4}, ["s1"])
    mimic = Run(
        **{
            **radicular.model_dump(),
            "gold": Gold.model_validate({"urgency": "routine", "diagnosis_category": "mimic_x"}),
        }
    )
    other = Run(**{**radicular.model_dump(), "gold": Gold.model_validate({"urgency": "emergency"})})
    assert radicular.radicular_pairs == [(pytest.approx(0.6), True)] and mimic.radicular_pairs == [
        (pytest.approx(0.6), False)
    ]
    assert other.radicular_pairs == [] and mimic.root_pairs == []
    shares = dict(zip(("l1", "l2", "l3", "l4", "l5", "s1"), radicular.root_pairs, strict=True))
    assert shares["l5"] == (pytest.approx(0.75), False) and shares["s1"] == (pytest.approx(0.25), True)
    table = figures("structured", [radicular, mimic, other])
    assert table.radicular_stage is not None and table.radicular_stage.cases == 2
    assert table.radicular_stage.brier == pytest.approx((0.4**2 + 0.6**2) / 2, abs=1e-3)
    assert table.root_stage is not None and table.root_stage.cases == 1
    assert table.root_stage.brier == pytest.approx(0.75**2 + 0.75**2, abs=1e-3)
    assert "stage 1  n=2" in report([table], [radicular, mimic, other], misses=False)


def test_a_gold_root_in_a_level_uncertain_group_counts_as_in_the_lead_but_not_as_strict_top1() -> None:
    run = Run(**{**_run({"l4": 0.5, "l3": 0.4, "none": 0.1}, ["l3"]).model_dump(), "leading": ["l4", "l3"]})
    table = figures("structured", [run])
    assert (table.root_top1, table.root_in_lead) == (0, 1)


def test_the_base_rate_reference_and_the_separation_of_outcomes() -> None:
    # two cases right, two wrong: always saying one half scores 0.25, the reference for a stage without skill
    binary = [[(0.9, True)], [(0.8, True)], [(0.7, False)], [(0.6, False)]]
    assert reference_brier(binary) == pytest.approx(0.25)
    measured = stage(binary)
    assert measured.reference_brier == pytest.approx(0.25)
    assert (measured.mean_when_right, measured.mean_when_wrong) == (pytest.approx(0.85), pytest.approx(0.65))
    # with classes, each position keeps its own rate: the first class right in both cases, the second in neither
    assert reference_brier([[(0.6, True), (0.4, False)], [(0.2, True), (0.8, False)]]) == pytest.approx(0.0)
    assert reference_brier([]) is None


def test_the_report_puts_each_stage_beside_its_base_rate() -> None:
    radicular = _run({"l5": 0.6, "none": 0.4}, ["l5"])
    mimic = Run(
        **{
            **radicular.model_dump(),
            "gold": Gold.model_validate({"urgency": "routine", "diagnosis_category": "mimic_y"}),
        }
    )
    text = report([figures("structured", [radicular, mimic])], [radicular, mimic], misses=False)
    assert "base rate alone 0.250" in text and "0.60 when true, 0.60 when false" in text
