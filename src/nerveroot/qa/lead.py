"""The direct answer: one or two sentences that answer this question, each with the statement it rests on."""

from __future__ import annotations

import re

from nerveroot.knowledge.base import normalise
from nerveroot.qa.context import GUIDELINES, NAMED_KINDS, PLAIN, SEEK_CARE, QaContext, low_grade
from nerveroot.qa.corpus import STANCE_LABEL, Statement
from nerveroot.qa.index import EXPANSION_WEIGHT
from nerveroot.qa.intent import Intent, classify, split_parts
from nerveroot.qa.link import Links
from nerveroot.qa.plan import caution_lead, dose_lead, has_shape, short
from nerveroot.qa.ranking import NARROW_FIT, Ranked
from nerveroot.qa.text import SENTENCE_END, asked_sentences, tokenize

_YES_NO = re.compile(
    r"(yes|no|not|usually|rarely|often|possibly|(very |fairly )?(common|uncommon|rare|likely|unlikely|safe))\b",
    re.IGNORECASE,
)


_YES_NO_QUESTION = re.compile(r"(can|could|is|are|does|do|should|will|would|may|am)\b")


_PREGNANCY = re.compile(r"\b(pregnan\w*|breast ?feed\w*)", re.IGNORECASE)


_PREGNANCY_VERDICT = re.compile(
    r"^(?:in|during|while) (?:pregnancy|breast ?feeding)\b"
    r"|\b(?:avoid\w*|used|safe|not (?:be )?(?:used|taken|given|advised))\b[^.;:]{0,25}\b(?:in|during) pregnancy\b",
    re.IGNORECASE,
)
"""A sentence saying how a medicine or treatment stands in pregnancy ('In pregnancy the data are too limited …',
'… advises avoiding it in pregnancy unless clearly needed'), not one listing pregnancy among reasons to ask first."""


_LIKELIHOOD = re.compile(r"\b(chances?|likel(y|ihood)|odds)\b")
"""'What are the chances …', 'is it likely …': a question that wants a verdict or a figure, like a yes/no one."""


_WH_QUESTION = re.compile(r"(what|which|who|when|where|why|how)\b")
"""A question that opens with a wh-word asks for more than yes or no, even when it says 'should I'."""


_WHAT_IS = re.compile(r"(what|what s|whats) (is|are|does|do)\b|(define|meaning of)\b")
"""A question asking what something is or means, which a definition answers."""


_PROFILE = frozenset({"description", "features", "accuracy", "icd10"})
"""Fields that say what a thing is or how it shows (a definition, its typical age, a likelihood ratio): they answer
'what is …', and lead another question only when nothing else in the guidelines section does."""


_TEST_DONE = re.compile(
    r"\b(?:mri|scan|x ?rays?|ct|emg|nerve conduction(?: study| test)?)(?: scan)?(?: report| results?)?\b"
    r"(?: \w+){0,3}? (?:showed|shows|show|found|finds|revealed|reveals|said|says|say|proved|confirmed|came back|"
    r"did not|didn t|didnt|report\w*|results?)\b|\b(?:my|the|his|her) (?:mri|scan|x ?ray|ct|emg) (?:results?|report)\b",
)
"""A test whose result the question already reports ('my MRI showed a protruding disc', 'the MRI didn't report any
trapped nerve'): whether to have it is not what is asked."""


_TREATMENT_DONE = re.compile(
    r"\b(?:after|since|following|recovering from) (?:my|a|an|the|his|her|your|their) (?:recent |last )?"
    r"((?:\w+ ){0,2}?(?:operation|surgery|\w*discectomy|laminectomy|decompression|fusion|injection|epidural|block))\b"
    r"|\bi (?:have |ve |had |ve had |have had )?(?:had|undergone|been given) (?:a|an|my) "
    r"((?:\w+ ){0,2}?(?:operation|surgery|\w*discectomy|laminectomy|decompression|fusion|injection|epidural|block))\b"
)
"""A treatment the question speaks of as already done ('after my microdiscectomy', 'I had an epidural'): what is
asked is what comes after it, not whether to have it."""


