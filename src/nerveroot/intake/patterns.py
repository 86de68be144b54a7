"""Regular expressions for structured values: sides, MRC grades, reflex and test results, age, sex, durations."""

from __future__ import annotations

import re
from datetime import date, timedelta

from nerveroot.assessment.case import Side

LEFT: tuple[Side, ...] = ("left",)
RIGHT: tuple[Side, ...] = ("right",)
BOTH: tuple[Side, ...] = ("left", "right")
SIDE_WORDS: dict[str, tuple[Side, ...]] = {
    "b/l": BOTH,
    "left": LEFT,
    "lt": LEFT,
    "right": RIGHT,
    "rt": RIGHT,
    "both": BOTH,
    "bilateral": BOTH,
    "bilaterally": BOTH,
    "bilat": BOTH,
}
SIDE_LETTERS: dict[str, tuple[Side, ...]] = {"L": LEFT, "R": RIGHT}
RIGHT_ADVERB = (
    r"(?:to|down|up|into|through|across|along|round|around|under|away|now|behind|next to|inside|out|there|here|onto|"
    r"off|the way|(?:at|in|on|over|from|by|below|above) (?:the|my|his|her|their|your)\b(?! (?:left|right)\b))\b"
)
"""Words after "right" that make it an adverb, not a side: "right down to my little toe", "right in the middle"."""
RIGHT_AS_ADVERB = re.compile(r"^\s+" + RIGHT_ADVERB, re.IGNORECASE)
_SIDE = r"(left|right|lt|rt|(?-i:L|R))"
SIDE_ORDER = re.compile(rf"(?<![\w/]){_SIDE}\.?\s*/\s*{_SIDE}\b(?!\s*/)", re.IGNORECASE)
"""An ordered side list ("(R / L)", "L/R:"): two values written with it go to the sides in that order."""
SIDE_COLUMNS = re.compile(rf"(?<![\w/]){_SIDE}\.?\s*\(\s*{_SIDE}\.?\s*\)\s*:", re.IGNORECASE)
"""A table header naming the side of the plain values and, in brackets, of the bracketed ones: "Myotomes L (R): knee
ext 3/5 (5)" is 3/5 on the left and 5 on the right."""
SIDE_PAIR_HEADER = re.compile(rf"(?<![\w/]){_SIDE}\.?\s*[/|]\s*{_SIDE}\.?\s*:", re.IGNORECASE)
"""A table header naming the two sides in order ("Power R / L:"): a value pair after it is one per side."""
SIDE_PAIR_LINE = re.compile(rf"^[^\d\n]*?(?<![\w/]){_SIDE}\.?[ \t]*[/|][ \t]*{_SIDE}\.?[ \t]*:?[ \t]*$", re.IGNORECASE)
"""The same header on a line of its own above the table's rows ("Myotomes  R | L")."""
SPACED_PAIR = re.compile(r"([0-5])\s*[+-]?(?:\s+/\s+|[ \t]*\|[ \t]*)([0-5])\s*[+-]?(?!\s*/|\d)")
"""Two grades written 'a / b' with spaces (or 'a | b') under a side-pair header ("DF 2 / 5": 2 on the first side, 5
on the second), not one grade out of five."""
BRACKETED_GRADE = re.compile(r"\s*\(\s*([0-5])\s*[+-]?\s*(?:/\s*5)?\s*\)")
"""The other side's grade in brackets straight after a grade, under a SIDE_COLUMNS header."""
SIDE_RESPECTIVELY = re.compile(
    rf"(?<![\w/]){_SIDE}\.?\s+(?:and|&)\s+(?:the\s+)?{_SIDE}\b(?=[^.;]*\brespectively\b)", re.IGNORECASE
)
"""Sides named in order with "respectively" ("the left and right dorsiflexion were 0/5 and 2/5, respectively")."""
SYMMETRIC = re.compile(
    r"\b(?:symmetric(?:al|ally)?|equal(?:ly)?(?! to)|same (?:on )?both sides)\b|(?<!\w)(?-i:L ?= ?R|R ?= ?L)(?!\w)",
    re.IGNORECASE,
)
"""Words saying an exam value holds on both sides ("AJ 2+ symmetrical", "KJ 2+ L=R")."""
NORMAL_N = r"(?<![&/+])(?-i:N)(?![&/+])"
"""A capital N written as a verdict ("gait N", "PU/BO N", "R leg N", "sole N"), not the N of "P&N" or "N/V"."""
SPARED = re.compile(
    r"\s+(?:is |remains |was |feels |has been )?(?:entirely |completely |totally |quite |still )?"
    r"(?:asymptomatic|unaffected|symptom[- ]free|pain[- ]free|fine|clear|spared|normal|nad|nil|"
    rf"no (?:sx|symptoms?|pain|complaints?|problems?)|{NORMAL_N})\b",
    re.IGNORECASE,
)
"""Words after "L leg" saying the leg has no symptoms ("R leg N."): that leg is not a symptomatic side."""
ANSWERED_QUESTION = re.compile(
    r"(?<=[\w)])\?(?=[ \t]+(?:-\s*)?[\"'“]?(?:yes|no|not sure|unsure|don'?t know|n/?a|none|nil|never|sometimes)"
    r"[\"'”]?[ \t]*(?:$|[.,;:(\"'“-]|–))",
    re.IGNORECASE | re.MULTILINE,
)
"""The "?" of a form's question followed by a bare answer on the same line (e-consult, questionnaire: "Fever? No",
"Numbness? Yes - top of foot"): one character, replaced by ":" so the question reads as a field and offsets are
kept. A new sentence that starts with the word ("would it help? No problems down there") is left alone."""
_REST = (
    r"\b(?:(?:rest|remainder)(?: of (?:the )?(?:muscles|myotomes|movements|power))?|others?|otherwise|elsewhere"
    r"|(?:all|everything) else|(?:all )?(?:the )?(?:other|remaining) (?:muscles?|muscle groups?|movements|myotomes"
    r"|key muscles))(?: (?:is|are|was|were|tested))?\s*[:=-]?\s*"
)
REST_BEFORE = re.compile(_REST + "$", re.IGNORECASE)
"""Words before a grade that give it to every muscle not named ("EHL 4/5, rest 5/5"), not to the one before it."""
OTHERS_FULL = re.compile(
    _REST + r"(?:5/5|normal|full|intact|strong|nad)\b|\b(?:power|strength|myotomes) (?:otherwise|elsewhere) "
    r"(?:5/5|normal|full|intact)\b|(?<![\d.])5/5 (?:elsewhere|otherwise)\b"
    r"|(?<![\d.])5/5 (?:throughout |in all myotomes )?(?:except|apart from|other than|save for)\b",
    re.IGNORECASE,
)
"""A note that calls every muscle it did not name full strength ("other muscles 5/5", "power otherwise normal")."""
REGION_SPARED = re.compile(
    r"\s*(?:[-–:]\s*)?(?:is |was |are |were |remains? |(?:sensation|sens\.?) )?"
    rf"(?:intact|spared|normal|nl|unaffected|preserved|nad|{NORMAL_N})\b",
    re.IGNORECASE,
)
"""A verdict straight after a body region saying it is spared ("sole intact", "sole N"): the earlier symptom word is
not its."""

