"""Named roots, dermatomes and nerve territories: "L4 distribution", "S1 dermatome", "L5 radic L", "femoral
territory". A named root gives a finding (value the root) and, when the sentence says numbness or pain, the
root's sensory or pain regions from the knowledge base (roots.yaml), unless a span of roots is named ("L4-5
dermatomes"); a nerve territory gives a finding only (it
points to a peripheral-nerve mimic, not to a root).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from nerveroot.intake import patterns as pt

_ROOT = re.compile(
    r"(?<![\w/-])(?-i:([LS])\s?([1-5]))(\s?(?:/|-|and|or)\s?(?-i:[LS])?\s?[1-5])?\s*"
    r"(?:nerve\s)?(?:root\s)?(distribution|dist\.?|dermatom(?:e|es|al)|derm\.?|region|area|radiculopathy|radicular|radic\.?|root|"
    r"territory|myotome|pattern|sensory loss|pain|paraesthesi\w*|paresthesi\w*|numbness|(?:lumbo)?sciatica|"
    r"hyp(?:o)?(?:a)?esth\w*|dys(?:a)?esth\w*|an(?:a)?esthesi\w*|sensory (?:deficits?|changes?|disturbances?))(?!\w)",
    re.IGNORECASE,
)
_NERVE = re.compile(
    r"\b(femoral|obturator|sciatic|(?:common )?peroneal|(?:common )?fibular|tibial|sural|saphenous|"
    r"lateral (?:femoral )?cutaneous|genitofemoral|ilioinguinal)(?: nerve)?\s+(?:distribution|territory|dist\.?)",
    re.IGNORECASE,
)


_DIAGNOSIS = re.compile(r"radic|root|myotome|(?:lumbo)?sciatica", re.IGNORECASE)
_SECOND = re.compile(r"(?-i:([LS]))?\s?([1-5])$")
"""The second root of a span: "/L3" → L3, "-5" → the first root's letter with 5."""
# Sciatica named after its root: "lumbosciatica of type L5", "sciatica in the S1 territory"; not a side and a time
# ("sciatica L 3 wks").
_ROOT_AFTER = re.compile(
    r"\b(?:lumbo)?sciatica (?:of |in )?(?:type |the )?(?-i:([LS])\s?([1-5]))(?![\w/-])"
    r"(?!\s*(?:wks?|weeks?|days?|d\b|mo(?:nth)?s?|mths?|yrs?|years?|hours?|hrs?|h\b|/))",
    re.IGNORECASE,
)

# A root named in words: "along the first sacral nerve", "fifth lumbar dermatome", "4th lumbar root".
_ROOT_WORDS = re.compile(
    r"\b(first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th) (lumbar|sacral) (?:spinal )?(?:nerve )?"
    r"(distribution|dermatome|territory|root|nerve|radiculopathy)\b",
    re.IGNORECASE,
)
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}
_ORDINALS |= {"1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5}
_ROOTS = frozenset({"l1", "l2", "l3", "l4", "l5", "s1"})


@dataclass(frozen=True)
class NamedArea:
    """A root or nerve named as an area, with its side words and mode."""

    kind: str  # "root" | "nerve"
    name: str  # "l4", "femoral"
    start: int
    end: int
    modes: frozenset[str]  # "sensory", "pain"
    marks_regions: bool  # a distribution or dermatome names regions; a diagnosis ("L5 radiculopathy") does not


def named_areas(sentence: str, base: int = 0) -> Iterator[NamedArea]:
    """Roots and nerve territories named in one sentence."""
    modes = set()
    if pt.SENSORY_WORD.search(sentence):
        modes.add("sensory")
    if pt.PAIN_WORD.search(sentence):
        modes.add("pain")
    for mt in _ROOT.finditer(sentence):
        root = (mt.group(1) + mt.group(2)).lower()
        # a span of roots ("L4-5 dermatomes") names the area but not which root's map it follows; each root of a
        # two-root span is named ("deficit in L2/L3 distribution" names L2 and L3)
        marks = not _DIAGNOSIS.match(mt.group(4)) and not mt.group(3)
        yield NamedArea("root", root, base + mt.start(), base + mt.end(), frozenset(modes), marks)
        second = _SECOND.search(mt.group(3) or "")
        if second:
            other = ((second.group(1) or mt.group(1)) + second.group(2)).lower()
            if other != root:
                yield NamedArea("root", other, base + mt.start(), base + mt.end(), frozenset(modes), False)
    for mt in _ROOT_AFTER.finditer(sentence):
        root = (mt.group(1) + mt.group(2)).lower()
        yield NamedArea("root", root, base + mt.start(), base + mt.end(), frozenset(modes), False)
    for mt in _ROOT_WORDS.finditer(sentence):
        root = f"{mt.group(2)[0]}{_ORDINALS[mt.group(1).lower()]}".lower()
        if root in _ROOTS:
            marks = mt.group(3).lower() in {"distribution", "dermatome", "territory"}
            yield NamedArea("root", root, base + mt.start(), base + mt.end(), frozenset(modes), marks)
    for mt in _NERVE.finditer(sentence):
        name = mt.group(1).lower().replace("common ", "").replace("fibular", "peroneal")
        yield NamedArea("nerve", name, base + mt.start(), base + mt.end(), frozenset(modes), False)
