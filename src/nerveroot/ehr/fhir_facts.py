"""Clinical facts from typed FHIR resources, through the terminology layer, onto the Case's fields.

- Patient: age from birthDate (a year or year-month alone gives an approximate age, said so), sex.
- Condition: ICD-10-CM (exact or category) and SNOMED CT concept maps; nerveroot finding codes. Status rules:
  entered-in-error is ignored; refuted counts as absent only where the map says a refutation means that;
  inactive/resolved/remission follow the map (history stays present, current states become unknown or absent);
  unconfirmed/provisional/differential leave the fact unknown and say so. onsetDateTime of an episode
  condition (radiculopathy, sciatica, low back pain …) gives the symptom duration.
- Observation (final/amended/corrected/preliminary): LOINC quantities in any common shape (valueQuantity with
  UCUM unit, valueInteger, numeric valueString, valueCodeableConcept answers, components of panels).
- MedicationRequest/MedicationStatement (current ones): drug classes by RxNorm, ATC or name → drug-safety facts.
- AllergyIntolerance (active, not refuted): drug allergies for the order checks.
Every resource lands in `read` or `unread` with a reason; nothing unread is ever taken as absent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, get_args

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient

from nerveroot.assessment.case import Case
from nerveroot.ehr import codes
from nerveroot.ehr.terminology import ConditionMap, DrugClass, ObservationMap, Terminology
from nerveroot.knowledge.base import normalise

USABLE_OBSERVATION = {"final", "amended", "corrected", "preliminary"}
CURRENT_MED_REQUEST = {"active", "on-hold", "draft"}
CURRENT_MED_STATEMENT = {"active", "intended", "on-hold", "unknown"}
RANK = {"unknown": 0, "unsure": 1, "absent": 2, "present": 3}
"""When sources disagree: present > absent > unsure > unknown (the Case contract's merge order)."""
PROCEDURE_DONE = {"completed", "in-progress"}


def coded(concept: CodeableConcept | None, system: str) -> list[str]:
    return [c.code for c in (concept.coding or []) if c.system == system and c.code] if concept else []


def first_code(concept: CodeableConcept | None, system: str) -> str | None:
    found = coded(concept, system)
    return found[0] if found else None


def as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "")
    return date.fromisoformat(text[:10]) if re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", text) else None


def label(resource: Any, index: int) -> str:
    return f"{resource.get_resource_type()}/{resource.id or index}"


def status_values() -> tuple[str, ...]:
    """The three-valued (or, with 'unsure', four-valued) statuses the Case accepts."""
    from nerveroot.assessment import case as case_module

    return tuple(get_args(case_module.Status))


def case_field_exists(target: str) -> bool:
    """Whether a 'table.key' or top-level target names a field the Case has (keys are checked on validation)."""
    head, _, key = target.partition(".")
    info = Case.model_fields.get(head)
    if info is None:
        return False
    if not key:
        return True
    if head in ("red_flags", "history", "symptoms"):
        return key in _allowed_keys(head)
    sub = info.annotation
    fields = getattr(sub, "model_fields", None)
    return fields is None or key in fields


@dataclass
class DrugAllergy:
    """An active drug allergy: the class and/or knowledge-base drug it names, and its words."""

    drug_class: str | None
    drug_id: str | None
    text: str


