"""The safety net: red-flag mentions that the parse did not settle become items to confirm.

The lexicon (data/red_flag_lexicon.yaml) runs beside the structured parse. Each cue word of a group is settled
when the parse read one of the group's facts over it as present or absent (or as hypothetical or family, which
are understood), or when a negation covers it; otherwise its sentence goes to ``to_confirm`` under the group. A
cue inside safety-netting advice is not listed. Cues are the lexicon's phrase families, the names of the drug
classes a group lists (anticoagulants, antiplatelets from medicines.yaml) and misspellings of its key words
(rapidfuzz); a group's narrow cues are settled only by the facts listed with them, read anywhere in the sentence.
Nothing is dropped silently: a red-flag word the rules do not understand still reaches the clinician and keeps the
triage from falling below urgent.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from rapidfuzz import fuzz, process
from spacy.tokens import Doc

from nerveroot.intake.clauses import sign_clause, works_normally
from nerveroot.intake.medicines import medicine_data
from nerveroot.intake.models import ParsedFinding
from nerveroot.intake.rules import expand_macros, quote_tolerant
from nerveroot.knowledge.yaml_io import load_yaml

MAX_WORDS = 40
"""Longest quotation kept for one item (words around the cue)."""
_SETTLED_QUALIFIERS = frozenset({"hypothetical", "family"})
MOTOR_SIGNS = frozenset({"foot_drop", "severe_motor_deficit"})
"""Signs a muscle test carries into the Case even when the note names no side."""


@dataclass(frozen=True)
class Unsettled:
    """A red-flag mention to confirm: its group, the words, and where they are in the note."""

    group: str
    text: str
    start: int
    end: int


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    path = resources.files("nerveroot.intake") / "data" / "red_flag_lexicon.yaml"
    data: dict[str, Any] = load_yaml(path.read_text(encoding="utf-8"))
    return data


def _words(alternatives: list[str]) -> re.Pattern[str]:
    return _compiled_words(tuple(alternatives))


@cache
def _compiled_words(alternatives: tuple[str, ...]) -> re.Pattern[str]:
    """The cue words as one pattern, built once (the per-cue checks ask for the same lists again and again)."""
    pattern = expand_macros("|".join(alternatives))
    return re.compile(r"(?<!\w)(?:" + quote_tolerant(pattern) + r")(?!\w)", re.IGNORECASE)


def _medicine_words(classes: list[str]) -> list[str]:
    """Drug names and class words of these medicine classes (medicines.yaml), as cue patterns."""
    data = medicine_data()
    out = [w for c in classes for w in data["classes"][c]["words"]]
    for generic, entry in data["drugs"].items():
        if entry["class"] in classes:
            out += [re.escape(generic), *(n if "(?" in n else re.escape(n) for n in entry["names"])]
    return out


@lru_cache(maxsize=1)
def _cues() -> dict[str, list[tuple[re.Pattern[str], list[str]]]]:
    """Each group's cue patterns with the facts that settle them: the group's facts, or a narrower list."""
    out: dict[str, list[tuple[re.Pattern[str], list[str]]]] = {}
    for group, spec in lexicon()["groups"].items():
        words = _words([*spec["cues"], *_medicine_words(spec.get("cues_from_medicines", []))])
        out[group] = [(words, spec["facts"])]
        if "narrow" in spec:
            out[group].append((_words(spec["narrow"]["cues"]), spec["narrow"]["facts"]))
    return out


def _strained(group: str, cue: str, sentence: tuple[int, int], findings: list[ParsedFinding]) -> bool:
    """An injury word read as a lifting or twisting strain, in a younger adult without fragile bone (see lexicon)."""
    spec = lexicon()["groups"][group].get("strain")
    if not spec or not _words(spec["cues"]).fullmatch(cue):
        return False
    ages = [f.value for f in findings if f.id == "age" and isinstance(f.value, int)]
    return (
        bool(ages)
        and max(ages) < spec["below_age"]
        and not any(f.id in spec["unless"] and f.status == "present" for f in findings)
        and any(
            f.id == "trigger" and f.value in spec["triggers"] and sentence[0] <= f.start < sentence[1] for f in findings
        )
    )


@lru_cache(maxsize=1)
def _fuzzy() -> tuple[dict[str, str], frozenset[str], int, int]:
    spec = lexicon()["fuzzy"]
    words = {w.lower(): group for group, ws in spec["words"].items() for w in ws}
    return words, frozenset(spec["ignore"]), int(spec["min_length"]), int(spec["min_score"])


def _misspelt(text: str) -> dict[str, list[re.Match[str]]]:
    """Words close to a red-flag word (same first letter, rapidfuzz ratio), by the word's group; the lexicon's
    ignore list holds real words that sit close to one ("hypertension")."""
    words, ignore, min_length, min_score = _fuzzy()
    out: dict[str, list[re.Match[str]]] = {}
    for m in re.finditer(r"[^\W\d_]+", text):
        word = m.group().lower()
        if len(word) < min_length or word in words or word in ignore:
            continue
        best = process.extractOne(word, words.keys(), scorer=fuzz.ratio, score_cutoff=min_score)
        # an inflection ("fractures" of "fracture") is not a misspelling: the lexicon's own cues decide about it
        if best and best[0][0] == word[0] and not (word.startswith(best[0]) or best[0].startswith(word)):
            out.setdefault(words[best[0]], []).append(m)
    return out


@lru_cache(maxsize=1)
def _conditional() -> dict[str, tuple[re.Pattern[str], re.Pattern[str]]]:
    """Cues that count only when the text also holds the group's 'when' words (progression and weakness)."""
    return {
        group: (_words([spec["cues_if"]["when"]]), _words(spec["cues_if"]["cues"]))
        for group, spec in lexicon()["groups"].items()
        if "cues_if" in spec
    }


