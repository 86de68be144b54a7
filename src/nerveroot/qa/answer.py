"""Answer a question: scope, question type, the answering cards, retrieval, declining, then assembly of the
direct answer, sections and numbered references."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from nerveroot.knowledge.base import normalise
from nerveroot.qa.context import GUIDELINES, NAMED_KINDS, RESEARCH, SEEK_CARE, AskSettings, QaContext, low_grade
from nerveroot.qa.corpus import KIND_LABEL, Statement
from nerveroot.qa.index import Hit
from nerveroot.qa.intent import Intent, classify, split_parts
from nerveroot.qa.lead import direct_answer
from nerveroot.qa.lexicon import lexicon
from nerveroot.qa.link import Links
from nerveroot.qa.models import Answer, AnswerStatement, Section
from nerveroot.qa.plan import CardRule, choose_card, trim, wants_disagreement
from nerveroot.qa.ranking import Ranked, care, dedupe, select, with_cards
from nerveroot.qa.references import Numbering, label
from nerveroot.qa.related import RELATED, related_cards
from nerveroot.qa.scope import check_scope
from nerveroot.qa.sections import DRUG_QTYPES, cap, section_order, shown_text
from nerveroot.qa.text import asked_sentences, tokenize
from nerveroot.qa.told import could_be_told, emergency_lead

TOPIC_WORDS: dict[str, str] = {"causes": "causes", "prognosis": "recovery", "symptoms": "symptoms"}
"""Words added to the retrieval query for a question that asks for causes, recovery or symptoms in other words
('why do I get …' also searches 'causes')."""


_CODES = re.compile(r"\b(icd|codes?|coding|billing)\b", re.IGNORECASE)


CORE_CONDITIONS = frozenset({("conditions", "disc_herniation")})
"""What nearly every card is about (a disc pressing on a root): a card need not name it to answer a question that
does ('will my strength come back after a disc herniation')."""


RADICULAR_WORDS = frozenset(tokenize("sciatica sciatic radiculopathy radicular"))
"""Words that say the question is about nerve root pain itself: a card about another condition (stenosis, a hip)
does not answer it unless the question names that condition too."""

CARD_BODY_WEIGHT = 0.5
"""A question word found only in a card's answer (not its questions) counts half towards choosing the card."""


FINDINGS_QTYPES = ("surgery_injection_outcome", "test_how_accuracy", "duration_prognosis")
"""Question types answered by study results (outcomes, accuracy, natural history): the research findings kept
shown give way after the second and later guideline stances, not before them."""


TEST_QTYPES = ("test_how_accuracy", "report_meaning")
"""Question types about tests and their reports, which a card about one test may answer without naming it."""


def abstain(ctx: QaContext, question: str, reason: str) -> Answer:
    return Answer(
        question=question,
        abstained=True,
        answer=f"nerveroot cannot answer this: {reason}. It answers questions about lumbar nerve root compression "
        "(L1–S1) and its care from its cited knowledge base. Please ask a clinician.",
        kb_version=f"{ctx.kb.version}+{ctx.kb.content_hash}",
    )


