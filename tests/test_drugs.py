"""Drug data and patient-specific drug options: ceilings, cautions, guideline status, dose capping."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from nerveroot.assessment.case import Case, DrugSafety
from nerveroot.assessment.drugs import (
    DrugOption,
    Jurisdiction,
    PlanDrug,
    cap_dose_text,
    drug_options,
    jurisdiction_maxima,
    max_daily_dose,
    parse_dose,
    plan_drugs,
    support_rank,
)
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import Drug, Source

DATA = Path(str(resources.files("nerveroot.knowledge") / "data"))
SEED_TERMS = Path(__file__).parent / "data" / "seed_terms" / "drugs.yaml"
REQUIRED = {
    "ibuprofen",
    "naproxen",
    "diclofenac",
    "celecoxib",
    "ketorolac",
    "aspirin",
    "morphine",
    "tramadol",
    "cyclobenzaprine",
    "baclofen",
    "tizanidine",
    "gabapentin",
    "pregabalin",
    "amitriptyline",
    "duloxetine",
    "prednisone",
    "methylprednisolone",
    "etoricoxib",
    "meloxicam",
    "indomethacin",
    "paracetamol",
    "codeine_paracetamol",
    "hydrocodone_paracetamol",
    "methocarbamol",
    "benzodiazepines",
}
NO_DAILY_FIGURE = {"4 mg tablets as a tapering pack"}
"""Dose statements that state no daily amount (a taper pack); every other statement must be readable."""


def _load(stem: str) -> list[Any]:
    data = yaml.safe_load((DATA / f"{stem}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


@pytest.fixture(scope="module")
def drug_kb() -> KnowledgeBase:
    """Sources and drugs only, so these tests do not depend on other data files."""
    sources = {s.id: s for s in (Source.model_validate(r) for r in _load("sources"))}
    drugs = {d.id: d for d in (Drug.model_validate(r) for r in _load("drugs"))}
    return KnowledgeBase(version="test", content_hash="test", sources=sources, entities={"drugs": dict(drugs)})


def _safe(**overrides: Any) -> DrugSafety:
    """Every factor known absent, with overrides."""
    base: dict[str, Any] = {
        "ckd": "absent",
        "liver_disease": "absent",
        "gi_bleed_or_ulcer": "absent",
        "anticoagulant": "absent",
        "heart_failure": "absent",
        "cardiovascular_disease": "absent",
        "hypertension": "absent",
        "pregnancy": "absent",
        "breastfeeding": "absent",
        "nsaid_sensitive_asthma": "absent",
        "alcohol_use": "absent",
        "egfr": 90,
        "weight_kg": 75.0,
    }
    base.update(overrides)
    return DrugSafety(**base)


def _case(age: int | None = 40, diabetes: str = "absent", **safety: Any) -> Case:
    return Case(age=age, history={"diabetes": diabetes}, drug_safety=_safe(**safety))


def _option(kb: KnowledgeBase, case: Case, drug_id: str, jurisdiction: Jurisdiction = "UK") -> DrugOption:
    return next(o for o in drug_options(case, kb, jurisdiction) if o.drug_id == drug_id)


# ---------------------------------------------------------------- data


def test_every_required_drug_is_present(drug_kb: KnowledgeBase) -> None:
    assert set(drug_kb.entities["drugs"]) >= REQUIRED


def test_every_cited_source_exists(drug_kb: KnowledgeBase) -> None:
    from nerveroot.knowledge.loader import _cites

    missing = [
        (where, cite.source)
        for rid, record in drug_kb.entities["drugs"].items()
        for where, cite in _cites(record, rid)
        if cite.source not in drug_kb.sources
    ]
    assert missing == []


def test_every_dose_statement_is_readable(drug_kb: KnowledgeBase) -> None:
    unreadable = [
        (drug.id, s.text)
        for drug in drug_kb.all("drugs", Drug)
        for s in drug.usual_doses
        if parse_dose(s.text).daily_max is None and s.text not in NO_DAILY_FIGURE and "pack" not in s.text
    ]
    assert unreadable == []


def test_recognised_maxima_from_the_reference(drug_kb: KnowledgeBase) -> None:
    ibuprofen = drug_kb.get("drugs", "ibuprofen", Drug)
    by_j = {m.jurisdiction: m.mg_per_day for m in ibuprofen.max_daily}
    assert (by_j["US_OTC"], by_j["US_Rx"], by_j["UK"]) == (1200, 3200, 2400)
    naproxen = {m.jurisdiction: m.mg_per_day for m in drug_kb.get("drugs", "naproxen", Drug).max_daily}
    assert (naproxen["UK"], naproxen["label"], naproxen["US_OTC"]) == (1000, 1500, 660)
    assert max_daily_dose(drug_kb.get("drugs", "paracetamol", Drug), "UK").mg_per_day == 4000  # type: ignore[union-attr]
    assert max_daily_dose(drug_kb.get("drugs", "tramadol", Drug), "US").mg_per_day == 400  # type: ignore[union-attr]


def test_max_daily_dose_by_jurisdiction(drug_kb: KnowledgeBase) -> None:
    ibuprofen = drug_kb.get("drugs", "ibuprofen", Drug)
    assert max_daily_dose(ibuprofen, "UK").mg_per_day == 2400  # type: ignore[union-attr]
    assert max_daily_dose(ibuprofen, "US").mg_per_day == 3200  # type: ignore[union-attr]
    assert max_daily_dose(drug_kb.get("drugs", "naproxen", Drug), "US").mg_per_day == 1000  # type: ignore[union-attr]
    assert max_daily_dose(drug_kb.get("drugs", "etoricoxib", Drug), "US") is None
    assert max_daily_dose(drug_kb.get("drugs", "morphine", Drug), "UK") is None
    # not licensed in the UK: its US maximum still caps it there, labelled as the US one
    cyclobenzaprine = max_daily_dose(drug_kb.get("drugs", "cyclobenzaprine", Drug), "UK")
    assert cyclobenzaprine is not None and (cyclobenzaprine.jurisdiction, cyclobenzaprine.mg_per_day) == ("US_Rx", 30)
    # aspirin has no US prescription maximum, so the OTC one applies
    assert max_daily_dose(drug_kb.get("drugs", "aspirin", Drug), "US").mg_per_day == 3900  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("drug_id", "topic_word"),
    [
        ("naproxen", "naproxen"),
        ("celecoxib", "celecoxib"),
        ("gabapentin", "gabapentinoids"),
        ("pregabalin", "gabapentinoids"),
        ("prednisone", "corticosteroids"),
        ("ketorolac", "ketorolac"),
        ("ibuprofen", "ibuprofen"),
        ("methocarbamol", "methocarbamol"),
        ("morphine", "morphine"),
    ],
)
def test_required_conflicts_are_recorded(drug_kb: KnowledgeBase, drug_id: str, topic_word: str) -> None:
    drug = drug_kb.get("drugs", drug_id, Drug)
    assert any(topic_word in c.topic for c in drug.conflicts)


def test_seed_terms_find_a_drug(drug_kb: KnowledgeBase) -> None:
    entries = yaml.safe_load(SEED_TERMS.read_text(encoding="utf-8"))
    missing = [
        name
        for entry in entries
        for name in entry["names"]
        if not any(kind == "drugs" for kind, _ in drug_kb.search(name, limit=50))
    ]
    assert missing == []


# ---------------------------------------------------------------- dose text


def test_parse_dose_reads_schedules_and_caps() -> None:
    assert parse_dose("400–800 mg every 6–8 hours").daily_max == 3200
    assert parse_dose("250–500 mg twice daily").daily_max == 1000
    assert parse_dose("300–400 mg three to four times daily, no more than 2400 mg a day").daily_max == 2400
    assert parse_dose("300 mg at bedtime at first, increased up to 3600 mg a day").daily_max == 3600
    assert parse_dose("1500 mg four times daily, reduced to 750 mg three times daily").daily_max == 6000


def test_cap_dose_text_never_exceeds_the_ceiling() -> None:
    capped = cap_dose_text("400–800 mg every 6–8 hours, taken with food", 2400)
    assert parse_dose(capped).daily_max == 2400
    assert "400–800 mg every 6–8 hours" in capped
    shrunk = cap_dose_text("50–100 mg every 4–6 hours", 40)
    assert parse_dose(shrunk).daily_max == 40
    assert "100 mg" not in shrunk
    assert parse_dose(cap_dose_text("300 mg at bedtime, up to 3600 mg a day", 300)).daily_max == 300


# ---------------------------------------------------------------- options for patients


def test_ibuprofen_uk_caps_the_seed_schedule(drug_kb: KnowledgeBase) -> None:
    option = _option(drug_kb, _case(), "ibuprofen")
    assert option.status == "option"
    assert option.ceiling_mg_per_day == 2400
    seed_line = next(d for d in option.doses if d.original.startswith("400–800 mg every 6–8 hours, taken"))
    assert seed_line.capped and seed_line.daily_max_mg == 2400
    assert seed_line.conflict is not None and "3200" in seed_line.conflict
    assert option.dose is not None and parse_dose(option.dose).daily_max == 2400


@pytest.mark.parametrize("factor", ["cardiovascular_disease", "heart_failure"])
def test_ibuprofen_with_arterial_disease_or_heart_failure_stays_at_1200_mg(drug_kb: KnowledgeBase, factor: str) -> None:
    option = _option(drug_kb, _case(**{factor: "present"}), "ibuprofen")
    assert option.ceiling_mg_per_day == 1200
    assert option.dose is not None and "four times" not in option.dose, "no bracketed schedule above the ceiling"
    assert parse_dose(option.dose).daily_max == 1200


def test_a_bracketed_schedule_above_a_lowered_ceiling_is_dropped() -> None:
    text = "200–400 mg three times daily, up to 2400 mg a day (600 mg four times daily) on a doctor's advice"
    assert cap_dose_text(text, 1200) == "200–400 mg three times daily, up to 1200 mg a day on a doctor's advice"
    assert cap_dose_text(text, 2400) == text


def test_ibuprofen_us_uses_prescription_maximum(drug_kb: KnowledgeBase) -> None:
    option = _option(drug_kb, _case(), "ibuprofen", "US")
    assert option.ceiling_mg_per_day == 3200
    assert option.dose == "400–800 mg every 6–8 hours, no more than 3200 mg a day"


def test_paracetamol_older_adult_and_liver_disease(drug_kb: KnowledgeBase) -> None:
    older = _option(drug_kb, _case(age=72), "paracetamol")
    assert older.ceiling_mg_per_day == 3000
    assert older.status == "use_with_caution"
    assert any(b.label == "caution: age_65_plus" for b in older.ceiling_basis)
    assert all(d.daily_max_mg is None or d.daily_max_mg <= 3000 for d in older.doses)
    liver = _option(drug_kb, _case(age=72, liver_disease="present"), "paracetamol")
    assert liver.ceiling_mg_per_day == 2000


def test_active_gi_bleed_removes_every_nsaid(drug_kb: KnowledgeBase) -> None:
    options = drug_options(_case(gi_bleed_or_ulcer="present"), drug_kb)
    nsaids = [o for o in options if o.drug_class.startswith("NSAID")]
    assert len(nsaids) >= 9
    assert all(o.status == "contraindicated" and o.dose is None for o in nsaids)
    assert all(any(n.factor == "gi_bleed_or_ulcer" for n in o.safety) for o in nsaids)
    assert _option(drug_kb, _case(gi_bleed_or_ulcer="present"), "paracetamol").status == "option"


def test_pregnancy_third_trimester_and_unknown_pregnancy(drug_kb: KnowledgeBase) -> None:
    third = _option(drug_kb, _case(pregnancy="present", trimester=3), "naproxen")
    assert third.status == "contraindicated"
    unknown = _option(drug_kb, _case(pregnancy="unknown"), "naproxen")
    assert unknown.status == "use_with_caution"
    checks = {n.factor for n in unknown.safety if n.effect == "check_before_prescribing"}
    assert {"pregnancy", "pregnancy_third_trimester"} <= checks


def test_ckd_severity_from_egfr(drug_kb: KnowledgeBase) -> None:
    moderate = _option(drug_kb, _case(egfr=45), "naproxen")
    assert moderate.status == "use_with_caution"
    assert any(n.factor == "ckd" and n.effect == "caution" for n in moderate.safety)
    severe = _option(drug_kb, _case(egfr=20), "naproxen")
    assert severe.status == "contraindicated"
    unknown_severity = _option(drug_kb, _case(ckd="present", egfr=None), "naproxen")
    assert any(n.factor == "ckd" and n.effect == "check_before_prescribing" for n in unknown_severity.safety)
    assert unknown_severity.status == "use_with_caution"


def test_tramadol_ceilings_stack(drug_kb: KnowledgeBase) -> None:
    assert _option(drug_kb, _case(age=50), "tramadol").ceiling_mg_per_day == 400
    assert _option(drug_kb, _case(age=80), "tramadol").ceiling_mg_per_day == 300
    assert _option(drug_kb, _case(age=80, egfr=25), "tramadol").ceiling_mg_per_day == 200
    assert _option(drug_kb, _case(age=80, egfr=25, liver_disease="present"), "tramadol").ceiling_mg_per_day == 100


def test_gabapentinoids_and_steroids_are_advised_against(drug_kb: KnowledgeBase) -> None:
    for drug_id in ("gabapentin", "pregabalin", "prednisone", "methylprednisolone", "benzodiazepines"):
        option = _option(drug_kb, _case(age=30), drug_id)
        assert option.status == "advised_against_for_sciatica", drug_id
        assert any(p.stance == "not_recommended" and p.body.startswith("NICE") for p in option.positions)
        assert any("not as a recommendation" in n for n in option.notes)
        assert any(c.source == "nice_ng59_2020" for c in option.sources)


def test_ketorolac_seed_schedule_capped_to_label(drug_kb: KnowledgeBase) -> None:
    option = _option(drug_kb, _case(), "ketorolac", "US")
    assert option.ceiling_mg_per_day == 40
    assert all(d.daily_max_mg is not None and d.daily_max_mg <= 40 for d in option.doses)
    assert option.status == "advised_against_for_sciatica"


def test_drug_without_jurisdiction_maximum_is_flagged(drug_kb: KnowledgeBase) -> None:
    option = _option(drug_kb, _case(), "etoricoxib", "US")
    assert option.ceiling_mg_per_day is None
    assert option.status != "option"
    assert any("No recognised US daily maximum" in n for n in option.notes)


def test_unknown_factors_are_never_read_as_absent(drug_kb: KnowledgeBase) -> None:
    option = _option(drug_kb, Case(), "ibuprofen")
    assert option.status == "use_with_caution"
    unknown = {n.factor for n in option.safety if n.factor_status == "unknown"}
    assert {"gi_bleed_or_ulcer", "ckd", "age_65_plus", "nsaid_sensitive_asthma"} <= unknown
    assert all(n.effect == "check_before_prescribing" for n in option.safety if n.factor_status == "unknown")


def test_every_option_carries_sources(drug_kb: KnowledgeBase) -> None:
    for option in drug_options(_case(), drug_kb):
        assert option.sources
        assert all(p.sources for p in option.positions)
        assert all(d.sources for d in option.doses)


# ---------------------------------------------------------------- properties

_STATUS = st.sampled_from(["present", "absent", "unknown"])


@st.composite
def cases(draw: st.DrawFn) -> Case:
    pregnancy = draw(_STATUS)
    trimester = draw(st.sampled_from([None, 1, 2, 3])) if pregnancy == "present" else None
    safety = DrugSafety(
        egfr=draw(st.one_of(st.none(), st.integers(min_value=5, max_value=120))),
        ckd=draw(_STATUS),
        liver_disease=draw(_STATUS),
        gi_bleed_or_ulcer=draw(_STATUS),
        anticoagulant=draw(_STATUS),
        heart_failure=draw(_STATUS),
        cardiovascular_disease=draw(_STATUS),
        hypertension=draw(_STATUS),
        pregnancy=pregnancy,
        trimester=trimester,
        breastfeeding=draw(_STATUS),
        nsaid_sensitive_asthma=draw(_STATUS),
        alcohol_use=draw(_STATUS),
        weight_kg=draw(st.one_of(st.none(), st.floats(min_value=35, max_value=150))),
    )
    age = draw(st.one_of(st.none(), st.integers(min_value=16, max_value=100)))
    return Case(age=age, history={"diabetes": draw(_STATUS)}, drug_safety=safety)


_DIRECT_CONTRAINDICATIONS = (
    "gi_bleed_or_ulcer",
    "nsaid_sensitive_asthma",
    "heart_failure",
    "cardiovascular_disease",
    "hypertension",
    "liver_disease",
    "breastfeeding",
)


@settings(max_examples=60, deadline=None)
@given(case=cases(), jurisdiction=st.sampled_from(["UK", "US"]))
def test_no_dose_or_ceiling_exceeds_a_recognised_maximum(
    drug_kb: KnowledgeBase, case: Case, jurisdiction: Jurisdiction
) -> None:
    for option in drug_options(case, drug_kb, jurisdiction):
        drug = drug_kb.get("drugs", option.drug_id, Drug)
        maxima = [m.mg_per_day for m in jurisdiction_maxima(drug, jurisdiction)]
        ceiling = option.ceiling_mg_per_day
        if maxima:
            assert ceiling is not None and ceiling <= min(maxima)
        present_caps = [n.max_mg_per_day for n in option.safety if n.factor_status == "present" and n.max_mg_per_day]
        if present_caps:
            assert ceiling is not None and ceiling <= min(present_caps)
        if ceiling is None:
            continue
        for line in option.doses:
            shown = parse_dose(line.text).daily_max
            assert shown is None or shown <= ceiling, (option.drug_id, line.text)
            assert line.daily_max_mg is None or line.daily_max_mg <= ceiling
        if option.dose is not None:
            shown = parse_dose(option.dose).daily_max
            assert shown is None or shown <= ceiling


@settings(max_examples=60, deadline=None)
@given(case=cases(), jurisdiction=st.sampled_from(["UK", "US"]))
def test_present_contraindication_always_removes_the_drug(
    drug_kb: KnowledgeBase, case: Case, jurisdiction: Jurisdiction
) -> None:
    safety = case.drug_safety
    for option in drug_options(case, drug_kb, jurisdiction):
        drug = drug_kb.get("drugs", option.drug_id, Drug)
        for caution in drug.cautions:
            if caution.effect != "contraindicated":
                continue
            direct = caution.factor in _DIRECT_CONTRAINDICATIONS and getattr(safety, caution.factor) == "present"
            third = caution.factor == "pregnancy_third_trimester" and safety.trimester == 3
            if direct or third:
                assert option.status == "contraindicated", (option.drug_id, caution.factor)
                assert option.dose is None


def test_a_present_caution_orders_a_drug_after_equally_supported_ones(drug_kb: KnowledgeBase) -> None:
    """With high blood pressure and no eGFR recorded, NSAIDs (present blood-pressure caution) follow the drugs of
    the same support that carry none of this patient's cautions; the caution itself is unchanged."""
    case = Case(age=52, duration_days=21, drug_safety={"hypertension": "present"})
    options = drug_options(case, drug_kb)
    offered = [o for o in options if o.status in ("option", "use_with_caution")]
    assert offered == options[: len(offered)], "offered drugs lead the list"
    cautioned = lambda o: any(n.factor_status == "present" for n in o.safety)  # noqa: E731
    ranks = [(support_rank(o.positions, "acute"), cautioned(o)) for o in offered]
    assert ranks == sorted(ranks), ranks
    assert any(c for _, c in ranks) and any(not c for _, c in ranks)
    nsaid = _option(drug_kb, case, "celecoxib")
    assert nsaid.status == "use_with_caution"
    assert [n.effect for n in nsaid.safety if n.factor == "hypertension"] == ["caution"]
    same = [o for o in offered if support_rank(o.positions, "acute") == support_rank(nsaid.positions, "acute")]
    assert not cautioned(same[0]) and same.index(nsaid) > 0


def test_no_nsaid_is_offered_with_an_anticoagulant(drug_kb: KnowledgeBase) -> None:
    """NSAIDs with an anticoagulant are avoided where possible (bleeding); paracetamol stays an option."""
    case = Case(age=52, duration_days=21, drug_safety={"anticoagulant": "present"})
    for drug in ("ibuprofen", "naproxen", "celecoxib", "diclofenac"):
        option = _option(drug_kb, case, drug)
        assert option.status == "contraindicated" and option.dose is None, drug
    assert _option(drug_kb, case, "paracetamol").status in ("option", "use_with_caution")


@settings(max_examples=30, deadline=None)
@given(case=cases(), jurisdiction=st.sampled_from(["UK", "US"]))
def test_options_built_without_revalidation_are_valid(
    drug_kb: KnowledgeBase, case: Case, jurisdiction: Jurisdiction
) -> None:
    """Options are constructed from typed parts without a second validation pass; validating them again must
    accept them and give equal models."""
    for option in drug_options(case, drug_kb, jurisdiction):
        assert DrugOption.model_validate(option.model_dump()) == option
    for drug in plan_drugs(case, drug_kb, jurisdiction):
        assert PlanDrug.model_validate(drug.model_dump()) == drug
