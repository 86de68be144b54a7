"""Free-text intake: the annotated table meets its targets, the known negation traps hold, spans are exact."""

from __future__ import annotations

import datetime
import logging
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from nerveroot.assessment.case import RED_FLAG_KEYS
from nerveroot.intake import parse_note
from nerveroot.intake.evaluate import DEFAULT_TABLE, evaluate, is_root_localising, load_table
from nerveroot.intake.pipeline import pipeline
from nerveroot.interfaces import cli_intake
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.loader import default_knowledge

TARGET_PRECISION = 0.95
TARGET_RECALL = 0.90
BLIND_DEV_TABLE = Path(__file__).parent / "data" / "intake_holdout_dev.yaml"
BLIND_SECOND_TABLE = Path(__file__).parent / "data" / "intake_holdout_blind.yaml"
BLIND_THIRD_TABLE = Path(__file__).parent / "data" / "intake_holdout_blind2.yaml"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return default_knowledge()


@pytest.fixture(scope="module")
def table() -> list[dict[str, object]]:
    return load_table(DEFAULT_TABLE)


def test_table_is_large_and_covers_every_red_flag_and_root_localising_finding(table: list[dict[str, object]]) -> None:
    assert len(table) >= 150
    expected = [tuple(row) for item in table for row in item.get("expect", [])]  # type: ignore[attr-defined]
    present_ids = {row[0] for row in expected if row[1] == "present"}
    assert set(RED_FLAG_KEYS) <= present_ids
    for prefix in ("weak_", "sensory:"):
        assert any(i.startswith(prefix) for i in present_ids)
    for fid in (
        "patellar_reflex_reduced",
        "achilles_reflex_reduced",
        "medial_hamstring_reflex_reduced",
        "slr_positive",
        "crossed_slr_positive",
        "femoral_stretch_positive",
    ):
        assert fid in present_ids
    assert sum(is_root_localising((r[0], r[1], None)) for r in expected if r[1] == "present") >= 40


def test_table_meets_precision_and_recall_targets(kb: KnowledgeBase, table: list[dict[str, object]]) -> None:
    report = evaluate(kb, table)
    for score in (report.red_flags, report.root_localising):
        assert score.precision >= TARGET_PRECISION, report.lines()
        assert score.recall >= TARGET_RECALL, report.lines()
    assert report.case_correct >= 0.9 * report.case_checks, report.errors


@pytest.mark.parametrize(
    ("path", "size"),
    [
        pytest.param(BLIND_DEV_TABLE, 60, id="blind-set-1-first-half"),
        pytest.param(BLIND_SECOND_TABLE, 60, id="blind-set-1-second-half"),
        pytest.param(BLIND_THIRD_TABLE, 80, id="blind-set-2"),
    ],
)
def test_blind_regression_tables_meet_the_same_targets(kb: KnowledgeBase, path: Path, size: int) -> None:
    """Clinicians' blind-written sets, each measured once blind (figures in each file's header) and then used to
    improve the rules by phrasing family: they must keep meeting the targets, with no false present red flag."""
    rows = load_table(path)
    assert len(rows) >= size
    report = evaluate(kb, rows)
    for score in (report.red_flags, report.root_localising):
        assert score.precision >= TARGET_PRECISION, report.lines()
        assert score.recall >= TARGET_RECALL, report.lines()
    assert report.red_flags.fp == 0, report.errors  # a false present red flag is harmful
    assert report.case_correct == report.case_checks, report.errors