# An MRC grade written n/5 (optionally 4+/5, 4-/5) or "MRC 4", "grade 4". A + or - after the digit is dropped:
# "4-/5" and "4+/5" are grade 4 (the Case holds whole MRC grades, and both mean weaker than normal), "5-/5" is 5.
GRADE = re.compile(r"(?<![\d/])([0-5])\s*[+-]?\s*/\s*5(?![\d])|\b(?:mrc|grade)\s*([0-5])\b", re.IGNORECASE)
_NOT_A_MEASURE = (
    r"(?!\s*(?:days?|weeks?|months?|years?|wks?|hrs?|hours?|mins?|minutes?|cm|mm|kg|ml|m\b|°|%|x\b|reps?\b|"
    r"repetitions?|times\b|secs?\b|seconds?))"
)
BARE_GRADE = re.compile(
    r"^\s*[:=(-]?\s*(?:(?:l|r|lt|rt|left|right)\b\.?\s*)?([0-5])\s*[+-]?(?![\w/°%+-]|\.\d)" + _NOT_A_MEASURE,
    re.IGNORECASE,
)
"""A grade written straight after a movement with no "/5": "eversion 4-", "DF R 4+", "EHL 3" (same +/- rule)."""
WEAK_CUE = re.compile(
    r"\b(?:weak\w*|paresis|paraly[sz]\w*|reduced power|power (?:is )?reduced|can['’]?t|cannot|can not|"
    r"could ?n['’]?t|could not|unable|not able|difficulty|won['’]?t|will not|"
    r"(?:can|could) no longer|no longer able|"
    r"difficult|trouble|struggl\w*|impossible|not possible|poor|give[sn]? way|gives out|drops?|reduced|↓|"
    r"impair\w*|deficits?|wk|wkns|wkness|decreased|diminished|loss of|lost|"
    r"fatigu\w*|tir(?:es|ing|ed)|only (?:\d+|a few|a couple|one|two|three|four|five)|manag\w* only)"
    r"(?:\b|(?<=↓))",
    re.IGNORECASE,
)
_G5 = r"([0-5])\s*[+-]?\s*/\s*5"
_PREV = r"(?:was|were|previously|prev\.?|formerly|from|down from|had been|last (?:week|time|visit|review|clinic))"
GRADE_NOW_WAS = re.compile(
    rf"(?:\b(?:now|currently|today)\s+(?:only\s+)?{_G5}\s*[(,;]?|(?<![\d/]){_G5}\s*(?:(?-i:[RL])\s*)?\()\s*{_PREV}\s+{_G5}",
    re.IGNORECASE,
)
GRADE_WAS_NOW = re.compile(
    rf"\b{_PREV}\s+{_G5}\s*[),;]?\s*(?:\w+\s+){{0,3}}?(?:to|now|→|->|⇒)\s+(?:only\s+)?{_G5}"
    rf"|(?<![\d/]){_G5}\s*(?:→|->|⇒)\s*{_G5}",
    re.IGNORECASE,
)
"""A grade that changed, written "now 3/5 (was 4/5)", "from 4/5 to 3/5" or "4/5 → 3/5" (both grades out of 5)."""
EARLIER_BEFORE = re.compile(rf"\b{_PREV}\s*:?\s*(?:only\s+)?$", re.IGNORECASE)
EARLIER_AFTER = re.compile(
    r"\s*(?:→|->|⇒|to\b)\s*[0-5]|\s+(?:(?:back )?in|during|(?:at|on) (?:the )?(?:\d{1,2}(?:st|nd|rd|th)? )?)\s*"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|"
    r"\s+(?:last (?:week|month)|\d+ (?:days|weeks|months) ago|"
    r"(?:per|by) (?:the )?(?:locum|previous|earlier|referring|first)\b)",
    re.IGNORECASE,
)
"""Words marking a grade as an earlier one: "(was 4/5)", "previously 4/5", "4/5 → 3/5", "3/5 in Aug per locum"."""
GRADE_LIST_AFTER = re.compile(r"\s*(?:,|and|&)\s*(?:and\s+)?[0-5]\s*[+-]?\s*/\s*5")
STRONG_CUE = re.compile(
    r"\b(?:normal(?:ly)?|full|strong|intact|good|preserved|fine|ok|okay|nad|unremarkable|easily|satisfactory|"
    r"able|no (?:problem|difficulty|trouble|weakness))\b",
    re.IGNORECASE,
)

