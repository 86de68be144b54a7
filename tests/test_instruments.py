"""ODI, STarT Back and pain NRS scoring, checked against the worked examples and the instrument data."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from nerveroot.assessment.instruments import (
    MATCHED_TREATMENT,
    NRS_MCID_POINTS,
    ODI_BANDS,
    ODI_MCID,
    STARTBACK_DISTRESS_ITEMS,
    nrs_change,
    odi_change,
    score_odi,
    score_startback,
)
from nerveroot.errors import InputValidationError
from nerveroot.knowledge.models import Instrument

DATA = Path(str(resources.files("nerveroot.knowledge") / "data"))


@pytest.fixture(scope="module")
def instruments() -> dict[str, Instrument]:
    raw = yaml.safe_load((DATA / "instruments.yaml").read_text(encoding="utf-8"))
    return {i.id: i for i in (Instrument.model_validate(r) for r in raw)}


def _paths(exc: pytest.ExceptionInfo[InputValidationError]) -> list[str]:
    return [p.path for p in exc.value.problems]


# ---------------------------------------------------------------- data agrees with code


def test_instrument_data_matches_scoring_constants(instruments: dict[str, Instrument]) -> None:
    odi = instruments["odi"]
    assert len(odi.items) == 10 and all((i.min, i.max) == (0, 5) for i in odi.items)
    assert odi.mcid == ODI_MCID
    assert [(b.high, b.label) for b in odi.bands] == [(float(h), label) for h, label in ODI_BANDS]
    sbt = instruments["startback"]
    assert len(sbt.items) == 9 and sbt.items[8].max == 4
    assert [i for i, item in enumerate(sbt.items) if "distress" in item.subscale] == list(STARTBACK_DISTRESS_ITEMS)
    assert instruments["pain_nrs"].mcid == NRS_MCID_POINTS


# ---------------------------------------------------------------- ODI


def test_odi_worked_example_all_answered() -> None:
    result = score_odi([2, 2, 2, 2, 2, 2, 1, 1, 1, 1])
    assert (result.raw_sum, result.answered, result.percent) == (16, 10, 32.0)
    assert result.band == "moderate disability"


def test_odi_worked_example_one_missing() -> None:
    result = score_odi([2, 2, 2, 2, 2, 2, 2, 1, 1, None])
    assert (result.raw_sum, result.answered, result.percent) == (16, 9, 35.6)


@pytest.mark.parametrize(
    ("answers", "band"),
    [
        ([0] * 10, "minimal disability"),
        ([1] * 10, "minimal disability"),
        ([3] * 10, "severe disability"),
        ([4] * 10, "crippled"),
        ([5] * 10, "bed-bound or exaggerating symptoms"),
        ([2] * 10, "moderate disability"),
        ([2] * 9 + [3], "severe disability"),
    ],
)
def test_odi_bands(answers: list[int | None], band: str) -> None:
    assert score_odi(answers).band == band


def test_odi_rejects_out_of_range_item_by_path() -> None:
    with pytest.raises(InputValidationError) as exc:
        score_odi([1, 1, 1, 6, 1, 1, 1, 1, 1, -1])
    assert _paths(exc) == ["odi[3]", "odi[9]"]


def test_odi_rejects_too_few_answered_and_wrong_length() -> None:
    with pytest.raises(InputValidationError) as exc:
        score_odi([1, 1, 1, 1, 1, 1, 1, None, None, None])
    assert _paths(exc) == ["odi"]
    with pytest.raises(InputValidationError) as exc:
        score_odi([1] * 9)
    assert _paths(exc) == ["odi"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=5), min_size=10, max_size=10))
def test_odi_full_answers_are_sum_times_two(answers: list[int]) -> None:
    result = score_odi(answers)
    assert result.percent == pytest.approx(sum(answers) * 2)
    assert 0 <= result.percent <= 100


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=5), min_size=10, max_size=10),
    st.sets(st.integers(min_value=0, max_value=9), max_size=2),
    st.integers(min_value=0, max_value=9),
)
def test_odi_raising_an_answer_never_lowers_the_score(values: list[int], missing: set[int], index: int) -> None:
    answers: list[int | None] = [None if i in missing else v for i, v in enumerate(values)]
    value = answers[index]
    if value is None or value == 5:
        return
    higher = [*answers[:index], value + 1, *answers[index + 1 :]]
    assert score_odi(higher).percent >= score_odi(answers).percent


def test_odi_change_and_mcid() -> None:
    improved = odi_change(score_odi([5] * 10), score_odi([4] * 10))
    assert (improved.difference, improved.passes_mcid) == (20.0, True)
    small = odi_change(50.0, 41.0)
    assert (small.difference, small.passes_mcid) == (9.0, False)
    exact = odi_change(42.0, 32.0)
    assert exact.passes_mcid
    worse = odi_change(30.0, 44.0)
    assert worse.difference == -14.0 and not worse.passes_mcid
    with pytest.raises(InputValidationError):
        odi_change(120.0, 10.0)


# ---------------------------------------------------------------- STarT Back


@pytest.mark.parametrize(
    ("answers", "total", "distress", "group"),
    [
        ([0, 0, 0, 0, 0, 0, 0, 0, 0], 0, 0, "low"),
        ([1, 1, 1, 0, 0, 0, 0, 0, 2], 3, 0, "low"),  # bothersomeness 2 ("moderately") is not positive
        ([1, 1, 1, 1, 0, 0, 0, 0, 0], 4, 0, "medium"),
        ([1, 1, 1, 0, 0, 0, 0, 0, 4], 4, 1, "medium"),
        ([0, 0, 0, 0, 1, 1, 1, 0, 3], 4, 4, "high"),
        ([1, 1, 1, 1, 1, 1, 1, 1, 4], 9, 5, "high"),
        ([1, 1, 1, 1, 1, 1, 1, 0, 1], 7, 3, "medium"),
    ],
)
def test_startback_groups(answers: list[int], total: int, distress: int, group: str) -> None:
    result = score_startback(answers)
    assert (result.total, result.distress, result.group) == (total, distress, group)
    assert result.treatment == MATCHED_TREATMENT[result.group]
    assert any(c.source == "hill_2011" for c in result.sources)


def test_startback_rejects_bad_items_by_path() -> None:
    with pytest.raises(InputValidationError) as exc:
        score_startback([2, 0, 0, 0, 0, 0, 0, 0, 5])
    assert _paths(exc) == ["startback[0]", "startback[8]"]
    with pytest.raises(InputValidationError) as exc:
        score_startback([0] * 8)
    assert _paths(exc) == ["startback"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=1), min_size=8, max_size=8), st.integers(min_value=0, max_value=4))
def test_startback_properties(items: list[int], bother: int) -> None:
    result = score_startback([*items, bother])
    assert result.distress <= result.total <= 9
    assert (result.group == "high") == (result.distress >= 4)
    if result.group != "high":
        assert (result.group == "medium") == (result.total >= 4)
    assert result.total == sum(items) + (1 if bother >= 3 else 0)


# ---------------------------------------------------------------- pain NRS


def test_nrs_change_points_or_percent() -> None:
    assert nrs_change(8, 6).passes_mcid  # 2 points
    small_baseline = nrs_change(3, 2)  # 1 point but 33%
    assert small_baseline.passes_mcid and small_baseline.percent_change == 33.3
    assert not nrs_change(10, 9).passes_mcid
    none = nrs_change(0, 0)
    assert none.percent_change is None and not none.passes_mcid
    with pytest.raises(InputValidationError):
        nrs_change(11, 3)
