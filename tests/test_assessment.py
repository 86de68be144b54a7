"""The assessment core: three-valued triage logic, probabilities, safety properties and the CLI contract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from nerveroot.assessment.assess import assess
from nerveroot.assessment.case import RED_FLAG_KEYS, Case
from nerveroot.assessment.evidence import Evidence
from nerveroot.assessment.logic import evaluate
from nerveroot.assessment.triage import ORDER
from nerveroot.interfaces.cli import app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
KLEENE = yaml.safe_load((Path(__file__).parent / "data" / "kleene.yaml").read_text(encoding="utf-8"))
runner = CliRunner()


def _case(**fields: Any) -> Case:
    return Case.model_validate({"age": 40, **fields})


@pytest.mark.parametrize("row", KLEENE, ids=[f"{r['op']}{r['args']}" for r in KLEENE])
def test_kleene_truth_tables(row: dict[str, Any]) -> None:
    names = [f"f{i}" for i in range(len(row["args"]))]
    status = {
        n: {True: "present", False: "absent", None: "unknown"}[v] for n, v in zip(names, row["args"], strict=True)
    }
    when: Any = {row["op"]: names if row["op"] in ("all", "any") else names[0]}
    assert evaluate(when, Evidence(status=status), _case()) is row["out"]  # type: ignore[arg-type]


def test_runner_example_localises_to_l4(kb) -> None:  # type: ignore[no-untyped-def]
    result = assess(Case.model_validate_json((EXAMPLES / "runner_l4.json").read_text()), kb)
    assert result.levels[0].root == "l4"
    assert abs(sum(lv.probability for lv in result.levels) - 1) < 1e-3
    assert result.triage.level in ("urgent", "routine")
    assert not result.workup.imaging_now
    assert result.instruments["odi"]["percent"] == pytest.approx(28.0)


def test_cauda_equina_is_emergency_with_imaging(kb) -> None:  # type: ignore[no-untyped-def]
    result = assess(Case.model_validate_json((EXAMPLES / "cauda_equina.json").read_text()), kb)
    assert result.triage.level == "emergency"
    assert {r.group for r in result.triage.reasons} >= {"cauda_equina"}
    assert result.workup.imaging_now


def test_unasked_red_flags_are_not_assessed_never_absent(kb) -> None:  # type: ignore[no-untyped-def]
    result = assess(_case(sides=["left"], pain_regions=[{"region": "lateral_leg", "side": "left"}]), kb)
    unasked = {f for item in result.triage.not_assessed for f in item.findings}
    assert {"saddle_anaesthesia", "bladder_dysfunction", "bowel_dysfunction"} <= unasked
    assert any(item.could_raise_to == "emergency" for item in result.triage.not_assessed)


def test_femoral_neuropathy_is_told_apart_from_l4(kb) -> None:  # type: ignore[no-untyped-def]
    case = _case(
        age=62,
        onset="sudden",
        duration_days=10,
        sides=["right"],
        pain_regions=[{"region": "anterior_thigh", "side": "right"}],
        sensory_regions=[{"region": "anterior_thigh", "side": "right"}, {"region": "medial_leg", "side": "right"}],
        strength=[
            {"movement": "knee_extension", "side": "right", "grade": 4},
            {"movement": "hip_adduction", "side": "right", "grade": 5},
            {"movement": "ankle_dorsiflexion", "side": "right", "grade": 5},
        ],
        reflexes=[{"reflex": "patellar", "side": "right", "result": "reduced"}],
        history={"pelvic_or_hip_surgery": "present"},
        symptoms={"back_pain": "absent"},
    )
    result = assess(case, kb)
    top3 = [d.id for d in result.differential[:3]]
    assert "femoral_neuropathy" in top3


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    flags=st.dictionaries(st.sampled_from(RED_FLAG_KEYS), st.sampled_from(["present", "absent", "unknown"])),
    flag=st.sampled_from(RED_FLAG_KEYS),
)
def test_answering_a_red_flag_yes_never_lowers_triage(kb, flags: dict[str, str], flag: str) -> None:  # type: ignore[no-untyped-def]
    unknown = assess(_case(red_flags={**flags, flag: "unknown"}), kb).triage.level
    present = assess(_case(red_flags={**flags, flag: "present"}), kb).triage.level
    assert ORDER[present] >= ORDER[unknown]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    grade=st.integers(0, 5),
    movement=st.sampled_from(["knee_extension", "ankle_dorsiflexion", "great_toe_extension", "ankle_plantarflexion"]),
    reflex=st.sampled_from(["normal", "reduced", "absent"]),
    slr=st.sampled_from(["positive", "negative"]),
)
def test_probabilities_are_a_distribution(kb, grade: int, movement: str, reflex: str, slr: str) -> None:  # type: ignore[no-untyped-def]
    case = _case(
        strength=[{"movement": movement, "side": "left", "grade": grade}],
        reflexes=[{"reflex": "achilles", "side": "left", "result": reflex}],
        provocative=[{"test": "slr", "side": "left", "result": slr}],
    )
    result = assess(case, kb)
    assert abs(sum(lv.probability for lv in result.levels) - 1) < 1e-3
    assert abs(sum(d.probability for d in result.differential) - 1) < 1e-2
    assert all(0 <= lv.probability <= 1 for lv in result.levels)
    if grade <= 3:
        assert result.triage.level == "emergency"


def test_assessment_round_trips_through_json(kb) -> None:  # type: ignore[no-untyped-def]
    result = assess(Case.model_validate_json((EXAMPLES / "runner_l4.json").read_text()), kb)
    again = type(result).model_validate_json(result.model_dump_json())
    assert again == result


def test_cli_json_has_the_documented_fields() -> None:
    out = runner.invoke(app, ["assess", str(EXAMPLES / "runner_l4.json"), "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert {"level", "reasons", "not_assessed"} <= data["triage"].keys()
    assert {"root", "probability", "for", "against"} <= data["levels"][0].keys()
    assert {"id", "name", "icd10", "probability"} <= data["differential"][0].keys()
    assert isinstance(data["workup"]["imaging_now"], bool)
    assert data["plan"] and data["kb_version"]


@pytest.mark.parametrize("fmt", ["markdown", "text"])
def test_cli_clinician_and_patient_reports(fmt: str) -> None:
    note = runner.invoke(app, ["assess", str(EXAMPLES / "runner_l4.json"), "--format", fmt])
    assert note.exit_code == 0 and "References" in note.stdout
    handout = runner.invoke(app, ["assess", str(EXAMPLES / "runner_l4.json"), "--format", fmt, "--audience", "patient"])
    assert handout.exit_code == 0
    assert "When to seek care now" in handout.stdout
    assert handout.stdout.count("does not replace") == 1


def test_cli_reports_every_invalid_field_with_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "age": 12,
                "strength": [{"movement": "knee_extension", "side": "left", "grade": 7}],
                "red_flags": {"saddle_numb": "present"},
                "sides": ["middle"],
            }
        )
    )
    out = runner.invoke(app, ["assess", str(bad)])
    assert out.exit_code == 2
    for path in ("age", "strength.0.grade", "sides.0", "red_flags"):
        assert f"{path}:" in out.stderr, out.stderr


def test_cli_rejects_malformed_json(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    out = runner.invoke(app, ["assess", str(bad)])
    assert out.exit_code == 2 and "invalid JSON" in out.stderr