def _treatments_done(ctx: QaContext, question: str) -> frozenset[tuple[str, str]]:
    """The treatments the question names only as already done."""
    done: set[tuple[str, str]] = set()
    for match in _TREATMENT_DONE.finditer(normalise(question)):
        phrase = match.group(1) or match.group(2) or ""
        done |= {k for k in ctx.linker.link(phrase).direct if k[0] == "treatments"}
    return frozenset(done)


NOT_VERDICT = frozenset(
    {
        "dose",
        "side_effects",
        "duration_prognosis",
        "who_should_not_take",
        "when_where_seek_care",
        "report_meaning",
        "pregnancy",
    }
)
"""Question types whose 'should I …' wording does not ask for a guideline verdict ('when should I take it'; 'I am
pregnant: should I take it?' asks whether it is safe in pregnancy, which a guideline on sciatica does not say)."""


def first_sentence(text: str, limit: int = 320) -> str:
    parts = SENTENCE_END.split(text)
    out = parts[0]
    for part in parts[1:]:
        if len(out) >= 60:
            break
        out = f"{out} {part}"
    return out if len(out) <= limit else out[: limit - 1].rsplit(" ", 1)[0] + "…"


def direct_answer(
    ctx: QaContext,
    links: Links,
    grouped: dict[str, list[Ranked]],
    order: list[str],
    intent: Intent | None = None,
    carded: bool = False,
    question: str = "",
) -> list[tuple[str, Statement]]:
    """One or two sentences that answer the question, each with the statement it comes from.

    The card that answers the question (one per part) leads with its opening sentence. Otherwise by question
    type: a dose question gets the usual dose and the ceiling; 'who should not take' the firm cautions; 'when to
    seek care' the emergency action. A question about whether something is recommended or helps gets the
    guideline stance on each named drug, treatment or test, stated plainly; otherwise a closely matching FAQ
    answer; otherwise the highest-ranked guideline statement; otherwise the highest-ranked statement."""
    intent = intent or Intent(())
    stances = [
        r
        for r in grouped.get(GUIDELINES, [])
        if r.statement.stance is not None
        and r.tier <= 1
        and (r.statement.kind, r.statement.record_id) in links.specific
    ]
    stances = [r for r in stances if r.fit < NARROW_FIT] or stances  # not 'do not inject for claudication' first
    test_done = bool(_TEST_DONE.search(normalise(question)))  # 'my MRI showed …': not whether to have the scan
    if test_done:
        stances = [r for r in stances if r.statement.kind != "tests"]
    if carded:  # 'what may I do after my microdiscectomy?': not whether to have the operation
        done = _treatments_done(ctx, question)
        stances = [r for r in stances if (r.statement.kind, r.statement.record_id) not in done]
    # 'what should I do …' asks for more than a verdict, as 'should I have …' does not
    wh = any(_WH_QUESTION.match(normalise(part)) for part in asked_sentences(question))
    asks_verdict = intent.qtype == "is_x_recommended" or (links.verdict and intent.qtype not in NOT_VERDICT and not wh)
    broad = (
        not carded
        and ("treatment" in links.topics or "tests" in links.topics)
        and intent.qtype not in (*NOT_VERDICT, "self_care")  # 'what do I do at home after it' is not 'is it advised'
    )
    cards = [r.statement for r in grouped.get(PLAIN, []) if r.tier < 0] if carded else []
    # a choice between two things ('ice or heat?') is answered by the card that weighs them, not by one stance
    # a choice is also one whose options are not all records ('a chiropractor'); but not a verdict asked of two
    # things the guidelines judge alike ('should gabapentin or pregabalin be prescribed?')
    choice = (links.choice or intent.qtype == "x_vs_y") and not (intent.qtype == "is_x_recommended" and _alike(stances))
    weighed = Intent(tuple(q for q in intent.qtypes if q != "is_x_recommended")) if choice else intent
    card_lead = _part_sentences(ctx, cards, links, weighed, question)
    # a stance that cannot be said plainly (a test's indication row) gives way to the card: the stance's verdict
    # word, then the card's sentence, unless that sentence gives its own verdict
    unsayable = bool(stances) and not _firm_first(stances)[0].statement.body
    if stances and (asks_verdict or broad) and not (card_lead and (choice or unsayable)):
        return _stance_lead(stances, links)
    if card_lead and unsayable and asks_verdict and not choice and not _YES_NO.match(card_lead[0][0]):
        first = _firm_first(stances)[0].statement
        return [(_verdict_head(first, _mixed(stances)), first), *card_lead]
    if card_lead:
        return card_lead
    drugs = [k for k in sorted(links.specific, key=lambda k: (links.tier(k), k)) if k[0] == "drugs"][:1]
    drug_facts = [s for s in ctx.statements if (s.kind, s.record_id) in drugs]
    if intent.qtype == "dose" and (doses := dose_lead(drug_facts, lambda s: low_grade(ctx, s))):
        return [(first_sentence(st.text), st) for st in doses]
    if intent.qtype == "pregnancy":  # the cautions about pregnancy and breastfeeding, when the drug has them (not
        drug_facts = [s for s in drug_facts if _PREGNANCY.search(s.text)]  # another group's: 'age 65 or over')
    if intent.qtype == "side_effects" and (effects := [s for s in drug_facts if s.field == "adverse_effects"]):
        return [(effects[0].text, effects[0])]
    if intent.qtype in ("who_should_not_take", "pregnancy") and (cautions := caution_lead(drug_facts)):
        return [(short(st), st) for st in cautions]
    seek = intent.qtype == "when_where_seek_care"
    warning = _warning_about(ctx, grouped.get(SEEK_CARE, []), links, question) if seek else None
    if warning is not None:  # the warning about what the question describes ('wakes me at night')
        return [(first_sentence(warning.text), warning)]
    if PLAIN in grouped:
        faq = grouped[PLAIN][0].statement
        return [(first_sentence(faq.text.split(" — ", 1)[-1]), faq)]
    ranked = grouped.get(GUIDELINES, [])
    kept = [r for title in order if title != SEEK_CARE for r in grouped[title]]
    if test_done:  # what the guidelines and research say beyond the test already done, when they say anything
        fresh = [r for r in ranked if r.statement.kind != "tests"]
        rest = [r for r in kept if r.statement.kind != "tests"]
        ranked, kept = (fresh, rest) if fresh or rest else (ranked, kept)
    # what a thing is answers 'what is …', not a question that only mentions it ('a numb patch: is it …')
    asks_what = bool(_WHAT_IS.match(normalise(question)))
    ranked = [r for r in ranked if asks_what or r.statement.kind != "findings"] or ranked
    if intent.qtype in _NOT_STANCE_QTYPES:  # a position on a treatment does not say what a thing feels like or why
        ranked = [r for r in ranked if r.statement.stance is None]
    if ranked:  # a stance said plainly ('NICE … says to consider …: …'), not its bare label
        top = next((r.statement for r in ranked if asks_what or r.statement.field not in _PROFILE), ranked[0].statement)
        return [(stance_sentence(top, verdict=False) if top.stance else first_sentence(top.text), top)]
    described = [
        r
        for r in kept
        if r.statement.field == "description" and r.tier == 0 and (asks_what or r.statement.kind != "findings")
    ]  # a symptom's definition ('anterior thigh pain: pain over the front of the thigh') answers only 'what is'
    # then what a named condition or treatment is or does, before a symptom's definition, before a study
    kept = sorted(kept, key=lambda r: 0 if asks_what else {"findings": 1, "sources": 2}.get(r.statement.kind, 0))
    if described:  # what a named thing is, in two sentences
        statement = described[0].statement
        return [(" ".join(SENTENCE_END.split(statement.text)[:2]), statement)]
    if kept:
        statement = kept[0].statement
        if statement.kind == "sources":  # a study: what it found, not its title and journal
            return [(study_finding(statement.text), statement)]
        if statement.field == "features":  # a condition: what tells it apart, not its typical age
            name, _, profile = statement.text.partition(" — ")
            telling = profile.rpartition("telling features: ")[2]
            return [(f"{name}: {telling[:1].upper()}{telling[1:]}", statement)]
        return [(first_sentence(statement.text.split(" — ", 1)[-1]), statement)]
    return []


