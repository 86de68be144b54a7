"""Whom a note is about when a relative tells the story: "Mum had lung cancer and now she's had back pain".

ConText reads "mum had lung cancer" as family history. When the note tells a complaint only of a third person
("she has", "her back") whose sex matches the relative named, with no complaint of the writer's own ("my back", "I
have pain") and no sign of a clinician's note about a patient ("64F", "Pt", "PMH"), that relative is the patient
and what is said of them is the patient's own history.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.tokens import Doc

_FEMALE = (
    "mother",
    "mum",
    "mom",
    "sister",
    "aunt",
    "grandmother",
    "gran",
    "grandma",
    "daughter",
    "nan",
    "nana",
    "wife",
)
_MALE = ("father", "dad", "brother", "uncle", "grandfather", "grandpa", "granddad", "son", "husband")
_SEX_OF = {**dict.fromkeys(_FEMALE, "f"), **dict.fromkeys(_MALE, "m")}
_PARTS = r"(?:lower |left |right |whole )?(?:back|legs?|foot|feet|hips?|bladder|bowels?|bum|bottom|pain|sciatica)"
_TOLD = r"(?:['’]s|\s+(?:has|had|is|was|keeps|kept|can|cannot|can['’]t|gets|got|says|said|complains|woke|fell|started))"
_THIRD = {
    "f": re.compile(rf"\bshe{_TOLD}\b|\bher {_PARTS}\b", re.IGNORECASE),
    "m": re.compile(rf"\bhe{_TOLD}\b|\bhis {_PARTS}\b", re.IGNORECASE),
}
_OWN = re.compile(
    rf"\bmy {_PARTS}\b|\bi(?:['’]ve| have| had| get| got| am|['’]m)(?: \w+){{0,3}} "
    r"(?:pain|sciatica|back|numb\w*|tingl\w*)",
    re.IGNORECASE,
)
_CLINICIAN = re.compile(
    r"\b\d{1,3} ?(?:yo|y/o|(?-i:[MF]))\b|\b(?:pt|patient|mr|mrs|ms)\b|\b(?-i:PMH|FHx|FH|HPC|PC|DH|SH|O/E|Hx)\b",
    re.IGNORECASE,
)


def _patients(doc: Doc) -> frozenset[str]:
    """The sexes of a third person the note tells the complaint of, when nobody else's complaint is told."""
    if "told_about" not in doc.user_data:
        text = doc.text
        told: frozenset[str] = frozenset()
        if not _OWN.search(text) and not _CLINICIAN.search(text):
            told = frozenset(sex for sex, regex in _THIRD.items() if regex.search(text))
        doc.user_data["told_about"] = told
    told_about: frozenset[str] = doc.user_data["told_about"]
    return told_about


def relative_is_patient(doc: Doc, modifier: Any) -> bool:
    """Whether a family-history modifier names the relative the note is about ("Mum had …; now she …")."""
    if modifier.category != "FAMILY" or modifier.rule.literal != "family":
        return False
    start, end = (int(i) for i in modifier.modifier_span)
    words = [t.lower_ for t in doc[start:end]]
    before = doc[start - 1].lower_ if start > 0 else ""
    if not words or {"his", "her", "their", "family", "fh", "fhx"} & (set(words) | {before}):
        return False
    sex = _SEX_OF.get(words[-1].removesuffix("'s").removesuffix("’s"))
    return sex is not None and sex in _patients(doc)
