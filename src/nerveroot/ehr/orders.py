"""Reading draft orders: is a ServiceRequest a lumbar spine MRI, which drug a MedicationRequest is, its daily dose,
and the order rewritten to a daily ceiling with product, dose and text kept consistent.

Imaging is recognised by code (CPT 72148/72149/72158, LOINC, SNOMED CT from the terminology layer, nerveroot's
own order code) and only then by the words of its code text; drugs by RxNorm (ingredient or clinical drug), ATC,
then name or synonym. `medicationReference` is resolved by the caller to the Medication's code.
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
from nerveroot.ehr.fhir_facts import identify_drug
from nerveroot.ehr.terminology import Product, Terminology
from nerveroot.knowledge.base import KnowledgeBase, aliases, normalise
from nerveroot.knowledge.models import Drug

_MRI = re.compile(r"\b(mri|mr|magnetic resonance)\b")
_LUMBAR = re.compile(r"\b(lumbar|lumbosacral|l spine|lspine)\b")
_DAYS_PER_UNIT = {"s": 1 / 86400, "min": 1 / 1440, "h": 1 / 24, "d": 1.0, "wk": 7.0}
_TABLET_UNITS = {"{tbl}", "tbl", "tab", "tablet", "tablets", "{tablet}", "1"}
CHECKED_CLASSES = ("nsaid", "opioid")
_TIMES = {1: "once", 2: "twice", 3: "three times", 4: "four times"}


def _words(concept: CodeableConcept | None) -> str:
    if concept is None:
        return ""
    parts = [concept.text or "", *[c.display or "" for c in concept.coding or []]]
    return normalise(" ".join(parts))


def is_lumbar_mri(order: ServiceRequest, terms: Terminology) -> bool:
    """A lumbar MRI by CPT, LOINC, SNOMED CT or nerveroot code, or by code text naming MRI and the lumbar spine."""
    if order.code is None:
        return False
    mri = terms.orders["lumbar_mri"]
    known = {codes.CPT: mri.cpt, codes.LOINC: mri.loinc, codes.SNOMED: mri.snomed, codes.ORDER: ["mri_lumbar_spine"]}
    if any(c.code in known.get(c.system or "", []) for c in order.code.coding or []):
        return True
    text = _words(order.code)
    return bool(_MRI.search(text) and _LUMBAR.search(text))


def find_drug(concept: CodeableConcept | None, kb: KnowledgeBase, terms: Terminology) -> Drug | None:
    """The NSAID or opioid this medication is (by code, then name or synonym), or None."""
    _, drug_id = identify_drug(concept, terms)
    drugs = {d.id: d for d in kb.all("drugs", Drug) if any(k in d.drug_class.lower() for k in CHECKED_CLASSES)}
    if drug_id in drugs:
        return drugs[drug_id]
    text = f" {_words(concept)} "
    best: tuple[int, Drug] | None = None
    for drug in drugs.values():
        for alias in {normalise(a) for a in aliases(drug)}:
            if alias and f" {alias} " in text and (best is None or len(alias) > best[0]):
                best = (len(alias), drug)
    return best[1] if best else None


def product_of(concept: CodeableConcept | None, terms: Terminology) -> tuple[str, Product] | None:
    """The RxNorm clinical drug (code, strength) a medication concept names, if the terminology knows it."""
    products = terms.products()
    for coding in concept.coding or [] if concept else []:
        if coding.system == codes.RXNORM and coding.code in products:
            return coding.code, products[coding.code]
    return None


@dataclass(frozen=True)
class OrderedDose:
    per_dose_mg: float | None
    doses_per_day: float | None
    mg_per_day: float
    per_dose_unit: str = "mg"


def _mg(quantity: Any, strength: float | None) -> tuple[float | None, str]:
    if quantity is None or quantity.value is None:
        return None, "mg"
    unit = (quantity.code or quantity.unit or "").lower()
    factor = {"mg": 1.0, "g": 1000.0, "ug": 0.001, "mcg": 0.001, "microgram": 0.001}.get(unit)
    if factor is not None:
        return float(quantity.value) * factor, "mg"
    if unit in _TABLET_UNITS and strength is not None:
        return float(quantity.value) * strength, "tablet"
    return None, unit


def daily_dose(order: MedicationRequest, strength: float | None = None) -> OrderedDose | None:
    """Most mg the first dosage instruction allows in 24 hours: maxDosePerPeriod, else dose × frequency.
    A dose in tablets counts with the product's strength when the product is known."""
    if not order.dosageInstruction:
        return None
    dosage = order.dosageInstruction[0]
    per_dose, unit = None, "mg"
    for rate in dosage.doseAndRate or []:
        per_dose, unit = _mg(rate.doseQuantity, strength)
        if per_dose is None and rate.doseRange is not None:
            per_dose, unit = _mg(rate.doseRange.high, strength)
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
        amount, _ = _mg(ratio.numerator, strength)
        days = None
        if ratio.denominator is not None and ratio.denominator.value:
            denominator_unit = ratio.denominator.code or ratio.denominator.unit or "d"
            days = float(ratio.denominator.value) * _DAYS_PER_UNIT.get(denominator_unit, math.nan)
        if amount is not None and days and not math.isnan(days):
            caps.append(amount / days)
    if per_dose is not None and per_day is not None:
        caps.append(per_dose * per_day)
    if not caps:
        return None
    return OrderedDose(per_dose, per_day, round(min(caps), 3), unit)


