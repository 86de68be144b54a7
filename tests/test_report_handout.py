"""The plain-language handout (CLI and exports): an emergency comes first and is not followed by self-care."""

from __future__ import annotations

from nerveroot.assessment.assess import assess
from nerveroot.assessment.case import Case
from nerveroot.interfaces.report import clinical_note, patient_handout
from nerveroot.knowledge.base import KnowledgeBase


def test_emergency_handout_leads_with_the_instruction(kb: KnowledgeBase) -> None:
    case = Case.model_validate({"red_flags": {"saddle_anaesthesia": "present"}})
    text = patient_handout(assess(case, kb), kb)
    sections = [line for line in text.splitlines() if line.startswith("## ")]
    assert sections[0] == "## Do this now"
    assert "## What helps" not in sections and "Pain relief" not in text
    assert "cauda equina" in text.split("## When to seek care now")[0].lower()


def test_routine_handout_keeps_self_care(kb: KnowledgeBase) -> None:
    case = Case.model_validate({"red_flags": {"saddle_anaesthesia": "absent", "bladder_dysfunction": "absent"}})
    text = patient_handout(assess(case, kb), kb)
    assert "## Do this now" not in text and "## What helps" in text


def test_handout_keeps_the_first_days_steps_when_the_plan_states_exercise_once(kb: KnowledgeBase) -> None:
    """The exercise recommendation is offered once, in weeks 2 to 6; walking and stretching stay the person's
    first steps in the handout."""
    text = patient_handout(assess(Case(age=38, duration_days=9), kb), kb)
    helps = text.split("## What helps")[1].split("##")[0]
    assert "Aerobic exercise" in helps and "Stretching exercises" in helps
    assert helps.index("Aerobic exercise") < helps.index("Return-to-work support")


def test_clinical_note_says_a_suspected_emergency_must_be_ruled_out_whatever_its_estimate(kb: KnowledgeBase) -> None:
    """A bleed suspected from an anticoagulant and sudden severe pain has a tiny population-based estimate; the note
    must not print it as a bare 0% beside the emergency, and the routine steps come after the emergency."""
    case = Case.model_validate(
        {
            "age": 67,
            "history": {"anticoagulant_use": "present"},
            "red_flags": {"sudden_severe_central_pain": "present"},
        }
    )
    result = assess(case, kb)
    bleed = next(d for d in result.differential if d.id == "epidural_hematoma")
    assert result.triage.level == "emergency" and bleed.must_not_miss
    assert not next(d for d in result.differential if d.id == "disc_herniation").must_not_miss
    text = clinical_note(result, kb)
    assert f"**{bleed.name}**" in text and "must be ruled out (model estimate" in text
    plan = text.split("## Plan")[1]
    assert plan.lstrip().startswith("_Emergency first")


def test_routine_clinical_note_has_no_emergency_preamble(kb: KnowledgeBase) -> None:
    text = clinical_note(assess(Case(age=38, duration_days=9), kb), kb)
    assert "Emergency first" not in text and "must be ruled out" not in text


def test_the_note_asks_the_cauda_equina_questions_first_and_names_every_unasked_red_flag(kb: KnowledgeBase) -> None:
    result = assess(Case(age=44, duration_days=21), kb)
    section = clinical_note(result, kb).split("**Red flags not assessed (ask now):**")[1].split("## ")[0]
    lines = [line for line in section.splitlines() if line.startswith("- ")]
    assert "cauda equina" in lines[0].lower()
    assert all(n.name in section for n in result.triage.not_assessed)