_NOT_STANCE_QTYPES = frozenset({"symptom", "cause"})
"""Question types a guideline's stance on a treatment never answers ('what symptoms does it give?')."""


_JOURNAL_REF = re.compile(r"^[^.]{0,80}\b(?:19|20)\d\d\b[^.]{0,40}[;:(][^.]{0,40}\.\s+")
"""A journal reference opening a study summary ('BMJ 2008;336:1355-8. ')."""


def study_finding(text: str) -> str:
    """The finding of a study statement ('Title (Authors, Year): Journal ref. Finding…'), with who found it."""
    head, _, notes = text.partition("): ")
    authors, _, year = head.rsplit(" (", 1)[-1].rpartition(", ")
    first = authors.split(",")[0].split(";")[0]
    who = f"{first} et al., {year}" if first != authors else f"{authors}, {year}"
    finding = first_sentence(_JOURNAL_REF.sub("", notes, count=1)) if notes else first_sentence(text)
    return f"A study ({who}) found: {finding[:1].lower()}{finding[1:]}" if notes else finding


def _warning_about(ctx: QaContext, warnings: list[Ranked], links: Links, question: str) -> Statement | None:
    """The warning sign that shares most of what the question asks about (its focus words and their lay-term
    expansions: 'can't feel my bum' is saddle numbness), or None when none does: a question about a slapping foot
    is not answered with the cauda equina warning listed first. Words common to several warnings do not count."""
    asked = (links.focus | set(ctx.index.expand(tokenize(question)))) - ctx.shared_warning_words
    scored = [(len(ctx.tokens(r.statement) & asked), n, r.statement) for n, r in enumerate(warnings)]
    best = max(scored, key=lambda t: (t[0], -t[1]), default=None)
    return best[2] if best is not None and best[0] > 0 else None


