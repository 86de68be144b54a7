"""/api/assess in its two forms, the drug-profile resource it links to, and the profile-keyed drug cache."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from nerveroot.api.app import create_app
from nerveroot.api.assess_output import LEADING_PROBABILITY, summary
from nerveroot.api.schemas import AssessSummary
from nerveroot.api.settings import Settings
from nerveroot.assessment import drugs
from nerveroot.assessment.assess import assess
from nerveroot.assessment.case import RED_FLAG_KEYS, Case, DrugSafety
from nerveroot.assessment.drugs import FACTORS, SafetyProfile, drug_options, plan_brief_json, plan_briefs
from nerveroot.evaluation.vignettes import load_vignettes
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.records import RecordStore

VIGNETTES = Path(__file__).parent / "cases" / "vignettes"
SUMMARY_LIMIT = 40_000


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    store = RecordStore(f"sqlite:///{tmp_path_factory.mktemp('forms') / 'records.sqlite3'}")
    with TestClient(create_app(Settings(access_log=False, static=False), store=store)) as c:
        yield c
    store.close()


def _cases() -> list[Case]:
    cases = [v.case for v in load_vignettes(VIGNETTES)]
    everything = Case(age=70, red_flags=dict.fromkeys(RED_FLAG_KEYS, "present"), sides=["left", "right"])
    return [*cases[::4], Case(), everything]


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c.id or "case")
def test_summary_is_small_and_keeps_everything_about_the_patient(
    client: TestClient, kb: KnowledgeBase, case: Case
) -> None:
    body = case.model_dump(mode="json")
    response = client.post("/api/assess", json=body)
    assert response.status_code == 200
    assert len(response.content) <= SUMMARY_LIMIT
    summary = AssessSummary.model_validate_json(response.content).model_dump(mode="json", by_alias=True)
    full = client.post("/api/assess?form=full", json=body).json()
    assert full == assess(case, kb).model_dump(mode="json")
    for part in ("levels", "workup", "sides", "instruments", "kb_content_hash"):
        assert summary[part] == full[part], part
    # the triage whole, each reason's rationale (the same for every patient) by reference to its rule
    rationales = {r["rule"]: r.pop("rationale") for r in full["triage"]["reasons"]}
    assert summary["triage"] == full["triage"]
    for rule, rationale in rationales.items():
        assert client.get(f"/api/kb/triage_rules/{rule}").json()["rationale"] == rationale
    listed = {d["id"]: d for d in summary["differential"]}
    others = {d["id"]: d for d in summary["differential_other"]}
    assert len(listed) + len(others) == len(full["differential"])
    for item in full["differential"]:
        if item["probability"] >= LEADING_PROBABILITY:
            assert listed[item["id"]] == item
        else:
            assert item["id"] in listed or others[item["id"]]["probability"] == item["probability"]
    assert [s["stage"] for s in summary["plan"]["steps"]] == [s["stage"] for s in full["plan"]["steps"]]
    briefs = summary["plan"]["drugs"]["options"]
    assert [(d["drug_id"], d["status"], d["dose"], d["ceiling_mg_per_day"]) for d in briefs] == [
        (d["drug_id"], d["status"], d["dose"], d["ceiling_mg_per_day"]) for d in full["plan"]["drugs"]
    ]
    for brief, drug in zip(briefs, full["plan"]["drugs"], strict=True):
        assert brief["check_first"] == [n["factor"] for n in drug["safety"] if n["factor_status"] == "unknown"]


def test_the_profile_link_gives_the_full_drug_options(client: TestClient, kb: KnowledgeBase) -> None:
    case = Case(age=72, drug_safety=DrugSafety(ckd="present", egfr=25, anticoagulant="absent"))
    summary = client.post("/api/assess", json=case.model_dump(mode="json")).json()
    linked = client.get(summary["plan"]["drugs"]["href"])
    assert linked.status_code == 200
    assert linked.json() == [o.model_dump(mode="json") for o in drug_options(case, kb)]
    us = client.get(summary["plan"]["drugs"]["href"].replace("UK", "US")).json()
    assert us == [o.model_dump(mode="json") for o in drug_options(case, kb, "US")]


def test_the_profile_link_keeps_the_phase(client: TestClient, kb: KnowledgeBase) -> None:
    """NICE advises against opioids for chronic sciatica only: the linked options follow the assessment's phase."""
    statuses = {}
    for days in (21, 120):
        case = Case(age=52, duration_days=days)
        summary = client.post("/api/assess", json=case.model_dump(mode="json")).json()
        linked = client.get(summary["plan"]["drugs"]["href"]).json()
        assert linked == [o.model_dump(mode="json") for o in drug_options(case, kb)]
        brief = {d["drug_id"]: d["status"] for d in summary["plan"]["drugs"]["options"]}
        assert {o["drug_id"]: o["status"] for o in linked} == brief
        statuses[days] = {o["drug_id"]: o["status"] for o in linked}
    assert statuses[21]["tramadol"] != "advised_against_for_sciatica"
    assert statuses[120]["tramadol"] == "advised_against_for_sciatica"
    old_key = SafetyProfile.of(Case(age=52, duration_days=21)).key[:-1]
    unphased = {o["drug_id"]: o["status"] for o in client.get(f"/api/drugs/profile/{old_key}").json()}
    assert unphased["tramadol"] == "advised_against_for_sciatica", "without a phase, every phase's advice applies"


