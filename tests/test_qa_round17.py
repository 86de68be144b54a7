"""Round 17 (issue 12): classes of question the development sets showed answered with the wrong lead or from
knowledge the base lacked - a clinician asking when to refer, nerve problems after childbirth, a disc herniation
in pregnancy, whether manipulation is safe, how an antidepressant eases nerve pain - and an answer that keeps a
long card's opening sentences instead of dropping it whole. Asked in words of our own."""

from __future__ import annotations

import pytest

from answers import lead_of
from nerveroot.knowledge.loader import default_knowledge
from nerveroot.qa import QaContext
from nerveroot.qa.answer import answer_question
from nerveroot.qa.cards import _facets_of
from nerveroot.qa.intent import classify
from nerveroot.qa.plan import trim, words
from nerveroot.qa.render import to_markdown


@pytest.mark.parametrize(
    ("question", "main"),
    [
        ("How does nortriptyline ease the burning in my leg?", "cause"),
        ("How do these nerve pain tablets actually work?", "cause"),
        ("How well does duloxetine work for sciatica?", "is_x_recommended"),
        ("Does duloxetine work for sciatica?", "is_x_recommended"),
        ("How will I manage at work with sciatica?", "self_care"),
    ],
)
def test_how_a_treatment_works_is_asked_apart_from_whether_it_works(question: str, main: str) -> None:
    assert classify(question).qtype == main


@pytest.mark.parametrize(
    "question",
    [
        "Ever since I gave birth my outer thigh has been numb - is that normal?",
        "Can a long labour leave you with a weak leg after childbirth?",
        "I'm four weeks postnatal with a numb shin - could the delivery have done it?",
    ],
)
def test_giving_birth_is_a_pregnancy_question(question: str) -> None:
    assert classify(question).asks("pregnancy")
    assert "childbirth" in _facets_of(question)


def test_a_clinician_asking_when_to_refer_gets_the_tiers(ctx: QaContext) -> None:
    lead = lead_of(ctx, "As a physiotherapist, when do I need to refer someone with sciatica on, and how fast?")
    assert "same day" in lead and "routinely" in lead, lead


def test_the_referral_card_does_not_answer_a_patient_asking_when_to_worry(ctx: QaContext) -> None:
    lead = lead_of(ctx, "My sciatica is getting worse. When should I start to worry and get help quickly?")
    assert "Refer the same day" not in lead and "red-flag screen" not in lead, lead


def test_nerve_injury_from_childbirth(ctx: QaContext) -> None:
    lead = lead_of(ctx, "Could giving birth have damaged a nerve? My thigh has been numb since the delivery.")
    assert "uncommon" in lead or "1 in 100" in lead, lead
    text = to_markdown(answer_question(ctx, "Could giving birth have damaged a nerve? My thigh has been numb since."))
    assert "2 months" in text, text[:900]


def test_the_childbirth_card_keeps_to_questions_about_the_birth(ctx: QaContext) -> None:
    for question in (
        "I'm 30 weeks pregnant with a shooting pain down one leg. Is it sciatica?",
        "What could make the front of my thigh go numb?",
    ):
        lead = lead_of(ctx, question)
        assert "giving birth" not in lead and "vaginal births" not in lead, (question, lead)


def test_how_common_a_disc_herniation_is_in_pregnancy(ctx: QaContext) -> None:
    lead = lead_of(ctx, "How common is a slipped disc in pregnancy?")
    assert "10,000" in lead, lead


def test_birth_with_a_herniated_disc(ctx: QaContext) -> None:
    lead = lead_of(ctx, "Pregnant with a lumbar disc herniation: do I have to have a caesarean?")
    assert "caesarean" in lead.lower(), lead


@pytest.mark.parametrize(
    "question",
    [
        "Is having my spine manipulated safe when I've got a prolapsed disc?",
        "How risky is spinal manipulation with sciatica?",
    ],
)
def test_a_safety_question_is_answered_with_the_harm(ctx: QaContext, question: str) -> None:
    lead = lead_of(ctx, question)
    assert "Serious harm is rare" in lead, lead


def test_the_safety_shape_leaves_other_questions_to_their_verdict(ctx: QaContext) -> None:
    assert "Serious harm" not in lead_of(ctx, "Can a chiropractor help my sciatica?")
    assert lead_of(ctx, "Is it safe for me to drive with sciatica?").startswith("Usually yes")


def test_an_antidepressant_for_nerve_pain_is_explained(ctx: QaContext) -> None:
    lead = lead_of(ctx, "Why would my doctor give me an antidepressant for leg nerve pain when my mood is fine?")
    assert "not through mood" in lead, lead
    text = to_markdown(answer_question(ctx, "How does amitriptyline stop nerve pain?"))
    assert "noradrenaline" in text and "spinal cord" in text, text[:900]


def test_an_ordinary_entry_is_shortened_before_it_is_dropped(ctx: QaContext) -> None:
    lead_statement, card = ctx.statements[:2]
    text = "One two three. Four five six. Seven eight nine. Ten eleven twelve."
    planned = [("Lead", [("Alpha beta gamma.", lead_statement)]), ("Card", [(text, card)])]
    out = trim(planned, "", words("Alpha beta gamma.") + 6, frozenset({lead_statement.id}), frozenset())
    assert out[1][1][0][0] == "One two three. Four five six."


@pytest.mark.parametrize(
    "source",
    [
        "nice_cg173",
        "gloshospitals_antidepressants_pain",
        "obata_2017",
        "wong_2003",
        "sleutel_2020",
        "vargo_1990",
        "chan_2024_ldh_pregnancy",
        "whiles_2020",
        "ardaillon_2018",
        "oliphant_2004",
        "swait_2017",
    ],
)
def test_new_sources_are_cited_by_a_card(source: str) -> None:
    kb = default_knowledge()
    assert source in kb.sources
    cited = {s.source for card in kb.entities["faqs"].values() for s in card.sources}
    assert source in cited