def _part_sentences(
    ctx: QaContext, cards: list[Statement], links: Links, intent: Intent, question: str
) -> list[tuple[str, Statement]]:
    """The card sentence answering each part of the question in turn ('How long does it take to work, and when
    do I take it?': the time, then the timing), the n-th part from the n-th card (the last card for later parts)."""
    parts = split_parts(question)
    if len(parts) < 2:
        chosen = [(_card_sentence(ctx, st, links, intent, question), st) for st in cards]
    else:
        chosen = []
        for n, part in enumerate(parts[:2] if cards else []):
            card = cards[min(n, len(cards) - 1)]
            text = _card_sentence(ctx, card, ctx.linker.link(part), classify(part), part)
            if all(text not in seen for seen, _ in chosen):
                chosen.append((text, card))
    if links.choice or intent.qtype == "x_vs_y":  # 'It' is the card's subject, not one of the options named
        return chosen
    return [(_with_subject(ctx, text, links, card), card) for text, card in chosen]


def _stance_lead(stances: list[Ranked], links: Links) -> list[tuple[str, Statement]]:
    """The guideline stance on each of the first two things named, or on one thing with a contrary stance."""
    stances = _firm_first(stances)
    subjects = list(dict.fromkeys(r.statement.record_id for r in stances))
    if len(subjects) > 1:  # one stance on each of the first two things named
        picked = [next(r for r in stances if r.statement.record_id == rid) for rid in subjects[:2]]
        return [(stance_sentence(r.statement, verdict=False), r.statement) for r in picked]
    first = stances[0]
    other = next((r for r in stances[1:] if _direction(r.statement) != _direction(first.statement)), None)
    out = [(stance_sentence(first.statement, verdict=links.verdict, mixed=_mixed(stances)), first.statement)]
    if other is not None:
        out.append((stance_sentence(other.statement, verdict=False, prefix="But "), other.statement))
    return out


