"""Round 16 (issue 12): leads of the right shape. A which/what/how-long question is not led by a yes or no; a card
about one treatment throughout does not answer a question that speaks of no treatment; an operation's risks are not
a question about causes; a one-word first part ('What went wrong?') does not choose the card alone. Asked in words
of our own."""

from __future__ import annotations

import re

import pytest

from nerveroot.qa import QaContext
from nerveroot.qa.answer import answer_question
from nerveroot.qa.intent import classify
from nerveroot.qa.lead import without_verdict

_YES_NO_LEAD = re.compile(r"^(?:usually |often |rarely,? but )?(?:yes|no|not)\b(?! more\b)", re.IGNORECASE)


@pytest.mark.parametrize(
    "question",
    [
        "Which root is it when I cannot pull my big toe upwards?",
        "What are the usual symptoms of a trapped lumbar nerve root?",
        "How long might a bulging disc take to settle without an operation?",
        "When would a specialist send me for an MRI scan of my lower back?",
        "Which lumbar nerve root makes the big toe weak?",
    ],
)
def test_a_wh_question_is_not_led_by_yes_or_no(ctx: QaContext, question: str) -> None:
    answer = answer_question(ctx, question)
    assert not answer.abstained
    assert not _YES_NO_LEAD.match(answer.answer), answer.answer


def test_a_yes_no_question_keeps_its_verdict(ctx: QaContext) -> None:
    answer = answer_question(ctx, "Will I always get a weak leg if a nerve root in my back is trapped?")
    assert _YES_NO_LEAD.match(answer.answer), answer.answer


def test_big_toe_weakness_is_answered_with_the_root(ctx: QaContext) -> None:
    answer = answer_question(ctx, "Which lumbar nerve root makes the big toe weak?")
    assert "L5" in answer.answer.split("[")[0], answer.answer


def test_how_long_sciatica_lasts_is_not_about_physio_sessions(ctx: QaContext) -> None:
    for question in ("How long will my sciatic leg pain go on for?", "What is the long-term outlook for sciatica?"):
        lead = answer_question(ctx, question).answer
        assert "sessions" not in lead, (question, lead)


def test_why_a_disc_herniates_is_not_led_by_the_operation(ctx: QaContext) -> None:
    lead = answer_question(ctx, "What went wrong? Why did my disc slip when I only bent over to tie a shoe?").answer
    assert "operation" not in lead.split("[")[0].lower(), lead


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("No: numbness and tingling are the usual complaints in most people.", "Numbness and tingling are the"),
        ("Usually not at first: guidance advises against routine scans in primary care.", "Guidance advises"),
        ("Usually yes, particularly when a disc is to blame.", None),
        ("Yes, especially when the disc is large and the pain is severe.", None),
        ("No more than 3 days without advice from a pharmacist.", "No more than 3 days"),
        ("Most people improve within weeks.", "Most people improve"),
    ],
)
def test_without_verdict(sentence: str, expected: str | None) -> None:
    out = without_verdict(sentence)
    if expected is None:
        assert out is None
    else:
        assert out is not None and out.startswith(expected)


@pytest.mark.parametrize(
    ("question", "cause"),
    [
        ("Is a laminectomy a risky thing to have done?", False),
        ("What are the risks of a spinal injection?", False),
        ("Does carrying extra weight raise my risk of sciatica?", True),
        ("What are the risk factors for a prolapsed disc?", True),
        ("Can a trapped nerve cause numbness in the foot?", False),
        ("What is causing the tingling down my leg?", True),
    ],
)
def test_risk_and_cause_wording(question: str, cause: bool) -> None:
    assert classify(question).asks("cause") is cause


def test_a_question_on_treatment_is_led_by_the_treatment_sentence(ctx: QaContext) -> None:
    lead = answer_question(ctx, "How do you treat a piriformis problem in the buttock?").answer.split("[")[0]
    assert re.search(r"physiotherapy|stretch", lead), lead


def test_buttock_joint_questions_are_in_scope(ctx: QaContext) -> None:
    for question in ("How is sacroiliac joint pain treated?", "Could my SI joint be the cause of my buttock ache?"):
        assert not answer_question(ctx, question).abstained, question


def test_sacroiliac_pain_is_told_apart_from_sciatica(ctx: QaContext) -> None:
    answer = answer_question(ctx, "Is the ache low in my buttock from the sacroiliac joint, or is it sciatica?")
    text = answer.answer.lower()
    assert "knee" in text and "sacroiliac" in text, answer.answer


def test_piriformis_is_rare_and_how_common_is_answered(ctx: QaContext) -> None:
    lead = answer_question(ctx, "How often is buttock and leg pain really piriformis syndrome?").answer
    assert re.search(r"\b6 in every 100\b|0\.3", lead), lead


def test_keyhole_disc_surgery_is_weighed_against_microdiscectomy(ctx: QaContext) -> None:
    from nerveroot.qa import to_markdown

    text = to_markdown(answer_question(ctx, "Is an endoscopic keyhole discectomy better than a microdiscectomy?"))
    assert "Cochrane" in text and "microdiscectomy" in text.lower(), text[:600]


def test_will_i_be_able_to_play_again_is_not_a_symptom_question() -> None:
    intent = classify("I play hockey and my disc has prolapsed. Will I be able to play again?")
    assert not intent.asks("symptom")
    assert intent.asks("self_care")


def test_return_to_sport_after_a_disc(ctx: QaContext) -> None:
    lead = answer_question(ctx, "I'm a footballer with a slipped disc - how long until I'm playing again?").answer
    assert re.search(r"\bmonths?\b", lead.split("[")[0]), lead


def test_the_sport_card_does_not_answer_other_how_long_questions(ctx: QaContext) -> None:
    lead = answer_question(ctx, "How long does a steroid injection into my back take to work?").answer
    assert "sport" not in lead.lower(), lead


def test_fusion_added_to_decompression_is_weighed(ctx: QaContext) -> None:
    lead = answer_question(
        ctx, "Is a decompression on its own as good as one with a fusion for stenosis with a slipped vertebra?"
    ).answer.split("[")[0]
    assert "fusion" in lead and "decompression" in lead, lead


def test_the_fusion_card_does_not_answer_care_after_a_laminectomy(ctx: QaContext) -> None:
    lead = answer_question(ctx, "After my laminectomy for stenosis, when can I walk the dog again?").answer
    assert "fusion" not in lead.split("[")[0], lead


def test_a_question_about_harm_is_not_answered_by_a_yes_to_doing_it(ctx: QaContext) -> None:
    lead = answer_question(ctx, "Could staying active damage the trapped nerve or make it worse?").answer
    assert not _YES_NO_LEAD.match(lead), lead
