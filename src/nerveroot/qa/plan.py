"""Answer plans by question type: which card answers, what leads, which sections stay, and the word budget."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from nerveroot.knowledge.base import normalise
from nerveroot.qa.cards import CONFINING, CardIndex
from nerveroot.qa.corpus import Statement
from nerveroot.qa.intent import Intent

_SENTENCES = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
WORD_BUDGET = 500
"""Default length of an answer (direct answer plus sections), in words; `full` lifts it."""
_DISAGREEMENT = re.compile(
    r"\b(disagree\w*|conflict\w*|contradict\w*|differ\w*|why does (nice|the guideline)|website says|article says|"
    r"online says|read that|i heard)\b"
)


SHAPES: dict[str, re.Pattern[str]] = {
    "duration_prognosis": re.compile(
        r"\b(\d+|a few|several)( to \d+)? (minutes?|hours?|days?|weeks?|months?|years?)\b"
        r"|\b(about|within|after|over|for|takes?|in) (a|an|one) (hour|week|fortnight|month|year)\b",
        re.I,
    ),
    "cause": re.compile(
        r"\b(caused by|due to|(usual|commonest|most common) cause|(often|usually) from|from (pressure|"
        r"compression|a (disc|slipped|herniated|bulging)))\b",
        re.I,
    ),
    "dose": re.compile(r"\b\d+ ?mg\b|\b\d+ days?\b", re.I),
    "which_root": re.compile(r"\b[LS][1-5]\b (root|nerve|radiculopathy)|\b[LS][1-5]\b( root)? (problem|compression)"),
    "when_where_seek_care": re.compile(r"a&e|\b999\b|emergency|urgent\w*|straight away|at once|immediately", re.I),
    "is_x_recommended": re.compile(r"^(yes|no|not|possibly|usually)\b|recommend|advises? against", re.I),
    "side_effects": re.compile(r"side effects?|\bcommon(est)?\b.*\b(are|is|include)\b", re.I),
    "who_should_not_take": re.compile(r"^(do not|don't|avoid|check with|ask)\b|\bif you (have|are|take|drink)\b", re.I),
    "symptom": re.compile(
        r"\b(shoot\w*|burn\w*|stab\w*|tingl\w*|pins and needles|numb\w*|weak\w*)\b.*"
        r"\b(shoot\w*|burn\w*|stab\w*|tingl\w*|pins and needles|numb\w*|weak\w*)\b",
        re.I,
    ),
    "self_care": re.compile(
        r"^(at home|keep|stay|try|use|lie|sleep|sit|avoid|do not|don't|take|hold|put|break up|stand|walk|wear)\b"
        r"|\bat home\b",
        re.I,
    ),
}
"""What the answer to a question type looks like (a time, a dose, an action, a verdict)."""


ROUTINE_CARE = re.compile(r"\b(see|ask|call|contact|speak to|book) (a |your )?(gp|doctor|physio\w*|pharmacist)\b", re.I)
"""The answer to 'when should I see a doctor' (a routine visit), as against 'when is it an emergency'."""
_CLINICIAN = re.compile(r"\b(gp|doctor|physio\w*|pharmacist)\b", re.I)
_WHO_TO_SEE = re.compile(
    r"\b(who|where) (should|do|can|must) (i|we|you) (see|go|ask|turn)\b|\b(which|what) (\w+ ){0,2}(department|"
    r"speciali[sz]\w*|specialty|speciality|kind of doctor|type of doctor)\b",
    re.I,
)
"""A question asking whom to see ('who should I see about it?'): answered with the routine route, not the emergency."""
_URGENT_ASK = re.compile(r"a ?& ?e|\b999\b|emergenc\w*|ambulance|hospital|urgent\w*|immediate\w*", re.I)


def has_shape(qtype: str, sentence: str, question: str = "") -> bool:
    """True when ``sentence`` looks like an answer to a ``qtype`` question (a routine visit when ``question``
    asks when to see a doctor without asking about an emergency)."""
    asks_who = _CLINICIAN.search(question) or _WHO_TO_SEE.search(question)
    if qtype == "when_where_seek_care" and asks_who and not _URGENT_ASK.search(question):
        return bool(ROUTINE_CARE.search(sentence))
    pattern = SHAPES.get(qtype)
    return bool(pattern and pattern.search(sentence))


@dataclass(frozen=True)
class CardRule:
    """When a card is trusted to answer: share of the question it covers (idf-weighted) or meaning similarity,
    lower when the card answers the same type of question."""

    coverage_agree: float = 0.4
    coverage_top: float = 0.28
    """Enough for the best-ranked card when it answers the same type of question."""
    coverage_any: float = 0.62
    similarity_agree: float = 0.62
    similarity_any: float = 0.78
    coverage_population: float = 0.1
    """Enough for a card written for the population the question names (pregnancy, running …) that answers the
    same type of question: the population and the type are two signals beside the shared words."""
    contained_top: float = 0.6
    """Enough of one of the card's own questions (idf-weighted) found in a long question, for the best-ranked card
    when it answers the question's main type ('… wrecking my sleep … what helps at night?' holds 'sleep with
    sciatica')."""
    candidates: int = 5
    main_type_window: int = 3
    """How far below a card agreeing only on a second question type to look for one answering the main type."""
    main_type_margin: float = 0.1
    """How much less of the question that card may hold and still be preferred."""


