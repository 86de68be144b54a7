"""Tokenising for retrieval: accent folding, spine-level splitting, stop words and a light stemmer."""

from __future__ import annotations

import re
from functools import lru_cache

from nerveroot.knowledge.base import normalise

_LEVEL = re.compile(r"\b([lst])(\d)\s*[-/–]\s*([lst]?)(\d)\b", re.IGNORECASE)
_NUMBER_SPLIT = re.compile(r"(?<=\d),(?=\d{3}\b)")

_STOP = """a about above after again against all am an and any are as at be because been before being below between both
    but by can could did do does doing down during each few for from further had has have having he her here hers
    herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on
    once only or other our ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours yourself yourselves get got im ive id cant dont doesnt isnt
    also may might much many one s t d m won ve ll whether know think instead else something anything"""
STOP_WORDS: frozenset[str] = frozenset(_STOP.split())
"""Function words dropped from queries and indexed text."""
_IRREGULAR = {"goes": "go", "gone": "go", "went": "go", "lying": "lie", "lies": "lie"}
"""Irregular forms the suffix rules would mangle ('goes' is not 'goe')."""


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Strip common English inflections so 'running' matches 'run' and 'injections' matches 'injection'."""
    if len(word) <= 3 or word.isdigit() or any(c.isdigit() for c in word):
        return word
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("xes", "x")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            return word[: -len(suffix)] + repl
    if word.endswith("s") and not word.endswith(("ss", "us", "is", "ys")):
        word = word[:-1]
    if word.endswith("ancy") and len(word) >= 7:  # 'pregnancy' meets 'pregnant'
        return word[:-4] + "ant"
    if word.endswith(("tion", "sion")) and len(word) >= 7:
        return word[:-3]
    for suffix in ("ingly", "edly", "ing", "ed", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            if len(base) >= 3 and base[-1] == base[-2] and base[-1] not in "lsz":
                base = base[:-1]
            return base
    # a silent final e goes, so 'cause' meets 'caused' and 'causing' ('caus')
    return word[:-1] if word.endswith("e") and not word.endswith("ee") and len(word) >= 5 else word


def split_levels(text: str) -> str:
    """Write disc levels as separate root tokens: 'L4-L5' and 'L4-5' → 'l4 l5'; '1,200' → '1200'."""
    text = _NUMBER_SPLIT.sub("", text)
    return _LEVEL.sub(lambda m: f"{m[1]}{m[2]} {(m[3] or m[1])}{m[4]}", text)


def tokenize(text: str, *, keep_stop_words: bool = False) -> list[str]:
    """Normalised, stemmed tokens of a text."""
    words = normalise(split_levels(text)).split()
    return [stem(w) for w in words if keep_stop_words or w not in STOP_WORDS]


SENTENCE_END = re.compile(r"(?<=[.!?])(?<!e\.g\.)(?<!i\.e\.)(?<!\bvs\.)(?<!\bcf\.)(?<!et al\.)\s+(?=[A-Z])")
"""A sentence boundary: end punctuation, space, a capital; not after "e.g.", "i.e.", "vs.", "cf." or "et al."."""


def asked_sentences(question: str) -> list[str]:
    """The sentences that ask ('I've just started pregabalin. When is it OK to drive?' asks 'When …'); the whole
    text when none ends with a question mark."""
    asked = [p for p in re.split(r"(?<=[.!?])\s+", question.strip()) if p.rstrip().endswith("?")]
    return asked or [question]