@lru_cache(maxsize=1)
def _hypothetical() -> re.Pattern[str]:
    return re.compile(lexicon()["hypothetical"], re.IGNORECASE)


def _settles(f: ParsedFinding, facts: list[str]) -> bool:
    """A finding of the group read over the cue settles it, unless it cannot reach the Case: an examination sign
    with no side that no muscle test carries ("brisk reflexes" in a note that names no side) is kept to confirm."""
    if f.kind == "sign" and f.side is None and f.status == "present" and f.id not in MOTOR_SIGNS:
        return False
    return f.id in facts and (f.status != "unknown" or f.qualifier in _SETTLED_QUALIFIERS)


def _quote(text: str, start: int, end: int, cue_start: int) -> tuple[str, int, int]:
    words = list(re.finditer(r"\S+", text[start:end]))
    if len(words) <= MAX_WORDS:
        return " ".join(w.group() for w in words), start, end
    centre = next((i for i, w in enumerate(words) if start + w.end() > cue_start), 0)
    lo = max(0, centre - MAX_WORDS // 2)
    chosen = words[lo : lo + MAX_WORDS]
    return " ".join(w.group() for w in chosen), start + chosen[0].start(), start + chosen[-1].end()


_NOT_DONE = re.compile(
    r"^[ \t]*(?:[:=\-–—][ \t]*)?(?:[\w/]+[:,]?[ \t]+){0,2}?(?:(?:was |were |is )?not "
    r"(?:done|performed|examined|assessed|tested|checked|carried out|asked|enquired|documented|recorded|measured|taken"
    r"|(?:clinically )?(?:indicated|required|needed|warranted))"
    r"|declined|deferred|refused)\b",
    re.IGNORECASE,
)
_ASSERTED = re.compile(
    r"^[ \t]*(?:[:=][ \t]*)?(?:↑|⇑|raised|elevated|high|increased|positive|\+ve|present|abnormal)(?!\w)", re.IGNORECASE
)
"""A positive verdict written straight after a word is its own ("no trauma, WCC nl, ESR/CRP ↑"): a negation earlier
in the list does not settle it."""
_FIELD_VALUE = re.compile(r"^(?:[ \t]+[\w/]+){0,2}[ \t]*(?:[:=]|\s[-–—])[ \t]*[^;,.\n]+")
"""A cue written as a template field ("bladder - passing urine normally", "Bowels: opened today", a label of up to two
more words: "S/S CES: no saddle anaesthesia"): its value runs to the next comma, semicolon or full stop."""
_BOTH = re.compile(r"\b(?:both|bilat\w*|b/l|(?-i:LLs?|BLE))\b", re.IGNORECASE)
_HEDGE = re.compile(r"\?|\b(?:query|possible|suspected|suspect|concern\w*|worried)\b", re.IGNORECASE)
"""An examination not done ("PR not performed", "saddle sensation not tested", "PR not indicated") leaves its red flag
not assessed, which the triage lists with the question to ask; it is not a mention to confirm."""


_VOLUME_AFTER = re.compile(r"\s*(?:of\s*|was\s*|=\s*)?\d+\s*(?:ml|mls|cc)\b", re.IGNORECASE)


def _measured(text: str, cue: re.Match[str], base: int, findings: list[ParsedFinding], facts: list[str]) -> bool:
    """A measured value of the group in the same clause explains the cue ("bladder scan 50 ml post void"); a cue
    that is itself a volume ("PU 300 mL, post-void scan 25 mL") is explained by one in the same sentence."""
    volume = bool(_VOLUME_AFTER.match(text, cue.end()))
    for f in findings:
        if f.id.startswith("observation:") and f.id in facts:
            lo, hi = sorted((f.start - base, cue.start()))
            if lo >= 0 and not re.search(r"[.;]\s" if volume else r"[,;.]\s", text[lo:hi]):
                return True
    return False


@lru_cache(maxsize=1)
def _advice_after() -> re.Pattern[str]:
    return re.compile(lexicon()["advice_after"], re.IGNORECASE)


_ADVICE_LEAD = re.compile(
    r"^\s*(?:(?-i:SN|S/N)|safety[- ]?net\w*|(?:care|worsening|red[- ]flags?) advice|advice(?: given)?)\s*[:=–-]", re.I
)
"""A sentence that opens as safety-netting ("SN: return if weakness spreads, B/B sx", "Safety-netting: A&E if ...")."""
_ADVICE_LIST = re.compile(
    r"\b(?:safety[- ]?net\w*|advice|advised|warned|warning signs|side[- ]effects?|(?-i:SEs?|S/Es?))"
    r"(?: (?:given|discussed|explained|verbally|in writing)){0,2}\s*[:(][^():;]*$",
    re.I,
)
"""The list an advice word (or a medicine's side effects) opens, still open at the cue: "red-flag advice given verbally
(numbness around bottom, …", "SEs of amitriptyline discussed (dry mouth, constipation, …"."""


_CONDITION_LIST = re.compile(r"\b(?:if|in case of|whenever)\b[^,.;:()]*(?:,\s*(?:[^\s,.;:()]++\s*){0,5})+$", re.I)
"""A condition followed by the short items of its list, the cue among them ("if numbness, bladder change, other leg"),
not a clause after a condition ("if I tried to stand, the pain crumpled me")."""


def _advice(before: str, after: str) -> bool:
    """Whether the words around a cue make it safety-netting advice ("return if any bladder problems", "CES safety
    net card given", anything in a sentence that opens "SN:")."""
    clause = re.split(r"[,;:)]|\s[-–]\s", before)[-1]  # "safety net (CES ...": the advice before a bracket holds
    # a condition reaches over the list it opens: "return if numbness, bladder/bowel change, other leg"
    condition = re.split(r"[;:)]|\s[-–]\s", before)[-1]
    return bool(
        _ADVICE_LEAD.match(before)
        or _hypothetical().search(" ".join(clause.split()[-8:]))
        or _CONDITION_LIST.search(condition)
        or _ADVICE_LIST.search(before)
        or _advice_after().match(after)
    )


@lru_cache(maxsize=1)
def _clinical() -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + lexicon()["clinical"] + r"(?!\w)", re.IGNORECASE)