_RG = r"(?<![\w/.+-])"  # a reflex grade digit stands alone: not L4, not 4/5, not 2.5
_RG_END = r"(?![\w/°%]|\.\d)" + _NOT_A_MEASURE
REFLEX_RESULTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "absent",
        re.compile(
            r"\b(?:absent|missing|not elicited|unobtainable|not obtainable|lost|"
            r"(?:can(?:not|['’]?t)|could(?:n['’]?t| not)) be (?:elicited|obtained|found)|areflexi\w*|not present|"
            r"(?:could(?:n['’]?t| not)|can(?:not|['’]?t)|unable to|failed to) (?:get|elicit|obtain|find|produce)"
            r"(?: (?:any|a|an))?)\b"
            rf"|{_RG}0{_RG_END}",
            re.IGNORECASE,
        ),
    ),
    (
        "brisk",
        re.compile(
            r"\b(?:brisk|hyperactive|exaggerated|increased|pathologically brisk)\b|(?<!\w)[34]\+|\+\+\+|[↑⇑]"
            rf"|{_RG}[34]{_RG_END}",
            re.IGNORECASE,
        ),
    ),
    (
        "reduced",
        re.compile(
            r"\b(?:reduced|diminished|depressed|decreased|hypoactive|sluggish|weak|weaker|trace|hyporeflexi\w*|"
            r"only with reinforcement|with reinforcement|down(?! to\b))\b|(?<!\w)1\+|\+/-|±|[↓⇓]"
            rf"|{_RG}1{_RG_END}",
            re.IGNORECASE,
        ),
    ),
    (
        "normal",
        re.compile(
            r"\b(?:normal|present|intact|symmetrical|symmetric|preserved|equal|nad)\b|(?<!\w)2\+|(?<!\+)\+\+(?!\+)|↔"
            rf"|{_RG}2{_RG_END}",
            re.IGNORECASE,
        ),
    ),
)
"""Reflex results in words, arrows or grades. Grades follow the 0–4 scale: 0 absent, 1 (1+, ±) reduced, 2 (2+, ++)
normal, 3–4 (+++) brisk. A lone "+" is left unread: notes use it both for "present" and for "reduced"."""
COMPARED_WITH = re.compile(
    r"\b(?:compared (?:with|to)|relative to|vs\.?|versus|than(?: on)?)\s+(?:the\s+|on the\s+)?"
    r"(left|right|lt|rt|l|r)\b",
    re.IGNORECASE,
)
"""'diminished on the R compared with the L': the side compared against is the normal one."""
REFLEX_WORD = re.compile(r"reflex|jerk|\b[ka]js?\b|tendon", re.IGNORECASE)
NOT_BEFORE = re.compile(
    r"(?:\b(?:not|no|never|without|(?:are|is|was|were|do|does|did|ca|could|wo|would|have|has|had|ai)nt)|n['’]t)"
    r"\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)
"""A negation just before a judging word, typed with or without its apostrophe ("arent working right")."""

TEST_POSITIVE = re.compile(
    r"\b(?:positive|pos|reproduc\w*|provok\w*|elicit\w*|painful|limited|restricted|reduced|tender|tenderness|"
    r"brings? on|brought on|recreat\w*|caus\w* (?:leg |buttock |thigh |calf |radicular )?pain|"
    r"(?:unable|inability|could ?n['’]?t|could not|can['’]?t|cannot|did ?n['’]?t|did not) (?:to )?tolerate|"
    r"(?:poorly |not )tolerated|(?:made|makes|sent|sends) (?:it|the pain|pain|me|my \w+) (?:\w+ )?(?:shoot\w*|"
    r"worse|hurt|flare|radiate\w*|go down)|shot (?:down|into|pain)|(?:nearly|almost) (?:hit|went through) the "
    r"(?:ceiling|roof))\b|\(\s*\+\s*\)"
    r"|\+ve\b|(?:(?<=\s)|^)(?:\+|\+{1,2}/\+{1,3})(?=\s|$|[,.;])(?!\s+[a-z][\w-]*\s+(?:neg\w*|-ve|pos\w*|\+ve|normal|nad)\b)",
    re.IGNORECASE,
)
"""A bare "+" between two tests joins them ("FADIR + FABER neg": both negative); it is a result only at the end."""
TEST_NEGATIVE = re.compile(
    r"\b(?:negative|neg|normal|unremarkable|full|pain-?free|painless|no pain|non-?tender|not tender|nil|nad|"
    r"no (?:leg |radicular |buttock |thigh )?(?:pain|symptoms)|"
    r"(?:did ?n['’]?t|did not|does ?n['’]?t|does not|was ?n['’]?t|was not) (?:\w+ )?"
    r"(?:hurt|cause (?:\w+ )?pain|bother)|"
    r"(?:reproduc\w*|provok\w*|elicit\w*|caus\w*|bring\w* on) (?:(?:low |lower )?back|lumbar|(?-i:LBP)) "
    r"(?:pain )?only)\b|\(\s*[-−–]\s*\)"
    r"|-ve\b"
    r"|\bnon-?$",
    re.IGNORECASE,
)
HAMSTRING_ONLY = re.compile(
    r"\b(?:hamstrings? (?:pull|tightness|stretch|tension|tight)\w* only|only (?:a )?hamstrings? "
    r"(?:pull|tightness|stretch|tension|tight))\b",
    re.IGNORECASE,
)
"""'SLR 65 bilat, hamstring pull only': a stretch felt in the hamstrings is not a positive straight-leg raise."""
TEST_FOR = re.compile(r"\bpositive (?:for|on)\b(?=[^;.]*$)", re.IGNORECASE)
"""'Tested positive for the slump test and the straight-leg raise': a result that opens a list of tests."""
SIGN_FOUND = re.compile(
    r"\b(?:revealed|showed|shows|demonstrated|disclosed|found|elicited)(?:\s+an?)?(?:\s+(?:bilateral|left|right|"
    r"left-sided|right-sided|clear|definite))?\s*$",
    re.IGNORECASE,
)
"""'Examination revealed a bilateral Lasègue sign': a named sign that an examination found is a positive result."""
TEST_NOT_DONE = re.compile(
    r"\b(?:not (?:done|tested|performed|assessed|examined|possible)|deferred|untested)\b", re.IGNORECASE
)
ANGLE = re.compile(r"(?<!\d)(\d{2,3})\s*(?:°|º|degrees?\b|deg\b|o\b)|\bat\s+(\d{2,3})\b(?!\s*/)", re.IGNORECASE)
SLR_POSITIVE_BELOW = 70
"""Parser convention: an SLR angle written with no result word is read as positive below 70°, negative from 70°."""

_NOT_TEMPERATURE = r"(?<![\d.])(?<!\b(?-i:T) )(?<!\btemp )(?<!\btemperature )(?<!\btemp of )"
"""Before an age written with its sex ("54F"): not a temperature ("T 101F", "temp 100.4F")."""
AGE: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\b(\d{2,3})\s*-?\s*(?:years?|yrs?)[\s-]*old\b",
        r"\b(\d{2,3})\s*(?:yo|y/o|y\.o\.?|yr old)(?=\W|$)",
        r"(?<!\bat )(?<!\bsince )(?<!\bfrom )(?<!\bby )(?<!\buntil )\baged?\s*(\d{2,3})\b",  # not an event's age
        r"\bi(?:['’]?m| am)\s+(\d{2,3})\b(?!\s*(?:kg|%|cm|lbs?|/))",
        r"(?<!/)" + _NOT_TEMPERATURE + r"(\d{2,3})\s?(?-i:M|F)\b",
        # the person told about, with the age after the word: "my husband (72)", "my dad, 76,"
        r"\b(?:husband|wife|partner|dad|father|mum|mom|mother|son|daughter|nan|nana|gran|granny|grandma|grandad|"
        r"grandpa|grandfather|grandmother|brother|sister|patient|pt|man|woman|lady|gentleman)\s*(?:\(\s*|,\s*)"
        r"(\d{2,3})\s*(?:\)|,)",
        # ... or straight after the word, before what the person says or has: "dad 78 says", "my husband 72 has"
        r"\b(?:husband|wife|partner|dad|father|mum|mom|mother|son|daughter|nan|nana|gran|granny|grandma|grandad|"
        r"grandpa|grandfather|grandmother|brother|sister|patient|pt|man|woman|lady|gentleman)\s+(\d{2,3})"
        r"(?=\s+(?:says|said|has|had|is|was|who|with|keeps|can|cannot|can['’]?t|fell|woke|went|got)\b)",
        # "my mum is 80", "my dad's 76", "Mum is 84": a relative's age stated with "is"
        r"(?:\bmy\s+|(?:^|(?<=[.!?]\s)|(?<=\n))(?-i:(?=[A-Z])))(?:husband|wife|partner|dad|father|mum|mom|mother|son|daughter|nan|nana|gran|granny|grandma|"
        r"grandad|grandpa|grandfather|grandmother|brother|sister)\s*(?:is|['’]s)\s+(?:now\s+)?(\d{2,3})\b"
        r"(?!\s*(?:kg|%|cm|lbs?|/|stone|st\b|miles?|mins?|minutes?|days?|weeks?|months?|percent))",
        # the person told about by pronoun, as people type it: "he's 50", "hes 50", "she is 62", "they're 70"
        r"\b(?:he|she|they)(?:\s+(?:is|are)|['’]?s|['’]re)\s+(?:now\s+|only\s+|just\s+)?(\d{2,3})\b"
        r"(?!\s*(?:kg|%|cm|lbs?|/|stone|st\b|miles?|m\b|metres?|meters?|yards?|feet|mins?|minutes?|hours?|days?|weeks?|"
        r"months?|percent|degrees?|°))",
        # an age told by decade: "in my late 20s", "she's in her eighties" (the decade's early, middle or late part)
        r"\b(?:i['’]?m|i am|(?:he|she|they)(?:['’]?s|\s+is|\s+are)|(?:(?:my\s+)?(?:husband|wife|partner|dad|father|"
        r"mum|mom|mother|nan|nana|gran|granny|grandma|grandad|grandpa|grandfather|grandmother|brother|sister)"
        r"\s*(?:['’]s|\s+is))|"
        r"(?:is|are|was|aged?))\s+in\s+(?:my|his|her|their)\s+"
        r"(?P<part>early\s+|mid\s*-?\s*|late\s+)?(?P<decade>[2-9]0['’]?s|twenties|thirties|forties|fifties|sixties|"
        r"seventies|eighties|nineties)\b",
    )
)
_DECADES = {"twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60}
_DECADES |= {"seventies": 70, "eighties": 80, "nineties": 90}
_DECADE_PART = {"early": 2, "mid": 5, "late": 8}


def age_value(match: re.Match[str]) -> int:
    """The age an AGE match tells: its number, or a decade's early, middle or late part ("late 20s" → 28)."""
    decade = match.groupdict().get("decade")
    if decade is None:
        return int(match.group(1))
    word = decade.lower().rstrip("s'’")
    tens = _DECADES.get(decade.lower()) or int(word[:2])
    part = (match.group("part") or "mid").strip().rstrip("-").strip().lower()
    return tens + _DECADE_PART.get(part, 5)


SEX_FEMALE = re.compile(
    rf"\b(?:woman|female|lady|mrs|ms|miss|girl)\b|{_NOT_TEMPERATURE}\b\d{{2,3}}\s?(?-i:F)\b", re.IGNORECASE
)
SEX_MALE = re.compile(
    rf"\b(?:man|male|gentleman|gent|mr|boy)\b|{_NOT_TEMPERATURE}\b\d{{2,3}}\s?(?-i:M)\b", re.IGNORECASE
)
PRONOUN_FEMALE = re.compile(r"\b(?:she|her)\b", re.IGNORECASE)
PRONOUN_MALE = re.compile(r"\b(?:he|his|him)\b", re.IGNORECASE)

NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a few": 3,
    "a couple of": 2,
    "a couple": 2,
    "couple of": 2,
    "couple": 2,
    "several": 3,
    "some": 3,
    "few": 3,
}
UNIT_DAYS = {"day": 1, "week": 7, "wk": 7, "fortnight": 14, "month": 30, "mo": 30, "year": 365, "yr": 365, "y": 365}
FRACTION_DAYS = {"52": 7, "12": 30, "7": 1}
"""Days per unit of a clinical fraction: 3/52 weeks, 2/12 months, 5/7 days."""
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
PAIN_SCORE = re.compile(  # "7/10", "8 or 9 out of 10" (the higher), "NRS 6"
    r"(?<![\d/])(?:\d{1,2}\s*(?:or|to|-|–)\s*)?(\d{1,2})\s*(?:/|out of)\s*10\b|"
    r"\b(?:nrs|vas|pain score)\s*(?:of|is|:|=)?\s*(\d{1,2})\b",
    re.IGNORECASE,
)