def assemble(
    ctx: QaContext,
    question: str,
    hits: list[Hit],
    settings: AskSettings | None = None,
    links: Links | None = None,
    asked: str = "",
    intent: Intent | None = None,
    cards: Sequence[str] = (),
    told: tuple[str, Statement] | None = None,
) -> Answer:
    """Build the cited answer from ranked hits (pure: no I/O); ``asked`` holds the topic words added to the query,
    ``cards`` the FAQ cards that answer the question (or its parts), best first; ``told`` the emergency lead for a
    question that tells an emergency (told.py), which goes first."""
    settings = settings or AskSettings()
    links = links or ctx.linker.link(question)
    intent = intent or classify(question)
    chosen = with_cards(ctx, select(ctx, f"{question} {asked}", hits, links, settings), cards, intent)
    # a card for a narrower group or activity (pregnancy, sex, diabetes …) answers only questions naming it, whether
    # chosen as the card or found by retrieval
    chosen = [
        r
        for r in chosen
        if r.statement.kind != "faqs"
        or r.statement.record_id in cards
        or not ctx.cards.narrower(r.statement.record_id, question)
    ]
    if not _CODES.search(question):  # billing codes only when asked for
        chosen = [r for r in chosen if r.statement.field != "icd10"]
    if not wants_disagreement(question):  # a low-grade source is not set against a guideline as an equal
        chosen = [r for r in chosen if r.statement.field != "conflict" or not low_grade(ctx, r.statement)]
    grouped: dict[str, list[Ranked]] = {}
    for r in dedupe(sorted(chosen, key=Ranked.key)):
        if r.statement.kind != "red_flags":
            grouped.setdefault(ctx.section_of(r.statement), []).append(r)
    warnings = dedupe(care(ctx, question, chosen, links, settings, intent))
    if warnings:
        grouped[SEEK_CARE] = warnings
    cap(grouped, settings, bool(cards))
    order = section_order(grouped, intent)
    lead = direct_answer(ctx, links, grouped, order, intent, bool(cards), question)
    if told:
        lead = [told, *(entry for entry in lead if entry[1].id != told[1].id)][:2]
    lead_ids = frozenset(st.id for _, st in lead)
    lead_text = " ".join(text for text, _ in lead)
    planned = [(title, [(shown_text(r.statement, lead), r.statement) for r in grouped[title]]) for title in order]
    planned = [(title, [(text, st) for text, st in entries if text]) for title, entries in planned]
    shown = frozenset(r.statement.id for rs in grouped.values() for r in rs) | lead_ids
    if related := related_cards(ctx, question, hits, links, shown):  # after the sections, before warning signs
        planned.insert(sum(title != SEEK_CARE for title, _ in planned), (RELATED, related))
    if not settings.full:
        planned = trim(
            planned,
            lead_text,
            settings.word_budget,
            lead_ids,
            frozenset({SEEK_CARE}),
            frozenset({GUIDELINES}),
            findings=frozenset(t for t in order if t.startswith(RESEARCH))
            if intent.asks(*FINDINGS_QTYPES)
            else frozenset(),
        )
    numbering = Numbering(ctx)
    answer_parts = [f"{text} {''.join(f'[{n}]' for n in numbering.cite(st))}" for text, st in lead]
    sections = []
    for title, planned_entries in planned:
        entries = []
        for text, statement in planned_entries:
            citations = numbering.cite(statement)
            if citations:
                entries.append(AnswerStatement(text=text, citations=citations, statement_id=statement.id,
                                               label=label(ctx, statement)))  # fmt: skip
        if entries:
            sections.append(Section(title=title, statements=entries))
    return Answer(
        question=question,
        abstained=False,
        answer=" ".join(answer_parts),
        sections=sections,
        references=numbering.references(),
        kb_version=f"{ctx.kb.version}+{ctx.kb.content_hash}",
        answer_statement_ids=list(dict.fromkeys(st.id for _, st in lead)),
    )


