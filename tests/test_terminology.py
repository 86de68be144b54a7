"""The terminology layer: its codes checked against the CMS ICD-10-CM code set, the status rules, every common
Observation value shape, medications and allergies, dose rewrites that stay consistent, and the issued-card log."""

from __future__ import annotations

import json
import logging
import warnings
from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B.medicationrequest import MedicationRequest
from hypothesis import given, settings
from hypothesis import strategies as st

from icd_leaves import TARGET, render
from nerveroot.assessment.case import Case
from nerveroot.ehr import codes
from nerveroot.ehr.fhir_in import case_from_resources, lenient_resources, parse_resource
from nerveroot.ehr.orders import daily_dose, product_of, strength_of, with_daily_ceiling
from nerveroot.ehr.terminology import billable_icd, default_terminology, icd_leaves, normal_icd
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import Condition

TODAY = date(2026, 1, 15)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import simple_icd_10_cm as cm


def test_every_icd_code_in_the_value_sets_is_in_the_cms_code_set() -> None:
    terms = default_terminology()
    for rule in terms.conditions:
        for code in rule.icd10cm:
            assert cm.is_valid_item(code) and cm.is_leaf(code), (rule.id, code)  # exact codes are billable
        for category in rule.icd10cm_categories:
            assert cm.is_valid_item(category), (rule.id, category)
    for category in terms.episode.icd10cm_categories:
        assert cm.is_valid_item(category), category
    for code in terms.risk_outcomes.icd10cm.values():
        assert cm.is_leaf(code) and cm.get_description(code) == terms.risk_outcomes.titles[code]


def test_leaf_table_is_current_and_every_emittable_code_is_billable(kb: KnowledgeBase) -> None:
    assert TARGET.read_text(encoding="utf-8") == render(), "run: python tests/icd_leaves.py"
    for condition in kb.all("conditions", Condition):
        for code in condition.icd10:
            for sides in ([], ["left"], ["right"], ["left", "right"]):
                found = billable_icd(code.code, sides, icd_leaves())
                if found is not None:
                    assert cm.is_leaf(found[0]), (condition.id, code.code, found)
    assert billable_icd("G57.1-", ["left"], icd_leaves()) == ("G57.12", "Meralgia paresthetica, left lower limb")
    assert billable_icd("M51.36-", ["left"], icd_leaves()) is None  # not a laterality split: not guessed


def cond(code: str, system: str = codes.ICD10CM, verification: str = "confirmed", clinical: str = "active") -> dict:
    return {
        "resourceType": "Condition",
        "id": f"c-{code}-{verification}-{clinical}",
        "clinicalStatus": {"coding": [{"system": codes.CONDITION_CLINICAL, "code": clinical}]},
        "verificationStatus": {"coding": [{"system": codes.CONDITION_VERIFICATION, "code": verification}]},
        "code": {"coding": [{"system": system, "code": code}]},
        "subject": {"reference": "Patient/p"},
    }


def read(*resources: dict[str, Any]) -> Any:
    return case_from_resources(TODAY, [parse_resource(r, "r") for r in resources])


@pytest.mark.parametrize(
    ("resource", "table", "key", "expected"),
    [
        (cond("N184"), "drug_safety", "ckd", "present"),  # undotted form accepted
        (cond("N18.4", verification="refuted"), "drug_safety", "ckd", "absent"),  # a refuted CKD is absent
        (cond("C50.911", verification="refuted"), "history", "cancer_history", None),  # says nothing of history
        (cond("C50.911", clinical="resolved"), "history", "cancer_history", "present"),  # history stays
        (cond("K25.4", clinical="resolved"), "drug_safety", "gi_bleed_or_ulcer", "unknown"),
        (cond("K25.4", verification="provisional"), "drug_safety", "gi_bleed_or_ulcer", "unknown"),
        (cond("R32"), "red_flags", "bladder_dysfunction", "present"),
        (cond("431857002", codes.SNOMED), "drug_safety", "ckd", "present"),
        (cond("Z79.01"), "drug_safety", "anticoagulant", "present"),
        (cond("E11.9", verification="entered-in-error"), "history", "diabetes", None),
    ],
)
def test_condition_status_rules(resource: dict, table: str, key: str, expected: str | None) -> None:
    case = read(resource).case
    value = getattr(case, table)
    got = value.get(key) if isinstance(value, dict) else getattr(value, key)
    assert got == (expected if expected is not None else ("unknown" if table == "drug_safety" else None))