def _alike(stances: list[Ranked]) -> bool:
    """True when the firm stances on two or more things all point the same way."""
    first: dict[str, int] = {}
    for r in _firm_first(stances):
        first.setdefault(r.statement.record_id, _direction(r.statement))
    return len(first) > 1 and len(set(first.values())) == 1 and 0 not in first.values()


def _mixed(stances: list[Ranked]) -> bool:
    """True when another stance shown points the other way from the first (firm one first)."""
    stances = _firm_first(stances)
    return any(_direction(r.statement) != _direction(stances[0].statement) for r in stances[1:])


def _firm_first(stances: list[Ranked]) -> list[Ranked]:
    """When a guideline body makes no recommendation on a thing for this population but says yes or no to it for
    a neighbouring one (NICE: nothing on paracetamol for sciatica, 'not on its own' for back pain), its firm
    statement leads, since silence tells a reader nothing."""
    if not stances or _direction(stances[0].statement) != 0:
        return stances
    family = (stances[0].statement.body or "").split(" ")[0]
    firm = next(
        (
            r
            for r in stances[1:]
            if r.statement.record_id == stances[0].statement.record_id
            and _direction(r.statement) != 0
            and (r.statement.body or "").split(" ")[0] == family
        ),
        None,
    )
    return stances if firm is None else [firm, *(r for r in stances if r is not firm)]


