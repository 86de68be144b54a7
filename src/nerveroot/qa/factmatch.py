"""Is a key fact said, in substance, in an answer? (the outside scorer's judge)

A fact counts as covered when some window of one to three consecutive sentences of the answer holds enough of its
weighted content — after lay and clinical synonyms are folded onto one concept, number words and units are
normalised ('six' → 6, '1.8 g' → 1800 mg, 'per cent' → %), hedges and reporting words are dropped ('usually',
'the leaflet says'), and with two guards: most of the fact's numbers must be there, and a negated fact
('do not…', 'avoid…') needs a negation in the window. Word order and wording are not judged.

The synonym groups are ordinary English and clinical equivalents (NHS website plain-English health terms; MeSH
entry terms for the clinical words), general to any back-pain text, not to any one evaluation item. The
synonym table is the scorer's own: it does not reuse the retrieval vocabulary it is judging.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from nerveroot.qa.text import STOP_WORDS, split_levels, stem

COVER_SHARE = 0.55
"""A fact is covered when a window holds this share of its weighted content."""
WINDOW = 3
"""Sentences per window (a fact may be said across two or three short sentences)."""


_SHORT_CVC = re.compile(r"[^aeiou]*[aeiouy][^aeiouwxy]")
"""A short stem of one syllable ending consonant-vowel-consonant ('wip', 'mov', 'tak')."""


def _root(word: str) -> str:
    """Stem, then drop a doubled final letter left by it ('controll' → 'control'), or give back the final e that
    '-ing' or '-ed' took from a short word ('wiping' → 'wipe', as Porter's step 1b does)."""
    token = stem(word)
    if len(token) > 4 and token[-1] == token[-2] and token[-1] not in "s":
        return token[:-1]
    base = word[:-3] if word.endswith("ing") else word[:-2] if word.endswith("ed") else word
    if base != word and base[-1:] != base[-2:-1] and token == base and _SHORT_CVC.fullmatch(token):
        return token + "e"  # not after a doubled consonant: 'stopped', 'sitting' keep 'stop', 'sit'
    return token


_GROUPS = """
urine: pee peeing wee urine urinate urinating urination bladder urinary incontinence
bowel: poo pooing stool stools faeces feces bowel bowels
doctor: gp doctor doctors physician provider clinician
herniat: slipped herniated herniation hernia prolapsed prolapse ruptured bulging
improve: improve improves improved improvement better ease eases eased settle settles resolve resolves resolved
    recover recovers recovered recovery subside subsides heal heals relieve relieves relieved
pain: pain painful sore ache aches aching hurt hurts discomfort
numb: numb numbness anaesthesia anesthesia
tingle: tingling tingle paraesthesia paresthesia paraesthesiae paresthesias
feel: feel feeling feelings sensation sensations sensory
buttock: buttock buttocks bottom bum gluteal
genital: genital genitals genitalia
emergency: emergency ambulance 999 ed
immediate: immediately immediate urgent urgently
sit: sit sits sitting seated
lie: lie lying lies
walk: walk walks walking
recommend: recommend recommends recommended advise advises advised suggest suggests suggested offer offered
pregnant: pregnant pregnancy pregnancies antenatal
breastfeed: breastfeeding breastfeed breastfed
medicine: medicine medicines medication medications drug drugs
painkiller: painkiller painkillers analgesic analgesics analgesia
paracetamol: paracetamol acetaminophen
physio: physiotherapy physiotherapist physio
surgery: surgery surgical operation operations operated operate operative surgeon surgeons
injection: injection injections injected inject
scan: scan scans imaging
disc: disc discs disk disks
compress: compress compressed compression compressing press presses pressing pressed pressure pinch pinched
    squash squashed squashing trap trapped impinge impinged impingement irritate irritated irritation
stenosis: stenosis narrowing narrowed narrow
fast: faster quicker sooner quickly quick prompt promptly rapid rapidly swift swiftly
assess: assess assessed assessment evaluate evaluated evaluation
open: open opens opened opening widen widens widened widening
cycle: cycle cycling bike bikes biking bicycle
bed: bed bedtime
similar: similar same equal equivalent
common: common commonest frequent frequently
rare: rare rarely uncommon unusual
permanent: permanent permanently lasting irreversible
worse: worse worsen worsens worsening aggravate aggravates aggravated flare flares
raise: raise raised raising increase increases increased increasing higher titrate titration
child: child children paediatric pediatric
kidney: kidney kidneys renal
liver: liver hepatic
heart: heart cardiac
sleep: sleep sleeping asleep sleepy sleepiness drowsy drowsiness
dizzy: dizzy dizziness
chance: chance risk likelihood odds
benefit: benefit benefits help helps helpful effective work works
stop: stop stopping stopped discontinue withdraw
return: return returning returned resume resuming
drive: drive driving driver
job: work job employment
symptomless: asymptomatic symptomless
weak: weak weakness weakened
large: large larger big bigger
small: small smaller slight slightly little minor modest
leg: leg legs thigh thighs calf calves
foot: foot feet toe toes
cold: cold ice
heat: heat warm warmth heated
stretch: stretch stretches stretching
"""
_PHRASES = {
    "pins and needles": "tingling",
    "feeling sick": "nausea",
    "feel sick": "nausea",
    "a and e": "emergency",
    "a&e": "emergency",
    "accident and emergency": "emergency",
    "emergency department": "emergency",
    "straight away": "immediately",
    "at once": "immediately",
    "as soon as possible": "immediately",
    "right away": "immediately",
    "same day": "immediately",
    "physical therapy": "physiotherapy",
    "physical therapist": "physiotherapist",
    "pain relief": "painkiller",
    "pain reliever": "painkiller",
    "pain relievers": "painkiller",
    "without symptoms": "asymptomatic",
    "with no symptoms": "asymptomatic",
    "no back pain": "asymptomatic",
    "go back to": "return to",
    "back passage": "anus",
    "get better": "improve",
    "gets better": "improve",
    "got better": "improve",
    "long term": "lasting",
    "long-term": "lasting",
    "per cent": "%",
    "percent": "%",
}
_NUMBER_WORDS = {
    "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
    "ten": "10", "eleven": "11", "twelve": "12", "fifteen": "15", "twenty": "20", "thirty": "30", "forty": "40",
    "fifty": "50", "hundred": "100", "half": "50%", "quarter": "25%", "third": "33%", "thirds": "67%",
}  # fmt: skip
_FILLER_WORDS = """usually often generally typically normally commonly sometimes mostly around about approximately
    roughly nearly almost least say says said state states stated quote quoted note notes noted page leaflet
    website article shows show found find report reported reports describe described according also
    include includes including e g eg i etc like well thing things way ways people person patient patients someone
    anyone everyone something anything need needs needed there their instead still just even really very lot
    whether within over under go goes going use used using rather guidance"""
_FILLER = frozenset(_root(w) for w in _FILLER_WORDS.split())
"""Hedges, reporting words and people words: they carry no fact."""
_GENERIC = "sciatica back pain leg nerve lumbar spine spinal symptom"
_GENERIC_WORDS = frozenset(_root(w) for w in _GENERIC.split())
"""Words nearly every answer here holds: half weight."""
_NEGATION = re.compile(
    r"\b(not|no|never|without|avoid\w*|against|cannot|can't|don't|doesn't|isn't|aren't|won't|shouldn't|neither|"
    r"nor|unable|inability|unlikely)\b",
    re.I,
)
_SENTENCE = re.compile(r"(?<=[.!?;:])\s+|\s+-\s+|\n+")
_UNIT = re.compile(r"(\d+(?:\.\d+)?)\s*(mg|g|mcg|ml|kg|%)\b", re.I)
_TOKEN = re.compile(r"\b[lstc]\d\b|\d+(?:\.\d+)?%?|[a-z]+")
_ASIDE = re.compile(r"\([^)]*\)")
PREFIX = 5
"""A longer word not found as such earns half its weight when a window word shares its first PREFIX letters."""
_CITATION = re.compile(r"\s*\[\d+\]")
_UNITS = frozenset({"day", "week", "month", "year", "hour", "minute", "mg", "mcg", "ml", "kg"})
_TIME_UNIT = r"(days?|weeks?|months?|years?|hours?|minutes?|mg)"
_RANGE = re.compile(rf"(\d+(?:\.\d+)?)\s*(?:-|–|to)\s*(\d+(?:\.\d+)?)\s*{_TIME_UNIT}\b")
_UNIT_FIRST = re.compile(r"\b(day|week|month|year)\s+(\d+)\b")
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5"}
_GRADE = re.compile(r"\bgrade\s+(iv|v|i{1,3})\b")
"""Grades in Roman numerals ('grade II') read as numbers."""
_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b")
_ONE_UNIT = re.compile(r"\b(?:a|an|one)\s+(day|week|month|year|hour)\b")
"""'a week' is 1 week, so 'after a week' says 'after 1 week'."""
_ONE_IN = re.compile(r"\b(\d+)\s+(?:in|out of)\s+(?:every\s+)?(\d+)\b")
"""'1 in 100' and '3 out of 10' are shares: read as per cent ('about 1%')."""


def _share(match: re.Match[str]) -> str:
    part, whole = int(match[1]), int(match[2])
    return f"{round(part * 100 / whole)}%" if 0 < part <= whole and whole > 1 else match[0]


def _groups() -> dict[str, str]:
    table: dict[str, str] = {}
    for line in re.sub(r"\n\s+", " ", _GROUPS).strip().splitlines():
        head, words = line.split(":", 1)
        for word in words.split():
            table[_root(word)] = head
    return table


_CONCEPT = _groups()


def _unit(match: re.Match[str]) -> str:
    value, unit = float(match[1]), match[2].lower()
    if unit == "g":
        value, unit = value * 1000, "mg"
    number = f"{value:g}"
    return f"{number}%" if unit == "%" else f"{number} {unit}"


@lru_cache(maxsize=8192)
def concepts(text: str) -> tuple[str, ...]:
    """The text as concept tokens: lower case, phrases and synonyms folded, numbers normalised, stemmed."""
    text = split_levels(_CITATION.sub("", text.lower()).replace("–", "-").replace("’", "'"))
    for phrase, repl in _PHRASES.items():
        text = text.replace(phrase, f" {repl} ")
    text = _GRADE.sub(lambda m: f"grade {_ROMAN[m[1]]}", text)
    text = _ONE_IN.sub(_share, text)
    text = _ONE_UNIT.sub(r"1 \1", _ORDINAL.sub(r"\1", text))
    text = _UNIT_FIRST.sub(r"\2 \1", _RANGE.sub(r"\1 \3 \2 \3", text))  # '6 to 8 weeks', 'week 8'
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    text = re.sub(r"(\d)\s*-\s*(\d)", r"\1 \2", text)
    text = re.sub(r"(?<=\d)\s+%", "%", text)
    text = _UNIT.sub(_unit, text)
    out: list[str] = []
    for word in _TOKEN.findall(text):
        word = _NUMBER_WORDS.get(word, word)
        if word in STOP_WORDS:
            continue
        token = word if word[0].isdigit() or word[-1].isdigit() else _root(word)
        token = _CONCEPT.get(token, token)
        if token in _UNITS and out and out[-1][0].isdigit() and out[-1][-1].isdigit():
            out[-1] = f"{out[-1]} {token}"  # a number goes with its unit: 1 week is not 1 year
            continue
        out.append(token)
    return tuple(out)


def _weight(token: str) -> float:
    if token[0].isdigit():
        return 3.0 if " " in token else 2.0
    if token in _FILLER:
        return 0.0
    return 0.5 if token in _GENERIC_WORDS else 1.0


def _number(token: str) -> str:
    return token.rstrip("%")


@dataclass(frozen=True)
class Match:
    """How well the best window says a fact."""

    share: float
    window: str
    covered: bool


def sentences(text: str) -> list[str]:
    """Sentence-like pieces of an answer (bullets and list dashes split too)."""
    return [s.strip() for s in _SENTENCE.split(_CITATION.sub("", text)) if s.strip()]


def windows(parts: Sequence[str], size: int = WINDOW) -> list[str]:
    """Every run of one to ``size`` consecutive sentences."""
    return [" ".join(parts[i : i + n]) for n in range(1, size + 1) for i in range(len(parts) - n + 1)]


def _credit(token: str, weight: float, have: set[str], prefixes: set[str]) -> float:
    if token in have:
        return weight
    long_word = len(token) > PREFIX and token.isalpha()
    return weight / 2 if long_word and token[:PREFIX] in prefixes else 0.0


def best_match(fact: str, spans: Sequence[str], share: float = COVER_SHARE) -> Match:
    """The window saying most of the fact; covered when it reaches ``share``, holds at least half the numbers
    of the fact outside brackets, and has a negation when the fact is negated."""
    wanted = {t: _weight(t) for t in concepts(fact)}
    total = sum(wanted.values())
    numbers = {_number(t) for t in concepts(_ASIDE.sub(" ", fact)) if t[0].isdigit()}
    negated = bool(_NEGATION.search(fact))
    best = Match(0.0, "", False)
    if not total:
        return best
    for span in spans:
        have = set(concepts(span))
        prefixes = {t[:PREFIX] for t in have if len(t) >= PREFIX}
        got = sum(_credit(t, w, have, prefixes) for t, w in wanted.items())
        have_numbers = {_number(t) for t in have if t[0].isdigit()}
        ok_numbers = not numbers or len(numbers & have_numbers) * 2 >= len(numbers)
        ok_negation = not negated or bool(_NEGATION.search(span))
        value = got / total
        covered = value >= share and ok_numbers and ok_negation
        if (covered, value) > (best.covered, best.share):
            best = Match(value, span, covered)
    return best


__all__ = ["COVER_SHARE", "Match", "best_match", "concepts", "sentences", "windows"]
