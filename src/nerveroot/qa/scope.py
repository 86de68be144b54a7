"""Is a question about lumbar nerve root compression and its care? Decides abstention before retrieval."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nerveroot.knowledge.base import normalise
from nerveroot.qa.text import asked_sentences

OUT_OF_SCOPE: tuple[str, ...] = (
    r"cervical",
    r"neck",
    r"arms?",
    r"hands?",
    r"wrists?",
    r"elbows?",
    r"shoulders?",
    r"fingers?",
    r"thumbs?",
    r"carpal tunnel",
    r"c[1-8]",
    r"t[1-9]|t1[0-2]",
    r"thoracic outlet",
    r"migraines?|headaches?",
    r"jaw|tmj",
    r"teeth|tooth|dental",
    r"eyes?|vision",
    r"heart attack|angina",
    r"covid|flu vaccine|vaccines?",
    r"recipes?|weather|stock|bitcoin|movie|python code",
    r"dogs?|puppy|puppies|dachshunds?|cats?|kittens?|horses?|pets?|vets?|veterinar\w*|canine|feline|ivdd",
    # breeds and other pets named instead of the animal ("my small poodle began dragging her back legs")
    r"poodles?|labradors?|spaniels?|terriers?|retrievers?|collies?|beagles?|corgis?|pugs?|chihuahuas?|"
    r"bulldogs?|schnauzers?|huskies|husky|greyhounds?|whippets?|rottweilers?|shih tzus?|pooch|doggy|rabbits?|"
    r"bunn(?:y|ies)|guinea pigs?|hamsters?|ferrets?|parrots?",
)
"""Body parts, topics and patients (animals) outside human lumbar care; a question naming them is declined."""

OTHER_CONDITIONS: tuple[str, ...] = (
    r"knees?|knee ?caps?",
    r"runner s knee|patell\w*|menisc\w*|acl",
    r"anxiety|epilep\w*|seizures?|convulsions?|depression|insomnia|bipolar|smoking cessation|hot flush\w*",
    r"bed ?wetting|overactive bladder|irritable bowel",
    r"chest pain|football|rugby|tennis|golf",
)
"""Other problems a drug or a leg symptom may be asked about, and sports; declined unless the question also names the
lumbar spine or its nerve roots (a knee-jerk or 'pain to the knee' question, a footballer's sciatica or chest pain going
through to the back stay in scope; so does pain told as going below the knee)."""

ANCHORS = re.compile(
    r"\b(back|lumbar|lumbosacral|spine|spinal|disc|disk|sciatica|sciatic|radicul\w*|nerve roots?|trapped nerve|"
    r"pinched nerve|nerve pain|l[1-5]|s1|stenosis|herniat\w*|slipped|femoral|quadriceps|knee jerk|reflex\w*|"
    r"(?:below|past|beyond|down to|down past) (?:the |my |his |her )?knees?(?! ?caps?)|"
    r"(?:for|with) (?:my|his|her|the|this) pain)\b"
)
"""Words that keep a question naming another problem in scope: the lumbar spine, its roots, and leg pain told as going
below the knee (the sciatica definition); and a drug given 'for my pain' when its other use is named ('an epilepsy
drug for my pain'), but not 'for my knee pain'."""
INSTRUCTIONS = re.compile(
    r"\b(ignore|disregard|forget|override)\b.{0,40}\b(instructions?|rules|prompt|guidelines|sources|above|previous)"
    r"|system (override|prompt)|developer mode|you are now|pretend (to be|you are)|jailbreak|act as (an?|my)"
    r"|(cite|use) no sources|without (citations|sources)"
)
"""Instructions hidden in a question: nerveroot answers questions, it does not take orders."""

_ENGLISH = frozenset(
    re.findall(
        r"\w+",
        "a an the i my me is are was be do does can could should will would what when where which who why how and or "
        "of to in on for with it this that have has after before not no you your if",
    )
)
_FOREIGN = frozenset(
    re.findall(
        r"\w+",
        "el la los las que de del y en por para es con una un como cuanto le les des et est pour dans avec une du au "
        "faut il elle der die das und ist nicht mit ein eine ich wie lange di che per non sono della het een van ik "
        "niet hoe em com uma nao o",
    )
)

IN_SCOPE: tuple[str, ...] = (
    r"(lower |low )?back",
    r"lumbar|lumbosacral|sacral|spine|spinal|vertebra\w*|disc|disk|facet",
    r"l[1-5]|s1",
    r"sciatica|sciatic|radicul\w*|nerve roots?|nerves?|pinched|trapped",
    r"legs?|thighs?|knees?|shins?|calf|calves|feet|foot|ankles?|toes?|buttocks?|hips?|groin|heel|sole",
    r"stenosis|herniat\w*|slipped|bulg\w*|spondyl\w*|cauda equina|foot drop|claudication",
    r"sacroiliac|si joints?|piriformis",  # the mimics of sciatica in the buttock
    r"(micro)?dis[ck]ectom\w*|laminectom\w*|laminotom\w*|foraminotom\w*|epidurals?",
    r"foram\w*|protru\w*|extru\w*|sequest\w*|annul\w*|lateral recess|thecal sac|ligamentum flavum|osteophyt\w*",
    r"numb\w*|tingl\w*|pins and needles|weak\w*|paraesthesi\w*|paresthesi\w*|reflex\w*",
    r"straight leg raise|slr|femoral stretch|slump",
    r"saddle|bladder|bowel|incontinen\w*",
    r"bum|bottom|backside|back passage|private parts|genitals?|down below",
    r"wip(e|es|ed|ing)|pee(ing)?|wee(ing)?|poo(ing)?",
    r"nsaids?|painkillers?|analgesics?|anti[- ]inflammator\w*|opioids?|gabapentinoids?|steroids?",
    # the tests of a lumbar work-up by their short names (a name of three letters is not a known term), and the
    # fear of paralysis a person with a trapped root asks about
    r"emg|ncs|ncv|nerve conduction|electromyogra\w*|mri|paraly[sz]\w*",
)
"""Words that place a question in the lumbar radicular domain."""

LUMBAR_NAMED = re.compile(r"\b(lumbar|lumbosacral|lower back|low back|sciatica|sciatic|l[1-5]|s1|spinal stenosis)\b")
"""Words that name the lumbar spine itself: a story naming it may mention another region in passing ('injections in
my lower back and neck … What is your opinion on gabapentin?'). An operation's name is not one: discectomy, fusion
and laminectomy are done in the neck too ('an anterior discectomy and fusion in my neck')."""
CERVICAL = re.compile(r"\b(cervical|c[1-8])\b")
_REGIONS = re.compile(
    r"\b(neck|arms?|hands?|wrists?|elbows?|shoulders?|fingers?|thumbs?|migraines?|headaches?|heart attack|angina)\b"
)
"""The other regions and past illnesses a lumbar story may name in passing ('… for my sciatica. Who shouldn't take it? I
had a heart attack two years ago.'); animals and other topics are declined wherever named."""

_ACTIVITY_ANIMAL = re.compile(
    r"\b(?:walk\w*|rid(?:e|es|ing)|rode|show(?:s|ed|ing)?|groom\w*|train\w*|breed\w*|muck\w* out|exercis\w*|"
    r"look\w* after|feed\w*|lift\w*|carr(?:y|ies|ied|ying)) (?:(?:my|our|the|a|his|her|their|two|three) )?(?:\w+ )?"
    r"(dogs?|horses?|pon(?:y|ies)|pupp(?:y|ies))\b"
)
"""An animal named as what the person does ('I show horses', 'walking the dog'): an activity, not the patient."""

_OUT = re.compile(r"\b(" + "|".join(OUT_OF_SCOPE) + r")\b")
_OTHER = re.compile(r"\b(" + "|".join(OTHER_CONDITIONS) + r")\b")
_IN = re.compile(r"\b(" + "|".join(IN_SCOPE) + r")\b")


@dataclass(frozen=True)
class Scope:
    """The verdict on a question: in scope or not, and why."""

    in_scope: bool
    reason: str


def check_scope(question: str, known_terms: frozenset[str] = frozenset()) -> Scope:
    """In scope when the question names the lumbar domain or a knowledge-base entity, and no other body region.

    ``known_terms`` holds normalised names of knowledge-base entities (drugs, treatments, conditions …).
    """
    text = normalise(question)
    if not text:
        return Scope(False, "the question is empty")
    if INSTRUCTIONS.search(text):
        return Scope(False, "it contains instructions to nerveroot rather than a question")
    if not _is_english(question, text):
        return Scope(False, "it is not in English, the only language nerveroot answers in")
    other = _OTHER.search(text)
    if other and not ANCHORS.search(text):
        return Scope(False, f"it is about '{other[0]}', not lumbar nerve root compression")
    outside = _OUT.search(text)
    if outside and not _in_passing(question, text):
        return Scope(False, f"it is about '{outside[0]}', outside the lumbar spine and its nerve roots")
    if _IN.search(text):
        return Scope(True, "lumbar domain term")
    padded = f" {text} "
    for term in known_terms:
        if f" {term} " in padded:
            return Scope(True, f"names '{term}'")
    return Scope(False, "it does not concern lumbar nerve root compression or its care")


def _in_passing(question: str, text: str) -> bool:
    """Another region, or an animal the person works with, is named only in the story of a question that names the
    lumbar spine and asks about nothing outside it: no cervical word anywhere, and no other region in the sentences
    that ask."""
    asked = normalise(" ".join(asked_sentences(question)))
    if asked == text or CERVICAL.search(text) or not LUMBAR_NAMED.search(text):
        return False
    activities = [m.span(1) for m in _ACTIVITY_ANIMAL.finditer(text)]
    if any(not _REGIONS.fullmatch(m[0]) and m.span() not in activities for m in _OUT.finditer(text)):
        return False
    return not _OUT.search(asked) and not _OTHER.search(asked)


def _is_english(raw: str, text: str) -> bool:
    """False for text mostly in another script, or with more common Spanish/French/German/Italian/Dutch/
    Portuguese function words than English ones."""
    letters = [c for c in raw if c.isalpha()]
    if letters and sum(c.isascii() for c in letters) < 0.8 * len(letters):
        return False
    words = text.split()
    english = sum(w in _ENGLISH for w in words)
    foreign = sum(w in _FOREIGN and w not in _ENGLISH for w in words)
    return not (foreign >= 2 and foreign > english)