def _card_sentence(ctx: QaContext, statement: Statement, links: Links, intent: Intent, question: str) -> str:
    """The sentence of a card that answers this question: most of the question's words that the card's own
    question does not hold (idf-weighted), plus the shape its type needs (a time for 'how long', a dose for
    'how much') and a yes or no for a yes/no question; the opening sentence on a tie."""
    own_question, _, body = statement.text.partition(" — ")
    sentences = SENTENCE_END.split(body)
    own = set(tokenize(own_question)) | ctx.linker.link(own_question).focus  # the opening answers its own question
    own |= {w for t in own for w in ctx.index.expansions.get((t,), set())}  # 'emergency' also covers 'urgent'
    said = links.words | set(tokenize(question))
    wanted = (links.focus | said) - own
    asked = normalise(question)
    last = normalise(re.split(r"(?<=[.!?])\s+", question.strip())[-1])  # a part's last sentence ('… Is it ever done,')
    yes_no = bool(
        _YES_NO_QUESTION.match(asked)
        or _LIKELIHOOD.search(asked)
        or _yes_no_after_story(question)
        or _YES_NO_QUESTION.match(last)
    ) or (links.verdict and not _asks_wh(question))
    # a question asking which, what, when or how long is not answered by a yes or no: a sentence opening with one
    # ('No: pain spreading down the leg … are the usual symptoms') leads without it, and one that says little
    # beyond it ('Usually yes, especially when …') does not lead
    # ... nor is a question asking whether something does harm by a card whose yes answers whether it may be done
    # ('Will keeping active make it worse?' against 'Can I keep exercising?' → 'Yes, as long as …')
    harm = normalise(" ".join(asked_sentences(question)))  # what is asked, not the story ('… making it worse')
    if yes_no and _HARM.search(harm) and not _GOOD.search(harm) and not _HARM.search(normalise(own_question)):
        yes_no = False
    bare: set[int] = set()
    if not yes_no:
        stripped = [without_verdict(sentence) for sentence in sentences]
        bare = {n for n, sentence in enumerate(stripped) if sentence is None}
        if len(bare) < len(sentences):
            sentences = [sentence or sentences[n] for n, sentence in enumerate(stripped)]
    # A yes or no answers this question only if it names the drug, test or treatment the question adds to the
    # card's own question ("ibuprofen and naproxen together?" on a card opening "Yes: paracetamol and ibuprofen").
    named = {t for _, record in links.specific for t in tokenize(record.replace("_", " "))}
    if links.choice:  # 'ice or heat?': a sentence weighing both options answers it
        wanted |= named - set(tokenize(own_question))
    specific = wanted & named & set(tokenize(body))
    key = max(specific, key=lambda t: (ctx.index.idf(t), t), default=None)

    operated = bool(_SURGERY_WORDS.search(asked))
    # a pregnancy question answered by a card written for everyone (one medicine's cautions) is answered by the
    # sentence on pregnancy, not by the list of people who should ask first
    in_pregnancy = intent.asks("pregnancy") and not _PREGNANCY.search(own_question)

    def score(item: tuple[int, str]) -> tuple[float, int]:
        n, sentence = item
        tokens = set(tokenize(sentence))
        # a word the question only implies (a lay-term expansion) counts for less than one it says
        overlap = sum(ctx.index.idf(t) * (1.0 if t in said else EXPANSION_WEIGHT) for t in tokens & wanted)
        verdict = yes_no and bool(_YES_NO.match(sentence)) and (key is None or key in tokens)
        # a list of symptoms answers a question that mainly asks for them, not 'how do I know whether …'
        shape = 3.0 * has_shape(intent.qtype, sentence, asked) + 2.0 * any(
            has_shape(q, sentence, asked) for q in intent.qtypes[1:] if q != "symptom"
        )
        after_surgery = not operated and bool(_AFTER_SURGERY.search(sentence))
        pregnancy = 4.0 * (in_pregnancy and bool(_PREGNANCY_VERDICT.search(sentence)))
        shape += max(
            (weight for ask, says, weight in ASKED_SHAPES if ask.search(asked) and says.search(sentence)), default=0
        )
        penalty = 4.0 * after_surgery + 8.0 * (n in bare)
        return (overlap + shape + pregnancy + 6.0 * verdict + (1.5 if n == 0 else 0.0) - penalty, -n)

    n, best = max(enumerate(sentences), key=score)
    if len(best.split()) < 4 and n + 1 < len(sentences):  # a bare 'Usually not.' takes the sentence that says why
        best = f"{best} {sentences[n + 1]}"
    elif n == 1 and yes_no and len(sentences[0].split()) < 4 and _YES_NO.match(sentences[0]):
        best = f"{sentences[0]} {best}"  # and the sentence that says why keeps its 'Usually not.'
        n = 0
    elif n > 0 and _LEANS_BACK.match(best):  # 'But a minority stay troubled …' needs what it qualifies
        if len(sentences[n - 1].split()) + len(best.split()) <= LEAN_BACK_WORDS:
            return f"{sentences[n - 1]} {best}"
        rest = _LEANS_BACK.sub("", best, count=1)
        return rest[:1].upper() + rest[1:]
    return first_sentence(best) if n == 0 else best


_HARM = re.compile(
    r"\b(make|makes|making) (\w+ ){0,3}worse\b|\b(cause|do|doing) (\w+ )?(more )?(damage|harm)\b|"
    r"\b(harmful|damaging|dangerous|bad for)\b"
)
"""A question asking whether something does harm, which a card's 'Yes' to 'may I do it?' answers the wrong way."""
_GOOD = re.compile(r"\b(good|help|helps|helpful|safe|ok|okay|benefit\w*)\b")
"""... unless it asks in the same breath whether it does good ('is walking good, or will it make it worse?')."""