def answer_question(ctx: QaContext, question: str, settings: AskSettings | None = None) -> Answer:
    """Scope check, question type, the answering card(s), retrieval, abstention on weak evidence, assembly."""
    settings = settings or AskSettings()
    question = strip_label(question)
    scope = check_scope(question, ctx.known_terms)
    if not scope.in_scope:
        return abstain(ctx, question, scope.reason)
    asked_as, question = question, lexicon().rewrite(question)  # 'straight away' is not a straight leg raise
    intent = classify(question)
    links = ctx.linker.link(question)
    if intent.asks(*DRUG_QTYPES) and any(k[0] == "drugs" for k in links.specific):
        links = replace(links, topics=links.topics | {"dosing"})
    cards = _cards(ctx, question, intent, links, settings.signals)
    asked = " ".join(TOPIC_WORDS[t] for t in sorted(links.topics) if t in TOPIC_WORDS)
    said = " ".join(asked_sentences(question))
    focus = "" if said == question else said  # after a story, what is asked counts twice
    hits = ctx.index.search(f"{question} {focus} {asked}", settings.candidates)
    # word coverage decides only for a question naming nothing the knowledge base holds: one that names a drug, test,
    # treatment, finding or condition is answered from what the knowledge base says about it
    weak = not hits or (not links.specific and _weak(ctx, [question, focus] if focus else [question], hits, settings))
    told = emergency_lead(question, ctx.kb, ctx.statements) if could_be_told(question, intent, links) else None
    if weak and not cards and told is None:
        return abstain(ctx, asked_as, "the knowledge base holds no statement that answers it well enough to cite")
    answer = assemble(ctx, question, hits, settings, links, asked, intent, cards, told)
    if not answer.answer:  # nothing on the question itself survived (at most generic warning signs)
        return abstain(ctx, asked_as, "the knowledge base holds no statement that answers it well enough to cite")
    return answer.model_copy(update={"question": asked_as})


def _kind_of_named(ctx: QaContext, key: tuple[str, str], card_names: frozenset[tuple[str, str]]) -> bool:
    """True when the card names a broader thing of which the named one is a kind, by its name: a transforaminal
    epidural steroid injection (a nerve root block) is an epidural steroid injection, so the card on the side effects
    of epidural steroid injections answers a question about a nerve root block."""
    record = ctx.kb.entities.get(key[0], {}).get(key[1])
    if record is None:
        return False
    name = f" {normalise(re.sub(r'[(].*?[)]', ' ', record.name))} "
    for kind, rid in card_names:
        other = ctx.kb.entities.get(kind, {}).get(rid)
        if kind != key[0] or rid == key[1] or other is None:
            continue
        broader = normalise(re.sub(r"[(].*?[)]", " ", other.name))
        if len(broader.split()) >= 2 and f" {broader} " in name:
            return True
    return False


_LABEL = re.compile(r"^\s*(?:q|qn|question|query|ask)\s*(?:\d+\s*)?[:.)\-–]\s+", re.IGNORECASE)
"""A label opening a question copied from a list or forum ('Q: …', 'Question 3: …'): not part of what is asked."""


def strip_label(question: str) -> str:
    """The question without a leading 'Q:' or 'Question:' label (it hid 'what is …' from the question types)."""
    stripped = _LABEL.sub("", question, count=1)
    return stripped if stripped.strip() else question


def _weak(ctx: QaContext, texts: list[str], hits: list[Hit], settings: AskSettings) -> bool:
    """Whether no top statement holds enough of what is asked: of the whole question, or of its asked sentences
    when a story comes first ('… a neighbour told him to. Is there any point scanning him from the emergency
    department?' is covered by what is said about scans in the emergency department)."""
    return all(max(ctx.index.coverage(t, h.statement) for h in hits[:5]) < settings.min_coverage for t in texts)


_ROOT = re.compile(r"\b[LS][1-5]\b", re.IGNORECASE)
"""A question naming a root or a disc level ('L4', 'L5-S1')."""


_WHICH_IS_IT = re.compile(r"\b(?:is|could|might|can) (?:this|it|that)\b", re.IGNORECASE)
"""'Is this …?', 'could it be …?': a question about what the described complaint is."""


STORY_COVERAGE = 0.2
"""Share of a whole question (story and question) that a card chosen from its question sentence alone must hold."""


