"""Pregnancy, its stage and breastfeeding, as drug-safety facts ("28/40", "8 months pregnant", "breastfeeding").

A stage in weeks gives the trimester (1: up to week 12, 2: weeks 13-27, 3: from week 28; NICE antenatal care).
A denial ("not pregnant", "pregnancy test negative") makes the fact absent; a doubt ("might be pregnant") leaves it
unknown, so the drug options say to check before prescribing.
"""

from __future__ import annotations

import re

from nerveroot.intake.state import ParseState, in_scope_of

_NUMBER_WORDS = dict(
    zip(("one", "two", "three", "four", "five", "six", "seven", "eight", "nine"), range(1, 10), strict=True)
)
_GESTATION = r"(?<!/)(?<!(?-i:BP) )(?<!(?-i:BP):)(?<!(?-i:BP): )(?:[4-9]|[1-3]\d|4[0-2])"
"""Weeks of a pregnancy, 4 to 42, not a blood pressure ("BP 70/40")."""
_PREGNANT = re.compile(
    rf"\b(?:pregnan(?:t|cy)|gravid|expecting a baby|{_GESTATION}(?:\+\d)?\s*/\s*40\b"
    r"|(?:first|1st|second|2nd|third|3rd) trimester|[GP]\d[ ]?P\d\b)",
    re.IGNORECASE,
)
_WEEKS = re.compile(
    rf"\b({_GESTATION})(?:\+\d)?\s*(?:/\s*40\b|(?:weeks?|wks?)\s+"
    r"(?:pregnant|gestation|of pregnancy|into (?:my|her) pregnancy))",
    re.IGNORECASE,
)
_TEST_NEGATIVE = re.compile(
    r"\b(?:(?:urine |serum )?(?:pregnancy test|(?:beta[- ]?|β)?hcg)\s*(?:is |was |:\s*)?(?:negative|neg|-ve)"
    r"|negative (?:urine |serum )?pregnancy test)",
    re.IGNORECASE,
)
_MONTHS = re.compile(r"\b(\d|one|two|three|four|five|six|seven|eight|nine)\s+months?\s+pregnant\b", re.IGNORECASE)
_TRIMESTER = re.compile(r"\b(first|1st|second|2nd|third|3rd) trimester\b", re.IGNORECASE)
_BREASTFEEDING = re.compile(r"\b(?:breast[- ]?feed(?:ing|s)?|nursing (?:mother|my baby|her baby)|lactating)\b", re.I)


def _trimester(weeks: float) -> int:
    return 1 if weeks < 13 else 2 if weeks < 28 else 3


def read_pregnancy(state: ParseState) -> None:
    """Set drug_safety pregnancy, trimester and breastfeeding from the note, each with its source words."""
    text = state.doc.text
    tested = [(m.start(), m.end()) for m in _TEST_NEGATIVE.finditer(text)]
    for start, end in tested:
        state.drug_safety.setdefault("pregnancy", "absent")
        state.add("pregnancy", "other", "absent", "negated", start, end)
    for mt in _PREGNANT.finditer(text):
        if any(a <= mt.start() < b for a, b in tested):
            continue
        if in_scope_of(state.doc, mt.start(), mt.end(), {"NEGATED_EXISTENCE"}):
            state.drug_safety.setdefault("pregnancy", "absent")
            state.add("pregnancy", "other", "absent", "negated", mt.start(), mt.end())
        elif not in_scope_of(state.doc, mt.start(), mt.end()):
            state.drug_safety["pregnancy"] = "present"
            state.add("pregnancy", "other", "present", None, mt.start(), mt.end())
    if state.drug_safety.get("pregnancy") == "present":
        weeks = [float(m.group(1)) for m in _WEEKS.finditer(text)]
        weeks += [4.3 * int(_NUMBER_WORDS.get(m.group(1).lower(), m.group(1))) for m in _MONTHS.finditer(text)]
        named = [m.group(1).lower()[0] for m in _TRIMESTER.finditer(text)]
        if weeks:
            state.drug_safety["trimester"] = _trimester(max(weeks))
        elif named:
            state.drug_safety["trimester"] = {"f": 1, "1": 1, "s": 2, "2": 2, "t": 3, "3": 3}[named[-1]]
    for mt in _BREASTFEEDING.finditer(text):
        denied = in_scope_of(state.doc, mt.start(), mt.end(), {"NEGATED_EXISTENCE"})
        if denied or not in_scope_of(state.doc, mt.start(), mt.end()):
            state.drug_safety["breastfeeding"] = "absent" if denied else "present"
            state.add("breastfeeding", "other", "absent" if denied else "present", None, mt.start(), mt.end())
