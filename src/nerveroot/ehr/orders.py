"""Reading draft orders: is a ServiceRequest a lumbar spine MRI, which drug a MedicationRequest is, its daily dose.

No LOINC or RxNorm code for these orders was verified for nerveroot, so orders are recognised by the nerveroot
order code (`mri_lumbar_spine`) or by the words of their code text and displays; drugs by name or synonym.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.medicationrequest import MedicationRequest
from fhir.resources.R4B.servicerequest import ServiceRequest

from nerveroot.ehr import codes
from nerveroot.knowledge.base import KnowledgeBase, aliases, normalise
from nerveroot.knowledge.models import Drug

_MRI = re.compile(r"\b(mri|mr|magnetic resonance)\b")
_LUMBAR = re.compile(r"\b(lumbar|lumbosacral|l spine|lspine)\b")
_DAYS_PER_UNIT = {"s": 1 / 86400, "min": 1 / 1440, "h": 1 / 24, "d": 1.0, "wk": 7.0}
CHECKED_CLASSES = ("nsaid", "opioid")


def _words(concept: CodeableConcept | None) -> str:
    if concept is None:
        return ""
    parts = [concept.text or "", *[c.display or "" for c in concept.coding or []]]
    return normalise(" ".join(parts))


def is_lumbar_mri(order: ServiceRequest) -> bool:
    """True for a nerveroot `mri_lumbar_spine` code or code text naming both MRI and the lumbar spine."""
    if order.code is None:
        return False
    if any(c.system == codes.ORDER and c.code == "mri_lumbar_spine" for c in order.code.coding or []):
        return True
    text = _words(order.code)
    return bool(_MRI.search(text) and _LUMBAR.search(text))


def find_drug(order: MedicationRequest, kb: KnowledgeBase) -> Drug | None:
    """The NSAID or opioid this order names (longest matching name or synonym), or None."""
    text = f" {_words(order.medicationCodeableConcept)} "
    best: tuple[int, Drug] | None = None
    for drug in kb.all("drugs", Drug):
        if not any(k in drug.drug_class.lower() for k in CHECKED_CLASSES):
            continue
        for alias in {normalise(a) for a in aliases(drug)}:
            if alias and f" {alias} " in text and (best is None or len(alias) > best[0]):
                best = (len(alias), drug)
    return best[1] if best else None


@dataclass(frozen=True)
class OrderedDose:
    per_dose_mg: float | None
    doses_per_day: float | None
    mg_per_day: float


def _mg(quantity: Any) -> float | None:
    if quantity is None or quantity.value is None:
        return None
    unit = (quantity.code or quantity.unit or "").lower()
    factor = {"mg": 1.0, "g": 1000.0, "ug": 0.001, "mcg": 0.001, "microgram": 0.001}.get(unit)
    return float(quantity.value) * factor if factor is not None else None


def daily_dose(order: MedicationRequest) -> OrderedDose | None:
    """Most mg the first dosage instruction allows in 24 hours: maxDosePerPeriod, else dose × frequency."""
    if not order.dosageInstruction:
        return None
    dosage = order.dosageInstruction[0]
    per_dose = None
    for rate in dosage.doseAndRate or []:
        per_dose = _mg(rate.doseQuantity) or (_mg(rate.doseRange.high) if rate.doseRange else None)
        if per_dose is not None:
            break
    per_day = None
    repeat = dosage.timing.repeat if dosage.timing else None
    if repeat is not None and repeat.period and repeat.periodUnit in _DAYS_PER_UNIT:
        frequency = repeat.frequencyMax or repeat.frequency or 1
        per_day = frequency / (float(repeat.period) * _DAYS_PER_UNIT[repeat.periodUnit])
    caps = []
    if dosage.maxDosePerPeriod is not None:
        ratio = dosage.maxDosePerPeriod
        amount = _mg(ratio.numerator)
        days = None
        if ratio.denominator is not None and ratio.denominator.value:
            unit = ratio.denominator.code or ratio.denominator.unit or "d"
            days = float(ratio.denominator.value) * _DAYS_PER_UNIT.get(unit, math.nan)
        if amount is not None and days and not math.isnan(days):
            caps.append(amount / days)
    if per_dose is not None and per_day is not None:
        caps.append(per_dose * per_day)
    if not caps:
        return None
    return OrderedDose(per_dose_mg=per_dose, doses_per_day=per_day, mg_per_day=round(min(caps), 3))


def with_daily_ceiling(order: MedicationRequest, dose: OrderedDose, ceiling: float) -> dict[str, Any]:
    """The order rewritten to allow at most `ceiling` mg in 24 hours (per-dose lowered if needed, cap added)."""
    fixed = order.model_copy(deep=True)
    dosage = fixed.dosageInstruction[0]  # type: ignore[index]
    if dose.per_dose_mg is not None and dose.doses_per_day and dose.per_dose_mg * dose.doses_per_day > ceiling:
        new_dose = math.floor(ceiling / dose.doses_per_day)
        for rate in dosage.doseAndRate or []:
            if rate.doseQuantity is not None:
                rate.doseQuantity.value = new_dose
                rate.doseQuantity.unit = "mg"
                rate.doseQuantity.code = "mg"
                rate.doseQuantity.system = codes.UCUM
    max_per_day = {
        "numerator": {"value": ceiling, "unit": "mg", "system": codes.UCUM, "code": "mg"},
        "denominator": {"value": 1, "unit": "day", "system": codes.UCUM, "code": "d"},
    }
    data = fixed.model_dump(mode="json", exclude_none=True)
    data["dosageInstruction"][0]["maxDosePerPeriod"] = max_per_day
    data["dosageInstruction"][0].pop("text", None)
    return MedicationRequest.model_validate(data).model_dump(mode="json", exclude_none=True)
