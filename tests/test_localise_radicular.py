"""Stage one of localisation (radicular or not) and the root a note names: the sciatica-definition items and the
clinician's named root or dermatome each carry a sourced ratio, and every one can be switched off to show it acts."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from nerveroot.assessment.assess import assess
from nerveroot.assessment.case import Case
from nerveroot.assessment.compiled import Compiled, compile_kb
from nerveroot.assessment.differential import Scores, condition_scores
from nerveroot.assessment.evidence import BELOW_KNEE, derive_evidence
from nerveroot.assessment.localise import localise
from nerveroot.intake import parse_note
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import BodyRegion


def _case(**fields: Any) -> Case:
    return Case.model_validate({"age": 45, "sides": ["left"]} | fields)


def _top(kb: KnowledgeBase, case: Case) -> tuple[str, float]:
    result = assess(case, kb)
    return result.levels[0].root, result.level_summary.radicular_probability


def test_below_knee_regions_follow_the_body_map(kb: KnowledgeBase) -> None:
    areas = {r.id for r in kb.all("body_regions", BodyRegion) if r.area in ("leg", "ankle", "foot")}
    assert areas == BELOW_KNEE


def test_pain_marked_below_the_knee_is_the_sciatica_item() -> None:
    calf = _case(pain_regions=[{"region": "posterior_calf", "side": "left"}])
    thigh = _case(pain_regions=[{"region": "posterior_thigh", "side": "left"}])
    numb_calf = _case(sensory_regions=[{"region": "posterior_calf", "side": "left"}])
    assert derive_evidence(calf).get("pain_below_knee") == "present"
    assert derive_evidence(thigh).get("pain_below_knee") == "unknown"  # not asked, never read as absent
    assert derive_evidence(numb_calf).get("pain_below_knee") == "unknown"


def test_radiating_leg_pain_makes_a_root_lesion_likelier_and_names_a_level(kb: KnowledgeBase) -> None:
    plain = _case(symptoms={"back_pain": "present"})
    radiating = _case(symptoms={"back_pain": "present", "radiating_leg_pain": "present"})
    (_, rad_plain), (top_rad, rad_rad) = _top(kb, plain), _top(kb, radiating)
    assert rad_rad > rad_plain
    assert top_rad != "none"


def test_a_named_root_is_read_from_the_note_and_favours_that_root(kb: KnowledgeBase) -> None:
    case = parse_note("Pain in the left leg in the S1 dermatomal distribution.", kb).case
    assert [(n.root, n.side) for n in case.named_roots] == [("s1", "left")]
    result = assess(case, kb)
    assert result.levels[0].root == "s1"
    s1 = next(lv for lv in result.levels if lv.root == "s1")
    assert any(e.finding == "named_root" and "iversen_2013" in e.basis for e in s1.supporting)
    assert not parse_note("?S1 radiculopathy", kb).case.named_roots  # an uncertain mention names nothing


def test_a_named_upper_lumbar_root_uses_the_default_and_does_not_override_the_examination(kb: KnowledgeBase) -> None:
    named = _case(named_roots=[{"root": "l3", "side": "left"}])
    l3 = next(lv for lv in assess(named, kb).levels if lv.root == "l3")
    assert any(e.finding == "named_root" and "default" in e.basis for e in l3.supporting)
    with_exam = _case(
        named_roots=[{"root": "l3", "side": "left"}],
        reflexes=[{"reflex": "achilles", "side": "left", "result": "absent"}],
        strength=[{"movement": "ankle_plantarflexion", "side": "left", "grade": 3}],
    )
    assert _top(kb, with_exam)[0] == "s1"


def test_back_pain_alone_names_no_root(kb: KnowledgeBase) -> None:
    case = Case.model_validate({"age": 45, "symptoms": {"back_pain": "present"}})
    assert _top(kb, case)[0] == "none"


def _fits(kb: KnowledgeBase, case: Case) -> dict[str, float]:
    evidence = derive_evidence(case)
    loc = localise(case, evidence, kb)
    pain = {m.region for m in case.pain_regions}
    sensory = {m.region for m in case.sensory_regions}
    return condition_scores(compile_kb(kb), evidence.status, loc, pain, sensory).fit


def test_a_peripheral_mimic_is_not_weighed_by_tests_of_a_root_lesion(kb: KnowledgeBase) -> None:
    base = {
        "pain_regions": [{"region": "lateral_leg", "side": "left"}],
        "strength": [{"movement": "ankle_dorsiflexion", "side": "left", "grade": 4}],
    }
    plain = _fits(kb, _case(**base))
    negative_slr = _fits(kb, _case(**base, provocative=[{"test": "slr", "side": "left", "result": "negative"}]))
    named = _fits(kb, _case(**base, named_roots=[{"root": "l5", "side": "left"}]))
    # a negative straight-leg raise argues against a root lesion, not against a peroneal palsy; a named root likewise
    assert negative_slr["disc_herniation"] < plain["disc_herniation"]
    assert negative_slr["common_peroneal_palsy"] == pytest.approx(plain["common_peroneal_palsy"])
    assert named["common_peroneal_palsy"] == pytest.approx(plain["common_peroneal_palsy"])
    assert named["disc_herniation"] > plain["disc_herniation"]


def test_femoral_neuropathy_after_hip_surgery_names_no_root(kb: KnowledgeBase) -> None:
    case = _case(
        age=66,
        pain_regions=[{"region": "anterior_thigh", "side": "left"}],
        sensory_regions=[{"region": "anterior_thigh", "side": "left"}, {"region": "medial_leg", "side": "left"}],
        strength=[
            {"movement": "knee_extension", "side": "left", "grade": 4},
            {"movement": "hip_adduction", "side": "left", "grade": 5},
        ],
        reflexes=[{"reflex": "patellar", "side": "left", "result": "reduced"}],
        provocative=[{"test": "femoral_stretch", "side": "left", "result": "negative"}],
        history={"pelvic_or_hip_surgery": "present"},
        symptoms={"back_pain": "absent"},
    )
    result = assess(case, kb)
    assert result.levels[0].root == "none" and result.differential[0].id == "femoral_neuropathy"


def _scores(kb: KnowledgeBase, case: Case, model: Compiled | None = None) -> Scores:
    evidence = derive_evidence(case)
    loc = localise(case, evidence, kb)
    pain = {m.region for m in case.pain_regions}
    sensory = {m.region for m in case.sensory_regions}
    return condition_scores(model or compile_kb(kb), evidence.status, loc, pain, sensory)


def test_the_sciatica_items_favour_every_radicular_cause_not_only_a_disc(kb: KnowledgeBase) -> None:
    plain = _scores(kb, _case(symptoms={"back_pain": "present"}))
    for item in ("pain_below_knee", "leg_pain_worse_than_back"):
        with_item = _scores(kb, _case(symptoms={"back_pain": "present", item: "present"}))
        assert with_item.fit["lumbar_spinal_stenosis"] > plain.fit["lumbar_spinal_stenosis"], item
        assert with_item.fit["common_peroneal_palsy"] == pytest.approx(plain.fit["common_peroneal_palsy"]), item
        assert with_item.radicular > plain.radicular, item


def test_a_type_of_compression_does_not_add_to_the_share_of_root_lesions(kb: KnowledgeBase) -> None:
    model = compile_kb(kb)
    case = _case(symptoms={"radiating_leg_pain": "present"})
    assert any(c.subtype and c.radicular for c in model.conditions)
    # a subtype's prior is part of its cause's: making it ten times commoner leaves the radicular share alone …
    inflated = _tenfold(model, {c.id for c in model.conditions if c.subtype})
    assert _scores(kb, case, inflated).radicular == pytest.approx(_scores(kb, case).radicular)
    # … whereas a cause counts
    assert _scores(kb, case, _tenfold(model, {"disc_herniation"})).radicular > _scores(kb, case).radicular


def _tenfold(model: Compiled, ids: set[str]) -> Compiled:
    return replace(
        model, conditions=tuple(replace(c, prior=c.prior * 10) if c.id in ids else c for c in model.conditions)
    )


def test_spared_hip_abduction_and_inversion_point_a_foot_drop_to_the_peroneal_nerve(kb: KnowledgeBase) -> None:
    drop = {"movement": "ankle_dorsiflexion", "side": "left", "grade": 2}

    def power(**grades: int) -> Case:
        return _case(strength=[drop, *({"movement": m, "side": "left", "grade": g} for m, g in grades.items())])

    hip_spared = assess(power(hip_abduction=5), kb)
    assert hip_spared.differential[0].id == "common_peroneal_palsy"
    both_spared = assess(power(hip_abduction=5, ankle_inversion=5), kb)
    assert both_spared.levels[0].root == "none"
    assert assess(power(hip_abduction=3), kb).levels[0].root == "l5"
    # foot drop alone still ranks the L5 root first: the series only make the palsy a serious contender
    assert _top(kb, _case(strength=[drop]))[0] == "l5"


def test_numbness_fits_poorly_a_condition_that_hurts_without_sensory_loss(kb: KnowledgeBase) -> None:
    pain = {"pain_regions": [{"region": "anterior_thigh", "side": "right"}]}
    numb = {**pain, "sensory_regions": [{"region": "anterior_thigh", "side": "right"}]}
    plain, with_numbness = _fits(kb, _case(**pain)), _fits(kb, _case(**numb))
    assert with_numbness["hip_osteoarthritis"] < plain["hip_osteoarthritis"]
    thigh = {"sensory_regions": [{"region": "anterolateral_thigh", "side": "right"}]}
    assert _fits(kb, _case(**thigh))["meralgia_paresthetica"] > 1