def obs(code: str, **value: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": f"o{len(json.dumps(value))}{code}",
        "status": "final",
        "code": {"coding": [{"system": codes.LOINC, "code": code}]},
        **value,
    }


@pytest.mark.parametrize(
    "value",
    [
        {"valueInteger": 7},
        {"valueQuantity": {"value": 7, "system": codes.UCUM, "code": "{score}"}},
        {"valueString": "7"},
        {"valueCodeableConcept": {"text": "7"}},
    ],
)
def test_pain_severity_in_every_value_shape(value: dict[str, Any]) -> None:
    assert read(obs("72514-3", **value)).case.pain_score == 7


def test_quantities_units_components_and_fever() -> None:
    intake = read(
        obs("62238-1", valueQuantity={"value": 41, "system": codes.UCUM, "code": "mL/min/{1.73_m2}"}),
        obs("29463-7", valueQuantity={"value": 154, "system": codes.UCUM, "code": "[lb_av]"}),
        obs("8310-5", valueQuantity={"value": 101.3, "system": codes.UCUM, "code": "[degF]"}),
        obs("33914-3", valueQuantity={"value": 22, "system": codes.UCUM, "code": "furlong"}),
        {
            **obs("85354-9"),
            "component": [
                {"code": {"coding": [{"system": codes.LOINC, "code": "8480-6"}]}, "valueQuantity": {"value": 150}}
            ],
        },
    )
    case = intake.case
    assert case.drug_safety.egfr == 41 and case.drug_safety.weight_kg == pytest.approx(69.85, abs=0.01)
    assert case.red_flags["fever"] == "present"  # 101.3 °F is 38.5 °C
    unread = {w: intake.reasons[w] for w in intake.ignored}
    assert any("unknown unit" in why for why in unread.values())  # an eGFR in furlongs is not guessed at


def test_medications_and_allergies() -> None:
    rx = codes.RXNORM
    steroid = {
        "resourceType": "MedicationStatement",
        "id": "s1",
        "status": "active",
        "medicationCodeableConcept": {"coding": [{"system": codes.ATC, "code": "H02AB06"}]},
        "subject": {"reference": "Patient/p"},
        "effectivePeriod": {"start": "2025-06-01"},
    }
    stopped = {**steroid, "id": "s2", "status": "stopped"}
    clopidogrel = {
        "resourceType": "MedicationRequest",
        "id": "m1",
        "status": "active",
        "intent": "order",
        "medicationCodeableConcept": {"text": "Clopidogrel 75 mg tablets"},
        "subject": {"reference": "Patient/p"},
    }
    allergy = {
        "resourceType": "AllergyIntolerance",
        "id": "a1",
        "code": {"coding": [{"system": rx, "code": "5640", "display": "ibuprofen"}]},
        "patient": {"reference": "Patient/p"},
    }
    intake = read(steroid, stopped, clopidogrel, allergy)
    assert intake.case.history["long_term_steroids"] == "present"  # over 90 days
    assert "MedicationStatement/s2" in intake.ignored
    assert [(a.drug_class, a.drug_id) for a in intake.allergies] == [("nsaid", "ibuprofen")]


