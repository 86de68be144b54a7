"""Target and ConText rules: the curated pattern files plus the knowledge base's names, synonyms and lay terms."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from nerveroot.assessment.case import HISTORY_KEYS, RED_FLAG_KEYS, SYMPTOM_KEYS
from nerveroot.intake.medicines import medicine_rules
from nerveroot.knowledge.base import KnowledgeBase, normalise
from nerveroot.knowledge.models import BodyRegion, Finding
from nerveroot.knowledge.yaml_io import load_yaml

MACROS = {
    "%MY%": r"(?:my|his|her|their|your|the|both|one|a)(?: (?:left|right|lt|rt|l|r)\.?)?",
    "%CANT%": r"(?:can['’]?t|cannot|can not|could ?n['’]?t|could not|unable to|not able to|(?:can|could) no longer|"
    r"no longer able to)(?: (?:actually|even))?",
    "%Q%": r"['’´]?",
    # pain that rest does not relieve: a finding in its own words, which ConText must not read as a denial
    "%NOTATREST%": r"(?:not|n['’´]?t|never) (?:\w+ )?(?:relieved|eased?|eases|easing) (?:even )?(?:by|at|on) "
    r"rest(?:ing)?\b|(?:not|n['’´]?t|never) (?:\w+ )?(?:settle[sd]?|settling|improve[sd]?|improving|better|go away) "
    r"(?:even )?(?:at rest|when resting|lying (?:down|flat))\b|unrelieved by rest",
    # a constipation put down to a painkiller (or iron) in the same phrase: "constipated (codeine)", "constipation from
    # the co-codamol", "codeine (constipation)"; an explained side effect, not a cauda equina bowel symptom
    "%CONSTIPATION%": r"(?<!codeine \()(?<!opioid \()(?<!opioids \()(?<!morphine \()(?<!tramadol \()(?<!co-codamol \()"
    r"constipat(?:ion|ed)(?! (?:\w+ ){0,3}(?:from|due to|because of|with|on|since starting|after starting) "
    r"(?:the |my |his |her |their )?%CONSTIPATING%)(?!\s*\(\s*%CONSTIPATING%)",
    # what %CONSTIPATION% leaves out, as a match: a constipation with the painkiller it is put down to
    "%DRUG_CONSTIPATION%": r"(?:%CONSTIPATING% \(\s*constipat(?:ion|ed)|constipat(?:ion|ed)(?:\s*\(\s*%CONSTIPATING%| "
    r"(?:\w+ ){0,3}(?:from|due to|because of|with|on|since starting|after starting) "
    r"(?:the |my |his |her |their )?%CONSTIPATING%))",
    "%CONSTIPATING%": r"(?:codeine|opioids?|opiates?|morphine|tramadol|co-?codamol|oxycodone|dihydrocodeine|"
    r"pain ?killers|analgesi\w*|medications?|tablets|iron)",
    # both legs named with a bilateral word: "bilateral lower limbs", "b/l LLs", "BLE" ("both legs" has patterns of its
    # own)
    "%BOTHLEGS%": r"(?:(?:bilateral|bilat\.?|b/l) (?:lower (?:limbs?|extremit(?:y|ies))|legs?|limbs?|thighs|calves|"
    r"feet|(?-i:LLs?|LEs?))|(?-i:BLE|BLLs?))",
    # a relative, for family history and for a relative telling the patient's story
    "%RELATIVE%": r"(?:mother|mum|mom|father|dad|sister|brother|aunt|uncle|grandmother|grandfather|gran|grandma|"
    r"grandpa|granddad|cousin|son|daughter|parent|parents|sibling|siblings|twin|nan|nana)",
    # a sacral dermatome range: "S3–S5", "S2-4", "S3/4/5", "sacral dermatomes"
    "%SACRAL%": r"(?:(?-i:S) ?[2-5] ?(?:[-–/]|to) ?(?-i:S)? ?[2-5](?: ?[-–/] ?(?-i:S)? ?[2-5])*|sacral dermatomes?|"
    r"(?-i:S)[2-5] dermatomes?)",
    # a part of the saddle area in lay or clinical words
    "%SADDLEPART%": r"(?:bum|bottom|backside|crotch|privates|private parts|genitals|genital area|undercarriage|"
    r"nether regions|perineum|back passage|anus|inner buttocks|fanny|private (?:area|region|bits)|(?:lady |man )?bits|"
    r"scrotum|scrotal (?:skin|area)|penis|vulva|labia|coccyx)",
    # an MRC grade straight after an abbreviation that is only a movement when graded: "KE 4+/5 L", "HF R 5"
    "%GRADENEXT%": r"\s*(?:(?:l|r|lt|rt|left|right)\.?\s*)?[:=]?\s*[0-5]\s*[+-]?\s*(?:/\s*5)?(?!\d)",
    # the noun of a named reflex, with an abbreviation in brackets: "jerk", "tendon reflexes", "deep tendon reflexes
    # (DTRs)", "stretch reflex", "DTRs"
    "%REFLEXNOUN%": r"(?: (?:deep )?tendon| (?:muscle )?stretch)? (?:jerk|reflex|(?-i:DTR|MSR))(?:es|s)?"
    r"(?: \((?-i:DTRs?|MSRs?)\))?",
    # a degree or side word that a glued "?" hedges together with the phrase after it: "?mild L EHL weakness"
    "%QWORD%": r"(?:mild|slight|slightly|subtle|early|some|minor|minimal|possible|new|patchy|partial|left|right|lt|rt|"
    r"(?-i:L|R)|bilat\w*|b/l|reduced|weak\w*|decreased|diminished|absent)\b",
    # a volume over 200 mL: "450 mL", "1.1 L", "0.6 litres" (post-void residual / catheter yield)
    "%BIGVOL%": r"(?:(?:2\d[1-9]|2[1-9]\d|[3-9]\d\d|\d{4})\s*(?:ml|mls|cc)|"
    r"(?:[1-9](?:\.\d+)?|0?\.[3-9]\d*)\s*(?:l|litres?|liters?))",
    # a negated auxiliary before a verb: "hadn't felt", "does not get", "never noticed"
    "%NOT%": r"(?:(?:had|has|have|did|does|do|was|is|were|are)(?:n['’]?t| not)|not|never|no longer|"
    r"(?:can|could)(?:n['’]?t| not)|cannot|unable to|without)",
    # a time in the small hours: "3am", "at 2 a.m.", "in the early hours"
    "%SMALLHOURS%": r"(?:(?:[1-5]|12)(?:[.:][0-5]\d)?\s?(?:am|a\.m\.?)|midnight|(?:the )?(?:small|early|wee) hours"
    r"(?: of the morning)?|(?:the )?middle of the night|(?:the )?dead of night)",
    # a word saying a finding is normal, not one describing the noun after it ("normal range of motion")
    "%VERDICT_NORMAL%": r"(?:intact|normal|unaffected|preserved|fine|ok|okay|unremarkable|functioning normally|"
    r"working normally)\b(?!\s+(?:range|rom|gait|tone|bulk|power|sensation|reflexes|strength|colou?r|appearance|"
    r"alignment|lordosis|posture|pulses|temperature|vital|obs|observations|limits|movements?|motion|heart|chest|"
    r"abdomen|bloods|blood|urinalysis|x-?ray|imaging)\b)",
    # a recent time: "a fortnight ago", "last week", "3 weeks back", "earlier this month"
    "%RECENT%": r"(?:(?:(?:a|one|two|three|four|five|six|a few|a couple of|several|\d+) (?:days?|weeks?|fortnights?|"
    r"months?)|a fortnight|a week|a month) (?:ago|back|before|earlier)|last (?:week|month|fortnight)|"
    r"(?:earlier )?this (?:week|month)|recently|the other (?:day|week))",
}
STRENGTH_PREFIX = "weak_"
REFLEX_SUFFIX = "_reflex_reduced"
PROVOCATIVE_SUFFIX = "_positive"
SIGN_IDS = ("foot_drop", "severe_motor_deficit", "brisk_reflexes")
# ConText target types, one per kind of entity.
CONTEXT_TYPE = {
    "red_flag": "RED_FLAG",
    "history": "HISTORY",
    "symptom": "SYMPTOM",
    "sign": "SIGN",
    "strength": "STRENGTH",
    "reflex": "REFLEX",
    "provocative": "PROVOCATIVE",
    "region": "REGION",
    "function": "FUNCTION",
    "toilet": "RED_FLAG",
    "other": "SIGN",
    "drug": "DRUG",
    "drug_class": "DRUG",
    "procedure": "PROCEDURE",
    "observation": "SIGN",
}


@dataclass(frozen=True)
class TargetSpec:
    """One target rule before it becomes a medspaCy TargetRule."""

    pattern: str
    regex: bool
    # red_flag | history | symptom | sign | strength | reflex | provocative | region | function | toilet | other
    kind: str
    ids: tuple[str, ...]  # finding ids (or the movement / reflex / test / region key for structured kinds)
    fixed: str | None = None  # "absent" when the phrase itself states absence
    origin: str = "curated"


_ANY_WORD = r"(?:\w+ )"
_ANY_BUT_NEGATION = r"(?:(?!(?:not|never|no|nor|neither|without|hardly|rarely|seldom|none)\b)\w+ )"
"""A wildcard word of a pattern never swallows a negation: "pain never wakes him" is no night pain."""


def expand(pattern: str) -> str:
    """Macros expanded; the whole pattern must start and end on word boundaries; a space may sit beside a quote."""
    return rf"(?<!\w)(?:{quote_tolerant(expand_macros(pattern).replace(_ANY_WORD, _ANY_BUT_NEGATION))})(?!\w)"


_QUOTED_SPACE = "(?:[\"“”’']? [\"“”‘']?)"
"""A space that may have a quotation mark on either side, double or single: notes quote the patient's words ('legs "a
bit heavy"', "her 'saddle' area")."""