@dataclass
class Facts:
    """What the resources said, ready to become a Case, with what was read and what was not (and why)."""

    today: date
    terms: Terminology
    data: dict[str, Any] = field(default_factory=dict)
    read: list[str] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)
    allergies: list[DrugAllergy] = field(default_factory=list)
    _dated: dict[str, date] = field(default_factory=dict)

    # ---------------------------------------------------------------- writing

    def _skip(self, where: str, reason: str) -> None:
        self.unread.append(where)
        self.reasons[where] = reason

    def _ok(self, where: str, what: str) -> None:
        if where not in self.read:
            self.read.append(where)
        self.reasons[where] = (
            "; ".join(filter(None, [self.reasons.get(where), what])) if where in self.reasons else what
        )

    def put_status(self, target: str, value: str) -> bool:
        """Set a three-valued fact; present beats absent beats unknown when sources disagree."""
        table, _, key = target.partition(".")
        if not case_field_exists(target):
            return False
        if value == "unsure" and (table not in _TABLES or "unsure" not in status_values()):
            value = "unknown"
        slot = self.data.setdefault(table, {})
        if RANK[value] >= RANK.get(slot.get(key, "unknown"), 0):
            slot[key] = value
        return True

    def put_value(self, target: str, value: float | int, when: date | None) -> bool:
        """Set a measured value; the most recent measurement wins."""
        if not case_field_exists(target):
            return False
        table, _, key = target.partition(".")
        previous = self._dated.get(target)
        if previous is not None and when is not None and when < previous:
            return True
        self._dated[target] = when or previous or date.min
        if key:
            self.data.setdefault(table, {})[key] = value
        else:
            self.data[table] = value
        return True

    # ---------------------------------------------------------------- resources

    def patient(self, patient: Patient, where: str) -> None:
        text = str(patient.birthDate or "")
        age, approximate = _age(text, self.today)
        if age is not None:
            self.data["age"] = age
        if patient.gender in ("female", "male", "other", "unknown"):
            self.data["sex"] = patient.gender
        note = f"age {age}{' (from birth year only, ±1)' if approximate else ''}" if age is not None else "no age"
        self._ok(where, f"{note}, sex {patient.gender or 'not given'}")

    def condition(self, condition: Condition, where: str) -> None:
        verification = first_code(condition.verificationStatus, codes.CONDITION_VERIFICATION)
        clinical = first_code(condition.clinicalStatus, codes.CONDITION_CLINICAL)
        if verification == "entered-in-error":
            return self._skip(where, "entered in error")
        maps: list[ConditionMap] = []
        episode = False
        for coding in condition.code.coding or [] if condition.code else []:
            maps += [m for m in self.terms.condition_maps(coding.system, coding.code) if m not in maps]
            episode = episode or self.terms.is_episode(coding.system, coding.code)
        own = [k for k in coded(condition.code, codes.FINDING) if k in _OWN_TARGETS]
        if not maps and not own and not episode:
            return self._skip(where, "code not in nerveroot's value sets")
        said: list[str] = []
        for target in [m.target for m in maps] + [_OWN_TARGETS[k] for k in own]:
            rule = next((m for m in maps if m.target == target), None)
            meaning = _condition_meaning(rule, verification, clinical)
            if meaning is None:
                said.append(f"{target}: {verification} says nothing")
                continue
            if self._condition_target(target, meaning):
                said.append(f"{target.split('.')[-1]} {meaning}")
        onset = as_date(condition.onsetDateTime) or (
            as_date(condition.onsetPeriod.start) if condition.onsetPeriod else None
        )
        current = clinical not in ("inactive", "resolved", "remission") and verification != "refuted"
        if current and onset is not None and onset <= self.today:
            days = (self.today - onset).days
            keys = [t.split(".", 1)[1] for t in [m.target for m in maps] if t.split(".")[0] in _TABLES]
            codings = condition.code.coding or [] if condition.code else []
            keys += [k for c in codings if (k := self.terms.onset_key(c.system, c.code))]
            if episode:
                self.data["duration_days"] = max(days, self.data.get("duration_days", 0))
                said.append(f"symptoms for {days} days")
            if keys and case_field_exists("onset_days"):
                onsets = self.data.setdefault("onset_days", {})
                for key in dict.fromkeys(keys):
                    onsets[key] = max(days, onsets.get(key, 0))
        if said:
            self._ok(where, ", ".join(said))
        else:
            self._skip(where, "mapped, but no nerveroot field for it yet")

    def _condition_target(self, target: str, meaning: str) -> bool:
        if target == "drug_safety.egfr_below_30":
            if meaning != "present":
                return False
            safety = self.data.setdefault("drug_safety", {})
            if "egfr" not in safety:  # a stage implies a bound, never overrides a measured value
                safety["egfr"] = 29
                self._dated.setdefault("drug_safety.egfr", date.min)
            return True
        return self.put_status(target, meaning)

    def observation(self, obs: Observation, where: str) -> bool:
        """True when the observation was read by the terminology layer (else the caller may try other readers)."""
        if obs.status not in USABLE_OBSERVATION:
            self._skip(where, f"status {obs.status}")
            return True
        when = as_date(obs.effectiveDateTime) or as_date(obs.issued)
        parts: list[tuple[CodeableConcept | None, Any]] = [(obs.code, obs)]
        parts += [(c.code, c) for c in obs.component or []]
        said: list[str] = []
        matched = False
        for concept, holder in parts:
            for code in coded(concept, codes.LOINC):
                rule = self.terms.observation_map(codes.LOINC, code)
                if rule is None:
                    continue
                matched = True
                outcome = self._observation_value(rule, holder, when)
                if outcome:
                    said.append(outcome)
                break
        if said:
            self._ok(where, ", ".join(said))
        elif matched:
            self._skip(where, "LOINC code known but value missing, out of range or in an unknown unit")
        return matched

    def _observation_value(self, rule: ObservationMap, holder: Any, when: date | None) -> str | None:
        if rule.answers:
            concept = holder.valueCodeableConcept
            for coding in concept.coding or [] if concept else []:
                meaning = rule.answers.get(coding.code or "")
                if meaning and self.put_status(rule.target, meaning):
                    return f"{rule.id} {meaning}"
            return None
        number = _number(holder, rule)
        if number is None:
            return None
        if rule.range is not None and not rule.range[0] <= number <= rule.range[1]:
            return None
        value: float | int = round(number) if rule.round or rule.target == "pain_score" else round(number, 2)
        if rule.target == "pain_score":
            value = max(int(value), self.data.get("pain_score", 0))
            self.data["pain_score"] = value
            return f"pain {value}/10"
        said = f"{rule.id} {value:g}"
        if rule.id == "temperature" and number >= self.terms.fever.celsius:
            self.put_status("red_flags.fever", "present")
            said += " (fever)"
        if not self.put_value(rule.target, value, when):
            return said if rule.id == "temperature" and number >= self.terms.fever.celsius else None
        return said

    def medication(self, resource: Any, concept: CodeableConcept | None, where: str) -> None:
        """A MedicationRequest/Statement whose medication is `concept` (resolved from a reference by the caller)."""
        kind = resource.get_resource_type()
        status = resource.status
        current = CURRENT_MED_REQUEST if kind == "MedicationRequest" else CURRENT_MED_STATEMENT
        if status not in current:
            return self._skip(where, f"status {status}: not a current medicine")
        cls, drug_id = identify_drug(concept, self.terms)
        if cls is None and drug_id is None:
            return self._skip(where, "medicine not in nerveroot's drug classes")
        said = [drug_id or (cls.id if cls else "")]
        if cls is not None:
            started = _started(resource)
            long_enough = cls.long_term_days is None or (
                started is not None and (self.today - started).days >= cls.long_term_days
            )
            for target in cls.targets:
                if long_enough and self.put_status(target, "present"):
                    said.append(target.split(".")[-1])
        if drug_id:
            drugs = self.data.setdefault("drug_safety", {}).setdefault("current_drugs", [])
            if drug_id not in drugs:
                drugs.append(drug_id)
        self._ok(where, " → ".join(filter(None, said)))

    def procedure(self, resource: Any, where: str) -> None:
        """A completed spinal procedure → the Case's procedures (kind, days ago or unknown)."""
        if resource.status not in PROCEDURE_DONE:
            return self._skip(where, f"status {resource.status}")
        kind = next(
            (
                k
                for c in (resource.code.coding or [] if resource.code else [])
                if (k := self.terms.procedure_kind(c.system, c.code))
            ),
            None,
        )
        if kind is None:
            return self._skip(where, "procedure not in nerveroot's value sets")
        if not case_field_exists("procedures"):
            return self._skip(where, f"{kind}: mapped, but no nerveroot field for it yet")
        period = resource.performedPeriod
        when = as_date(resource.performedDateTime) or (as_date(period.start) if period is not None else None)
        days = (self.today - when).days if when is not None and when <= self.today else None
        self.data.setdefault("procedures", []).append({"kind": kind, "days_ago": days})
        self._ok(where, f"{kind}, {'time unknown' if days is None else f'{days} days ago'}")

    def allergy(self, resource: Any, where: str) -> None:
        verification = first_code(resource.verificationStatus, codes.ALLERGY_VERIFICATION)
        clinical = first_code(resource.clinicalStatus, codes.ALLERGY_CLINICAL)
        if verification in ("entered-in-error", "refuted") or clinical in ("inactive", "resolved"):
            return self._skip(where, f"allergy {verification or clinical}")
        cls, drug_id = identify_drug(resource.code, self.terms)
        if cls is None and drug_id is None:
            return self._skip(where, "substance not in nerveroot's drug classes")
        text = (resource.code.text if resource.code else None) or drug_id or (cls.id if cls else "drug")
        self.allergies.append(DrugAllergy(cls.id if cls else None, drug_id, text))
        self._ok(where, f"allergy: {text}")