def _cards(ctx: QaContext, question: str, intent: Intent, links: Links, signals: str = "fused") -> list[str]:
    """The card answering the question, and a second card for a second part that asks something else.

    A later part inherits the things the whole question names ('What is X, and how is it treated?'), and its
    card must cover it strictly, since a short part says little on its own."""
    found: list[str] = []
    parts = split_parts(question)
    first = parts[0] if len(parts) > 1 else ""
    if first and not _says_enough(ctx, first):  # 'What went wrong? Why did my disc slip …': the rest chooses
        rest = " ".join(parts[1:])
        first, parts = "", parts[1:]
        main = _card(ctx, rest, classify(rest), ctx.linker.link(rest), signals=signals)
    else:
        main = _card(ctx, first, classify(first), ctx.linker.link(first), signals=signals) if first else None
    main = main or _card(ctx, question, intent, links, signals=signals)
    named = " ".join(ctx.linker.names_of(links.direct))
    asked = " ".join(asked_sentences(question))
    if main is None and asked != question:  # a story, then a question: the question with the things the story names
        named_things = frozenset(k for k in links.direct if k[0] in NAMED_KINDS)
        text = f"{asked} {' '.join(ctx.linker.names_of(named_things))}".strip()
        card = _card(ctx, text, classify(text), ctx.linker.link(text), signals=signals)
        # ... if the card is about a drug or a condition (other than the disc itself) that the story names, or still
        # holds enough of the whole story ('Is that sciatica or something else?' alone fits any card on sciatica)
        if card is not None:
            about = (ctx.card_conditions.get(card, frozenset()) - CORE_CONDITIONS) | ctx.card_drugs.get(
                card, frozenset()
            )
            share = ctx.faq_match(tokenize(question), ctx.faqs[card], links.focus, CARD_BODY_WEIGHT)
            main = card if named_things & about or share >= STORY_COVERAGE else None
    if main is not None:
        found.append(main)
    for part in parts[1:2]:
        text = f"{part} {named}".strip()
        card = _card(ctx, text, classify(part), ctx.linker.link(text), strict=True, signals=signals)
        if card is not None and card not in found:
            found.append(card)
    return found


TREATMENT_WORDS = frozenset(tokenize("treatment therapy treated operation operative surgical conservative"))
"""Words that speak of treatment in general ('how long should I stick with non-operative treatment?')."""


def _speaks_of_treatment(links: Links, tokens: list[str]) -> bool:
    """True when the question names a treatment or speaks of treatment in general."""
    return any(k[0] == "treatments" for k in links.direct) or bool(TREATMENT_WORDS & set(tokens))


def _card_on_treatment(ctx: QaContext, faq_id: str) -> bool:
    """True when a card's own question asks about treatment ('How is L4-L5 root impingement treated?'): it answers
    about the roots it names only when treatment is asked."""
    own = str(getattr(ctx.kb.entities["faqs"][faq_id], "question", ""))
    return _speaks_of_treatment(ctx.linker.link(own), tokenize(own))


def _says_enough(ctx: QaContext, part: str) -> bool:
    """Whether a first part can choose a card on its own: not a short one that names nothing and asks no type
    of question ('What did I do wrong?' before 'Why did I get a slipped disc?' is not the card on what can
    go wrong in an operation)."""
    if _WHAT_IS.match(normalise(part)) or len(tokenize(part)) >= 3:  # 'What is sciatica?' asks for its card
        return True
    links = ctx.linker.link(part)
    return bool(links.direct or links.specific) or bool(classify(part).qtypes)


_WHAT_IS = re.compile(r"(?:just )?(?:what|whats|what s) (?:is|are|does)\b")