@pytest.mark.parametrize(
    ("text", "finding", "status"),
    [
        pytest.param("No bladder problems.", "bladder_dysfunction", "absent", id="no"),
        pytest.param("Denies saddle numbness.", "saddle_anaesthesia", "absent", id="denies"),
        pytest.param("Numbness: none.", "numbness", "absent", id="colon-none"),
        pytest.param("Is negative for foot drop.", "foot_drop", "absent", id="is-negative-for"),
        pytest.param("Negative SLR.", "slr_positive", "absent", id="negative-slr"),
        pytest.param("Worried it might be bladder trouble.", "bladder_dysfunction", "unknown", id="uncertain"),
        pytest.param("Mother had sciatica and bowel incontinence.", "bowel_dysfunction", "unknown", id="family"),
        pytest.param("If you notice weakness, come back.", "weakness", "unknown", id="hypothetical"),
        pytest.param("No weakness but tingling.", "paresthesia", "present", id="but-ends-negation"),
        pytest.param("No weakness but tingling.", "weakness", "absent", id="but-keeps-negation"),
        pytest.param("No fever, however has night pain.", "night_pain", "present", id="however"),
        pytest.param("Previous breast cancer.", "cancer_history", "present", id="history-not-historical"),
        pytest.param("No history of cancer.", "cancer_history", "absent", id="no-history-of"),
        pytest.param("Absent ankle jerks.", "achilles_reflex_reduced", "present", id="absent-reflex-is-a-finding"),
        pytest.param("No change in the numbness.", "numbness", "present", id="pseudo-negation"),
        pytest.param("Safety-netted re saddle anaesthesia.", "saddle_anaesthesia", "unknown", id="safety-net"),
        pytest.param("Pins and needles down the front of my shin.", "paresthesia", "present", id="lay-tingling"),
        pytest.param("I'm wetting myself.", "bladder_dysfunction", "present", id="lay-bladder"),
        pytest.param("Numb down below.", "saddle_anaesthesia", "present", id="lay-saddle"),
        pytest.param("I can't lift my big toe.", "weak_great_toe_extension", "present", id="lay-toe"),
        pytest.param("?CES – saddle anaesthesia and retention.", "saddle_anaesthesia", "present", id="hedge-only-x"),
        pytest.param("?saddle anaesthesia, to re-examine.", "saddle_anaesthesia", "unknown", id="hedge-glued"),
        pytest.param("Nil urinary sx.", "bladder_dysfunction", "absent", id="nil"),
        pytest.param("Saddle anaesthesia -ve.", "saddle_anaesthesia", "absent", id="minus-ve"),
        pytest.param("Sensation NAD.", "numbness", "absent", id="nad"),
        pytest.param("PR: tone lax.", "bowel_dysfunction", "present", id="function-verdict-impaired"),
        pytest.param("PR not done.", "bowel_dysfunction", "unknown", id="function-without-verdict"),
        pytest.param("Gait normal.", "gait_disturbance", "absent", id="function-verdict-normal"),
        pytest.param("PVR 450 mL.", "bladder_dysfunction", "present", id="residual-over-200"),
        pytest.param("PVR 60 mL.", "bladder_dysfunction", "unknown", id="residual-small"),
        pytest.param("Temp 36.9.", "fever", "absent", id="temperature-normal"),
        pytest.param("Weight loss, intentional through dieting.", "unexplained_weight_loss", "absent", id="diet"),
        pytest.param("Weight-bearing is painful.", "unexplained_weight_loss", "unknown", id="weight-bearing"),
        pytest.param("If you become unsteady, attend ED.", "gait_disturbance", "unknown", id="hypothetical-gait"),
        pytest.param("Saddle anaesthesia denied.", "saddle_anaesthesia", "absent", id="denied-after"),
        pytest.param("Rule out discitis – IVDU, febrile.", "fever", "present", id="dash-ends-hedge"),
        pytest.param("Advised re CES – saddle numbness, retention.", "saddle_anaesthesia", "unknown", id="dash-net"),
        pytest.param("She can no longer reach a climax.", "sexual_dysfunction", "present", id="cue-inside-phrase"),
        pytest.param("Symptoms confined to the R leg.", "bilateral_leg_symptoms", "absent", id="one-leg-only"),
        pytest.param("Sx one-sided.", "bilateral_leg_symptoms", "absent", id="one-sided"),
        pytest.param("No sudden severe back pain.", "back_pain", "unknown", id="negated-flag-keeps-symptom"),
        pytest.param("No progressive weakness.", "weakness", "unknown", id="negated-progression-keeps-weakness"),
        pytest.param("Should the numbness spread, return.", "numbness", "unknown", id="inverted-conditional"),
        pytest.param("?slight R foot drop.", "foot_drop", "unknown", id="hedge-glued-to-qualifier"),
        pytest.param("The pain never wakes him.", "night_pain", "absent", id="negation-in-wildcard"),
        pytest.param("Sleeping well.", "night_pain", "unknown", id="sleep-alone-says-nothing"),
        pytest.param("Sleeps well despite the pain.", "night_pain", "absent", id="sleep-with-pain"),
        pytest.param("Wakes at 4 am with pain.", "night_pain", "present", id="small-hours"),
        pytest.param("Had a chest infection years ago.", "recent_infection", "unknown", id="distant-infection"),
        pytest.param("UTI a fortnight ago.", "recent_infection", "present", id="recent-infection"),
        pytest.param("Catheterised, drained 900 mL.", "bladder_dysfunction", "present", id="catheter-yield"),
        pytest.param("Catheter drained 150 mL.", "bladder_dysfunction", "unknown", id="catheter-small"),
        pytest.param("He hasn't felt the need to pee.", "bladder_dysfunction", "present", id="negated-urge"),
        pytest.param("Bowels: can't feel when she needs to go.", "bowel_dysfunction", "present", id="urge-bowel"),
        pytest.param("Can't feel when I need to go.", "bladder_dysfunction", "unknown", id="urge-unplaced"),
        pytest.param("Bladder OK; can't feel when he needs to go.", "bladder_dysfunction", "absent", id="urge-not-ok"),
        pytest.param("LT reduced S3-5.", "saddle_anaesthesia", "present", id="sacral-dermatomes"),
        pytest.param("S3/4/5 sensation intact.", "saddle_anaesthesia", "absent", id="sacral-intact"),
        pytest.param("Numb saddle, like cotton wool.", "numbness", "unknown", id="saddle-simile"),
        pytest.param("DF 4/5 → 3/5 over 24 h.", "progressive_weakness", "present", id="grade-fell"),
        pytest.param("EHL improved from 3/5 to 4/5.", "progressive_weakness", "absent", id="grade-rose"),
        pytest.param("If power drops from 4/5 to 3/5, refer.", "progressive_weakness", "unknown", id="grade-if"),
        pytest.param("Came off his motorcycle at speed.", "major_trauma", "present", id="came-off-motorbike"),
        pytest.param("Driving at 40 mph to work.", "major_trauma", "unknown", id="speed-without-crash"),
        pytest.param("Pain further up in the upper back.", "thoracic_pain", "present", id="pain-higher-up"),
    ],
)
def test_trap(kb: KnowledgeBase, text: str, finding: str, status: str) -> None:
    assert parse_note(text, kb).status(finding) == status


