"""What a question asks: its question type (duration, dose, who should not take …), split into parts when it
asks several things. Pure functions over the question text; the subjects come from `link.EntityLinker`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nerveroot.knowledge.base import normalise
from nerveroot.qa.text import asked_sentences

QTYPES: tuple[tuple[str, str], ...] = (
    ("pregnancy", r"pregnan\w*|breast ?feed\w*|trimester|expecting a baby|postpartum|postnatal|child ?birth|"
     r"\b(giv(e|es|ing|en)|gave) birth\b|\b(had|having) (my|a|the|our) baby\b|"
     r"\b(since|after) (the|my|our) (baby|birth)\b"),
    ("who_should_not_take", r"who (should|must|can) ?(not|n t)|who cannot|who can t|contraindicat\w*|"
     r"who should (check|avoid|be careful)|check with a (doctor|gp|pharmacist) before|should not take|"
     r"who (can|may) and (can ?not|can t|may not) take|"
     # when a medicine must not be used ('when must you not use naproxen?', 'is it suitable for everyone?')
     r"\bwhen (must|should|can|may) (i |you |one |people |someone |patients )?(not|never) "
     r"(use|take|have|be given|be prescribed)\b|\bwhen (must|should|can|may) ?n t (i |you |one |people )?"
     r"(use|take|have)\b|\bavoid (taking|using)\b|\bwhen (is|are) (\w+ ){1,2}not (suitable|safe|advised)\b|"
     r"\b(suitable|safe) for (everyone|everybody|anyone|all)\b|"
     # drinking on a medicine is one of its cautions ('can I drink alcohol while taking it?')
     r"\b(alcohol|beer|wine|a drink)\b.{0,30}\b(while|when|on|with) (taking |i m on |on )?\w+|"
     r"\b(taking|on) \w+.{0,20}\b(drink\w* (alcohol|beer|wine)|alcohol)\b"),
    ("side_effects", r"side ?effects?|adverse (effects?|reactions?)|what (problems|reactions) can \w+ cause"),
    ("dose", r"\bdos(e|es|age|ing)\b|how much|how many (tablets|pills|days|mg)|"
     r"how many (\w+ ){0,3}(can|should|may|do) i (take|have)|maximum|\bmax\b|\bmg\b|titrat\w*|"
     r"how often (can|should|do) i take|when should i take|how (should|do|to|can|would) (i |you |we )?take\b"),
    ("when_where_seek_care", r"\ba ?(&|and)? ?e\b|\b999\b|\b111\b|emergenc\w*|ambulance|hospital|urgent\w*|"
     r"when (should|do) i (see|go|call|get)|(who|where) (should|do|can) i (see|go)|"
     # which kind of doctor or service ('which department deals with sciatica?', 'what type of doctor treats it?')
     r"\b(which|what) (\w+ ){0,2}(department|speciali[sz]\w*|specialty|speciality)\b|"
     r"\b(which|what) (kind|type|sort) of (doctor|specialist|surgeon|service)\b|"
     # a clinician asking when to refer ('when should I refer …', 'refer on to the spinal team'), not referred pain
     r"\b(when|whether|who) (should|do|to|can|must) (i |we |you )?refer\b|\brefer (\w+ ){0,3}(on|urgently)\b|"
     r"see a (doctor|gp)|warning signs?|red flags?|seek (medical )?"
     r"(care|help|attention|advice)|immediate (medical )?(care|attention)|how quickly|"
     r"should i be (worried|concerned|scared|alarmed)|do i need to worry|"
     # 'when can back pain point to a more serious problem?'
     r"\b(point|sign|signal|mean|indicate)s? (of |to )?(a |an |something |anything )?(more )?serious\b|"
     r"\b(something|anything) more serious\b|(is|could) (it|this|that) (be )?"
     r"(serious|something serious|dangerous|worrying|an emergency)"),
    ("x_vs_y", r"difference between|\bvs\b|versus|compared (with|to)|distinguish|tell (if|whether|the difference)|"
     r"tell (\w+ ){1,3}(from|apart)|mistaken for|or (just|only)|better than|(the )?same (thing )?as|different from|"
     r"\b(see|use|try|choose|pick|go to) (a |an |the )?[\w-]+ or (a |an |the )?[\w-]+|"
     r"\bfrom (my |the )?[\w-]+ or (from )?(my |the )?[\w-]+|or (is it |could it be )?(something|anything) else|"
     r"rather than|\binstead\b|\bor is it\b|\bas (well|good|effective) as\b|"
     r"\bwhich (\w+ )?(works?|is|helps?) (better|best|more)\b|\b(another|other) (name|word|term) for\b|"
     # 'is this sciatica?', 'could it be coming from my back?': which of the possible causes it is
     r"\b(is|could|might|can) (this|it|that) (really |actually |just |still )?(be )?(come from |coming from )?"
     r"(sciatica|a trapped nerve|a pinched nerve|nerve pain|a slipped disc|(my |the )?(back|spine|hip|nerves?))\b"),
    ("report_meaning", r"\breport\b|my (mri|scan) (says|said|shows|showed|report)|on (my |an |the )?(mri|scan)|"
     r"what (does|is) (a |an |the )?['\"]?\w+['\"]? (mean|on)"),
    ("surgery_injection_outcome", r"surg\w*|operat\w*|discectomy|microdiscectomy|decompression|fusion|"
     r"laminectomy|epidural|injections?|\bsport (trial|study)\b|trial"),
    ("test_how_accuracy", r"\btests?\b|mri|scans?|x ?rays?|imaging|\bemg\b|nerve conduction|accura\w*|reliab\w*|"
     r"sensitiv\w*|specific\w*|straight leg|positive|diagnos\w*"),
    ("which_root", r"which (\w+ ){0,2}(root|level|nerve)\b|what (root|level)|"
     r"\b[ls][1-5]\b.*\b(pain|root|go|nerve)\b|"
     r"\b[ls][1-5] radiculopathy"),
    ("duration_prognosis", r"how long|(usual|natural|typical|expected) (course|history)|"
     r"take to work|\b(start|begin)s? (to )?(eas|work|help|improv)\w*|\blast\b|go(es|ing)? away|gone away|"
     r"\bstill (have|has|had|got|get|in pain)\b|"
     r"get better|recover\w*|prognosis|outlook|permanent\w*|chronic|persistent|heal\w*|come back|recurr\w*|"
     r"will (it|this|they|the pain) (ever )?(settle|clear|ease|resolve|improve|stop)|persist\w*|inevitabl\w*|"
     r"\bstill (hurt\w*|painful|sore|bad|there)\b|\bprospects?\b|\b(for|in) the (long[- ]term )?future\b|"
     r"will (it|this|that|they) (ever )?go( away)?\b"),
    ("is_x_recommended", r"recommend\w*|should i (use|have|take|try|get|wear)|does \w+( \w+)? (help|work)|"
     r"do \w+( \w+){0,2} (help|work)|effective|worth|is \w+( \w+)? (good|useful)|qualif\w*|"
     r"should (\w+ ){1,4}be (prescribed|used|given|offered|tried)|(is|are) (\w+ ){1,4}any good"),
    ("self_care", r"at home|self[- ]?care|"
     r"(during|in|through) (an?|the|this|one) (\w+ )?(attack|flare[- ]?up|episode|bout)\b|"
     r"when (it|this|the pain|sciatica|my \w+) (flares|strikes|plays up)\b|\bsports?\b|"
     r"\b(off|back to) work\b|what (should|can|do) i do\b|how (can|do|should|will) i (cope|get through|manage)\b|"
     r"can i (run|drive|work|sit|sleep|exercise|use|keep|go|lift|do)|sleep\w*|"
     r"pillow|sitting|\bsit\b|driv\w*|heat|\bice\b|hot water|stretch\w*|exercis\w*|\brest\b|bed|running|\brun\b|"
     r"\bgym\b|weights|cardio|desk|work|\bplay(ing)? (\w+ )?again\b|\bback to (sport|play\w*|training)\b"),
    # a risk that causes sciatica ('risk factors', 'does weight raise the risk'), not an operation's risks
    # ... and not what something brings about ('does a trapped nerve always cause weakness?')
    ("cause", r"\bcaus\w*\b(?! (\w+ ){0,2}(weakness|numbness|tingling|damage|paralysis|foot drop|incontinence))|"
     r"\bwhat (\w+ ){0,2}caus\w*|\bwhy\b|overweight|obes\w*|\brisk factors?\b|\bat (\w+ )?risk\b|"
     r"\b(raises?|increases?|lowers?|reduces?|higher|rise in) (my |the |your )?risks?\b|"
     r"\brisks? of (getting|developing|sciatica|back pain|radiculopathy|"
     r"(a )?(slipped|herniated|prolapsed|bulging) disc)"),
    ("symptom", r"symptoms?|feel like|feels like|signs?\b|how can i tell|how do i know|"
     # where a symptom is felt ('where does the numbness from a disc show up?')
     r"\bwhere (does|do|is|are|will|would|can) (the |my |this |it )?(\w+ )?(pain|numbness|tingling|weakness|ache)\b"
     r"(.*\b(show|felt|feel|go|spread|appear|radiat|travel)\w*)?|"
     r"will i (definitely |always )?(be|have|get)\b(?! able\b)"),
)  # fmt: skip
"""Question types in order of precedence: the first that matches is the main type."""

NATURAL_HISTORY = re.compile(
    r"\b(settl|go(es)? away|get(s)? better|heal|recover|resolv|improv|clear(s)? up|eas)\w* (up |down )?"
    r"(on (its|their) own|by itself|without (surgery|an? operation|treatment|injections?))"
    r"|\bnatural (course|history)\b|\b(won t|will not|not) (need|have) (an? )?(operation|surgery)"
    r"|\b(surgery|an? operation) (is |be )?(inevitabl|unavoidabl)\w*|\binevitabl\w* (that )?i (will )?need"
    r"|\b((will|do|would|could|might) i|am i( definitely| ever)? going to) (definitely |eventually |ever )?"
    r"(need( to have)?|have to have|end up (needing|having)) (an? )?((back|spinal|spine|disc) )?(operation|surgery)\b"
    r"|\b(chances?|likely|odds)\b.{0,30}\b(settl|go(es)? away|get(s)? better|recover|resolv|improv)\w*"
)
"""A question about the natural course ('will it settle without surgery?') asks for the outlook first, even
when it names surgery or treatment."""
REPORT_WORDS = re.compile(
    r"abutt\w*|\bforamin\w*|lateral recess|extru\w*|protru\w*|sequest\w*|annular|bulg\w*|grade[ds]?\b"
)
"""Words of an MRI report: they make a question about the report where it asks or after it ('Can you explain my
MRI? It says: …'), not in the story before another question ('I have a disc protrusion. How long off work?')."""
MECHANISM = re.compile(
    r"\bhow (does|do|would|will|can|could|is|are) (?!(i|we|you|he|she|my|our|your|his|her)\b)(\w+)( \w+){0,4}? "
    r"(work|works|act|acts|relieve|relieves|ease|eases|reduce|reduces|help|helps|stop|stops|block|blocks|dampen|dampens)"
    r"\b(?! (out|with (the )?(cost|money)))"
)
"""How a treatment works ('how does duloxetine work for nerve pain?', 'how do these tablets ease it?'): asks why it
helps, like 'why am I given it?', not whether it works ('does duloxetine work?', 'how well does it work?') nor work
and self-care."""
_PATTERNS = [(name, re.compile(rf"(?:{pattern})")) for name, pattern in QTYPES]
_PARTS = re.compile(r"(?<=[?])\s+|\s+(?:and|also|plus)\s+(?=(?:what|how|when|which|who|is|are|can|does|do|should)\b)")


_ASKS_SYMPTOMS = re.compile(
    r"\b(what|which) (\w+ ){0,2}(symptoms|signs)\b|\bwhat (does|do|will) (it|this|that|\w+) feel like\b"
)
_ORDER = {name: n for n, (name, _) in enumerate(QTYPES)}


@dataclass(frozen=True)
class Intent:
    """The question types a text matches, main type first ('other' when none matches)."""

    qtypes: tuple[str, ...]

    @property
    def qtype(self) -> str:
        return self.qtypes[0] if self.qtypes else "other"

    def asks(self, *names: str) -> bool:
        return any(name in self.qtypes for name in names)


def classify(question: str) -> Intent:
    """The question types of a question, in precedence order."""
    text = normalise(question.replace("&", " and "))
    names = [name for name, pattern in _PATTERNS if pattern.search(text)]
    if mechanism := MECHANISM.search(text):  # the words that ask how it works type nothing else
        rest = f"{text[: mechanism.start()]} {text[mechanism.end() :]}"
        names = ["cause", *(n for n, pattern in _PATTERNS if n != "cause" and pattern.search(rest))]
    first = asked_sentences(question)[0]
    asked = normalise(question[max(question.find(first), 0) :].replace("&", " and "))  # the question, and after it
    if "report_meaning" not in names and REPORT_WORDS.search(asked):
        names = sorted([*names, "report_meaning"], key=_ORDER.__getitem__)
    if "symptom" in names and "which_root" not in names and _ASKS_SYMPTOMS.search(text):  # not "signs of L4"
        names = ["symptom", *(n for n in names if n != "symptom")]
    if NATURAL_HISTORY.search(text):
        names = ["duration_prognosis", *(n for n in names if n != "duration_prognosis")]
    return Intent(tuple(names))


def split_parts(question: str) -> list[str]:
    """A multi-part question split into its questions ('How is it done, and how accurate is it?' stays whole;
    'What is X? Is it common?' gives two). Parts shorter than three words stay with the previous part."""
    parts = [p.strip() for p in _PARTS.split(question.strip()) if p and p.strip()]
    merged: list[str] = []
    for part in parts:
        if merged and len(part.split()) < 3:
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return merged or [question]


__all__ = ["MECHANISM", "NATURAL_HISTORY", "QTYPES", "REPORT_WORDS", "Intent", "classify", "split_parts"]