def _card(
    ctx: QaContext, question: str, intent: Intent, links: Links, strict: bool = False, signals: str = "fused"
) -> str | None:
    tokens = tokenize(question)
    named = [k for k in links.direct if k[0] in NAMED_KINDS]
    faq = ctx.faqs

    def coverage(faq_id: str) -> float:
        return ctx.faq_match(tokens, faq[faq_id], links.focus, CARD_BODY_WEIGHT) if faq_id in faq else 0.0

    def names_match(faq_id: str) -> bool:
        """The card's own questions name the drug the question names; other named things may be in its answer."""
        if faq_id not in faq:
            return False
        names = ctx.faq_names.get(faq_id, frozenset())
        drugs = [k for k in named if k[0] == "drugs"]
        if drugs:
            return ctx.linker.mentions(drugs, names)
        if ctx.card_drugs.get(faq_id) and not ctx.card_classes.get(faq_id, frozenset()) & set(tokens):
            return False  # a card about one medicine answers questions naming it or its class
        if ctx.card_tests.get(faq_id) and not intent.asks(*TEST_QTYPES) and not any(k[0] == "tests" for k in named):
            return False  # nor a card about one test ('how long does an MRI take') a question naming no test
        if ctx.card_treatments.get(faq_id) and not _speaks_of_treatment(links, tokens):
            return False  # nor a card about a treatment throughout ('how long physio lasts') one naming none
        root_card = ctx.card_roots.get(faq_id) and not ctx.card_tests.get(faq_id)  # not a test for a root
        if root_card and not intent.asks("which_root", "x_vs_y") and not _ROOT.search(question):
            return False  # nor a card about a root or level ("a pinched L4 root", "L4-L5") one naming none
        asked_roots = {k for k in links.direct if k[0] == "roots"}
        if root_card and asked_roots and not asked_roots & ctx.card_roots.get(faq_id, frozenset()):
            return False  # nor a card about the L4 root a question about the L5 and S1 roots
        other = ctx.card_conditions.get(faq_id, frozenset()) - CORE_CONDITIONS
        named_other = other & links.specific or ctx.cards.for_population(faq_id, question)
        # 'how does sciatica usually go' is not answered by the card on stenosis; but 'is this sciatica?' after a
        # description that names no other condition may be answered by the card on what else it could be
        open_differential = (
            intent.asks("x_vs_y")
            and _WHICH_IS_IT.search(question) is not None
            and not any(k[0] == "conditions" and k not in CORE_CONDITIONS for k in links.specific)
        )
        if other and RADICULAR_WORDS & set(tokens) and not named_other and not open_differential:
            return False
        specific = [k for k in named if k not in CORE_CONDITIONS]
        specific = [k for k in specific if not _kind_of_named(ctx, k, ctx.card_names.get(faq_id, frozenset()))]
        return not specific or ctx.linker.mentions(specific, names | ctx.tokens(faq[faq_id]))

    rule = CardRule(coverage_top=0.6, coverage_agree=0.6, similarity_agree=0.7) if strict else None
    chosen = choose_card(
        ctx.cards, intent, question, coverage, names_match, rule, signals, lambda f: ctx.faq_contained(tokens, f)
    )
    # a question about the roots it names ('what are the symptoms of L5 and S1 root compression?') is not answered
    # by a card about other roots or levels when a card about all of them exists, whatever words they share
    asked_roots = frozenset(k for k in links.direct if k[0] == "roots")
    if asked_roots and intent.qtype in ("which_root", "symptom") and not strict:
        chosen_roots = ctx.card_roots.get(chosen, frozenset()) if chosen else frozenset()
        if chosen is None or not asked_roots <= chosen_roots:
            covering = [
                f
                for f, roots in ctx.card_roots.items()
                if asked_roots <= roots
                and not _card_on_treatment(ctx, f)
                and not ctx.card_tests.get(f)
                and names_match(f)
                and not ctx.cards.narrower(f, question)
                and not ctx.cards.confined(f, intent)
            ]
            best = max(
                covering, key=lambda f: (len(asked_roots) - len(ctx.card_roots[f]), coverage(f), f), default=None
            )
            # a card about no root keeps the question when it holds more of it ('no ankle jerks: is that S1?')
            if best is not None and (chosen is None or chosen_roots or coverage(best) >= coverage(chosen)):
                return best
    return chosen


__all__ = ["KIND_LABEL", "AskSettings", "QaContext", "answer_question", "assemble"]
