"""The intake Questionnaire (FHIR R4) that EHR form engines render, built from the interview catalogue.

linkIds are the interview question ids (e.g. `rf_saddle`), `pain-<region>` and `numb-<region>` for the body map
(region ids from body_regions.yaml), `odi-1`..`odi-10` and `startback-1`..`startback-9`.
Instrument items carry only their topic, never the copyrighted item wording (instruments.yaml).
Examination items are not in the form: they arrive as Observations.
"""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.questionnaire import Questionnaire

from nerveroot.ehr import codes
from nerveroot.interview import Question, default_questions
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import BodyRegion, Instrument

QUESTIONNAIRE_ID = "nerveroot-intake"
GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("about", "About the pain", ("fact",)),
    ("red-flags", "Warning signs", ("red_flag",)),
    ("history", "Medical history", ("history",)),
    ("symptoms", "Symptoms", ("symptom",)),
)
ASKED_KINDS = frozenset({"fact", "red_flag", "history", "symptom"})
MAPS = (("pain", "pain-map", "Where is the pain?"), ("numb", "numbness-map", "Where is there numbness or tingling?"))
YES_NO = (("yes", "Yes"), ("no", "No"), ("unknown", "Don't know"))
REGION = (("left", "Left leg"), ("right", "Right leg"), ("both", "Both legs"), ("no", "No"))
CHOICES: dict[str, tuple[tuple[str, str], ...]] = {
    "sides": (
        ("left", "Left"),
        ("right", "Right"),
        ("both", "Both"),
        ("neither", "Neither"),
        ("unknown", "Don't know"),
    ),
    "course": (
        ("improving", "Improving"),
        ("stable", "About the same"),
        ("worsening", "Worsening"),
        ("unknown", "Don't know"),
    ),
}
INTEGER_FACTS: dict[str, tuple[int, int]] = {"age": (16, 120), "duration_days": (0, 36500), "pain_score": (0, 10)}


def _options(pairs: tuple[tuple[str, str], ...]) -> list[dict[str, Any]]:
    return [{"valueCoding": {"system": codes.ANSWER, "code": c, "display": d}} for c, d in pairs]


def _bounds(low: int, high: int) -> list[dict[str, Any]]:
    return [
        {"url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueInteger": low},
        {"url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueInteger": high},
    ]


def question_item(question: Question) -> dict[str, Any]:
    """One catalogue question as a Questionnaire item (patient wording)."""
    item: dict[str, Any] = {"linkId": question.id, "text": question.text("patient")}
    if question.kind == "fact" and question.target in INTEGER_FACTS:
        item |= {"type": "integer", "extension": _bounds(*INTEGER_FACTS[question.target])}
        if question.target == "duration_days":
            item["text"] = f"{item['text']} Answer in days."
    elif question.kind == "fact":
        item |= {"type": "choice", "answerOption": _options(CHOICES[question.target])}
    else:
        item |= {"type": "choice", "answerOption": _options(YES_NO)}
        item["code"] = [{"system": codes.FINDING, "code": question.target}]
    return item


def _instrument_group(instrument: Instrument, prefix: str) -> dict[str, Any]:
    items = [
        {
            "linkId": f"{prefix}-{n}",
            "text": f"{n}. {it.topic} (score {it.min}-{it.max})",
            "type": "integer",
            "extension": _bounds(it.min, it.max),
        }
        for n, it in enumerate(instrument.items, start=1)
    ]
    text = f"{instrument.name} {instrument.version}: item topics only; use the licensed form for the wording."
    return {"linkId": prefix, "text": text, "type": "group", "item": items}


def intake_questionnaire(kb: KnowledgeBase, questions: tuple[Question, ...] | None = None) -> Questionnaire:
    """The intake form: facts, red flags, history, symptoms, body maps, ODI and STarT Back."""
    catalogue = [q for q in (questions or default_questions()) if q.kind in ASKED_KINDS]
    groups = [
        {
            "linkId": link,
            "text": text,
            "type": "group",
            "item": [question_item(q) for q in catalogue if q.kind in kinds],
        }
        for link, text, kinds in GROUPS
    ]
    regions = [r for r in kb.all("body_regions", BodyRegion) if r.area != "perineum"]
    for prefix, link, text in MAPS:
        items = [
            {"linkId": f"{prefix}-{r.id}", "text": r.name, "type": "choice", "answerOption": _options(REGION)}
            for r in regions
        ]
        groups.append({"linkId": link, "text": text, "type": "group", "item": items})
    groups.append(_instrument_group(kb.get("instruments", "odi", Instrument), "odi"))
    groups.append(_instrument_group(kb.get("instruments", "startback", Instrument), "startback"))
    return Questionnaire.model_validate(
        {
            "resourceType": "Questionnaire",
            "id": QUESTIONNAIRE_ID,
            "url": codes.INTAKE_URL,
            "version": kb.version,
            "name": "NerverootIntake",
            "title": "nerveroot intake: leg and back pain",
            "status": "active",
            "subjectType": ["Patient"],
            "description": "Intake questions for leg pain from a lumbar nerve root; unanswered items stay unknown.",
            "item": [g for g in groups if g["item"]],
        }
    )