def _strength_text(text: str, old: float, new: float) -> str:
    return re.sub(rf"\b{old:g}\s*(mg|MG)\b", f"{new:g} mg", text)


_STRENGTH = re.compile(r"(\d+(?:\.\d+)?)\s*mg\b", re.I)


def strength_of(concept: CodeableConcept | None, terms: Terminology) -> float | None:
    """mg per unit of the product: from a known RxNorm clinical drug, else from the one strength its words name
    (dm+d and local names such as 'Ibuprofen 400mg tablets'; combination strengths are not guessed)."""
    known = product_of(concept, terms)
    if known is not None:
        return known[1].mg
    words = " ".join([concept.text or "", *[c.display or "" for c in concept.coding or []]]) if concept else ""
    found = {float(m) for m in _STRENGTH.findall(words)}
    return found.pop() if len(found) == 1 and "/" not in words else None


def with_daily_ceiling(
    order: MedicationRequest, dose: OrderedDose, ceiling: float, name: str, terms: Terminology
) -> dict[str, Any]:
    """The order rewritten to at most `ceiling` mg in 24 hours, consistently: the per-dose amount is lowered to the
    largest strength that fits (the product coding, its text and the dosage text changed with it), or, for a
    product nerveroot cannot swap that is dosed in tablets, to fewer whole tablets; and a maxDosePerPeriod added."""
    data = order.model_dump(mode="json", exclude_none=True)
    dosage = data["dosageInstruction"][0]
    per_dose = dose.per_dose_mg
    concept = order.medicationCodeableConcept
    known = product_of(concept, terms)
    if per_dose is not None and dose.doses_per_day and per_dose * dose.doses_per_day > ceiling:
        fits = math.floor(ceiling / dose.doses_per_day)
        new_dose: float = fits
        swapped = False
        tablets = 0
        strength = strength_of(concept, terms)
        if known is not None:
            _, product = known
            choices = [
                (c, p)
                for c, p in terms.products().items()
                if p.ingredient == product.ingredient and p.form == product.form and p.mg <= fits
            ]
            if choices:
                new_code, new_product = max(choices, key=lambda cp: cp[1].mg)
                new_dose, swapped = new_product.mg, True
                display = f"{name.lower()} {new_product.mg:g} MG {new_product.form}"
                data["medicationCodeableConcept"] = {
                    "coding": [{"system": codes.RXNORM, "code": new_code, "display": display}],
                    "text": display,
                }
            else:  # no smaller product: order by ingredient so strength and dose cannot disagree
                ingredient = product.ingredient
                data["medicationCodeableConcept"] = {
                    "coding": [{"system": codes.RXNORM, "code": ingredient, "display": name.lower()}],
                    "text": name,
                }
        elif dose.per_dose_unit == "tablet" and strength and fits >= strength:
            tablets = math.floor(fits / strength)  # the same product, fewer whole tablets
            new_dose = tablets * strength
        elif "medicationCodeableConcept" in data:
            med = data["medicationCodeableConcept"]
            if med.get("text"):
                med["text"] = _strength_text(med["text"], per_dose, new_dose)
            for coding in med.get("coding", []):
                if coding.get("display") and re.search(rf"\b{per_dose:g}\s*mg\b", coding["display"], re.I):
                    coding.pop("display")
                    coding.pop("code", None)
            med["coding"] = [c for c in med.get("coding", []) if c.get("code")] or None
            if med["coding"] is None:
                med.pop("coding")
        one_tablet = dose.per_dose_unit == "tablet" and swapped  # one tablet of the new product is the dose
        for rate in dosage.get("doseAndRate", []):
            if "doseQuantity" in rate:
                if one_tablet or tablets:
                    rate["doseQuantity"]["value"] = tablets or 1
                else:
                    rate["doseQuantity"] = {"value": new_dose, "unit": "mg", "system": codes.UCUM, "code": "mg"}
        per_dose = new_dose
    dosage["maxDosePerPeriod"] = {
        "numerator": {"value": ceiling, "unit": "mg", "system": codes.UCUM, "code": "mg"},
        "denominator": {"value": 1, "unit": "day", "system": codes.UCUM, "code": "d"},
    }
    times = _TIMES.get(round(dose.doses_per_day or 0), f"{dose.doses_per_day:g} times") if dose.doses_per_day else None
    how = f"{per_dose:g} mg {times} a day" if per_dose is not None and times else "as directed"
    dosage["text"] = f"{name} {how}; no more than {ceiling:g} mg in 24 hours"
    return MedicationRequest.model_validate(data).model_dump(mode="json", exclude_none=True)
