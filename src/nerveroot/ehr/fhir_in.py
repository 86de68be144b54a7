"""FHIR R4 in: typed resources → a Case, through the terminology layer (`fhir_facts`).

Reads Patient, Condition, Observation, MedicationRequest, MedicationStatement (medicationReference resolved to
a contained or listed Medication), AllergyIntolerance and QuestionnaireResponses answering the nerveroot intake
form (its canonical, with or without `|version`). Observations coded in nerveroot's own finding system are
examination findings (side from bodySite: SNOMED CT 7771000 Left, 24028007 Right, or the words). Bundles are
read entry by entry: a resource that does not validate is skipped with a warning naming it, never failing the
whole call. Anything not understood is listed as unread with its reason, never read as absent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
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
    Side,
    StrengthTest,
)
from nerveroot.ehr import codes
from nerveroot.ehr.fhir_facts import DrugAllergy, Facts, coded, label
from nerveroot.ehr.intake_form import apply_response
from nerveroot.ehr.terminology import Terminology, default_terminology
from nerveroot.errors import InputValidationError, Problem

SIDES: tuple[Side, Side] = ("left", "right")
_KEY_TABLE = {**dict.fromkeys(RED_FLAG_KEYS, "red_flags"), **dict.fromkeys(HISTORY_KEYS, "history")}
_KEY_TABLE |= dict.fromkeys(SYMPTOM_KEYS, "symptoms")
DRUG_SAFETY_KEYS = tuple(k for k, f in DrugSafety.model_fields.items() if f.default == "unknown")
_KEY_TABLE |= dict.fromkeys(DRUG_SAFETY_KEYS, "drug_safety")


def parse_resource(data: Any, path: str, allowed: tuple[str, ...] | None = None) -> Resource:
    """A typed R4 resource; InputValidationError with field paths when it does not validate."""
    if not isinstance(data, dict) or not isinstance(data.get("resourceType"), str):
        raise InputValidationError([Problem(path, "expected a FHIR resource with a resourceType")])
    kind = data["resourceType"]
    if allowed is not None and kind not in allowed:
        raise InputValidationError([Problem(f"{path}.resourceType", f"expected one of {', '.join(allowed)}")])
    try:
        model = get_fhir_model_class(kind)
    except (KeyError, ValueError) as exc:
        raise InputValidationError([Problem(f"{path}.resourceType", f"unknown resource type {kind!r}")]) from exc
    try:
        return cast(Resource, model.model_validate(data))
    except ValidationError as exc:
        problems = [
            Problem(".".join([path, *(str(p) for p in e["loc"])]), e["msg"])
            for e in exc.errors(include_url=False, include_input=False)
        ]
        raise InputValidationError(problems) from exc


def lenient_resources(data: Any, path: str) -> tuple[list[Resource], list[str]]:
    """The resources of a JSON resource or Bundle, entry by entry: invalid entries are skipped with a warning,
    OperationOutcome issues (search-mode outcome entries or a bare OperationOutcome) become warnings."""
    if not isinstance(data, dict):
        return [], [f"{path}: not a FHIR resource"]
    if data.get("resourceType") == "Bundle":
        entries = data.get("entry")
        if entries is not None and not isinstance(entries, list):
            return [], [f"{path}.entry: not a list of entries"]
        items = [
            (e.get("resource") if isinstance(e, dict) else None, f"{path}.entry[{i}]")
            for i, e in enumerate(entries or [])
        ]
    else:
        items = [(data, path)]
    found: list[Resource] = []
    warnings: list[str] = []
    for item, where in items:
        if isinstance(item, dict) and item.get("resourceType") == "OperationOutcome":
            issues = item.get("issue")
            listed: list[Any] = issues if isinstance(issues, list) else []
            warnings += [f"{where}: server said: {issue_text(i)}" for i in listed if isinstance(i, dict)]
            continue
        try:
            found.append(parse_resource(item, where))
        except InputValidationError as exc:
            first = exc.problems[0]
            warnings.append(f"{where} ({_kind(item)}) skipped: {first.path.removeprefix(where + '.')} {first.message}")
    return found, warnings


def issue_text(issue: dict[str, Any]) -> str:
    details = issue.get("details") if isinstance(issue.get("details"), dict) else {}
    return str(issue.get("diagnostics") or (details or {}).get("text") or issue.get("code") or "an issue")[:200]


def _kind(item: Any) -> str:
    if isinstance(item, dict):
        return f"{item.get('resourceType', '?')}/{item.get('id', '?')}"
    return "not a resource"


def unbundle(resource: Resource) -> list[Resource]:
    """The resources of a searchset Bundle, or the resource itself."""
    if isinstance(resource, Bundle):
        return [e.resource for e in resource.entry or [] if e.resource is not None]
    return [resource]


@dataclass
class FhirIntake:
    """The Case built from FHIR input; what was read and what could not be read, each with its reason."""

    case: Case
    used: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)
    allergies: list[DrugAllergy] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _side(observation: Observation) -> list[Side]:
    site = observation.bodySite
    if site is None:
        return []
    found = [s for s in SIDES if codes.LATERALITY[s] in coded(site, codes.SNOMED)]
    text = (site.text or "").lower()
    found += [s for s in SIDES if s in text.split() and s not in found]
    return found


def _answer_code(observation: Observation) -> str | None:
    if observation.valueCodeableConcept is not None:
        for system in (codes.RESULT, codes.ANSWER):
            hits = coded(observation.valueCodeableConcept, system)
            if hits:
                return hits[0]
        return (observation.valueCodeableConcept.text or "").strip().lower() or None
    if observation.valueString is not None:
        return str(observation.valueString).strip().lower()
    if observation.valueBoolean is not None:
        return "yes" if observation.valueBoolean else "no"
    return None


def _finding(facts: Facts, code: str, obs: Observation, exam: dict[str, list[Any]]) -> bool:
    """A nerveroot finding-coded observation (three-valued keys, strength, reflex, provocative test)."""
    answer = _answer_code(obs)
    sides = _side(obs) or list(SIDES)
    kind, _, name = code.partition(".")
    if code in _KEY_TABLE and answer in ("yes", "no", "present", "absent", "positive", "negative"):
        present = answer in ("yes", "present", "positive")
        table = facts.data.setdefault(_KEY_TABLE[code], {})
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


def _observation(facts: Facts, obs: Observation, where: str, exam: dict[str, list[Any]]) -> None:
    if facts.observation(obs, where):
        return
    for code in coded(obs.code, codes.FINDING):
        if _finding(facts, code, obs, exam):
            facts.read.append(where)
            facts.reasons[where] = f"finding {code}"
            return
    facts.unread.append(where)
    facts.reasons[where] = "code not in nerveroot's value sets"


MEDICATION_KINDS = ("MedicationRequest", "MedicationStatement")
READ_KINDS = (
    "Patient",
    "Condition",
    "Observation",
    "QuestionnaireResponse",
    *MEDICATION_KINDS,
    "AllergyIntolerance",
    "Procedure",
)


def medication_concept(resource: Any, library: dict[str, Any]) -> CodeableConcept | None:
    """The medication of a request/statement: its CodeableConcept, or the Medication its reference points to
    (contained, or found by `Medication/id` or fullUrl among the resources given)."""
    if resource.medicationCodeableConcept is not None:
        return cast(CodeableConcept, resource.medicationCodeableConcept)
    reference = resource.medicationReference.reference if resource.medicationReference else None
    if not reference:
        return None
    if reference.startswith("#"):
        for contained in resource.contained or []:
            if contained.id == reference[1:] and contained.get_resource_type() == "Medication":
                return cast(CodeableConcept | None, contained.code)
        return None
    medication = library.get("/".join(reference.split("/")[-2:]))
    return cast(CodeableConcept | None, medication.code) if medication is not None else None


def case_from_resources(
    today: date,
    resources: list[Resource],
    case_id: str | None = None,
    terms: Terminology | None = None,
) -> FhirIntake:
    """Build a Case from any mix of typed FHIR resources; kinds nerveroot does not read are listed as unread."""
    facts = Facts(today, terms or default_terminology())
    exam: dict[str, list[Any]] = {"strength": [], "reflexes": [], "provocative": []}
    library = {f"Medication/{r.id}": r for r in resources if r.get_resource_type() == "Medication" and r.id}
    responses: list[tuple[QuestionnaireResponse, str]] = []
    patients = 0
    for i, resource in enumerate(resources):
        kind = resource.get_resource_type()
        where = label(resource, i)
        if kind == "Patient":
            patients += 1
            if patients == 1:
                facts.patient(cast(Patient, resource), where)
        elif kind == "Condition":
            facts.condition(cast(Condition, resource), where)
        elif kind == "Observation":
            _observation(facts, cast(Observation, resource), where, exam)
        elif kind in MEDICATION_KINDS:
            facts.medication(resource, medication_concept(resource, library), where)
        elif kind == "AllergyIntolerance":
            facts.allergy(resource, where)
        elif kind == "Procedure":
            facts.procedure(resource, where)
        elif kind == "QuestionnaireResponse":
            responses.append((cast(QuestionnaireResponse, resource), f"QuestionnaireResponse/{resource.id or i}"))
        elif kind != "Medication":
            facts.unread.append(where)
            facts.reasons[where] = f"nerveroot does not read {kind}"
    data = {**facts.data, **{k: v for k, v in exam.items() if v}}
    if case_id is not None:
        data["id"] = case_id
    case = _valid_case(data, facts)
    intake = FhirIntake(case=case, used=facts.read, ignored=facts.unread, reasons=facts.reasons)
    intake.allergies = facts.allergies
    for response, where in responses:
        intake.case = apply_response(intake.case, response, where, intake)
    return intake


def _valid_case(data: dict[str, Any], facts: Facts) -> Case:
    """The Case; a value the Case refuses (an eGFR of 250, a weight of 900 kg) is left out and listed as unread
    with the reason, so one implausible number never costs the whole call."""
    for _ in range(len(json.dumps(data, default=str))):
        try:
            return Case.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors(include_url=False, include_input=False):
                path = ".".join(map(str, error["loc"]))
                if not _drop(data, list(error["loc"])):
                    raise InputValidationError([Problem(path, error["msg"])]) from exc
                facts.unread.append(path)
                facts.reasons[path] = f"value refused ({error['msg']})"
    raise InputValidationError([Problem("case", "could not be built from the record")])


def _drop(data: Any, loc: list[Any]) -> bool:
    """Remove the value at `loc` (or the smallest enclosing item that can go); False when nothing could be."""
    while loc:
        parent: Any = data
        for step in loc[:-1]:
            found = isinstance(parent, dict) and step in parent
            found = found or (isinstance(parent, list) and isinstance(step, int) and step < len(parent))
            if not found:
                return False
            parent = parent[step]
        last = loc[-1]
        if (isinstance(parent, dict) and last in parent) or (
            isinstance(parent, list) and isinstance(last, int) and last < len(parent)
        ):
            del parent[last]
            return True
        loc = loc[:-1]
    return False


def case_from_fhir(
    today: date,
    patient: Patient | None = None,
    conditions: list[Condition] | None = None,
    observations: list[Observation] | None = None,
    responses: list[QuestionnaireResponse] | None = None,
    case_id: str | None = None,
) -> FhirIntake:
    """Build a Case from typed FHIR resources; InputValidationError when an answer cannot be read."""
    listed: list[Resource] = [*([patient] if patient else []), *(conditions or []), *(observations or [])]
    return case_from_resources(today, [*listed, *(responses or [])], case_id)


def split_resources(resources: list[Resource]) -> dict[str, list[Any]]:
    """Group resources by kind (the kinds case_from_resources reads, and Medication)."""
    groups: dict[str, list[Any]] = {k: [] for k in (*READ_KINDS, "Medication")}
    for resource in resources:
        name = resource.get_resource_type()
        if name in groups:
            groups[name].append(resource)
    return groups