def test_dose_update_rewrites_product_dose_and_text_together(kb: KnowledgeBase) -> None:
    order = MedicationRequest.model_validate(
        {
            "resourceType": "MedicationRequest",
            "id": "m1",
            "status": "draft",
            "intent": "order",
            "subject": {"reference": "Patient/p"},
            "medicationCodeableConcept": {
                "coding": [{"system": codes.RXNORM, "code": "197807", "display": "ibuprofen 800 MG Oral Tablet"}],
                "text": "Ibuprofen 800 mg tablet",
            },
            "dosageInstruction": [
                {
                    "text": "one 800 mg tablet four times a day",
                    "timing": {"repeat": {"frequency": 4, "period": 1, "periodUnit": "d"}},
                    "doseAndRate": [{"doseQuantity": {"value": 1, "unit": "tablet", "code": "{tbl}"}}],
                }
            ],
        }
    )
    terms = default_terminology()
    known = product_of(order.medicationCodeableConcept, terms)
    dose = daily_dose(order, known[1].mg if known else None)
    assert dose is not None and dose.mg_per_day == 3200
    fixed = with_daily_ceiling(order, dose, 2400, "Ibuprofen", terms)
    assert fixed["medicationCodeableConcept"]["coding"][0]["code"] == "197806"  # the 600 mg tablet
    assert "600" in fixed["medicationCodeableConcept"]["text"] and "800" not in json.dumps(fixed)
    dosage = fixed["dosageInstruction"][0]
    assert dosage["doseAndRate"][0]["doseQuantity"]["value"] == 1
    assert dosage["text"] == "Ibuprofen 600 mg four times a day; no more than 2400 mg in 24 hours"
    assert daily_dose(MedicationRequest.model_validate(fixed), 600).mg_per_day == 2400  # type: ignore[union-attr]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)
KINDS = st.sampled_from(["Bundle", "Condition", "Observation", "OperationOutcome", "Patient", "Nope"])


@settings(max_examples=150, deadline=None)
@given(kind=KINDS, body=st.dictionaries(st.sampled_from(["entry", "code", "status", "issue", "id"]), JSON))
def test_lenient_reading_never_raises(kind: str, body: dict[str, Any]) -> None:
    resources, problems = lenient_resources({**body, "resourceType": kind}, "x")
    assert all(isinstance(p, str) for p in problems)
    case_from_resources(TODAY, [r for r in resources if r.get_resource_type() != "QuestionnaireResponse"])


@given(code=st.from_regex(r"[A-Z][0-9]{2}\.?[0-9A-Z]{0,4}", fullmatch=True))
def test_icd_normalisation_is_stable(code: str) -> None:
    assert normal_icd(normal_icd(code)) == normal_icd(code)


def test_issued_cards_are_logged_without_patient_content(caplog: pytest.LogCaptureFixture) -> None:
    from nerveroot.ehr.cards import Card, CdsResponse, Source
    from nerveroot.ehr.services import log_issued

    card = Card(
        uuid="u1", summary="Ibuprofen should not be given: ckd.", indicator="critical", source=Source(label="x")
    )
    with caplog.at_level(logging.INFO, logger="nerveroot.cds.issued"):
        log_issued("svc", "hook-1", CdsResponse(cards=[card.kind("drug:contraindicated:ibuprofen")]))
    [record] = [json.loads(r.getMessage()) for r in caplog.records]
    assert record == {
        "service": "svc",
        "hookInstance": "hook-1",
        "card": "u1",
        "indicator": "critical",
        "kind": "drug:contraindicated:ibuprofen",
        "suggestions": [],
    }