def quote_tolerant(pattern: str) -> str:
    """Every literal space of a pattern, outside character classes and lookbehinds (which must keep a fixed width),
    made to allow a quotation mark beside it."""
    out: list[str] = []
    groups: list[bool] = []  # per open group: whether it is a lookbehind
    in_class = escaped = False
    for i, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]" or pattern[i - 1] == "["
        elif char == "[":
            in_class = True
        elif char == "(":
            groups.append(pattern.startswith(("(?<=", "(?<!"), i))
        elif char == ")" and groups:
            groups.pop()
        elif char == " " and not any(groups):
            out.append(_QUOTED_SPACE)
            continue
        out.append(char)
    return "".join(out)


def _data(name: str) -> Any:
    path = resources.files("nerveroot.intake") / "data" / name
    return load_yaml(path.read_text(encoding="utf-8"))


def _kind_of(finding_id: str) -> tuple[str, str]:
    """Kind and structured key of a finding id from the fixed vocabulary."""
    if finding_id in RED_FLAG_KEYS:
        return "red_flag", finding_id
    if finding_id in HISTORY_KEYS:
        return "history", finding_id
    if finding_id in SYMPTOM_KEYS:
        return "symptom", finding_id
    if finding_id in SIGN_IDS:
        return "sign", finding_id
    if finding_id.startswith(STRENGTH_PREFIX):
        return "strength", finding_id.removeprefix(STRENGTH_PREFIX)
    if finding_id.endswith(REFLEX_SUFFIX):
        return "reflex", finding_id.removesuffix(REFLEX_SUFFIX)
    if finding_id.endswith(PROVOCATIVE_SUFFIX):
        return "provocative", finding_id.removesuffix(PROVOCATIVE_SUFFIX)
    return "other", finding_id


@lru_cache(maxsize=1)
def curated_targets() -> tuple[TargetSpec, ...]:
    """Every rule of targets.yaml, macros expanded."""
    specs: list[TargetSpec] = []
    for kind, table in _data("targets.yaml").items():
        for key, patterns in table.items():
            ids = tuple(key.split("+"))
            fixed = {"absent": "absent", "denied_only": "denied_only"}.get(kind)
            real_kind = _kind_of(ids[0])[0] if fixed else kind
            specs += [TargetSpec(expand(p), True, real_kind, ids, fixed) for p in patterns]
    specs += [TargetSpec(expand(p), True, kind, ids) for p, kind, ids in medicine_rules()]
    return tuple(specs)


_SHARED: dict[tuple[str, int], re.Pattern[str]] = {}
"""Curated patterns already compiled by the loaded pipeline's matcher, by (pattern, flags)."""


def share_compiled(patterns: Iterable[re.Pattern[str]]) -> None:
    """Offer patterns compiled elsewhere (a pipeline loaded from its snapshot) so each rule is compiled once."""
    _SHARED.update(((p.pattern, p.flags), p) for p in patterns)


def _compile(pattern: str) -> re.Pattern[str]:
    return _SHARED.get((pattern, re.IGNORECASE | re.UNICODE)) or re.compile(pattern, re.IGNORECASE)


@lru_cache(maxsize=1)
def _compiled_curated() -> tuple[tuple[re.Pattern[str], TargetSpec], ...]:
    """Every curated rule compiled once (more rules than the `re` module's cache holds)."""
    return tuple((_compile(s.pattern), s) for s in curated_targets())


@lru_cache(maxsize=1)
def nested_targets() -> tuple[tuple[re.Pattern[str], TargetSpec], ...]:
    """Curated rules compiled, to look for vocabulary findings inside a longer knowledge-base phrase."""
    return tuple(
        (p, s) for p, s in _compiled_curated() if s.kind not in ("other", "function", "drug_class", "procedure")
    )


@lru_cache(maxsize=1)
def context_rules() -> tuple[dict[str, Any], ...]:
    """ConText rules from context.yaml, macros expanded."""
    rules = []
    for raw in _data("context.yaml"):
        rule = dict(raw)
        if "pattern" in rule:
            rule["pattern"] = expand_macros(rule["pattern"])
        rules.append(rule)
    return tuple(rules)


def expand_macros(pattern: str) -> str:
    for macro, value in MACROS.items():  # in order: a macro may use one defined after it
        pattern = pattern.replace(macro, value)
    return pattern


# A knowledge-base term that starts with a ConText trigger would hide the trigger from ConText ("no history of
# cancer" must stay negated), so the trigger words are cut off the term.
_CONTEXT_PREFIX = re.compile(r"^(?:(?:past )?history of|h/o|previous|prior|past)\s+", re.IGNORECASE)


def _covered(term: str, compiled: list[re.Pattern[str]]) -> bool:
    return any(p.fullmatch(term) for p in compiled)


def kb_targets(kb: KnowledgeBase) -> tuple[TargetSpec, ...]:
    """Literal rules from the names, synonyms and lay terms of findings and body regions.

    A term that a curated rule already matches in full is left to the curated rule.
    """
    compiled = [p for p, _ in _compiled_curated()]
    specs: list[TargetSpec] = []
    seen: set[str] = set()

    def add(term: str, kind: str, key: str) -> None:
        text = _CONTEXT_PREFIX.sub("", " ".join(term.split()))
        norm = normalise(text)
        if len(norm) < 3 or norm in seen or _covered(text, compiled) or _covered(norm, compiled):
            return
        seen.add(norm)
        specs.append(TargetSpec(text, False, kind, (key,), None, "knowledge_base"))

    for finding in kb.all("findings", Finding) if "findings" in kb.entities else []:
        kind, key = _kind_of(finding.id)
        if kind == "other" and finding.category in ("red_flag", "history", "symptom"):
            kind = finding.category
        for term in [finding.name, *finding.synonyms, *finding.lay_terms]:
            add(term, kind, key if kind in ("strength", "reflex", "provocative") else finding.id)
    for region in kb.all("body_regions", BodyRegion) if "body_regions" in kb.entities else []:
        for term in [region.name, *region.synonyms]:
            add(term, "region", region.id)
    return tuple(specs)