def unparsed(doc: Doc, findings: list[ParsedFinding]) -> list[Unsettled]:
    """Sentences with clinical words from which no finding at all was read (group "unparsed")."""
    out = []
    for sent in doc.sents:
        cue = _clinical().search(sent.text)
        if cue and not any(f.start < sent.end_char and sent.start_char < f.end for f in findings):
            quote, start, end = _quote(doc.text, sent.start_char, sent.end_char, sent.start_char + cue.start())
            out.append(Unsettled("unparsed", quote, start, end))
    return out


def _read_in_sentence(spec: dict[str, Any] | None, cue: str, findings: list[ParsedFinding], lo: int, hi: int) -> bool:
    """A cue of the group's sentence_settles words, with one of its facts read in the sentence, or read as present
    anywhere in the note when the group says so (see the lexicon)."""
    return bool(
        spec
        and re.search(spec["cues"], cue, re.IGNORECASE)
        and any(
            f.id in spec["facts"]
            and (
                (f.status != "unknown" and lo <= f.start < hi)
                or (f.status == "present" and spec.get("present_anywhere", False))
            )
            for f in findings
        )
    )


def _explained(spec: dict[str, Any] | None, cue: str, sentence: str) -> bool:
    """A cue put down in its own sentence to a medicine known to cause it (see the lexicon's ``explained``)."""
    return bool(spec and _words(spec["cues"]).fullmatch(cue) and _words(spec["by"]).search(sentence))


