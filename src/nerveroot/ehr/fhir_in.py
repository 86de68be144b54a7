"""FHIR R4 in: typed Patient, Condition, Observation and QuestionnaireResponse resources → a Case.

What is read:
- Patient: age (from birthDate, on `today`) and sex.
- Condition: a nerveroot finding code (history, red-flag, symptom or drug-safety key such as `ckd`) → present,
  or absent when verificationStatus is `refuted`; ICD-10-CM E08-E13 → diabetes, C00-C96 → cancer_history (present).
- Observation (status final/amended/corrected/preliminary): LOINC 72514-3 → worst pain score; nerveroot finding
  codes (`codes.FINDING`): keys with valueBoolean or a yes/no code; `strength.<movement>` valueInteger (MRC 0-5);
  `reflex.<reflex>` and `test.<test>` with a finding-result code or string. Side from bodySite (SNOMED CT
  7771000 Left, 24028007 Right, or text 'left'/'right'); no side → both legs for examination findings.
- QuestionnaireResponse answering the nerveroot intake Questionnaire (others are ignored, never guessed at).
Anything not understood is listed in `ignored`, never read as absent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse, QuestionnaireResponseItem
from fhir.resources.R4B.resource import Resource
from pydantic import ValidationError

from nerveroot.assessment.case import (
    HISTORY_KEYS,
    RED_FLAG_KEYS,
    SYMPTOM_KEYS,
    Case,
    DrugSafety,
    ProvocativeResult,
    ReflexTest,
    RegionMark,
    Side,
    StrengthTest,
)
from nerveroot.ehr import codes
from nerveroot.errors import InputValidationError, Problem
from nerveroot.interview import Question, default_questions
from nerveroot.interview.answers import UNKNOWN, apply_value

SIDES: tuple[Side, Side] = ("left", "right")
ODI_PREFIX, STARTBACK_PREFIX = "odi-", "startback-"
MAP_PREFIXES = {"pain-": "pain_regions", "numb-": "sensory_regions"}
ASKED_KINDS = frozenset({"fact", "red_flag", "history", "symptom"})
_KEY_TABLE = {**dict.fromkeys(RED_FLAG_KEYS, "red_flags"), **dict.fromkeys(HISTORY_KEYS, "history")}
_KEY_TABLE |= dict.fromkeys(SYMPTOM_KEYS, "symptoms")
DRUG_SAFETY_KEYS = tuple(k for k, f in DrugSafety.model_fields.items() if f.default == "unknown")
_KEY_TABLE |= dict.fromkeys(DRUG_SAFETY_KEYS, "drug_safety")
_ICD_RANGES: tuple[tuple[str, str, str], ...] = (("E08", "E13", "diabetes"), ("C00", "C96", "cancer_history"))
_USABLE_OBSERVATION = {"final", "amended", "corrected", "preliminary"}
_ICD_HEAD = re.compile(r"^([A-Z]\d{2})")


def parse_resource(data: Any, path: str, allowed: tuple[str, ...] | None = None) -> Resource:
    """A typed R4 resource; InputValidationError with field paths when it does not validate."""
    if not isinstance(data, dict) or not isinstance(data.get("resourceType"), str):
        raise InputValidationError([Problem(path, "expected a FHIR resource with a resourceType")])
    kind = data["resourceType"]
    if allowed is not None and kind not in allowed:
        raise InputValidationError([Problem(f"{path}.resourceType", f"expected one of {', '.join(allowed)}")])
    try:
        model = get_fhir_model_class(kind)
    except KeyError as exc:
        raise InputValidationError([Problem(f"{path}.resourceType", f"unknown resource type {kind!r}")]) from exc
    try:
        return cast(Resource, model.model_validate(data))
    except ValidationError as exc:
        problems = [
            Problem(".".join([path, *(str(p) for p in e["loc"])]), e["msg"])
            for e in exc.errors(include_url=False, include_input=False)
        ]
        raise InputValidationError(problems) from exc


def unbundle(resource: Resource) -> list[Resource]:
    """The resources of a searchset Bundle, or the resource itself."""
    if isinstance(resource, Bundle):
        return [e.resource for e in resource.entry or [] if e.resource is not None]
    return [resource]


@dataclass
class FhirIntake:
    """The Case built from FHIR input, with what was used and what was not understood."""

    case: Case
    used: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def _codes(concept: CodeableConcept | None, system: str) -> list[str]:
    return [c.code for c in (concept.coding or []) if c.system == system and c.code] if concept else []


def _age(birth: date | None, today: date) -> int | None:
    if birth is None:
        return None
    years = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    return years if 16 <= years <= 120 else None


def _birth_date(patient: Patient) -> date | None:
    value: Any = patient.birthDate
    if isinstance(value, date):
        return value
    text = str(value or "")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text)
    return None  # a year or year-month is too coarse for an age on a given day


def _side(observation: Observation) -> list[Side]:
    site = observation.bodySite
    if site is None:
        return []
    found = [s for s in SIDES if codes.LATERALITY[s] in _codes(site, codes.SNOMED)]
    text = (site.text or "").lower()
    found += [s for s in SIDES if s in text.split() and s not in found]
    return found


def _answer_code(observation: Observation) -> str | None:
    if observation.valueCodeableConcept is not None:
        for system in (codes.RESULT, codes.ANSWER):
            hits = _codes(observation.valueCodeableConcept, system)
            if hits:
                return hits[0]
        return (observation.valueCodeableConcept.text or "").strip().lower() or None
    if observation.valueString is not None:
        return str(observation.valueString).strip().lower()
    if observation.valueBoolean is not None:
        return "yes" if observation.valueBoolean else "no"
    return None


class _Builder:
    def __init__(self, today: date) -> None:
        self.today = today
        self.data: dict[str, Any] = {}
        self.used: list[str] = []
        self.ignored: list[str] = []

    def status(self, key: str, value: str, where: str) -> None:
        table = self.data.setdefault(_KEY_TABLE[key], {})
        table[key] = value
        self.used.append(where)

    def patient(self, patient: Patient, where: str) -> None:
        age = _age(_birth_date(patient), self.today)
        if age is not None:
            self.data["age"] = age
        if patient.gender in ("female", "male", "other", "unknown"):
            self.data["sex"] = patient.gender
        self.used.append(where)

    def condition(self, condition: Condition, where: str) -> None:
        refuted = "refuted" in _codes(condition.verificationStatus, codes.CONDITION_VERIFICATION)
        keys = [k for k in _codes(condition.code, codes.FINDING) if k in _KEY_TABLE]
        for icd in _codes(condition.code, codes.ICD10CM):
            head = _ICD_HEAD.match(icd)
            keys += [key for low, high, key in _ICD_RANGES if head and low <= head.group(1) <= high]
        if not keys:
            self.ignored.append(where)
        for key in keys:
            self.status(key, "absent" if refuted else "present", where)

    def observation(self, obs: Observation, where: str, exam: dict[str, list[Any]]) -> None:
        if obs.status not in _USABLE_OBSERVATION:
            self.ignored.append(where)
            return
        nrs = obs.valueInteger if codes.PAIN_NRS_LOINC in _codes(obs.code, codes.LOINC) else None
        if nrs is not None and 0 <= nrs <= 10:
            self.data["pain_score"] = max(nrs, self.data.get("pain_score", 0))
            self.used.append(where)
            return
        for code in _codes(obs.code, codes.FINDING):
            if self._finding(code, obs, exam):
                self.used.append(where)
                return
        self.ignored.append(where)

    def _finding(self, code: str, obs: Observation, exam: dict[str, list[Any]]) -> bool:
        answer = _answer_code(obs)
        sides = _side(obs) or list(SIDES)
        kind, _, name = code.partition(".")
        if code in _KEY_TABLE and answer in ("yes", "no", "present", "absent", "positive", "negative"):
            present = answer in ("yes", "present", "positive")
            table = self.data.setdefault(_KEY_TABLE[code], {})
            table[code] = "present" if present else "absent"
            return True
        try:
            if kind == "strength" and obs.valueInteger is not None:
                exam["strength"] += [StrengthTest(movement=name, side=s, grade=obs.valueInteger) for s in sides]
                return True
            if kind == "reflex" and answer in ("normal", "reduced", "absent", "brisk"):
                exam["reflexes"] += [ReflexTest(reflex=name, side=s, result=answer) for s in sides]
                return True
            if kind == "test" and answer in ("positive", "negative"):
                exam["provocative"] += [ProvocativeResult(test=name, side=s, result=answer) for s in sides]
                return True
        except ValidationError:
            return False
        return False


def _answer_value(item: QuestionnaireResponseItem) -> Any:
    for answer in item.answer or []:
        if answer.valueCoding is not None:
            return answer.valueCoding.code
        for name in ("valueInteger", "valueBoolean", "valueString", "valueDecimal"):
            value = getattr(answer, name)
            if value is not None:
                return value
    return None


def _walk(items: list[QuestionnaireResponseItem] | None) -> list[QuestionnaireResponseItem]:
    out: list[QuestionnaireResponseItem] = []
    for item in items or []:
        out.append(item)
        out += _walk(item.item)
        for answer in item.answer or []:
            out += _walk(answer.item)
    return out


def _apply_response(case: Case, response: QuestionnaireResponse, where: str, intake: FhirIntake) -> Case:
    """Answers of the nerveroot intake form written onto the case (unknown answers leave items unknown)."""
    if response.questionnaire != codes.INTAKE_URL or response.status not in ("completed", "amended", "in-progress"):
        intake.ignored.append(where)
        return case
    catalogue: dict[str, Question] = {q.id: q for q in default_questions() if q.kind in ASKED_KINDS}
    marks: dict[str, list[RegionMark]] = {"pain_regions": [], "sensory_regions": []}
    odi: list[int | None] = [None] * 10
    startback: list[int | None] = [None] * 9
    problems: list[Problem] = []
    for item in _walk(response.item):
        value = _answer_value(item)
        link = item.linkId or ""
        if value is None:
            continue
        try:
            if link.startswith(ODI_PREFIX) or link.startswith(STARTBACK_PREFIX):
                scores, prefix = (odi, ODI_PREFIX) if link.startswith(ODI_PREFIX) else (startback, STARTBACK_PREFIX)
                index = int(link.removeprefix(prefix)) - 1
                top = 5 if prefix == ODI_PREFIX else (4 if index == 8 else 1)
                if not 0 <= int(value) <= top or index < 0:
                    raise ValueError(f"score {value} is outside 0-{top}")
                scores[index] = int(value)
            elif link in catalogue:
                case = _apply_question(case, catalogue[link], value)
            elif prefix_field := next(((p, f) for p, f in MAP_PREFIXES.items() if link.startswith(p)), None):
                marks[prefix_field[1]] += _marks(link.removeprefix(prefix_field[0]), str(value))
        except (ValueError, IndexError, ValidationError) as exc:
            problems.append(Problem(f"{where}.item[{link}]", str(exc).splitlines()[0]))
    if problems:
        raise InputValidationError(problems)
    update: dict[str, Any] = {f: [*getattr(case, f), *m] for f, m in marks.items() if m}
    if any(v is not None for v in odi):
        update["odi"] = odi
    if all(v is not None for v in startback):
        update["startback"] = startback
    intake.used.append(where)
    return Case.model_validate({**case.model_dump(), **update}) if update else case


def _marks(region: str, answer: str) -> list[RegionMark]:
    if answer == "no":
        return []
    if answer not in ("left", "right", "both"):
        raise ValueError(f"answer {answer!r} is not left, right, both or no")
    return [RegionMark(region=region, side=s) for s in (SIDES if answer == "both" else (cast(Side, answer),))]


def _apply_question(case: Case, question: Question, value: Any) -> Case:
    if isinstance(value, bool):
        value = "yes" if value else "no"
    text = str(value)
    if question.kind != "fact" and text not in ("yes", "no", UNKNOWN):
        raise ValueError(f"answer {text!r} is not yes, no or unknown")
    return apply_value(case, question, text)


def case_from_fhir(
    today: date,
    patient: Patient | None = None,
    conditions: list[Condition] | None = None,
    observations: list[Observation] | None = None,
    responses: list[QuestionnaireResponse] | None = None,
    case_id: str | None = None,
) -> FhirIntake:
    """Build a Case from typed FHIR resources; InputValidationError when an answer cannot be read."""
    builder = _Builder(today)
    exam: dict[str, list[Any]] = {"strength": [], "reflexes": [], "provocative": []}
    if patient is not None:
        builder.patient(patient, f"Patient/{patient.id or '?'}")
    for i, condition in enumerate(conditions or []):
        builder.condition(condition, f"Condition/{condition.id or i}")
    for i, obs in enumerate(observations or []):
        builder.observation(obs, f"Observation/{obs.id or i}", exam)
    data = {**builder.data, **{k: v for k, v in exam.items() if v}}
    if case_id is not None:
        data["id"] = case_id
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        raise InputValidationError(
            [Problem(".".join(map(str, e["loc"])), e["msg"]) for e in exc.errors(include_url=False)]
        ) from exc
    intake = FhirIntake(case=case, used=builder.used, ignored=builder.ignored)
    for i, response in enumerate(responses or []):
        intake.case = _apply_response(intake.case, response, f"QuestionnaireResponse/{response.id or i}", intake)
    return intake


def split_resources(resources: list[Resource]) -> dict[str, list[Any]]:
    """Group resources by the kinds case_from_fhir reads; other kinds are dropped."""
    kinds = ("Patient", "Condition", "Observation", "QuestionnaireResponse")
    groups: dict[str, list[Any]] = {k: [] for k in kinds}
    for resource in resources:
        name = resource.get_resource_type()
        if name in groups:
            groups[name].append(resource)
    return groups