def identify_drug(concept: CodeableConcept | None, terms: Terminology) -> tuple[DrugClass | None, str | None]:
    """Class and knowledge-base drug id of a medication concept: RxNorm, then ATC, then the words."""
    if concept is None:
        return None, None
    cls: DrugClass | None = None
    drug_id: str | None = None
    for coding in concept.coding or []:
        found_cls, found_id = terms.drug(coding.system, coding.code)
        cls, drug_id = cls or found_cls, drug_id or found_id
    if drug_id is None or cls is None:
        words = f" {normalise(' '.join([concept.text or '', *[c.display or '' for c in concept.coding or []]]))} "
        for each in terms.drug_classes:
            for name in each.ingredients.values():
                if f" {normalise(name)} " in words:
                    cls, drug_id = cls or each, drug_id or name
    if drug_id is not None and cls is None:
        cls = next((c for c in terms.drug_classes if drug_id in c.ingredients.values()), None)
    return cls, drug_id


def _allowed_keys(table: str) -> tuple[str, ...]:
    from nerveroot.assessment import case as case_module

    names = {"red_flags": "RED_FLAG_KEYS", "history": "HISTORY_KEYS", "symptoms": "SYMPTOM_KEYS"}
    keys: tuple[str, ...] = getattr(case_module, names[table])
    return keys


