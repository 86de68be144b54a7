"""Round 14 (issue 12): question labels, short test names, pregnancy leads on a medicine's card, cautions questions,
referral questions, and the card for a kind of a named treatment."""

from __future__ import annotations

import pytest

from nerveroot.qa import QaContext
from nerveroot.qa.answer import answer_question, strip_label
from nerveroot.qa.intent import classify
from nerveroot.qa.scope import check_scope


@pytest.mark.parametrize(
    ("question", "stripped"),
    [
        ("Q: How is a slipped disc treated?", "How is a slipped disc treated?"),
        ("Question 4: what causes leg pain from the back?", "what causes leg pain from the back?"),
        ("Quality of sleep with sciatica?", "Quality of sleep with sciatica?"),
    ],
)
def test_a_label_before_the_question_is_not_part_of_it(question: str, stripped: str) -> None:
    assert strip_label(question) == stripped


def test_a_labelled_what_is_question_is_answered(ctx: QaContext) -> None:
    answer = answer_question(ctx, "Q: What is a slipped disc?")
    assert not answer.abstained


@pytest.mark.parametrize("question", ["Why would I need an EMG?", "What does an NCS show?", "Is an MRI safe?"])
def test_a_test_named_by_its_short_name_is_in_scope(question: str) -> None:
    assert check_scope(question).in_scope


def test_a_drug_given_for_my_pain_stays_in_scope_though_its_other_use_is_named(ctx: QaContext) -> None:
    assert check_scope("Why was I prescribed a seizure medicine (pregabalin) for my pain?", ctx.known_terms).in_scope
    assert not check_scope("Does pregabalin stop seizures?").in_scope
    assert not check_scope("Is amitriptyline good for my knee pain at night?").in_scope


@pytest.mark.parametrize(
    "question",
    [
        "Is it OK to have a glass of wine while on pregabalin?",
        "Who can and can't take amitriptyline?",
    ],
)
def test_drinking_on_a_medicine_and_who_can_take_it_are_cautions_questions(question: str) -> None:
    assert classify(question).qtype == "who_should_not_take"


@pytest.mark.parametrize(
    "question",
    ["Why is my leg pain not going away?", "How many people still have leg pain a year later?"],
)
def test_pain_that_is_not_going_away_asks_about_the_course(question: str) -> None:
    assert classify(question).qtype == "duration_prognosis"


def test_a_clinician_asking_when_to_refer_asks_when_to_seek_care() -> None:
    assert classify("When do we refer sciatica on to orthopaedics?").qtype == "when_where_seek_care"
    assert classify("My GP will refer me to a surgeon - is an operation worth it?").qtype != "when_where_seek_care"


def test_a_pregnancy_question_on_one_medicine_leads_with_its_pregnancy_sentence(ctx: QaContext) -> None:
    answer = answer_question(ctx, "I'm 8 weeks pregnant and on gabapentin for leg pain - is that a risk to my baby?")
    assert answer.answer.lower().startswith("in pregnancy")


def test_a_should_i_take_it_question_in_pregnancy_is_not_led_by_a_guideline_stance(ctx: QaContext) -> None:
    answer = answer_question(ctx, "I'm pregnant. Should I take naproxen for my sciatica?")
    assert "NICE" not in answer.answer.split(".")[0]


def test_drinking_on_a_medicine_is_led_by_the_alcohol_sentence(ctx: QaContext) -> None:
    answer = answer_question(ctx, "Is it safe to drink alcohol when I take gabapentin?")
    assert "alcohol" in answer.answer.split(".")[0].lower()


def test_the_cautions_card_answers_who_cannot_take_a_drug_before_its_dose_card(ctx: QaContext) -> None:
    answer = answer_question(ctx, "Who can not take pregabalin?")
    assert "mg" not in answer.answer.split(".")[0]
    assert "faq:faq_pregabalin_cautions:answer" in answer.answer_statement_ids


def test_a_card_on_a_treatment_answers_a_question_on_a_kind_of_it(ctx: QaContext) -> None:
    answer = answer_question(ctx, "What side effects can a transforaminal nerve root block have?")
    assert "faq:faq_epidural_side_effects:answer" in answer.answer_statement_ids


def test_a_pregnancy_card_gives_its_verdict_first(ctx: QaContext) -> None:
    answer = answer_question(ctx, "Is my leg pain at 30 weeks pregnant sciatica?")
    assert answer.answer.lower().startswith(("usually", "most", "no"))


def test_the_fear_of_paralysis_is_in_scope_and_answered_by_the_lasting_damage_card(ctx: QaContext) -> None:
    assert check_scope("Am I going to end up paralysed from this?").in_scope
    answer = answer_question(ctx, "Could my sciatica leave me paralysed?")
    assert "faq:faq_permanent_damage:answer" in answer.answer_statement_ids


@pytest.mark.parametrize(
    "question", ["Should I stay in bed with my slipped disc?", "Is it ok to lie in bed all day with sciatica?"]
)
def test_staying_in_bed_is_asked_as_bed_rest(ctx: QaContext, question: str) -> None:
    assert answer_question(ctx, question).answer.startswith("No")


def test_a_pet_named_by_its_breed_is_declined() -> None:
    assert not check_scope("My small poodle suddenly began dragging her back legs. What is wrong with her?").in_scope
    assert check_scope("My lab results show a high CRP with back pain: what does it mean?").in_scope
