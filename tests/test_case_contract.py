"""The Case contract the intake emits: unsure answers, ungraded signs, tempo, observations, procedures, mentions to
confirm, and no silent drop (every present finding changes the assessment or is listed as noted, not used)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from nerveroot.assessment.assess import assess
from nerveroot.assessment.case import (
    HISTORY_KEYS,
    RED_FLAG_KEYS,
    SYMPTOM_KEYS,
    Case,
    Mention,
    Observations,
    Procedure,
    StrengthTest,
)
from nerveroot.assessment.evidence import derive_evidence
from nerveroot.assessment.result import Assessment
from nerveroot.assessment.triage import ORDER
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.loader import default_knowledge

CES_ITEMS = ("saddle_anaesthesia", "bladder_dysfunction", "bowel_dysfunction", "sexual_dysfunction")
TABLES = {"red_flags": RED_FLAG_KEYS, "history": HISTORY_KEYS, "symptoms": SYMPTOM_KEYS}


def test_strength_needs_exactly_one_of_grade_or_described() -> None:
    assert StrengthTest(movement="knee_extension", side="left", described="weak").weak
    assert StrengthTest(movement="ankle_dorsiflexion", side="left", grade=3).severe
    for bad in ({}, {"grade": 4, "described": "weak"}):
        with pytest.raises(ValidationError, match="exactly one"):
            StrengthTest.model_validate({"movement": "knee_extension", "side": "left", **bad})


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"onset_days": {"leg_pain": -1}}, "onset_days"),
        ({"onset_days": {"elbow": 3}}, "onset_days"),
        ({"observations": {"temperature_c": 50}}, "observations.temperature_c"),
        ({"procedures": [{"kind": "acupuncture"}]}, "procedures.0.kind"),
        ({"to_confirm": [{"group": "infection", "text": "x" * 201}]}, "to_confirm.0.text"),
        ({"deficit_course": "sudden"}, "deficit_course"),
        ({"red_flags": {"fever": "maybe"}}, "red_flags.fever"),
    ],
)
def test_bad_contract_values_name_the_field(data: dict[str, Any], path: str) -> None:
    with pytest.raises(ValidationError) as err:
        Case.model_validate(data)
    assert any(".".join(str(p) for p in e["loc"]).startswith(path) for e in err.value.errors()), err.value


@pytest.mark.parametrize(
    ("observations", "finding", "status"),
    [
        ({"temperature_c": 38.0}, "fever", "present"),
        ({"temperature_c": 37.9}, "fever", "absent"),
        ({"crp_mg_l": 4, "esr_mm_h": 12}, "raised_inflammatory_markers", "absent"),
        ({"crp_mg_l": 4, "esr_mm_h": 35}, "raised_inflammatory_markers", "present"),
        ({"wbc_10e9_l": 14.2}, "raised_inflammatory_markers", "present"),
        ({"post_void_residual_ml": 200}, "urinary_retention", "present"),
        ({"post_void_residual_ml": 150}, "urinary_retention", "absent"),
        ({"systolic_bp": 88}, "hypotension", "present"),
        ({"heart_rate": 118}, "tachycardia", "present"),
    ],
)
def test_findings_derived_from_observations(observations: dict[str, float], finding: str, status: str) -> None:
    case = Case(observations=Observations.model_validate(observations))
    assert derive_evidence(case).get(finding) == status


@pytest.mark.parametrize(("days_ago", "status"), [(10, "present"), (None, "present"), (90, "present"), (200, "absent")])
def test_recent_spinal_procedure_from_procedures(days_ago: int | None, status: str) -> None:
    case = Case(procedures=[Procedure(kind="epidural_injection", days_ago=days_ago)])
    assert derive_evidence(case).get("recent_spinal_procedure") == status


def test_a_residual_of_200_ml_is_a_cauda_equina_emergency(kb: KnowledgeBase) -> None:
    result = assess(Case(observations=Observations(post_void_residual_ml=450)), kb)
    assert result.triage.level == "emergency"
    assert any(r.rule == "ces_sphincter_or_saddle" and "urinary_retention" in r.findings for r in result.triage.reasons)


def test_ungraded_signs_count_as_weakness(kb: KnowledgeBase) -> None:
    weak_quads = Case(sides=["left"], strength=[StrengthTest(movement="knee_extension", side="left", described="weak")])
    evidence = derive_evidence(weak_quads)
    assert evidence.get("weak_knee_extension") == "present" and evidence.get("weakness") == "present"
    assert evidence.get("severe_motor_deficit") == "absent"
    result = assess(weak_quads, kb)
    assert ORDER[result.triage.level] >= ORDER["routine"] and "moderate_motor_deficit" in {
        r.rule for r in result.triage.reasons
    }
    assert "progressive_weakness" in {f for item in result.triage.not_assessed for f in item.findings}  # tempo asked
    new_quads = weak_quads.model_copy(update={"onset_days": {"weakness": 3}})
    assert assess(new_quads, kb).triage.level == "urgent"
    drop = [StrengthTest(movement="ankle_dorsiflexion", side=s, described="severe") for s in ("left", "right")]
    result = assess(Case(sides=["left", "right"], strength=drop), kb)
    assert derive_evidence(Case(strength=drop)).get("foot_drop") == "present"
    assert result.triage.level == "emergency"


@pytest.mark.parametrize("item", [*CES_ITEMS, "bilateral_leg_symptoms"])
def test_unsure_on_a_cauda_equina_item_is_never_routine(kb: KnowledgeBase, item: str) -> None:
    answered = dict.fromkeys([*CES_ITEMS, "bilateral_leg_symptoms"], "absent") | {item: "unsure"}
    result = assess(Case(red_flags=answered), kb)
    assert ORDER[result.triage.level] >= ORDER["urgent"]
    assert any(r.rule == "ces_answer_unsure" for r in result.triage.reasons)
    # reported as asked, unsure (still not assessed: the answer cannot rule it out)
    assert any(item in n.unsure and item in n.findings for n in result.triage.not_assessed)
    # unsure is never read as present or absent by the rules
    assert derive_evidence(Case(red_flags={item: "unsure"})).get(item) == "unsure"


def test_a_mention_to_confirm_keeps_the_triage_urgent_and_is_listed(kb: KnowledgeBase) -> None:
    calm = dict.fromkeys(CES_ITEMS, "absent")
    case = Case(red_flags=calm, to_confirm=[Mention(group="cauda_equina", text="some trouble down below")])
    result = assess(case, kb)
    assert ORDER[result.triage.level] >= ORDER["urgent"]
    assert [(m.group, m.text) for m in result.triage.to_confirm] == [("cauda_equina", "some trouble down below")]
    assert assess(Case(red_flags=calm), kb).triage.level in ("self_care", "routine")


# ---------------------------------------------------------------- no silent drop

STATUS = st.sampled_from(["present", "absent", "unsure"])


def _table(keys: tuple[str, ...]) -> st.SearchStrategy[dict[str, str]]:
    return st.dictionaries(st.sampled_from(keys), STATUS, max_size=6)


cases = st.builds(
    Case,
    age=st.none() | st.integers(16, 95),
    sides=st.sampled_from([[], ["left"], ["left", "right"]]),
    red_flags=_table(RED_FLAG_KEYS),
    history=_table(HISTORY_KEYS),
    symptoms=_table(SYMPTOM_KEYS),
    strength=st.lists(
        st.builds(
            StrengthTest,
            movement=st.sampled_from(["knee_extension", "ankle_dorsiflexion", "hip_flexion", "great_toe_extension"]),
            side=st.sampled_from(["left", "right"]),
            described=st.sampled_from(["weak", "severe"]),
        ),
        max_size=2,
    ),
    observations=st.builds(
        Observations,
        temperature_c=st.none() | st.floats(35, 40.5),
        heart_rate=st.none() | st.integers(50, 140),
        systolic_bp=st.none() | st.integers(70, 180),
        crp_mg_l=st.none() | st.floats(0, 200),
        post_void_residual_ml=st.none() | st.integers(0, 900),
    ),
    procedures=st.lists(
        st.builds(Procedure, kind=st.sampled_from(["epidural_injection", "spinal_surgery"])), max_size=1
    ),
)


def _comparable(result: Assessment, removed: str) -> dict[str, Any]:
    """The assessment without the noted list, and without the removed finding's own "not assessed" entry (taking a
    finding out makes it unasked, which is listed; that is not a use of the finding)."""
    dumped = result.model_dump(mode="json", exclude={"noted_not_used"})
    for item in dumped["triage"]["not_assessed"]:
        item["findings"] = [f for f in item["findings"] if f != removed]
    dumped["triage"]["not_assessed"] = [i for i in dumped["triage"]["not_assessed"] if i["findings"]]
    return dumped


def _without(case: Case, table: str, key: str) -> Case:
    return case.model_copy(update={table: {k: v for k, v in getattr(case, table).items() if k != key}})


@settings(max_examples=40, deadline=None)
@given(case=cases)
def test_every_present_finding_changes_the_assessment_or_is_noted(case: Case) -> None:
    kb = default_knowledge()
    result = assess(case, kb)
    noted = {n.finding for n in result.noted_not_used}
    status = derive_evidence(case).status
    assert noted <= {f for f, v in status.items() if v == "present"}
    for table in TABLES:
        for key, value in getattr(case, table).items():
            if value != "present" or status.get(key) != "present":
                continue
            reduced = _without(case, table, key)
            if derive_evidence(reduced).get(key) == "present":
                continue  # also derived from another field (sides, observations, strength): still present
            changed = _comparable(assess(reduced, kb), key) != _comparable(result, key)
            assert changed != (key in noted), f"{key}: changes the assessment={changed}, noted={key in noted}"


# ---------------------------------------------------------------- issue-10 rules: tempo, infection, bleeding, vascular


def _level(kb: KnowledgeBase, **fields: Any) -> str:
    return assess(Case.model_validate(fields), kb).triage.level


def test_tempo_decides_emergency_versus_urgent_for_a_severe_deficit(kb: KnowledgeBase) -> None:
    drop = [{"movement": "ankle_dorsiflexion", "side": "left", "described": "severe"}]
    assert _level(kb, sides=["left"], strength=drop) == "emergency"  # tempo unknown: never lowered
    assert _level(kb, sides=["left"], strength=drop, onset_days={"weakness": 1}) == "emergency"
    assert _level(kb, sides=["left"], strength=drop, onset_days={"weakness": 3}) == "urgent"  # past 48 h (Petr 2019)
    assert _level(kb, sides=["left"], strength=drop, onset_days={"weakness": 3}, course="worsening") == "emergency"
    assert _level(kb, sides=["left"], strength=drop, onset_days={"weakness": 120}) == "urgent"
    assert _level(kb, sides=["left"], strength=drop, onset_days={"weakness": 120}, deficit_course="progressing") == (
        "emergency"
    )


def test_cauda_equina_symptoms_for_months_go_to_the_urgent_route(kb: KnowledgeBase) -> None:
    assert _level(kb, red_flags={"bladder_dysfunction": "present"}) == "emergency"
    assert _level(kb, red_flags={"bladder_dysfunction": "present"}, onset_days={"bladder_dysfunction": 2}) == (
        "emergency"
    )
    assert _level(kb, red_flags={"bladder_dysfunction": "present"}, onset_days={"bladder_dysfunction": 365}) == (
        "urgent"
    )


def test_chronic_bilateral_claudication_is_not_the_emergency_bilateral_rule(kb: KnowledgeBase) -> None:
    chronic = {"sides": ["left", "right"], "symptoms": {"neurogenic_claudication": "present"}}
    result = assess(Case.model_validate(chronic), kb)
    assert "ces_bilateral_sciatica" not in {r.rule for r in result.triage.reasons}
    long_standing = {"sides": ["left", "right"], "onset_days": {"bilateral_leg_symptoms": 400}}
    assert "ces_bilateral_sciatica" not in {
        r.rule for r in assess(Case.model_validate(long_standing), kb).triage.reasons
    }


@pytest.mark.parametrize(
    "fields",
    [
        {"history": {"iv_drug_use": "present"}, "symptoms": {"back_pain": "present"}, "red_flags": {"fever": "absent"}},
        {"procedures": [{"kind": "epidural_injection", "days_ago": 20}], "symptoms": {"back_pain": "present"}},
        {"history": {"diabetes": "present"}, "observations": {"esr_mm_h": 60, "temperature_c": 36.8}},
        {
            "history": {"anticoagulant_use": "present"},
            "strength": [{"movement": "knee_extension", "side": "left", "described": "weak"}],
        },
        {"observations": {"systolic_bp": 78}},
        {"age": 74, "red_flags": {"abdominal_or_flank_pain": "present"}, "observations": {"heart_rate": 128}},
        {"red_flags": {"cold_or_pulseless_leg": "present"}, "symptoms": {"numbness": "present"}},
        {"red_flags": {"unable_to_walk": "present"}},
    ],
)
def test_emergencies_that_need_no_fever_or_grade(kb: KnowledgeBase, fields: dict[str, Any]) -> None:
    assert _level(kb, **fields) == "emergency", fields


def test_stable_weakness_on_an_anticoagulant_is_not_a_bleed_emergency(kb: KnowledgeBase) -> None:
    weak = [{"movement": "knee_extension", "side": "left", "grade": 4}]
    fields = {"history": {"anticoagulant_use": "present"}, "sides": ["left"], "strength": weak}
    result = assess(Case.model_validate({**fields, "onset_days": {"weakness": 200}}), kb)
    assert "haematoma_suspected" not in {r.rule for r in result.triage.reasons}


def test_two_stage_root_ranking_and_uncertain_level(kb: KnowledgeBase) -> None:
    case = Case.model_validate(
        {
            "sides": ["left"],
            "symptoms": {"leg_pain_worse_than_back": "present", "pain_below_knee": "present"},
            "pain_regions": [{"region": "anterior_thigh", "side": "left"}, {"region": "medial_knee", "side": "left"}],
            "provocative": [{"test": "femoral_stretch", "side": "left", "result": "positive"}],
            "reflexes": [{"reflex": "patellar", "side": "left", "result": "reduced"}],
        }
    )
    result = assess(case, kb)
    assert result.levels[0].root in ("l3", "l4") and result.levels[-1].root != "l3"
    assert result.level_summary