def test_dmd_coded_order_in_tablets_is_lowered_by_whole_tablets() -> None:
    """A dm+d product nerveroot cannot swap keeps its product; the dose drops to whole tablets under the ceiling."""
    order = MedicationRequest.model_validate(
        {
            "resourceType": "MedicationRequest",
            "id": "m2",
            "status": "draft",
            "intent": "order",
            "subject": {"reference": "Patient/p"},
            "medicationCodeableConcept": {
                "coding": [{"system": codes.DMD, "code": "0000000", "display": "Ibuprofen 400mg tablets"}]
            },
            "dosageInstruction": [
                {
                    "timing": {"repeat": {"frequency": 4, "period": 1, "periodUnit": "d"}},
                    "doseAndRate": [{"doseQuantity": {"value": 2, "unit": "tablet"}}],
                }
            ],
        }
    )
    terms = default_terminology()
    strength = strength_of(order.medicationCodeableConcept, terms)
    dose = daily_dose(order, strength)
    assert strength == 400 and dose is not None and dose.mg_per_day == 3200
    fixed = with_daily_ceiling(order, dose, 2400, "Ibuprofen", terms)
    assert (
        fixed["medicationCodeableConcept"]
        == order.model_dump(mode="json", exclude_none=True)["medicationCodeableConcept"]
    )
    assert fixed["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"]["value"] == 1
    assert (
        fixed["dosageInstruction"][0]["text"] == "Ibuprofen 400 mg four times a day; no more than 2400 mg in 24 hours"
    )


CONTRACT_V2 = "observations" in Case.model_fields and "procedures" in Case.model_fields


@pytest.mark.skipif(not CONTRACT_V2, reason="the Case contract v2 fields (issue 10) are not on this branch yet")
def test_case_contract_v2_fields_from_fhir() -> None:
    procedure = {
        "resourceType": "Procedure",
        "id": "pr1",
        "status": "completed",
        "code": {"coding": [{"system": codes.CPT, "code": "62323"}]},
        "subject": {"reference": "Patient/p"},
        "performedDateTime": "2026-01-05",
    }
    clopidogrel = {
        "resourceType": "MedicationRequest",
        "id": "m1",
        "status": "active",
        "intent": "order",
        "medicationCodeableConcept": {"coding": [{"system": codes.RXNORM, "code": "32968"}]},
        "subject": {"reference": "Patient/p"},
    }
    case = read(
        obs("1988-5", valueQuantity={"value": 45, "system": codes.UCUM, "code": "mg/L"}),
        obs("8310-5", valueQuantity={"value": 38.6, "system": codes.UCUM, "code": "Cel"}),
        {**cond("R32"), "onsetDateTime": "2026-01-12"},
        {**cond("M54.16"), "onsetDateTime": "2025-12-26"},
        cond("R15.9", verification="provisional"),
        procedure,
        clopidogrel,
    ).case
    dumped = case.model_dump()
    assert dumped["observations"]["crp_mg_l"] == 45 and dumped["observations"]["temperature_c"] == 38.6
    assert dumped["onset_days"] == {"bladder_dysfunction": 3, "leg_pain": 20}
    assert case.red_flags["bowel_dysfunction"] == "unsure"  # a provisional diagnosis: asked, not settled
    assert dumped["procedures"] == [{"kind": "epidural_injection", "days_ago": 10}]
    assert case.history["antiplatelet_use"] == "present"


def test_an_implausible_value_is_left_out_not_fatal() -> None:
    intake = read(
        obs("33914-3", valueQuantity={"value": 250, "system": codes.UCUM, "code": "mL/min/{1.73_m2}"}),
        obs("29463-7", valueQuantity={"value": 70, "system": codes.UCUM, "code": "kg"}),
    )
    assert intake.case.drug_safety.egfr is None and intake.case.drug_safety.weight_kg == 70
    assert "drug_safety.egfr" in intake.ignored and "refused" in intake.reasons["drug_safety.egfr"]


@pytest.mark.parametrize(
    ("code", "table", "key"),
    [
        ("B02.29", "symptoms", "rash"),
        ("R10.9", "red_flags", "abdominal_or_flank_pain"),
        ("A41.9", "history", "bacteraemia"),
    ],
)
def test_contract_v2_keys_from_icd(code: str, table: str, key: str) -> None:
    assert getattr(read(cond(code)).case, table)[key] == "present"
