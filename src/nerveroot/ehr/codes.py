"""Code systems nerveroot uses in FHIR, and the few external codes it has checked.

Where no LOINC or SNOMED CT code could be verified for a finding (examination signs, red flags, symptoms),
nerveroot uses its own CodeSystem ``FINDING`` with the finding key as the code, and says so.
"""

from __future__ import annotations

from typing import Literal

BASE = "https://nerveroot.example/fhir"
FINDING = f"{BASE}/CodeSystem/finding"
"""Codes: red-flag, history and symptom keys; `strength.<movement>`; `reflex.<reflex>`; `test.<provocative test>`."""
RESULT = f"{BASE}/CodeSystem/finding-result"
"""positive | negative | normal | reduced | absent | brisk."""
ANSWER = f"{BASE}/CodeSystem/answer"
"""yes | no | unknown | left | right | both | neither | improving | stable | worsening."""
ROOT = f"{BASE}/CodeSystem/root"
"""l1..s1 and `none` (not radicular)."""
CONDITION = f"{BASE}/CodeSystem/condition"
"""Knowledge-base condition ids."""
ORDER = f"{BASE}/CodeSystem/order"
"""Orderables nerveroot recognises by its own code, e.g. `mri_lumbar_spine`."""
OVERRIDE = f"{BASE}/CodeSystem/override-reason"
ISSUE = f"{BASE}/CodeSystem/detected-issue"
"""red_flag | dose_ceiling | contraindicated | advised_against."""
INTAKE_URL = f"{BASE}/Questionnaire/nerveroot-intake"

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
UCUM = "http://unitsofmeasure.org"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"

PAIN_NRS_LOINC = "72514-3"
"""LOINC: Pain severity - 0-10 verbal numeric rating [Score] - Reported."""
LATERALITY: dict[Literal["left", "right"], str] = {"left": "7771000", "right": "24028007"}
"""SNOMED CT qualifier values Left (7771000) and Right (24028007)."""
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ATC = "http://www.whocc.no/atc"
DMD = "https://dmd.nhs.uk"
CPT = "http://www.ama-assn.org/go/cpt"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
ALLERGY_VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