def _screened(spec: dict[str, Any] | None, cue: str, findings: list[ParsedFinding]) -> bool:
    """A cue that names the condition ('cauda equina', '?CES') in a note that answers each of the group's screening
    questions somewhere, present or absent (see the lexicon)."""
    return bool(
        spec
        and re.search(spec["cues"], cue, re.IGNORECASE)
        and all(any(f.id == fact and f.status in ("present", "absent") for f in findings) for fact in spec["all_of"])
    )


def unsettled(doc: Doc, findings: list[ParsedFinding], denied: Callable[[int, int], bool]) -> list[Unsettled]:
    """Sentences with a red-flag cue that no finding of the cue's group settles.

    A cue is settled by a finding of its group over the cue's own words, or by a negation whose scope covers it
    ("denies fever, chills or sweats"): a denial is understood even when the word itself names no finding.
    """
    out: list[Unsettled] = []
    groups = lexicon()["groups"]
    active = {g: cues for g, (when, cues) in _conditional().items() if when.search(doc.text)}
    for sent in doc.sents:
        text, base = sent.text, sent.start_char
        misspelt = _misspelt(text)
        for group, patterns in _cues().items():
            negation_settles = groups[group].get("denial_settles", True)
            broad = groups[group]["facts"]
            hits = [
                *((cue, facts) for pattern, facts in patterns for cue in pattern.finditer(text)),
                *((cue, broad) for cue in (active[group].finditer(text) if group in active else ())),
                *((cue, broad) for cue in misspelt.get(group, ())),
            ]
            for cue, facts in hits:
                a, b = base + cue.start(), base + cue.end()
                asserted = _ASSERTED.match(text[cue.end() :])
                advice = _advice(text[: cue.start()], text[cue.end() :])
                if advice or (negation_settles and denied(a, b) and not asserted):
                    continue
                if (
                    group == "cauda_equina"
                    and _BOTH.search(cue.group())
                    and (sign_clause(text, cue.start(), cue.end()) or works_normally(text, cue.end()))
                ):
                    continue  # "power 5/5 both legs", "ankle jerks absent bilaterally", "both legs fine": not symptoms
                if _read_in_sentence(groups[group].get("sentence_settles"), cue.group(), findings, base, sent.end_char):
                    continue
                if _screened(groups[group].get("screened"), cue.group(), findings):
                    continue
                if _explained(groups[group].get("explained"), cue.group(), text):
                    continue
                not_done = _NOT_DONE.match(text[cue.end() :]) and not _HEDGE.search(
                    re.split(r"[,;]", text[: cue.start()])[-1]
                )
                if (
                    not_done
                    or _measured(text, cue, base, findings, facts)
                    or _strained(group, cue.group(), (base, sent.end_char), findings)
                ):
                    continue
                # a narrow cue asks one question of the sentence: any reading of its facts there answers it
                lo, hi = (a, b) if facts is broad else (base, sent.end_char)
                field = _FIELD_VALUE.match(text[cue.end() :])
                if field:
                    hi = max(hi, b + field.end())  # "bladder - passing urine normally": the field's value answers it
                if any(_settles(f, facts) and f.start < hi and lo < f.end for f in findings):
                    continue
                if any(
                    f.id not in broad
                    and (f.status != "unknown" or f.qualifier in ("family", "historical"))
                    and f.start <= a < b <= f.end
                    and f.end - f.start > b - a
                    for f in findings
                ):
                    continue  # the word is part of a longer phrase of another finding ("bowel ca", "mum had bowel ca")
                quote, start, end = _quote(doc.text, sent.start_char, sent.end_char, a)
                out.append(Unsettled(group, quote, start, end))
                break
    return out
