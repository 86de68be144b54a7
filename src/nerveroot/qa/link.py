"""Entity linking and topic detection for a question: which knowledge-base records it names or strongly implies.

Linking uses the knowledge base's own names, synonyms and lay terms (the vocabulary `KnowledgeBase.search` looks
up), matched as whole phrases inside the question after the retrieval tokeniser (so 'pinched L4 nerve' finds the
'L4 pinched nerve' alias and 'injections' finds 'injection'). A drug class word ('NSAIDs', 'gabapentinoids') or a
built-in lay term ('physio', 'painkillers') implies the records it stands for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from nerveroot.knowledge.base import KnowledgeBase, aliases, normalise
from nerveroot.knowledge.models import Drug
from nerveroot.qa.text import tokenize

Key = tuple[str, str]
"""(entity kind, record id)."""

LINK_KINDS: tuple[str, ...] = (
    "roots", "findings", "conditions", "tests", "treatments", "drugs", "red_flags", "prevention", "instruments",
)  # fmt: skip
"""Kinds a question can name. FAQs are matched by their questions instead (see `faq_match`)."""

GENERIC_TERMS: tuple[str, ...] = (
    "sciatica", "radiculopathy", "lumbar radiculopathy", "radicular pain", "radicular leg pain", "nerve pain",
    "nerve root", "nerve roots", "nerve root compression", "nerve root impingement", "root compression",
    "pinched nerve", "trapped nerve", "compressed nerve", "back pain", "low back pain", "lower back pain",
    "leg pain", "pain", "nerve", "spine", "lumbar spine", "back", "leg",
)  # fmt: skip
"""Words for the whole domain: they link a record only when the question names nothing more specific."""

QUESTION_WORDS: frozenset[str] = frozenset(
    tokenize(
        "mean means meaning tell explain know happen happens need take takes like good bad ok okay normal right "
        "best better worse work works help helps thing things something anything way ways kind kinds type types "
        "usually really actually still ever common affect affects affected use used using involve involves do "
        "happen happened get gets getting"
    )
)
"""Words that frame a question rather than say what it asks about (left out of its focus)."""
_CLASS_STOP = frozenset({"non", "oral", "analgesic", "agent", "skeletal", "combination"})

TOPICS: dict[str, re.Pattern[str]] = {
    "treatment": re.compile(
        r"\b(treat\w*|therap\w*|help\w*|reliev\w*|relief|manag\w*|cure\w*|fix\w*|recommend\w*|advis\w*|options?|"
        r"work|works|effective|better than|versus|vs|compared?|should i (take|have|try|get|use|do)|take for|"
        r"unpinch\w*|worth)\b"
    ),
    "tests": re.compile(r"\b(mri|scans?|x ray|xray|imaging|tests?|diagnos\w*|ct|emg|nerve conduction)\b"),
    "dosing": re.compile(
        r"\b(doses?|dosage|dosing|how much|maximum|max|mg|how often|overdose|safe\w*|side effects?|can i take|"
        r"taking|i can take|the most \w+ (i|you) can|24 hours?|per day|a day|daily|pregnan\w*|kidney|alcohol|"
        r"interact\w*|stomach|ulcer|blood thinners?)\b"
    ),
    "causes": re.compile(r"\b(what (causes?|caused)|why (do|does|did|is|am|has|have)|causes? of|reasons? for)\b"),
    "symptoms": re.compile(r"\b(symptoms?|signs?|feel like|feels like)\b"),
    "prognosis": re.compile(
        r"\b(how long|heal\w*|recover\w*|go away|goes away|get better|settle|outlook|prognosis|permanent\w*)\b"
    ),
    "care": re.compile(
        r"\b(emergenc\w*|urgent\w*|a e|hospital|red flags?|warning signs?|warnings?|see a (doctor|gp)|serious|"
        r"dangerous|worr\w*|concern\w*|when to see)\b"
    ),
}
"""Question topics; a guideline statement of a matching kind is on topic even when no record is named."""

TOPIC_KINDS: dict[str, frozenset[str]] = {
    "treatment": frozenset({"treatments", "drugs"}),
    "tests": frozenset({"tests"}),
    "dosing": frozenset(),
    "care": frozenset({"red_flags"}),
    "causes": frozenset(),
    "symptoms": frozenset(),
    "prognosis": frozenset(),
}

_VERDICT_QUESTION = re.compile(
    r"^should\b|\b(recommend\w*|advised|should i|do i need|is it worth|worth (it|trying|taking)|is it ok|good for|"
    r"effective|does \w+( \w+)? (help|work)|do \w+( \w+)? (help|work)|can \w+( \w+)? help|will \w+( \w+)? help)\b"
)


_ACRONYM = re.compile(r"[A-Z]{3,6}")
"""A name written as an acronym ('TENS'), whose stem may be an everyday word."""


_INABILITY = re.compile(r"\b(?:can[’']?t|cannot|unable|not|no|won[’']?t|without|never)\b", re.IGNORECASE)
"""A name that says something cannot be done ('can't stand up'), which tokenising leaves as one common verb."""
_PLACE = re.compile(
    r"\b(?:between|below|around|under|underneath|beneath|inside|behind|down|both|other)\b", re.IGNORECASE
)
"""Words that place a name ('numb between the legs', 'numb down below', 'both legs are numb'); tokenising drops them
as stop words, so the name would no longer say where or how many ('numb', 'numb leg') and would link every numb leg:
such a name links only when the question also writes its place words."""


@dataclass(frozen=True)
class Links:
    """The records a question names (direct), implies (drug class, lay term) or only touches generically."""

    direct: frozenset[Key]
    implied: frozenset[Key]
    generic: frozenset[Key]
    topics: frozenset[str]
    verdict: bool
    """True for a yes/no question about whether something is recommended or helps."""
    words: frozenset[str] = frozenset()
    """The question's own words (tokenised), other than those of the records it names."""
    choice: bool = False
    """True when the question asks which of two named things ('ice or heat?'): it wants no yes or no."""
    focus: frozenset[str] = frozenset()
    """What the question asks about the records it names: its other informative words and their expansions
    ('how long … heal' → long, heal, recovery …). Empty when the question is only a name ('what is an MRI')."""

    @property
    def specific(self) -> frozenset[Key]:
        return self.direct | self.implied

    @property
    def entities(self) -> frozenset[Key]:
        """The records the answer may be about: the specific ones, or the generic ones when there are none."""
        return self.specific or self.generic

    def tier(self, key: Key) -> int:
        """0 named in the question, 1 implied, 2 generic, 3 not linked."""
        if key in self.direct:
            return 0
        if key in self.implied:
            return 1
        return 2 if key in self.generic else 3


class EntityLinker:
    """Phrase table from every record's name, synonyms and lay terms (token sets, so word order is free)."""

    MAX_WORDS = 6

    def __init__(self, kb: KnowledgeBase, lay_terms: Mapping[str, str]) -> None:
        self.table: dict[frozenset[str], set[Key]] = {}
        self.names: dict[Key, list[frozenset[str]]] = {}
        self.placed: list[tuple[frozenset[str], frozenset[str], Key]] = []
        """Short names that say where ('numb down below'): their words, their place words, their record."""
        self.acronyms: dict[frozenset[str], set[str]] = {}
        """A one-word phrase that only an acronym gives ('TENS' → 'ten'), with the acronym as written: it links
        only when the question writes the acronym, not a word its stem shares ('ten minutes')."""
        spelled: set[tuple[frozenset[str], str]] = set()
        for kind in LINK_KINDS:
            for rid, record in kb.entities.get(kind, {}).items():
                for name in [rid.replace("_", " "), *aliases(record)]:
                    tokens = tokenize(name)
                    if len(tokens) == 1 and _INABILITY.search(name):
                        continue  # "can't stand up" is not every question that says 'stand'
                    places = frozenset(w.lower() for w in _PLACE.findall(name))
                    if tokens and places:  # 'numb between the legs' is not every numb leg
                        self.placed.append((frozenset(tokens), places, (kind, rid)))
                        self.names.setdefault((kind, rid), []).append(frozenset(tokens))
                        continue
                    if 0 < len(tokens) <= self.MAX_WORDS:
                        if len(tokens) == 1 and _ACRONYM.fullmatch(name) and tokens[0] != normalise(name):
                            self.acronyms.setdefault(frozenset(tokens), set()).add(normalise(name))
                        elif len(tokens) == 1:
                            spelled.add((frozenset(tokens), normalise(name)))
                        self.table.setdefault(frozenset(tokens), set()).add((kind, rid))
                        self.names.setdefault((kind, rid), []).append(frozenset(tokens))
        # a word that is a name in its own right ('ten' from 'Ten', not from 'tens') links however written
        own = {phrase for phrase, word in spelled if word not in self.acronyms.get(phrase, set())}
        self.acronyms = {phrase: words for phrase, words in self.acronyms.items() if phrase not in own}
        self.classes: dict[frozenset[str], set[Key]] = {}
        for rid, drug in kb.entities.get("drugs", {}).items():
            if isinstance(drug, Drug):
                for key in _class_keys(drug.drug_class):
                    self.classes.setdefault(key, set()).add(("drugs", rid))
        self.generic = {frozenset(tokenize(t)) for t in GENERIC_TERMS} - {frozenset()}
        self.lay = {
            tuple(tokenize(phrase)): tokenize(extra)
            for phrase, extra in lay_terms.items()
            if frozenset(tokenize(phrase)) not in self.generic
        }

    def _match(self, tokens: list[str], table: Mapping[frozenset[str], set[Key]]) -> list[tuple[frozenset[str], Key]]:
        """Longest non-overlapping phrase matches, left to right within each length."""
        covered = [False] * len(tokens)
        found: list[tuple[frozenset[str], Key]] = []
        for size in range(min(self.MAX_WORDS, len(tokens)), 0, -1):
            for start in range(len(tokens) - size + 1):
                if any(covered[start : start + size]):
                    continue
                key = frozenset(tokens[start : start + size])
                if key in table:
                    found += [(key, k) for k in sorted(table[key])]
                    covered[start : start + size] = [True] * size
        return found

    def link(self, question: str) -> Links:
        """Records named, implied or generically touched by the question; its topics and its focus words (widened
        by the built-in lay terms: 'heal' also looks for 'recovery')."""
        tokens = tokenize(question)
        direct: set[Key] = set()
        generic: set[Key] = set()
        named: set[str] = set()
        written = set(normalise(question).split())
        for phrase, key in self._match(tokens, self.table):
            if phrase in self.acronyms and not self.acronyms[phrase] & written:
                continue
            if phrase in self.generic:
                generic.add(key)
            else:
                direct.add(key)
                named |= phrase
        said = set(tokens)
        direct |= {key for phrase, places, key in self.placed if phrase <= said and places <= written}
        generic_words = {t for phrase in self.generic for t in phrase}
        focus = {t for t in tokens if t not in named and t not in generic_words and t not in QUESTION_WORDS}
        for token in list(focus):
            focus |= set(self.lay.get((token,), ()))
        implied: set[Key] = {key for _, key in self._match(tokens, self.classes)}
        for size in range(1, self.MAX_WORDS + 1):  # a lay term read as its expansion: 'hip arthritis' → 'hip OA'
            for start in range(len(tokens) - size + 1):
                extra = self.lay.get(tuple(tokens[start : start + size]))
                if extra:
                    variant = tokens[:start] + extra + tokens[start + size :]
                    implied |= {
                        k
                        for p, k in self._match(variant, self.table)
                        if p not in self.generic and (p not in self.acronyms or self.acronyms[p] & written)
                    }
                    if not set(tokens[start : start + size]) & named:  # 'steroids' → the corticosteroids, unless
                        implied |= {k for _, k in self._match(variant, self.classes)}  # part of a named record
        text = normalise(question)
        topics = topics_of(text)
        choice = len(direct) > 1 and " or " in f" {text} "
        return Links(
            direct=frozenset(direct),
            implied=frozenset(implied - direct),
            generic=frozenset(generic - direct - implied),
            topics=topics,
            verdict=bool(_VERDICT_QUESTION.search(text)) and not choice,
            choice=choice,
            words=frozenset(t for t in tokens if t not in named),
            focus=frozenset(focus),
        )

    def names_of(self, keys: Iterable[Key]) -> list[str]:
        """One name (as its tokens joined) for each record, for carrying a subject into a follow-up question."""
        return [" ".join(sorted(self.names[k][0])) for k in sorted(keys) if self.names.get(k)]

    def mentions(self, keys: Iterable[Key], tokens: frozenset[str]) -> bool:
        """True when a text (as a token set) names one of the records."""
        return any(name <= tokens for key in keys for name in self.names.get(key, []))


def topics_of(text: str) -> frozenset[str]:
    """The topics (TOPICS) a question, or an FAQ's questions, asks about."""
    text = normalise(text)
    return frozenset(name for name, pattern in TOPICS.items() if pattern.search(text))


def _class_keys(drug_class: str) -> set[frozenset[str]]:
    """'Opioid analgesic (weak)' → {opioid analgesic}, {opioid}; 'SNRI antidepressant' adds {antidepressant}."""
    tokens = tokenize(drug_class.split("(")[0])
    if not tokens:
        return set()
    keys = {frozenset(tokens)}
    keys |= {frozenset([t]) for t in (tokens[0], tokens[-1]) if t not in _CLASS_STOP and len(t) >= 5}
    return keys


__all__ = ["GENERIC_TERMS", "LINK_KINDS", "TOPICS", "EntityLinker", "Key", "Links", "topics_of"]