@pytest.mark.parametrize("query", ["?form=bogus", "?form=", "?form=full&form=x"])
def test_a_bad_form_is_a_422_naming_it_before_the_body_is_read(client: TestClient, query: str) -> None:
    response = client.post(f"/api/assess{query}", json={"age": "not a number"})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["query", "form"], "msg": "Input should be 'summary' or 'full'", "type": "literal_error"}
    ]


def test_the_last_form_given_counts(client: TestClient) -> None:
    response = client.post("/api/assess?form=x&form=full", json={"age": 40})
    assert response.status_code == 200
    assert "trace" in response.json()


@pytest.mark.parametrize("key", ["x", "p" * (len(FACTORS) + 2), "q" * (len(FACTORS) + 1)])
def test_a_bad_profile_key_is_a_422_naming_it(client: TestClient, key: str) -> None:
    response = client.get(f"/api/drugs/profile/{key}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "key"]


def test_the_profile_key_round_trips_and_keeps_unknown_unknown() -> None:
    profile = SafetyProfile.of(Case(age=70, drug_safety=DrugSafety(ckd="present")))
    assert SafetyProfile.from_key(profile.key) == profile
    assert profile.status("age_65_plus") == "present"
    assert profile.severe_ckd == "unknown"
    assert set(SafetyProfile.of(Case()).key) == {"u"}


def _ordered(case: Case, kb: KnowledgeBase) -> list[Any]:
    by_id = {o.drug_id: o for o in drug_options(case, kb)}
    return [kb.entities["drugs"][i] for i in by_id]


def _profile(**fields: Any) -> SafetyProfile:
    return SafetyProfile.of(Case.model_validate(fields))


def test_the_drug_cache_keys_on_what_changes_the_result(kb: KnowledgeBase) -> None:
    assert _profile(age=40) == _profile(age=41) == _profile(age=64)
    assert _profile(age=64) != _profile(age=65)
    assert _profile(drug_safety={"egfr": 45}) == _profile(drug_safety={"egfr": 50})
    assert _profile(drug_safety={"egfr": 45}) != _profile(drug_safety={"egfr": 25})
    assert _profile(drug_safety={"weight_kg": 70}) == _profile(drug_safety={"weight_kg": 90})
    drugs._OPTIONS.clear()
    drugs._PROFILES.clear()
    for age in range(18, 65):
        for weight in (55, 80, 120):
            drug_options(Case(age=age, drug_safety=DrugSafety(weight_kg=weight, egfr=70 + age % 20)), kb)
    kept = [r.drug for r in drugs._readers(kb) if r.kept]
    assert len(drugs._OPTIONS) == len(kept), "one entry per drug kept"
    assert len(drugs._PROFILES) == 1
    drug_options(Case(age=70, drug_safety=DrugSafety(weight_kg=55, egfr=70)), kb)
    readers = [d for d in kept if any(c.factor == "age_65_plus" for c in d.cautions)]
    assert len(drugs._OPTIONS) == len(kept) + len(readers), "only drugs that read the age band"


def test_only_the_drugs_with_almost_one_option_per_patient_are_not_kept(kb: KnowledgeBase) -> None:
    not_kept = {r.drug.id for r in drugs._readers(kb) if not r.kept}
    assert {"ibuprofen", "naproxen", "aspirin"} <= not_kept
    assert not not_kept & {"paracetamol", "tramadol", "gabapentin", "prednisone"}


def test_the_profile_cache_never_outlives_the_option_cache(kb: KnowledgeBase) -> None:
    assert drugs.PROFILE_CACHE_SIZE * len(kb.entities["drugs"]) <= drugs.OPTION_CACHE_SIZE


def test_the_drug_cache_is_bounded(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(drugs, "OPTION_CACHE_SIZE", 60)
    monkeypatch.setattr(drugs, "PROFILE_CACHE_SIZE", 2)
    drugs._OPTIONS.clear()
    drugs._PROFILES.clear()
    statuses = ("present", "absent", "unknown")
    fields = ("ckd", "liver_disease", "gi_bleed_or_ulcer", "anticoagulant", "heart_failure", "hypertension")
    for n in range(3 ** len(fields)):
        safety = {f: statuses[(n // 3**i) % 3] for i, f in enumerate(fields)}
        drug_options(Case(drug_safety=DrugSafety.model_validate(safety), age=30 + n % 2 * 40), kb)
    assert (len(drugs._OPTIONS), len(drugs._PROFILES)) == (60, 2)
    case = Case(age=80, drug_safety=DrugSafety(ckd="present", egfr=20))
    assert drug_options(case, kb) == [drugs.assess_drug(SafetyProfile.of(case), kb, d) for d in _ordered(case, kb)]


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c.id or "case")
def test_the_summary_parts_built_directly_serialise_as_the_models_do(kb: KnowledgeBase, case: Case) -> None:
    """The summary builds its triage, levels and differential items as plain data, not through the models'
    serialiser: the bytes must be the models' own, key order included."""
    a = assess(case, kb)
    made = summary(a, SafetyProfile.of(case), kb)
    triage = a.triage.model_dump(mode="json", exclude={"reasons": {"__all__": {"rationale"}}})
    assert orjson.dumps(made["triage"]) == orjson.dumps(triage)
    assert orjson.dumps(made["levels"]) == orjson.dumps([lv.model_dump(mode="json") for lv in a.levels])
    assert orjson.dumps(made["level_summary"]) == orjson.dumps(a.level_summary.model_dump(mode="json"))
    leading = [d for d in a.differential if d.must_not_miss or d.probability >= LEADING_PROBABILITY]
    assert orjson.dumps(made["differential"]) == orjson.dumps([d.model_dump(mode="json") for d in leading])


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c.id or "case")
def test_the_summary_is_the_same_from_the_lean_assessment(kb: KnowledgeBase, case: Case) -> None:
    """The summary shows no trace, no findings noted but not used and no reasons for the conditions it names only,
    and reads the drug options by safety profile, so the API builds the assessment without them."""
    lean, whole = assess(case, kb, for_summary=True), assess(case, kb)
    assert (lean.trace, lean.noted_not_used, lean.plan.drugs) == ([], [], [])
    for thin, item in zip(lean.differential, whole.differential, strict=True):
        leads = item.must_not_miss or item.probability >= LEADING_PROBABILITY
        assert thin.model_dump() == (item.model_dump() | ({} if leads else {"why": [], "against": []}))
    profile = SafetyProfile.of(case)
    briefs = [(b.drug_id, b.status, b.dose, b.ceiling_mg_per_day) for b in plan_briefs(profile, kb)]
    assert briefs == [(d.drug_id, d.status, d.dose, d.ceiling_mg_per_day) for d in whole.plan.drugs]
    assert orjson.dumps(plan_brief_json(profile, kb)) == orjson.dumps(plan_briefs(profile, kb))
    assert orjson.dumps(summary(lean, profile, kb)) == orjson.dumps(summary(whole, profile, kb))