def _own_targets() -> dict[str, str]:
    out: dict[str, str] = {}
    for table in ("red_flags", "history", "symptoms"):
        out |= {k: f"{table}.{k}" for k in _allowed_keys(table)}
    from nerveroot.assessment.case import DrugSafety

    out |= {k: f"drug_safety.{k}" for k, f in DrugSafety.model_fields.items() if f.default == "unknown"}
    return out


_OWN_TARGETS = _own_targets()


_TABLES = ("red_flags", "history", "symptoms")


def _condition_meaning(rule: ConditionMap | None, verification: str | None, clinical: str | None) -> str | None:
    if verification == "refuted":
        return "absent" if rule is None or rule.refuted_means_absent else None
    if verification in ("unconfirmed", "provisional", "differential"):
        return "unsure" if "unsure" in status_values() else "unknown"
    if clinical in ("inactive", "resolved", "remission"):
        return rule.when_resolved if rule is not None else None
    return "present"


def _age(text: str, today: date) -> tuple[int | None, bool]:
    """Age in whole years; a birth year (or year-month) alone gives the age at mid-year (mid-month), approximate."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", text[:10])
    if not match:
        return None, False
    year, month, day = int(match[1]), int(match[2] or 7), int(match[3] or (15 if match[2] else 2))
    years = today.year - year - ((today.month, today.day) < (month, day))
    return (years if 16 <= years <= 120 else None), match[3] is None


def _number(holder: Any, rule: ObservationMap) -> float | None:
    quantity = getattr(holder, "valueQuantity", None)
    if quantity is not None and quantity.value is not None:
        unit = quantity.code if quantity.system == codes.UCUM and quantity.code else (quantity.unit or "")
        factor = rule.units.get(unit, rule.units.get(quantity.unit or "\0"))
        if factor is None:
            return None
        if factor == "fahrenheit":
            return (float(quantity.value) - 32) * 5 / 9
        return float(quantity.value) * float(factor)
    if getattr(holder, "valueInteger", None) is not None:
        return float(holder.valueInteger)
    text = getattr(holder, "valueString", None)
    if text is not None and re.fullmatch(r"\s*\d+(\.\d+)?\s*", str(text)):
        return float(text)
    concept = getattr(holder, "valueCodeableConcept", None)
    if concept is not None and rule.target == "pain_score":
        for part in [concept.text, *[c.display for c in concept.coding or []], *[c.code for c in concept.coding or []]]:
            if part and re.fullmatch(r"\s*\d{1,2}\s*", part):
                return float(part)
    return None


def _started(resource: Any) -> date | None:
    period = getattr(resource, "effectivePeriod", None)
    return (
        (as_date(period.start) if period is not None else None)
        or as_date(getattr(resource, "effectiveDateTime", None))
        or as_date(getattr(resource, "authoredOn", None))
        or as_date(getattr(resource, "dateAsserted", None))
    )