_VERDICT_OPENING = re.compile(
    r"^(?:(?:usually|mostly|generally|often|rarely|probably|possibly),? (?:but )?)?(?:yes|no|not)\b"
    r"(?! (?:more|less|longer|fewer|later|sooner|until|before|after|everyone|all)\b)",
    re.IGNORECASE,
)
"""A sentence opening with a yes or no ('No: …', 'Usually not at first: …', 'Yes, it can: …'), not a limit ('No more
than 3 days …') or a statement about a group ('Not everyone …')."""
_VERDICT_HEAD = re.compile(r"^[^:;.]{0,70}?[:;.](?:\s+|$)")
_DEPENDENT = re.compile(r"^(?:especially|as long as|once|if|unless|provided|but|though|although|and|so)\b", re.I)


def without_verdict(sentence: str) -> str | None:
    """The sentence without its opening yes or no ('No: pain … are the usual symptoms' → 'Pain … are the usual
    symptoms'); the sentence unchanged when it opens with none; None when it says little beyond the yes or no
    ('Usually yes, especially when a disc is the cause.')."""
    if not _VERDICT_OPENING.match(sentence):
        return sentence
    head = _VERDICT_HEAD.match(sentence)
    rest = sentence[head.end() :].strip() if head else ""
    if len(rest.split()) < 6 or _DEPENDENT.match(rest):
        return None
    return rest[:1].upper() + rest[1:]


ASKED_SHAPES: tuple[tuple[re.Pattern[str], re.Pattern[str], float], ...] = (
    (
        re.compile(
            r"\b(how (is|are|do you|do they|can you) (it |they |this |\w+ ){0,4}(treat|manag)\w*|treatments?\b|"
            r"what (can|should) (be done|i do) (for|about)|(treat|manag)\w* (it|this|them|\w+ syndrome)\b)"
        ),
        re.compile(r"^(treatment|care|management) (starts|begins|is)\b|\b(is|are) (treated|managed) (with|by)\b", re.I),
        5.0,
    ),
    (
        re.compile(r"\b(which|what) (\w+ )?(is|works?) (better|best)\b|\bhow (do|does) (\w+ ){1,4}compare\b"),
        re.compile(r"\b(trials?|review|compared|comparing|against)\b", re.I),
        5.0,
    ),
    (
        re.compile(
            r"\b(is|are) (it|this|that|they|these|\w+)( \w+){0,3} (safe|risky|dangerous)\b"
            r"(?! to (drive|fly|work|travel))|"
            r"\bhow (safe|risky|dangerous)\b|\bany (serious )?(risks?|danger)\b"
        ),
        re.compile(
            r"\b(serious (harm|events?|complications?|problems?)|harm is rare|risks? (is|are) (low|small|rare))\b", re.I
        ),
        12.0,  # outweighs a yes to 'does it help?' opening a card that names what the question names
    ),
    (
        re.compile(r"\bhow (common|often|frequent|rare)\b|\bhow likely is (it|that|this)\b"),
        re.compile(r"\b\d+(\.\d+)? (to \d+(\.\d+)? )?(in|out of) (every )?\d+\b|\d ?%|\bper ?cent\b", re.I),
        5.0,
    ),
)
"""What a question's wording asks for beyond its type, and a sentence that gives it: 'how is it treated?' the sentence
on treatment; 'which is better?' the one weighing them in trials; 'is it safe?' the one on serious harm; 'how common is
it?' the one with a figure."""


_AFTER_SURGERY = re.compile(r"\bafter (?:an?|the|your) (?:operation|surgery|(?:micro)?discectomy)\b", re.IGNORECASE)
_SURGERY_WORDS = re.compile(r"\b(?:operat\w*|surg\w*|\w*discectomy|decompression|fusion|laminectomy)\b")
"""A card sentence about life after an operation does not lead a question that names no operation ('how long off
work with a disc?')."""


_CLAUSE_BREAK = re.compile(r"\s+[-–—]\s+|[,;:]\s+|(?<=[.!?])\s+")


