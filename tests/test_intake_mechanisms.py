"""The general mechanisms of free-text intake: chunks, values with units, medicines, procedures, template sections,
the red-flag safety net and the outside evaluator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nerveroot.intake import parse_note
from nerveroot.intake.chunks import MAX_WORDS, chunks
from nerveroot.intake.outside import evaluate_outside
from nerveroot.intake.timing import days_ago
from nerveroot.intake.values import readings
from nerveroot.knowledge.base import KnowledgeBase

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@given(st.lists(st.sampled_from(["LBP 3/52.", "O/E: SLR R 40.", "\n\n", "PMH: nil\n", "word", "Red flags: none\n"])))
@settings(max_examples=60, deadline=None)
def test_chunks_cover_the_note_exactly_in_order(parts: list[str]) -> None:
    text = " ".join(parts * 20)
    pieces = chunks(text)
    assert "".join(piece for _, piece in pieces) == text
    assert all(text[offset : offset + len(piece)] == piece for offset, piece in pieces)
    assert all(len(piece.split()) <= MAX_WORDS for _, piece in pieces) or len(pieces) == 1


def test_a_long_note_gives_the_same_findings_with_offsets_into_the_whole_note(kb: KnowledgeBase) -> None:
    filler = "Pain is mechanical and worse on sitting. " * 60
    note = filler + "\n\nO/E: L EHL 3/5. Saddle anaesthesia.\n\n" + filler
    intake = parse_note(note, kb)
    assert len(chunks(note)) > 1
    saddle = next(f for f in intake.findings if f.id == "saddle_anaesthesia")
    assert note[saddle.start : saddle.end] == saddle.text_span
    assert intake.case.red_flags["saddle_anaesthesia"] == "present"
    assert any(s.movement == "great_toe_extension" and s.grade == 3 for s in intake.case.strength)


@pytest.mark.parametrize(
    ("text", "measure", "value", "finding"),
    [
        ("temperature is 103°F", "temperature_c", 39.4, ("fever", "present")),
        ("T 36.8, apyrexial", "temperature_c", 36.8, ("fever", "absent")),
        ("CRP 110 mg/L", "crp_mg_l", 110.0, ("raised_inflammatory_markers", "present")),
        ("The ESR is 25 mm/1h (normal: 0-30).", "esr_mm_h", 25.0, ("raised_inflammatory_markers", "absent")),
        ("White blood cell count was 16,100/µL", "wbc_10e9_l", 16.1, ("raised_inflammatory_markers", "present")),
        ("BP 85/50", "systolic_bp", 85.0, ("hypotension", "present")),
        ("PVR 450 ml", "post_void_residual_ml", 450.0, ("bladder_dysfunction", "present")),
    ],
)
def test_values_with_units(text: str, measure: str, value: float, finding: tuple[str, str]) -> None:
    (reading,) = [r for r in readings(text) if r.measure == measure]
    assert reading.value == value
    assert finding in reading.findings


def test_an_implausible_value_is_not_a_reading() -> None:
    assert not list(readings("temperature 4 weeks"))
    assert not list(readings("heart rate 900"))


@pytest.mark.parametrize(
    ("text", "days"),
    [("7 days ago", 7), ("2/52 ago", 14), ("yesterday", 1), ("3 weeks post-op", 21), ("no time here", None)],
)
def test_days_ago(text: str, days: int | None) -> None:
    assert days_ago(text) == days


def test_drug_names_map_to_classes_and_drug_safety(kb: KnowledgeBase) -> None:
    intake = parse_note("Meds: Eliquis 5 mg bd, ramipril, long-term pred for PMR.", kb)
    assert intake.status("anticoagulant_use") == "present"
    assert intake.case.history["long_term_steroids"] == "present"
    assert intake.case.drug_safety.anticoagulant == "present"
    assert {"drug:apixaban", "drug:ramipril", "drug:prednisolone"} <= intake.present()


@pytest.mark.parametrize("text", ["Stopped warfarin last year.", "Allergic to aspirin.", "Not on blood thinners."])
def test_a_drug_not_taken_now_is_not_current(kb: KnowledgeBase, text: str) -> None:
    intake = parse_note(text, kb)
    assert intake.status("anticoagulant_use") != "present"
    assert intake.status("antiplatelet_use") != "present"


def test_a_misspelt_drug_name_is_read(kb: KnowledgeBase) -> None:
    assert parse_note("i take warferin for my AF", kb).status("anticoagulant_use") == "present"


def test_a_dated_spinal_procedure_is_recent(kb: KnowledgeBase) -> None:
    intake = parse_note("Had an epidural steroid injection 10 days ago.", kb)
    assert intake.status("recent_spinal_procedure") == "present"
    assert next(f for f in intake.findings if f.id == "procedure:epidural_injection").value == 10


@pytest.mark.parametrize("text", ["Suspected spinal epidural abscess.", "Plan: lumbar decompression."])
def test_a_procedure_not_said_to_have_happened_is_not_read(kb: KnowledgeBase, text: str) -> None:
    intake = parse_note(text, kb)
    assert not any(f.id.startswith("procedure:") for f in intake.findings)
    assert intake.status("recent_spinal_procedure") != "present"


def test_a_denied_template_section_makes_its_screen_absent(kb: KnowledgeBase) -> None:
    intake = parse_note("PC: LBP 3/52\nRed flags: none\nDH: nil\nO/E: SLR R 40", kb)
    for key in ("saddle_anaesthesia", "bladder_dysfunction", "fever", "cancer_history"):
        assert intake.case.status(key) == "absent"
    assert intake.status("anticoagulant_use") == "absent"
    assert intake.case.drug_safety.anticoagulant == "absent"


def test_a_named_red_flag_wins_over_a_denied_section(kb: KnowledgeBase) -> None:
    intake = parse_note("HPC: new urinary retention.\nRed flags: none", kb)
    assert intake.case.red_flags["bladder_dysfunction"] == "present"


SAFETY_NET_NOTES = [
    ("his saddle region is odd", "cauda_equina"),
    ("his anal sphincter was odd", "cauda_equina"),
    ("elevated acute phase reactants of unclear type", "infection"),
    ("an aortic problem was mentioned by his GP", "vascular"),
    ("she takes an INR-monitored tablet", "haematoma"),
]


@pytest.mark.parametrize(("text", "group"), SAFETY_NET_NOTES)
def test_a_red_flag_word_not_understood_is_listed_to_confirm(kb: KnowledgeBase, text: str, group: str) -> None:
    intake = parse_note(text, kb)
    assert group in {item.group for item in intake.to_confirm}


def test_safety_netting_advice_is_not_listed(kb: KnowledgeBase) -> None:
    assert not parse_note("Advised to return if any bladder or bowel problems.", kb).to_confirm


@given(
    st.sampled_from(["bladder", "bowel", "saddle", "fever", "anticoagulated", "pulses", "paraparesis", "weight loss"]),
    st.sampled_from(["{} odd today.", "Some {} issue.", "{}?", "Query {} change, not examined."]),
)
@FAST
def test_no_red_flag_word_is_silently_dropped(kb: KnowledgeBase, word: str, template: str) -> None:
    """Every red-flag word either becomes a present or absent finding or is listed to confirm."""
    intake = parse_note(template.format(word), kb)
    read = any(f.status != "unknown" and f.kind in ("red_flag", "history") for f in intake.findings)
    assert read or intake.to_confirm


def test_clinical_words_that_give_no_finding_are_reported(kb: KnowledgeBase) -> None:
    intake = parse_note("Dermatomal mapping was inconclusive.", kb)
    assert [u.group for u in intake.unparsed] == ["unparsed"]


def test_outside_evaluator_scores_labels(kb: KnowledgeBase, tmp_path: Path) -> None:
    rows = [
        {
            "id": "x1",
            "text": "On warfarin; urinary retention and saddle anaesthesia; L EHL 3/5.",
            "labels": {
                "red_flags_present": ["bladder_dysfunction", "saddle_anaesthesia", "anticoagulant_use"],
                "red_flags_absent": [],
                "localising_findings": ["weak_great_toe_extension_left"],
                "duration_days": None,
                "drugs": ["warfarin"],
                "procedures": [],
            },
        },
        {
            "id": "x2",
            "text": "Flank pain.",
            "labels": {"red_flags_present": ["fever"], "red_flags_absent": [], "localising_findings": []},
        },
        {
            "id": "x3",
            "text": "Mild ache after gardening; sees her GP about a bladder thing tomorrow.",
            "labels": {"red_flags_present": [], "red_flags_absent": [], "localising_findings": []},
        },
    ]
    path = tmp_path / "outside.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    report = evaluate_outside(kb, path)
    assert (report.red_present.tp, report.red_present.fn) == (3, 1)
    assert report.red_present.fp == 1  # flank pain read, not labelled
    assert (report.localising.tp, report.drugs.tp) == (1, 1)
    assert report.silently_dropped == ["x2: fever"]
    assert report.no_flag_items == 1
    assert [a.split(":")[0] for a in report.false_alarms] == ["x3"]


def test_a_named_dermatome_gives_the_root_and_its_sensory_regions(kb: KnowledgeBase) -> None:
    intake = parse_note("paraesthesia L4 dist R", kb)
    root = next(f for f in intake.findings if f.id == "root_distribution")
    assert (root.value, root.side) == ("L4", "right")
    assert {m.region for m in intake.case.sensory_regions if m.side == "right"} >= {"medial_leg"}


def test_a_named_radiculopathy_is_a_finding_without_regions(kb: KnowledgeBase) -> None:
    intake = parse_note("L5 radiculopathy on the left.", kb)
    assert any(f.id == "root_distribution" and f.value == "L5" for f in intake.findings)
    assert not intake.case.sensory_regions


def test_the_case_carries_the_contract_fields(kb: KnowledgeBase) -> None:
    note = "R foot drop, progressive. On warfarin; epidural 5 days ago. T 38.5, CRP 120. Saddle area odd."
    case = parse_note(note, kb).case
    assert case.history["anticoagulant_use"] == "present"
    assert case.history["recent_spinal_procedure"] == "present"
    assert [(p.kind, p.days_ago) for p in case.procedures] == [("epidural_injection", 5)]
    assert (case.observations.temperature_c, case.observations.crp_mg_l) == (38.5, 120.0)
    assert any(
        s.movement == "ankle_dorsiflexion" and s.described == "severe" and s.side == "right" for s in case.strength
    )
    assert "cauda_equina" in {m.group for m in case.to_confirm}


def test_an_undated_operation_is_history_not_a_recent_procedure(kb: KnowledgeBase) -> None:
    case = parse_note("PMH: previous discectomy.", kb).case
    assert not case.procedures


def test_a_procedure_label_may_be_free_text_or_an_object(kb: KnowledgeBase, tmp_path: Path) -> None:
    """Collectors write a procedure label as plain words or as {"what": ...}; both are scored the same way."""
    note = "Had a lumbar epidural steroid injection five days ago."
    rows = [
        {"id": "p1", "text": note, "labels": {"procedures": ["lumbar epidural steroid injection"]}},
        {"id": "p2", "text": note, "labels": {"procedures": [{"what": "epidural injection", "days_ago": 5}]}},
    ]
    path = tmp_path / "outside.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    report = evaluate_outside(kb, path)
    assert (report.procedures.tp, report.procedures.fn) == (2, 0)


def test_outside_labels_name_both_legs_and_a_root_the_way_collectors_write_them(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    labels = {"red_flags_present": [], "red_flags_absent": [], "drugs": [], "procedures": [], "duration_days": None}
    rows = [
        {"id": "b1", "text": "Ankle jerks absent bilaterally.",
         "labels": {**labels, "localising_findings": ["achilles_reflex_reduced_bilateral"]}},
        {"id": "b2", "text": "Numbness in the L5 dermatome on the right.",
         "labels": {**labels, "localising_findings": ["named_root_distribution_L5_right"]}},
    ]  # fmt: skip
    path = tmp_path / "outside.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    report = evaluate_outside(kb, path)
    assert (report.localising.tp, report.localising.fn) == (3, 0)