def test_structured_exam_values(kb: KnowledgeBase) -> None:
    case = parse_note(
        "Power: L ankle DF 4/5, EHL 3/5. Knee jerk reduced on the left. SLR positive at 40° on the left.", kb
    ).case
    assert {(s.movement, s.side, s.grade) for s in case.strength} == {
        ("ankle_dorsiflexion", "left", 4),
        ("great_toe_extension", "left", 3),
    }
    assert [(r.reflex, r.side, r.result) for r in case.reflexes] == [("patellar", "left", "reduced")]
    assert [(p.test, p.side, p.result, p.angle) for p in case.provocative] == [("slr", "left", "positive", 40)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("EHL 4-/5 L.", [("great_toe_extension", "left", 4)], id="minus-is-4"),
        pytest.param("R ankle DF 4+.", [("ankle_dorsiflexion", "right", 4)], id="bare-plus-is-4"),
        pytest.param(
            "L ankle eversion 4-, inversion 5.",
            [("ankle_eversion", "left", 4), ("ankle_inversion", "left", 5)],
            id="bare-list",
        ),
        pytest.param("Hip flexion 5-/5 R.", [("hip_flexion", "right", 5)], id="five-minus-is-5"),
    ],
)
def test_mrc_notation(kb: KnowledgeBase, text: str, expected: list[tuple[str, str, int]]) -> None:
    case = parse_note(text, kb).case
    assert sorted((s.movement, s.side, s.grade) for s in case.strength) == sorted(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("KJ ↓ L.", [("patellar", "left", "reduced")], id="arrow"),
        pytest.param("AJ 1+ L, 2+ R.", [("achilles", "left", "reduced"), ("achilles", "right", "normal")], id="grades"),
        pytest.param(
            "Reflexes: L knee 0, R knee 3+.",
            [("patellar", "left", "absent"), ("patellar", "right", "brisk")],
            id="sites-after-header",
        ),
        pytest.param("Knee 0 on the left.", [], id="bare-site-needs-reflex-context"),
        pytest.param(
            "Ankle jerks 0 / 2+ (L / R).",
            [("achilles", "left", "absent"), ("achilles", "right", "normal")],
            id="ordered-side-list",
        ),
        pytest.param(
            "AJ 1+ symmetrical.", [("achilles", "left", "reduced"), ("achilles", "right", "reduced")], id="sym"
        ),
        pytest.param(
            "Ankle jerk reduced on the R compared with the L.",
            [("achilles", "right", "reduced"), ("achilles", "left", "normal")],
            id="compared-with",
        ),
    ],
)
def test_reflex_notation(kb: KnowledgeBase, text: str, expected: list[tuple[str, str, str]]) -> None:
    case = parse_note(text, kb).case
    assert sorted((r.reflex, r.side, r.result) for r in case.reflexes) == sorted(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("KE 4+/5 L, KF 5/5 L.", [("knee_extension", "left", 4), ("knee_flexion", "left", 5)], id="abbrev"),
        pytest.param("HF 5/5 B/L.", [("hip_flexion", "left", 5), ("hip_flexion", "right", 5)], id="split-b/l"),
        pytest.param(
            "TA and EHL both 4/5 R.",
            [("ankle_dorsiflexion", "right", 4), ("great_toe_extension", "right", 4)],
            id="both-counts-items",
        ),
        pytest.param("TA now 3/5 L (was 4/5).", [("ankle_dorsiflexion", "left", 3)], id="earlier-grade-dropped"),
        pytest.param("Quads wasting R, power 4/5.", [("knee_extension", "right", 4)], id="muscle-in-wasting"),
    ],
)
def test_strength_families(kb: KnowledgeBase, text: str, expected: list[tuple[str, str, int]]) -> None:
    case = parse_note(text, kb).case
    assert sorted((s.movement, s.side, s.grade) for s in case.strength) == sorted(expected)