SHAPED_MAIN_TYPES = frozenset(
    {"dose", "who_should_not_take", "side_effects", "duration_prognosis", "when_where_seek_care"}
)
"""Main question types asked in so many words ('how much', 'who should not', 'how long') that a card answering them
is preferred to one agreeing on a second type; not a report word in the story ('with a bulging disc, can I …')."""


def choose_card(
    cards: CardIndex,
    intent: Intent,
    question: str,
    coverage: Callable[[str], float],
    names_match: Callable[[str], bool],
    rule: CardRule | None = None,
    signals: str = "fused",
    contained: Callable[[str], float] | None = None,
) -> str | None:
    """The FAQ card that answers the question, or None.

    ``coverage(faq_id)``: share of the question the card's own questions hold; ``names_match(faq_id)``: False
    when the question names a drug, test, treatment or condition the card does not mention; ``contained(faq_id)``:
    share of the card's best-held own question that the question holds."""
    rule = rule or CardRule()
    ranked = cards.rank(question, rule.candidates, lexical=signals != "semantic", semantic=signals != "lexical")
    # a card written for the population the question names (pregnancy, running …) comes before general ones
    ranked = sorted(ranked, key=lambda hit: not cards.for_population(hit.faq_id, question))
    # a question asking for the outlook or a comparison tries first the cards whose own questions ask that
    if intent.qtype in CONFINING:
        ranked = sorted(ranked, key=lambda hit: intent.qtype not in cards.mains.get(hit.faq_id, frozenset()))
    # and one the shared words ranked lower is tried after them ('… ten minutes sitting … is it OK to drive?'), if
    # it answers the same type of question beyond being about that population
    beyond = Intent(tuple(q for q in intent.qtypes if q != "pregnancy"))
    if beyond.qtypes and beyond.qtypes != intent.qtypes:
        # every card for pregnancy answers a 'pregnancy' question: among them, those that also answer what else it
        # asks come first ('… is it really sciatica?' is the card on telling sciatica apart, not the one on exercise)
        ranked = sorted(
            ranked,
            key=lambda hit: (
                not cards.for_population(hit.faq_id, question),
                cards.for_population(hit.faq_id, question) and not cards.agrees(hit.faq_id, beyond),
            ),
        )
    ranked += [
        hit
        for hit in cards.population_cards(question)
        if all(hit.faq_id != r.faq_id for r in ranked) and beyond.qtypes and cards.agrees(hit.faq_id, beyond)
    ]
    # a card passed over for being about another medicine, test or condition than the question names does not raise
    # the bar for the one after it (a card on one medicine sorted first for 'how long' questions); one passed over
    # for its population or its confining type still does, since the question's words fitted it as well
    n = -1
    for i, hit in enumerate(ranked):
        if not names_match(hit.faq_id):
            continue
        n += 1
        if cards.narrower(hit.faq_id, question) or cards.confined(hit.faq_id, intent):
            continue
        share = coverage(hit.faq_id)
        agree = cards.agrees(hit.faq_id, intent)
        floor = rule.coverage_top if n == 0 else rule.coverage_agree
        if agree and cards.for_population(hit.faq_id, question):
            floor = min(floor, rule.coverage_population)
        if agree and (share >= floor or hit.similarity >= rule.similarity_agree):
            # a card agreeing only on a second type (the cautions card, on driving, for '… how much do I take?')
            # gives way to a close one ranked below it that answers the main type ('dose'), holding about as much
            if (
                intent.qtype in SHAPED_MAIN_TYPES
                and len(intent.qtypes) > 1
                and not cards.answers_main_type(hit.faq_id, intent)
            ):
                better = next(
                    (
                        h
                        for h in ranked[i + 1 : i + 1 + rule.main_type_window]
                        if names_match(h.faq_id)
                        and not cards.narrower(h.faq_id, question)
                        and not cards.confined(h.faq_id, intent)
                        and cards.answers_main_type(h.faq_id, intent)
                        and coverage(h.faq_id) >= max(floor, share - rule.main_type_margin)
                    ),
                    None,
                )
                if better is not None:
                    return better.faq_id
            return hit.faq_id
        if (
            n == 0
            and hit.lexical_rank == 1
            and cards.answers_main_type(hit.faq_id, intent)
            and contained
            and contained(hit.faq_id) >= rule.contained_top
        ):
            return hit.faq_id
        if share >= rule.coverage_any or hit.similarity >= rule.similarity_any:
            # a later card holding as much of the question that answers its type is the better answer ('who can't
            # take pregabalin?' is the cautions card, not the dose card ranked above it on the drug's name)
            usable = (
                h
                for h in ranked[i + 1 :]
                if names_match(h.faq_id)
                and not cards.narrower(h.faq_id, question)
                and not cards.confined(h.faq_id, intent)
                and cards.answers_main_type(h.faq_id, intent)  # a typed question: 'other' is no agreement
            )
            if not agree and (better := next((h for h in usable if coverage(h.faq_id) >= share), None)):
                return better.faq_id
            return hit.faq_id
    return None


