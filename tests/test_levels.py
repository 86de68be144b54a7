"""Two-stage localisation: radicular or not, then the leading root or roots."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from nerveroot.assessment.evidence import Evidence
from nerveroot.assessment.levels import radicular_features, rank_levels
from nerveroot.assessment.localise import Counted, Localisation
from nerveroot.assessment.result import RootProbability
from nerveroot.knowledge.models import ROOT_IDS

PRIOR = {"l1": 0.01, "l2": 0.02, "l3": 0.05, "l4": 0.1, "l5": 0.42, "s1": 0.4}


def _levels(likelihood: dict[str, float], radicular: float) -> tuple[list[RootProbability], Localisation]:
    loc = Localisation(likelihood=likelihood, prior=PRIOR, counted={r: [] for r in ROOT_IDS})
    post = loc.posterior()
    levels = [
        RootProbability(root=r, label=r.upper(), probability=round(radicular * post[r], 4), supporting=[], opposing=[])
        for r in ROOT_IDS
    ]
    levels.append(RootProbability(root="none", label="none", probability=1 - radicular, supporting=[], opposing=[]))
    return levels, loc


def test_a_likely_root_lesion_names_its_root_before_the_remainder() -> None:
    levels, loc = _levels({**dict.fromkeys(ROOT_IDS, 1.0), "l4": 20.0}, 0.55)
    ordered, summary = rank_levels(levels, 0.55, loc, features=True)
    assert max(levels, key=lambda lv: lv.probability).root == "none"  # the single-root comparison would say none
    assert ordered[0].root == "l4" and summary.leading == ["l4"] and not summary.level_uncertain


def test_roots_that_cannot_be_separated_lead_together() -> None:
    levels, loc = _levels({**dict.fromkeys(ROOT_IDS, 1.0), "l3": 20.0, "l4": 10.0}, 0.9)
    ordered, summary = rank_levels(levels, 0.9, loc, features=True)
    assert summary.leading == ["l3", "l4"] and summary.level_uncertain
    assert "L3/L4, level uncertain" in summary.statement
    assert [lv.root for lv in ordered[:2]] == ["l3", "l4"]


def test_no_root_is_named_without_a_finding_that_tells_roots_apart() -> None:
    levels, loc = _levels(dict.fromkeys(ROOT_IDS, 2.0), 0.7)
    ordered, summary = rank_levels(levels, 0.7, loc, features=False)
    assert summary.leading == [] and ordered[0].root == "none"
    assert "no finding tells the roots apart" in summary.statement


def test_another_cause_more_likely_names_no_root() -> None:
    levels, loc = _levels({**dict.fromkeys(ROOT_IDS, 1.0), "l5": 3.0}, 0.3)
    ordered, summary = rank_levels(levels, 0.3, loc, features=False)
    assert summary.leading == [] and ordered[0].root == "none"


@given(
    st.dictionaries(st.sampled_from(ROOT_IDS), st.floats(0.05, 20), min_size=6, max_size=6),
    st.floats(0.0, 1.0),
)
def test_ranking_keeps_every_level_and_puts_the_leaders_first(likelihood: dict[str, float], radicular: float) -> None:
    levels, loc = _levels(likelihood, radicular)
    ordered, summary = rank_levels(levels, radicular, loc, features=False)
    assert sorted(lv.root for lv in ordered) == sorted(lv.root for lv in levels)
    assert [lv.root for lv in ordered[: len(summary.leading)]] == summary.leading
    assert summary.level_uncertain == (len(summary.leading) > 1)
    if summary.leading:
        assert radicular >= 0.5
    else:  # no root named: "not radicular / other cause" first, then the roots by probability
        assert ordered[0].root == "none"
        rest = [lv.probability for lv in ordered[1:]]
        assert rest == sorted(rest, reverse=True)


def test_a_radicular_feature_without_a_discriminating_finding_ranks_the_commonest_levels_first() -> None:
    levels, loc = _levels(dict.fromkeys(ROOT_IDS, 1.5), 0.7)
    ordered, summary = rank_levels(levels, 0.7, loc, features=True)
    assert max(levels, key=lambda lv: lv.probability).root == "none"
    assert ordered[0].root == "l5" and summary.leading == ["l5", "s1"] and summary.level_uncertain
    assert "level uncertain" in summary.statement and "how common" in summary.statement


@given(
    st.dictionaries(st.sampled_from(ROOT_IDS), st.floats(0.05, 20), min_size=6, max_size=6),
    st.floats(0.0, 1.0),
)
def test_with_a_radicular_feature_a_likely_root_lesion_always_names_a_root(
    likelihood: dict[str, float], radicular: float
) -> None:
    levels, loc = _levels(likelihood, radicular)
    ordered, summary = rank_levels(levels, radicular, loc, features=True)
    assert bool(summary.leading) == (radicular >= 0.5)
    if summary.leading:
        assert ordered[0].root != "none"


def test_without_a_named_root_none_leads_even_when_a_single_root_is_likelier() -> None:
    levels, loc = _levels(dict.fromkeys(ROOT_IDS, 1.0), 0.8)
    assert max(levels, key=lambda lv: lv.probability).root == "l5"  # 0.8 × 0.42 beats 0.2
    ordered, summary = rank_levels(levels, 0.8, loc, features=False)
    assert summary.leading == [] and ordered[0].root == "none" and ordered[1].root == "l5"


@given(
    st.dictionaries(st.sampled_from(ROOT_IDS), st.floats(0.05, 20), min_size=6, max_size=6),
    st.floats(0.0, 1.0),
)
def test_without_a_radicular_feature_no_root_is_named_whatever_the_ratios(
    likelihood: dict[str, float], radicular: float
) -> None:
    levels, loc = _levels(likelihood, radicular)
    ordered, summary = rank_levels(levels, radicular, loc, features=False)
    assert summary.leading == [] and ordered[0].root == "none"


def test_pain_marked_only_above_the_knee_is_not_a_radicular_feature() -> None:
    thigh = Counted("pain_region", "pain_region", "pain in front of thigh", "present", 3.0, "overlap")
    reflex = Counted("reflex", "patellar_reflex_reduced", "reduced knee jerk", "present", 3.0, "default")
    counted: dict[str, list[Counted]] = {r: [] for r in ROOT_IDS}
    loc = Localisation(likelihood=dict.fromkeys(ROOT_IDS, 1.0), prior=PRIOR, counted={**counted, "l3": [thigh]})
    assert not radicular_features(Evidence(status={}), loc)
    assert radicular_features(Evidence(status={"pain_below_knee": "present"}), loc)
    signed = Localisation(likelihood=dict.fromkeys(ROOT_IDS, 1.0), prior=PRIOR, counted={**counted, "l4": [reflex]})
    assert radicular_features(Evidence(status={}), signed)


def test_a_commoner_root_that_no_finding_supports_is_not_named_ahead_of_a_supported_one() -> None:
    reflex = Counted("reflex", "patellar_reflex_reduced", "reduced knee jerk", "present", 3.0, "default")
    counted: dict[str, list[Counted]] = {r: [] for r in ROOT_IDS}
    likelihood = {**dict.fromkeys(ROOT_IDS, 1.0), "l4": 3.0}
    loc = Localisation(likelihood=likelihood, prior=PRIOR, counted={**counted, "l4": [reflex]})
    post = loc.posterior()
    levels = [
        RootProbability(root=r, label=r.upper(), probability=round(0.8 * post[r], 4), supporting=[], opposing=[])
        for r in ROOT_IDS
    ]
    levels.append(RootProbability(root="none", label="none", probability=0.2, supporting=[], opposing=[]))
    assert max(levels, key=lambda lv: lv.probability).root == "l5"  # the base rate alone favours L5
    ordered, summary = rank_levels(levels, 0.8, loc, features=True)
    assert ordered[0].root == "l4" and summary.leading == ["l4"]
    assert "no recorded finding points to it" in summary.statement
