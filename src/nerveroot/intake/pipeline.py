"""The spaCy + medspaCy pipeline, built once per knowledge base and cached.

PyRuSH is not used: it logs token text at DEBUG level, and no patient text may reach a log. A small rule-based
splitter (sentence punctuation and line breaks) sets sentence starts instead.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import medspacy  # noqa: F401  (registers the medspaCy factories)
import spacy
from medspacy.common.regex_matcher import RegexMatcher
from medspacy.common.util import get_token_for_char
from medspacy.context import ConText, ConTextRule
from medspacy.target_matcher import TargetRule
from spacy.language import Language
from spacy.tokens import Doc

from nerveroot import snapshots
from nerveroot.intake import snapshot
from nerveroot.intake.rules import (
    CONTEXT_TYPE,
    TargetSpec,
    context_rules,
    curated_targets,
    kb_targets,
    share_compiled,
)
from nerveroot.knowledge.base import KnowledgeBase

_SENTENCE_END = {".", "!", "?"}
_ABBREVIATIONS = frozenset(
    {
        *("post", "ant", "lat", "med", "approx", "pt", "pts", "dr", "mr", "mrs", "ms", "prof", "vs", "cf", "inc"),
        *("st", "wk", "wks", "yr", "yrs", "hx", "sx", "dx", "rx", "tx", "fx", "ref", "temp", "no", "nb", "eg", "ie"),
        *("etc", "mins", "hrs"),
        # truncated clinical words: "saddle anaes. intact", "sens. reduced"
        *("anaes", "anaesth", "anesth", "paraes", "paraesth", "hypoaes", "hypoaesth", "sens", "bilat", "abn"),
    }
)
"""Words written with a full stop in clinical shorthand ("post. thigh", "approx. 3 m"): the stop ends no sentence."""
_ARROWS = "↓↑⇓⇑↔→←"
_CONTINUATIONS = frozenset({"down", "into", "going", "radiating", "spreading", "and", "then", "to", "right"})
"""Lower-case words that carry a sentence on after a "?" or "!" in lay writing: "sciatica in my leg?? down to..."."""


def _ends_sentence(doc: Doc, i: int) -> bool:
    """Whether token i starts a new sentence, judged from the token before it."""
    prev, token = doc[i - 1], doc[i]
    if "\n" in prev.text or "\n" in prev.whitespace_:
        return True
    if prev.text in _SENTENCE_END:
        if not prev.whitespace_:  # "?saddle", "?CES": a hedge glued to the next word
            return False
        if prev.text != "." and token.text in _CONTINUATIONS:  # "pain in my leg?? down to my ankle"
            return False
        before = doc[i - 2].lower_ if i >= 2 else ""
        return not (prev.text == "." and before in _ABBREVIATIONS and not token.text[:1].isupper())
    # spaCy keeps some stops on their token ("L.", "bilat.", "m."): a capital after one starts a sentence.
    return (
        len(prev.text) > 1
        and prev.text.endswith(".")
        and prev.lower_[:-1] not in _ABBREVIATIONS
        and (token.text[:1].isupper())
    )


@Language.component("nerveroot_sentences")
def split_sentences(doc: Doc) -> Doc:
    """Sentence starts after . ! ? (not after shorthand such as "post." or a glued "?CES") and at line breaks."""
    for i, token in enumerate(doc):
        token.is_sent_start = i == 0 or _ends_sentence(doc, i)
    return doc


class _OneTextRegexMatcher(RegexMatcher):  # type: ignore[misc]
    """medspaCy's regex matcher, reading the note's text once per call instead of once per pattern.

    `Doc.text_with_ws` joins every token anew on each access; with ~600 patterns that join was ~90% of the
    intake time per note. The matches, their order and the callbacks are those of RegexMatcher.__call__.
    """

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        text = doc.text_with_ws
        matches: list[tuple[int, int, int]] = []
        for match_id, patterns in self._patterns.items():
            on_match = self._callbacks[match_id]
            for pattern in patterns:
                for found in pattern.finditer(text):
                    span = doc.char_span(found.start(), found.end())
                    if span is None:
                        start = get_token_for_char(doc, found.start(), resolve=self.resolve_start)
                        end = get_token_for_char(doc, found.end(), resolve=self.resolve_end)
                        span = doc[start.i : len(doc) if end is None else end.i]
                    if len(span):
                        matches.append((match_id, span.start, span.end))
                    if on_match is not None:
                        on_match(self, doc, len(matches) - 1, matches)
        return matches


def _regex_matcher(component: Any) -> Any:
    """The regex matcher inside a medspaCy component's matcher."""
    return getattr(component, f"_{type(component).__name__}__matcher")._MedspacyMatcher__regex_matcher


def _read_text_once(component: Any) -> None:
    """Give a medspaCy component's inner matcher the regex matcher above (same state, one text per call)."""
    regex = _regex_matcher(component)
    if type(regex) is not RegexMatcher:
        raise TypeError(f"unexpected medspaCy regex matcher {type(regex).__name__}")
    regex.__class__ = _OneTextRegexMatcher


def _target_rule(spec: TargetSpec) -> TargetRule:
    label = CONTEXT_TYPE[spec.kind]
    meta = {"kind": spec.kind, "ids": spec.ids, "fixed": spec.fixed, "origin": spec.origin}
    if spec.regex:
        return TargetRule(spec.pattern, label, pattern=spec.pattern, metadata=meta)
    return TargetRule(spec.pattern, label, metadata=meta)


class _KbKey:
    """Hashable handle on a knowledge base, keyed by its content hash."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.key = (kb.version, kb.content_hash, len(kb.entities.get("findings", {})))

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _KbKey) and other.key == self.key


@lru_cache(maxsize=4)
def _build(handle: _KbKey) -> Language:
    if not snapshots.enabled():
        return _make(handle.kb)
    nlp = snapshot.load_or_build(handle.kb.content_hash, lambda: _make(handle.kb))
    # A loaded pipeline skips the components' constructors, which register ConText's span and doc attributes.
    ConText.register_graph_attributes()
    ConText.register_default_attributes()
    # The matcher's curated patterns were compiled while loading; the nested-phrase search reuses them.
    share_compiled(p for ps in _regex_matcher(nlp.get_pipe("medspacy_target_matcher"))._patterns.values() for p in ps)
    return nlp


def _make(kb: KnowledgeBase) -> Language:
    nlp = spacy.blank("en")
    # Arrows are their own tokens: "KJ↓L", "wt↓" read as "KJ ↓ L", "wt ↓".
    arrows = rf"[{_ARROWS}]"
    tokenizer: Any = nlp.tokenizer
    defaults: Any = nlp.Defaults
    tokenizer.infix_finditer = spacy.util.compile_infix_regex([*defaults.infixes, arrows]).finditer
    tokenizer.prefix_search = spacy.util.compile_prefix_regex([*defaults.prefixes, arrows]).search
    tokenizer.suffix_search = spacy.util.compile_suffix_regex([*defaults.suffixes, arrows]).search
    nlp.add_pipe("nerveroot_sentences")
    matcher: Any = nlp.add_pipe("medspacy_target_matcher")
    matcher.add([_target_rule(s) for s in (*curated_targets(), *kb_targets(kb))])
    context: Any = nlp.add_pipe("medspacy_context", config={"rules": None})
    context.add([ConTextRule(**rule) for rule in context_rules()])
    _read_text_once(matcher)
    _read_text_once(context)
    return nlp


def pipeline(kb: KnowledgeBase) -> Language:
    """The intake pipeline for this knowledge base (built on first use, then cached)."""
    return _build(_KbKey(kb))
