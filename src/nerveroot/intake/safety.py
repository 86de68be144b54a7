"""The safety net: red-flag mentions that the parse did not settle become items to confirm.

The lexicon (data/red_flag_lexicon.yaml) runs beside the structured parse. For each sentence holding a cue of a
group, the sentence is settled when the parse read one of the group's facts there as present or absent (or as
hypothetical or family, which are understood); otherwise the sentence's words go to ``to_confirm`` under the
group. A sentence that is only safety-netting advice is not listed. Nothing is dropped silently: a red-flag word
the rules do not understand still reaches the clinician and keeps the triage from falling below urgent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from spacy.tokens import Doc

from nerveroot.intake.models import ParsedFinding

MAX_WORDS = 40
"""Longest quotation kept for one item (words around the cue)."""
_SETTLED_QUALIFIERS = frozenset({"hypothetical", "family"})


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
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


@lru_cache(maxsize=1)
def _cues() -> dict[str, re.Pattern[str]]:
    return {
        group: re.compile(r"(?<!\w)(?:" + "|".join(spec["cues"]) + r")(?!\w)", re.IGNORECASE)
        for group, spec in lexicon()["groups"].items()
    }


@lru_cache(maxsize=1)
def _hypothetical() -> re.Pattern[str]:
    return re.compile(lexicon()["hypothetical"], re.IGNORECASE)


def group_of(finding_id: str) -> str | None:
    """The safety-net group whose facts include this finding id."""
    for group, spec in lexicon()["groups"].items():
        if finding_id in spec["facts"]:
            return group
    return None


def _settles(f: ParsedFinding, facts: list[str]) -> bool:
    return f.id in facts and (f.status != "unknown" or f.qualifier in _SETTLED_QUALIFIERS)


def _quote(text: str, start: int, end: int, cue_start: int) -> tuple[str, int, int]:
    words = list(re.finditer(r"\S+", text[start:end]))
    if len(words) <= MAX_WORDS:
        return " ".join(w.group() for w in words), start, end
    centre = next((i for i, w in enumerate(words) if start + w.end() > cue_start), 0)
    lo = max(0, centre - MAX_WORDS // 2)
    chosen = words[lo : lo + MAX_WORDS]
    return " ".join(w.group() for w in chosen), start + chosen[0].start(), start + chosen[-1].end()


def _advice(before: str) -> bool:
    """Whether the words just before a cue make it safety-netting advice ("return if any bladder problems")."""
    clause = re.split(r"[,;:()]|\s[-–]\s", before)[-1]
    return bool(_hypothetical().search(" ".join(clause.split()[-8:])))


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


def unsettled(doc: Doc, findings: list[ParsedFinding]) -> list[Unsettled]:
    """Sentences with a red-flag cue that no finding of the cue's group settles."""
    out: list[Unsettled] = []
    groups = lexicon()["groups"]
    for sent in doc.sents:
        text = sent.text
        cues = {group: c.search(text) for group, c in _cues().items()}
        if not any(cues.values()):
            continue
        here = [f for f in findings if f.start < sent.end_char and sent.start_char < f.end]
        for group, cue in cues.items():
            if cue is None or _advice(text[: cue.start()]) or any(_settles(f, groups[group]["facts"]) for f in here):
                continue
            quote, start, end = _quote(doc.text, sent.start_char, sent.end_char, sent.start_char + cue.start())
            out.append(Unsettled(group, quote, start, end))
    return out