def wants_disagreement(question: str) -> bool:
    """True when the question asks about a disagreement between sources."""
    return bool(_DISAGREEMENT.search(normalise(question)))


def dose_lead(statements: Sequence[Statement], low_grade: Callable[[Statement], bool]) -> list[Statement]:
    """For a dose question: the usual dose from the best-graded source, then the lowest recognised maximum."""
    doses = sorted((s for s in statements if s.field == "dose"), key=low_grade)
    ceilings = [s for s in statements if s.field == "max_daily" and "do not take more" in s.text]
    return [*doses[:1], *ceilings[:1]]


def caution_lead(statements: Sequence[Statement], most: int = 4) -> list[Statement]:
    """For a 'who should not take' question: one caution per group of people (the firm ones, avoid or
    contraindicated, first), up to ``most``."""
    cautions = [s for s in statements if s.field == "caution"]
    firm = [s for s in cautions if re.search(r": (avoid|contraindicated|do not use)\b", s.text)]
    out: list[Statement] = []
    seen: set[str] = set()
    for statement in [*firm, *(s for s in cautions if s not in firm)]:
        who = short(statement).split(":", 1)[0]
        if who not in seen:
            seen.add(who)
            out.append(statement)
    return out[:most]


def short(statement: Statement) -> str:
    """The first clause of a caution or dose statement ('Pregabalin with pregnancy: avoid.')."""
    text = statement.text.split(" — ", 1)[-1]
    head = re.match(r"[^.]*?: [^.]*\.", text)
    return head[0] if head and len(head[0]) < 200 else text


def words(text: str) -> int:
    return len(text.split())


Entry = tuple[str, Statement]
"""A printed text and the statement it comes from."""


def trim(
    sections: list[tuple[str, list[Entry]]],
    lead: str,
    budget: int,
    keep: frozenset[str],
    fixed: frozenset[str],
    last: frozenset[str] = frozenset(),
    findings: frozenset[str] = frozenset(),
) -> list[tuple[str, list[Entry]]]:
    """Cut the answer to ``budget`` words: first the entries of the sections in ``last`` (guidelines) beyond the
    first of each, then the last entries of ordinary sections (last section first; each is cut to its two opening
    sentences before it goes), then the closing sentences of
    entries the lead rests on (``keep``; two sentences stay), then the rest of ``last``. Sections in ``fixed``
    (warning signs) are neither cut nor counted. Sections in ``findings`` (study results, for a question about
    outcomes or accuracy) are cut after the ordinary ones, since the studies are what such a question asks for.

    A second or third guideline row on a neighbouring treatment says less about the question than the sentences
    of the cards that answer it (0.28 key facts per 100 words on the outside sets, against 0.79 for the cards);
    the first row of each guideline section, and any the lead rests on, stay."""
    out = [(title, list(entries)) for title, entries in sections]
    total = words(lead) + sum(words(text) for title, entries in out if title not in fixed for text, _ in entries)

    def drop(titles: list[str], spare: int = 0, shorten: bool = False) -> None:
        # with ``shorten`` an entry loses its closing sentences (two stay) before it is dropped whole: a card that
        # answers the question is not lost because it has grown long
        nonlocal total
        for title, entries in reversed(out):
            if title not in titles:
                continue
            while total > budget and (
                removable := [i for i, (_, st) in enumerate(entries) if st.id not in keep and i >= spare]
            ):
                text, st = entries[removable[-1]]
                sentences = _SENTENCES.split(text)
                if shorten and len(sentences) > 2:
                    total -= words(sentences.pop())
                    entries[removable[-1]] = (" ".join(sentences), st)
                    continue
                total -= words(entries.pop(removable[-1])[0])

    drop([t for t, _ in out if t in last], spare=1)
    drop([t for t, _ in out if t not in fixed and t not in last and t not in findings], shorten=True)
    drop([t for t, _ in out if t in findings])
    for _title, entries in reversed(out):
        for i, (text, st) in enumerate(entries):
            sentences = _SENTENCES.split(text)
            while total > budget and st.id in keep and len(sentences) > 2:
                total -= words(sentences.pop())
                entries[i] = (" ".join(sentences), st)
    drop([t for t, _ in out if t in last])
    return [(title, entries) for title, entries in out if entries]


__all__ = [
    "SHAPES",
    "WORD_BUDGET",
    "CardRule",
    "caution_lead",
    "choose_card",
    "dose_lead",
    "has_shape",
    "short",
    "trim",
    "wants_disagreement",
]
