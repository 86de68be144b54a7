"""Wording of a pain's onset, trigger and course: "came on suddenly", "after lifting", "not improving"."""

from __future__ import annotations

import re

ONSET: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "sudden",
        re.compile(
            r"\b(?:sudden(?:ly)?|abrupt(?:ly)?|(?:acute|sharp|rapid|hyperacute) onset|all of a sudden|"
            r"out of nowhere|came on (?:suddenly|overnight|all at once)|"
            r"(?:felt|heard) (?:a|something) (?:snap|pop|twinge|give)|instantly|immediately (?:after|following|on))\b",
            re.IGNORECASE,
        ),
    ),
    (
        "gradual",
        re.compile(
            r"\b(?:gradual(?:ly)?|insidious(?:ly)?|crept up|creeping|built up|crept on|"
            r"(?<!walk )(?<!walks )(?<!walking )(?<!just )(?<!move )(?<!moving )(?<!up )slowly|"
            r"over (?:several|a few|many) (?:weeks|months))\b",
            re.IGNORECASE,
        ),
    ),
)
TRIGGER_SELF: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "none",
        re.compile(
            r"\b(?:no (?:obvious |clear |particular |specific |known |preceding )?(?:injury|trauma|trigger|precipitant|"
            r"cause|reason|precipitating event)|out of the blue|for no (?:obvious |apparent |particular )?reason|"
            r"spontaneous(?:ly)?|atraumatic|woke up with (?:it|the pain)|"
            r"nothing (?:in particular|specific) (?:triggered|started) it)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "fall",
        re.compile(r"\b(?:fell|a fall|(?:minor|small|little) fall|slipped and fell|tripped and fell)\b", re.IGNORECASE),
    ),
    # a person lifting, told as the event itself: "I lifted a box yesterday, sudden pain"
    (
        "lifting",
        re.compile(
            r"\b(?:i|he|she|they|we|pt)\s+(?:lifted|was lifting|were lifting|picked up)\b|"
            r"\blifting (?:a |an |the |some |his |her |my |their )?(?:heavy )?(?:box(?:es)?|shopping|bags?|bins?|"
            r"child(?:ren)?|kids?|baby|toddler|grandchild\w*|furniture|weights?|patients?|sofa|suitcases?|"
            r"wardrobe|tyres?|mattress|crates?|sacks?|slabs?)\b",
            re.IGNORECASE,
        ),
    ),
)
"""Triggers that name the event themselves; the others need an onset cue ("after", "while") in the sentence."""
TRIGGER: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "lifting",
        re.compile(
            r"\b(?<!can't )(?<!can’t )(?<!cant )(?<!cannot )(?<!not )(?<!unable to )(?<!difficulty )(?<!trouble )"
            r"(?:lift(?:ed|ing)?|pick(?:ing|ed|s)? (?:\w+ )?up|carrying|moving (?:furniture|house|boxes))\b",
            re.IGNORECASE,
        ),
    ),
    ("running", re.compile(r"\b(?:running|ran|jogging|a run|sprint\w*|marathon|parkrun)\b", re.IGNORECASE)),
    ("twisting", re.compile(r"\b(?:twist(?:ed|ing)?|turn(?:ed|ing) awkwardly)\b", re.IGNORECASE)),
    ("fall", re.compile(r"\b(?:falling|slipped|tripped)\b", re.IGNORECASE)),
    (
        "other",
        re.compile(
            r"\b(?:gardening|digging|golf|football|tennis|squash|hoovering|vacuuming|dancing|a sneeze|sneezing fit|"
            r"bending (?:down|over)|at the gym|long (?:drive|flight))\b",
            re.IGNORECASE,
        ),
    ),
)
TRIGGER_CUE = re.compile(
    r"\b(?:after|while|whilst|when|following|during|since|started|starting|began|came on|onset|brought on|"
    r"triggered|injur\w+|hurt (?:it|my back|his back|her back)|did (?:it|my back|his back|her back)|precipitated|"
    r"caused by|ever since)\b",
    re.IGNORECASE,
)
COURSE: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "stable",
        re.compile(
            r"\b(?:(?:not|(?:is|are|was|were|has|have|does|do|did|ai)n['’]?t) "
            r"(?:improving|getting (?:any )?better|settling|settled|easing)|"
            r"no better|(?:has not|hasn['’]?t) (?:improved|changed)|"
            r"unchanged|(?<!dynamically )(?<!\bhd )(?<!obs )(?<!vitals )(?<!clinically )"
            r"stable(?! (?:\w+ )?(?:doses?|dosing|regimen|(?-i:INR)|anticoagulation))|"
            r"no change(?!s? (?:in|to) (?:\w+ )?(?:medications?|medicines?|meds|drugs?|doses?))|static|"
            r"same as (?:before|last time)|not changed|"
            r"(?:treatment|rx|physio\w*|painkillers|analgesia|medication|tablets) (?:\w+ ){0,2}"
            r"(?:no help|not help\w*|(?:has |have )?failed|ineffective|unhelpful|"
            r"(?:did|do|does|has|have)(?:n['’]?t| not) help\w*)|"
            r"failed (?:conservative|non-?operative|medical|physio\w*)"
            r"(?: (?:management|treatment|therapy|rx|measures))?)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "worsening",
        re.compile(
            r"\b(?:getting worse|worsening|worse and worse|progressively worse|deteriorat\w+|escalating|spreading|"
            r"(?:got|gotten|become|grown) (?:a (?:lot|bit|little) |much |far |even |so much |steadily )?worse"
            r"(?! (?:with|when|on|while|during|if|after) (?:walking|sitting|standing|bending|lifting|coughing|movement|"
            r"activity|exercise|lying)\b)|"
            # "much worse since yesterday": worse told against a time, not against a posture ("worse with sitting")
            r"(?:much|a lot|far|way|lots|significantly|considerably) worse(?= (?:since|over|overnight|today|recently|"
            r"now|this|in the (?:last|past))\b)|"
            # worse against before: "now back pain much worse", "the pain is far worse." (not "sitting makes it worse")
            r"now (?:(?!makes?\b|made\b|making\b)[\w-]+ ){0,3}?(?:much|a lot|far|way|significantly|considerably) worse|"
            r"(?:pain|it|symptoms|ache) (?:is|are) (?:now )?(?:much|a lot|far|way|significantly|considerably) worse"
            r"(?=\s*(?:[.;!]|$)))\b",
            re.IGNORECASE,
        ),
    ),
    (
        "improving",
        re.compile(
            r"\b(?<!not )(?:improving|getting better|settling|easing(?: off)?|improved|resolving|"
            r"better than (?:last|before|at (?:discharge|first|the (?:start|beginning)|onset|presentation|admission)|"
            r"(?:it|they|he|she) (?:was|were)|(?:a|one|two|three|\d+) (?:days?|weeks?) ago))\b",
            re.IGNORECASE,
        ),
    ),
)