SENSORY_WORD = re.compile(
    r"\b(?:numb\w*|tingl\w*|pins (?:and|n|['’]n['’]|&) needles|par(?:a|ae|e)sthe?si\w*|sensation|sensory|feeling|"
    r"prickl\w*|(?-i:P ?[/&] ?N)(?![/&])|"
    r"dead(?! (?:sore|painful|achy|uncomfortable|good|bad))|"
    r"(?:hypo|dys)(?:a)?esth\w*|an(?:a)?esthesi\w*|light[- ]touch|pin[- ]?prick|buzzing|can['’]?t feel|"
    r"(?-i:LT|PP)|sens\.?(?= ))\b",
    re.IGNORECASE,
)
PAIN_WORD = re.compile(
    r"\b(?:pain(?!less\b|[- ]?free\b)\w*|ache\w*|aching|hurt\w*|sore\w*|sciatica|shoot(?:s|ing)?|burning|radiat\w*|"
    r"cramp\w*|throb\w*|stabbing|electric shocks?|agony|discomfort|tender\w*|twinge\w*|jabbing|searing|gnawing|"
    r"lancinating|knife-like|zings?|zinging|(?-i:LBP))\b",
    re.IGNORECASE,
)


def number(word: str) -> int:
    """'3' → 3, 'a few' → 3, 'two' → 2."""
    word = " ".join(word.lower().split())
    return int(word) if word.isdigit() else NUMBER_WORDS.get(word, 1)