@pytest.mark.parametrize(
    ("text", "finding", "side", "status"),
    [
        pytest.param("No back pain, though the R calf has gone numb.", "sensory:posterior_calf", "right", "present"),
        pytest.param("The calf is not numb.", "sensory:posterior_calf", None, "absent"),
        pytest.param("Reduced PP over the dorsum of the R foot.", "sensory:dorsum_foot", "right", "present"),
        pytest.param("Numb down the little-toe side of my left foot.", "sensory:lateral_foot", "left", "present"),
        pytest.param("Aching behind the right thigh.", "pain:posterior_thigh", "right", "present"),
        pytest.param("Aching R upper anterior thigh.", "pain:upper_anterior_thigh", "right", "present"),
    ],
)
def test_region_families(kb: KnowledgeBase, text: str, finding: str, side: str | None, status: str) -> None:
    assert parse_note(text, kb).status(finding, side) == status  # type: ignore[arg-type]


def test_straight_leg_raise_per_side(kb: KnowledgeBase) -> None:
    case = parse_note("SLR L 50° reproducing buttock pain; R 80°, no pain.", kb).case
    assert sorted((p.side, p.result, p.angle) for p in case.provocative) == [
        ("left", "positive", 50),
        ("right", "negative", 80),
    ]


def test_demographics_and_relative_dates(kb: KnowledgeBase) -> None:
    case = parse_note("38F, leg pain since Monday after lifting a box.", kb, today=datetime.date(2026, 11, 19)).case
    assert (case.age, case.sex, case.duration_days, case.trigger) == (38, "female", 3, "lifting")


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("My gran is 84 and her leg hurts.", 84),
        ("my husband's 67, sciatica again", 67),
        ("My son is 12 weeks in.", None),
    ],
)
def test_a_relatives_age_told_by_the_writer(kb: KnowledgeBase, text: str, age: int | None) -> None:
    assert parse_note(text, kb).case.age == age
    assert parse_note("Leg pain since Monday.", kb).case.duration_days is None


