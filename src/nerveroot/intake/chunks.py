"""Cut a long note into chunks at section and paragraph boundaries, so that reading it costs linear time.

spaCy's character-to-token mapping and sentence lookups cost time in proportion to the document, once per match;
reading a discharge summary as one document is therefore quadratic. A note is cut at blank lines and before
section headers ("O/E:", "PMH:"); pieces are joined back up to ``MAX_WORDS`` words. A piece still longer (one
huge paragraph) is cut at sentence ends. A short note is one chunk, read exactly as a whole.
"""

from __future__ import annotations

import re

MAX_WORDS = 200
_BREAK = re.compile(r"\n\s*\n|\n(?=[ \t]*[A-Za-z][A-Za-z /&()'-]{0,40}:)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])|\n")


def _pieces(text: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    out, start = [], 0
    for mt in pattern.finditer(text):
        out.append((start, mt.end()))
        start = mt.end()
    out.append((start, len(text)))
    return [(a, b) for a, b in out if b > a]


def _words(text: str) -> int:
    return len(text.split())


def _pack(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join neighbouring pieces while the joined piece stays within MAX_WORDS words."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and _words(text[out[-1][0] : end]) <= MAX_WORDS:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def chunks(text: str) -> list[tuple[int, str]]:
    """(offset, text) pieces that together are exactly ``text``; one piece when the note is short."""
    if _words(text) <= MAX_WORDS:
        return [(0, text)]
    spans: list[tuple[int, int]] = []
    for start, end in _pieces(text, _BREAK):
        if _words(text[start:end]) <= MAX_WORDS:
            spans.append((start, end))
            continue
        sentences = [(start + a, start + b) for a, b in _pieces(text[start:end], _SENTENCE_END)]
        for a, b in sentences:  # a sentence longer than the limit is cut at word boundaries
            if _words(text[a:b]) <= MAX_WORDS:
                spans.append((a, b))
                continue
            spans += [(a + x, a + y) for x, y in _pieces(text[a:b], re.compile(rf"(?:\S+\s+){{{MAX_WORDS}}}"))]
    return [(a, text[a:b]) for a, b in _pack(text, spans)]
