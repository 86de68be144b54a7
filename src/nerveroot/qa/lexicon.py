"""The question vocabulary (`lexicon.yaml`): lay terms, misleading idioms and narrowing facets."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from nerveroot.qa.text import tokenize

LEXICON_PATH = Path(__file__).with_name("lexicon.yaml")


class Lexicon(BaseModel):
    """Lay term → knowledge-base words; idiom → plain wording; facet name → the words that name it."""

    model_config = ConfigDict(frozen=True)

    lay_terms: dict[str, str]
    idioms: dict[str, str]
    patterns: dict[str, str]
    facets: dict[str, str]

    def rewrite(self, question: str) -> str:
        """The question with its idioms replaced ('straight away' → 'immediately') and its wording patterns
        ('34 weeks pregnant' → 'pregnant')."""
        for idiom, plain in self.idioms.items():
            question = re.sub(rf"\b{re.escape(idiom)}\b", plain, question, flags=re.IGNORECASE)
        for pattern, plain in self.patterns.items():
            question = re.sub(pattern, plain, question, flags=re.IGNORECASE)
        return question

    def facets_of(self, tokens: Iterable[str]) -> frozenset[str]:
        """The facets (pregnancy, running …) these tokens name."""
        present = set(tokens)
        return frozenset(name for name, words in self.facets.items() if _tokens(words) & present)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    return Lexicon.model_validate(yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8")))


@lru_cache(maxsize=64)
def _tokens(words: str) -> frozenset[str]:
    return frozenset(tokenize(words, keep_stop_words=True))  # a facet may be named by a stop word ('again')


__all__ = ["LEXICON_PATH", "Lexicon", "lexicon"]