def test_every_finding_points_at_its_own_words(kb: KnowledgeBase, table: list[dict[str, object]]) -> None:
    for item in table:
        text = str(item["text"])
        for finding in parse_note(text, kb).findings:
            assert text[finding.start : finding.end] == finding.text_span
            assert finding.text_span.strip()


def test_pipeline_is_built_once(kb: KnowledgeBase) -> None:
    assert pipeline(kb) is pipeline(kb)


def test_no_patient_text_in_logs(
    kb: KnowledgeBase, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    secret = "Zebulon wetting himself since Tuesday"
    with caplog.at_level(logging.DEBUG):
        parse_note(secret, kb)
    out, err = capfd.readouterr()
    assert "Zebulon" not in caplog.text + out + err


def test_cli_commands() -> None:
    app = typer.Typer()
    cli_intake.register(app)
    runner = CliRunner()
    result = runner.invoke(app, ["intake-eval"])
    assert result.exit_code == 0, result.output
    assert "red flags (present)" in result.output and "root-localising (present)" in result.output
    result = runner.invoke(app, ["intake", "45 yo man, no bladder problems, EHL 4/5 on the right."])
    assert result.exit_code == 0, result.output
    assert '"bladder_dysfunction": "absent"' in result.output and '"great_toe_extension"' in result.output


@pytest.mark.parametrize(
    ("text", "egfr"),
    [("On apixaban, eGFR 28.", 28), ("CKD3, eGFR 45 ml/min/1.73m2.", 45), ("GFR 60 in May, eGFR 38 today.", 38)],
)
def test_an_egfr_in_a_note_sets_the_drug_safety_factor(kb: KnowledgeBase, text: str, egfr: int) -> None:
    safety = parse_note(text, kb).case.drug_safety
    assert safety is not None and safety.egfr == egfr


@pytest.mark.parametrize(
    ("text", "pregnancy", "trimester", "breastfeeding"),
    [
        ("30F, 28/40 pregnant, L sciatica 2/52.", "present", 3, "unknown"),
        ("I'm 8 months pregnant and my leg hurts.", "present", 3, "unknown"),
        ("G2P1, 16 weeks pregnant.", "present", 2, "unknown"),
        ("Not pregnant. Sciatica.", "absent", None, "unknown"),
        ("Urine hCG -ve, sciatica.", "absent", None, "unknown"),
        ("Might be pregnant, sciatica.", "unknown", None, "unknown"),
        ("Had a baby 6 weeks ago, breastfeeding.", "unknown", None, "present"),
    ],
)
def test_pregnancy_and_breastfeeding_set_the_drug_safety_factors(
    kb: KnowledgeBase, text: str, pregnancy: str, trimester: int | None, breastfeeding: str
) -> None:
    safety = parse_note(text, kb).case.drug_safety
    assert safety is not None
    assert (safety.pregnancy, safety.trimester, safety.breastfeeding) == (pregnancy, trimester, breastfeeding)