def _asks_wh(question: str) -> bool:
    """True when what is asked, or the last sentence of a part ('I drive a truck. What should I watch out for,'),
    opens with a wh-word."""
    last = re.split(r"(?<=[.!?])\s+", question.strip())[-1]
    return any(_WH_QUESTION.match(normalise(part)) for part in [*asked_sentences(question), last])


def _yes_no_after_story(question: str) -> bool:
    """True when the question's last clause asks yes or no after a story told first ('I can only sit for a few
    minutes with this disc - is it safe to fly?')."""
    last = _CLAUSE_BREAK.split(question.strip())[-1]
    return bool(_YES_NO_QUESTION.match(normalise(last))) and last.rstrip().endswith("?")


_LEANS_BACK = re.compile(r"^(?:But|However|And|Yet|So|Also|Still),? ")
"""Openings that lean on the sentence before: a lead must stand on its own."""
LEAN_BACK_WORDS = 110
"""Longest lead, in words, made by taking the sentence before one that leans back on it."""


_PRONOUN = re.compile(r"^It (?=is\b|can\b|may\b|usually\b|often\b|was\b)")


def _with_subject(ctx: QaContext, sentence: str, links: Links, card: Statement) -> str:
    """A lead opening 'It is …' names its subject when the question names one thing the card's own questions
    name too ('It is burning …' → 'Meralgia paresthetica is burning …'); a lead stands without its card."""
    named = [k for k in links.specific if k[0] in NAMED_KINDS]
    if len(named) != 1 or not _PRONOUN.match(sentence):
        return sentence
    record = ctx.kb.entities.get(named[0][0], {}).get(named[0][1])
    if record is None or not ctx.linker.mentions(named, ctx.faq_names.get(card.record_id, frozenset())):
        return sentence
    return _PRONOUN.sub(f"{record.name} ", sentence, count=1)


VERDICT: dict[str, str] = {
    "recommended": "Yes.",
    "not_recommended": "No.",
    "consider": "Possibly.",
    "insufficient_evidence": "Uncertain.",
    "no_recommendation": "Uncertain.",
    "investigational": "Only within research.",
}


STANCE_VERB: dict[str, str] = {
    "recommended": "recommends",
    "not_recommended": "advises against",
    "consider": "says to consider",
    "insufficient_evidence": "found too little evidence to recommend for or against",
    "no_recommendation": "makes no recommendation on",
    "investigational": "regards as investigational",
}


def _direction(statement: Statement) -> int:
    return {"recommended": 1, "consider": 1, "not_recommended": -1}.get(statement.stance or "", 0)


def _verdict_head(statement: Statement, mixed: bool) -> str:
    """'No.', 'Yes.' … for a stance; 'Not routinely.' / 'In some cases.' when another stance points the other way."""
    stance = statement.stance or "no_recommendation"
    word = {"not_recommended": "Not routinely.", "recommended": "In some cases."}.get(stance) if mixed else None
    return word or VERDICT[stance]


def stance_sentence(statement: Statement, *, verdict: bool, prefix: str = "", mixed: bool = False) -> str:
    """'No. NICE NG59 (2020) advises against gabapentin: do not offer …' from a position or test indication;
    'Not routinely.' / 'In some cases.' when another stance shown points the other way (``mixed``)."""
    stance = statement.stance or "no_recommendation"
    head = f"{_verdict_head(statement, mixed)} " if verdict else prefix
    if statement.body and statement.subject:
        detail = first_sentence(statement.text.split(f"{STANCE_LABEL[stance]}. ", 1)[-1])
        subject = statement.subject
        if subject[1:2].islower():  # 'Gabapentin' → 'gabapentin'; 'MRI …' stays
            subject = subject[0].lower() + subject[1:]
        if statement.body.startswith("No guideline"):  # a placeholder body, not a guideline that found something
            return f"{head}No guideline takes a position on {subject}: {detail}"
        return f"{head}{statement.body} {STANCE_VERB[stance]} {subject}: {detail}"
    return f"{head}{first_sentence(statement.text)}"