SAME_DAY = frozenset({"this afternoon", "this evening", "tonight", "lunchtime", "this lunchtime", "teatime"})
"""Times earlier on the day of the note: the complaint is under a day old."""


def since_days(word: str, today: date | None) -> int | None:
    """Days since a named day; weekday names need today's date."""
    word = word.lower()
    fixed = {"yesterday": 1, "last week": 7, "this morning": 0, "last night": 1}
    if word in fixed or word in SAME_DAY:
        return fixed.get(word, 0)
    if today is None:
        return None
    back = (today.weekday() - WEEKDAYS.index(word)) % 7 or 7
    return (today - (today - timedelta(days=back))).days


# A function named without a verdict ("bladder", "PR tone", "gait", "weight", "erections") takes its status from
# the nearest word that judges it: impaired → the red flag is present, normal → absent ("gait N", "PU/BO N"),
# neither → not read.
FUNCTION_IMPAIRED = re.compile(
    r"[↓⇓]|\b(?:reduced|decreased|diminished|impaired|poor|lax|patulous|weak|weakened|absent|lost|loss|altered|"
    r"abnormal|disturbed|affected|problems?|issues?|difficult\w*|trouble|struggl\w*|dysfunction\w*|incontinen\w*|numb|dull|"
    r"impairment|disturbance|"
    r"deranged|compromised|unsteady|ataxic|broad[- ]based|wide[- ]based|shuffling|spastic|wobbly|staggering|"
    r"unbalanced|high[- ]stepping|steppage|down(?: by)?(?= ~?\d)|dropping|falling|leaking|retaining)\b",
    re.IGNORECASE,
)
FUNCTION_NORMAL = re.compile(
    r"↔|✓|\b(?:normal(?:ly)?|nl|nml|nad|intact|fine|ok|okay|good|preserved|unaffected|unremarkable|satisfactory|"
    r"no (?:change|problems?|issues?|concerns?|complaints?|abnormality|difficult\w*|symptoms?)|nil(?: of note)?|"
    r"as (?:normal|usual|before)|steady|stable|unchanged|maintained|unimpaired|regular|within normal limits|wnl|"
    rf"working|functioning|continent|nothing of note|{NORMAL_N})\b",
    re.IGNORECASE,
)
FUNCTION_CUES_FOR: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "thoracic_pain": (
        re.compile(r"\b(?<!non-)(?<!non )(?:tender\w*|painful|sore|pain on palpation)\b", re.IGNORECASE),
        re.compile(r"\b(?:non-?tender|not tender|pain-?free|painless|no (?:pain|tenderness))\b", re.IGNORECASE),
    ),
    # an absent or lost anal tone, squeeze or contraction is the sign itself, not its denial
    "reduced_anal_tone": (
        re.compile(r"\b(?:absent|lost|lax|reduced|poor|weak|diminished|decreased|patulous)\b|↓", re.IGNORECASE),
        re.compile(r"\b(?:normal|nl|nml|intact|good|preserved|present|nad)\b", re.IGNORECASE),
    ),
}
"""Judging words that hold only for one finding (impaired, normal): a tender thoracic spine is thoracic pain. A
verdict from these words stands even when it is also a negation cue ("anal contraction absent")."""
ANGLE_BARE = re.compile(
    r"^\s*[:=]?\s*(?:(?:l|r|lt|rt|left|right)\b\.?\s*[:=]?\s*)?(?:(?:to|at)\s+)?"
    r"(\d{2,3})(?![\d/%]|\.\d|\s*(?:mm|cm|kg|ml|%|/|years?|yrs?|y/?o))",
    re.IGNORECASE,
)
"""A bare number straight after a straight-leg-raise name (or its side) is its angle: "SLR 40 R", "SLR R 40"."""
ANGLE_BEFORE_SIDE = re.compile(r"(?<![\d/.])(\d{2,3})\s*(?:on\s+(?:the\s+)?)?(?:l|r|lt|rt|left|right)\b", re.IGNORECASE)
"""An SLR angle written before its side: "SLR 45 L, 85 R"."""
ANGLE_AFTER_SIDE = re.compile(
    r"\b(?:l|r|lt|rt|left|right)\b\.?\s*[:=]?\s*(\d{2,3})(?![\d/%]|\.\d|\s*(?:mm|cm|kg|ml|%|/|years?|yrs?|y/?o))",
    re.IGNORECASE,
)
"""A bare number straight after a side in a straight-leg-raise note is its angle: "SLR: R 30, L 85"."""

REGION_PREDICATE = re.compile(
    r"\s*(?:(?:is|are|was|were|has|have|had|feels?|felt|went|goes|going|gone|got|gets|getting|keeps?|kept|also|now|"
    r"still|become|becomes|became|been|completely|totally|all|a bit|quite|really|very|slightly|constantly|not|never|"
    r"no longer|(?:is|are|was|were|has|have|does|do|did)n['’]?t)\s+)*",
    re.IGNORECASE,
)
PREDICATE_NEGATION = re.compile(r"\b(?:not|never|no longer)\b|n['’]?t\b", re.IGNORECASE)
"""Words between a region and its own sensory or pain word: "the R calf has gone numb", "shin feels tingly"."""
PREDICATE_JOINER = re.compile(r"\s*(?:,\s*|\s(?:and|or|&)\s+)\s*", re.IGNORECASE)
BOWEL_WORD = re.compile(
    r"\b(?:bowels?|poo\w*|stools?|motions?|(?-i:BMs?|BO)|f(?:a)?ec\w*|constipat\w*|soil\w*|back passage|rect\w*|anal|"
    r"anus|flatus)\b",
    re.IGNORECASE,
)
BLADDER_WORD = re.compile(
    r"\b(?:bladder|urin\w*|wee\w*|pee\w*|void\w*|water(?:works)?|micturi\w*|catheter\w*|wet\w*)\b", re.IGNORECASE
)
"""Words saying whether "can't feel when he needs to go" is about the bowel or the bladder."""
