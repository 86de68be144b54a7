"""Questions told as a story and then asked ('I've just started X … When can I drive?'), differentials asked as
'could it be my hip instead?', and leads that must not send a mimic to the cauda equina warning (7 Dec 2026; words of
our own)."""

from __future__ import annotations

import pytest

from nerveroot.qa import QaContext
from nerveroot.qa.answer import answer_question
from nerveroot.qa.intent import classify
from nerveroot.qa.lead import first_sentence


def test_a_story_then_a_question_is_answered_by_the_card_on_the_question(ctx: QaContext) -> None:
    answer = answer_question(
        ctx, "My GP put me on gabapentin last week and I feel woozy. When can I get back behind the wheel?"
    )
    assert not answer.abstained and "drive" in answer.answer.lower()
    assert "advises against" not in answer.answer.split(".")[0]


def test_could_it_be_the_hip_instead_is_a_differential(ctx: QaContext) -> None:
    question = "My mum calls it sciatica but she mostly aches in the groin and limps. Could it be her hip instead?"
    assert classify(question).qtype == "x_vs_y"
    answer = answer_question(ctx, question)
    assert not answer.abstained and "hip" in answer.answer.split(".")[0].lower()


@pytest.mark.parametrize(
    "question",
    [
        "A numb burning patch on the outside of my thigh gets worse when I stand. When should I see a doctor?",
        "My outer thigh tingles and burns after walking. Is that sciatica or something else?",
    ],
)
def test_outer_thigh_numbness_does_not_lead_with_the_saddle_warning(ctx: QaContext, question: str) -> None:
    lead = answer_question(ctx, question).answer.split(".")[0].lower()
    assert "saddle" not in lead and "cauda equina" not in lead


def test_a_saddle_question_still_leads_with_the_emergency(ctx: QaContext) -> None:
    answer = answer_question(
        ctx, "I can't feel my bottom when I wipe and my sciatica is worse. When should I go to A&E?"
    )
    assert "emergency" in answer.answer.split(".")[0].lower()


@pytest.mark.parametrize(
    ("question", "qtype"),
    [
        ("How many naproxen can I take a day?", "dose"),
        ("How should I take amitriptyline?", "dose"),
        ("What are the signs that an L4 nerve is being pressed on?", "which_root"),
    ],
)
def test_question_types(question: str, qtype: str) -> None:
    assert classify(question).qtype == qtype


def test_a_first_sentence_does_not_end_at_an_abbreviation() -> None:
    first = "NICE advises against muscle relaxants (e.g. Diazepam) for sciatica in adults."
    assert first_sentence(f"{first} They do not help.") == first


def test_a_long_story_does_not_make_an_answerable_question_decline(ctx: QaContext) -> None:
    question = (
        "My brother has had sciatica for ten days and his friend at the gym keeps telling him he must demand a scan, "
        "so now he is refusing to go back to work until he gets one. Is there any point in an MRI this early?"
    )
    answer = answer_question(ctx, question)
    assert not answer.abstained and "mri" in answer.answer.lower()


def test_a_story_that_names_a_condition_is_answered_by_that_conditions_card(ctx: QaContext) -> None:
    question = (
        "I was told three years ago that I have meralgia paresthetica. I'm slim, I don't wear a belt and the burning "
        "on my outer thigh keeps me awake. Will it ever settle?"
    )
    assert classify("Will it ever settle?").qtype == "duration_prognosis"
    assert answer_question(ctx, question).answer_statement_ids[0].startswith("faq:faq_meralgia_outlook")


def test_a_long_question_holding_a_cards_own_question_is_answered_by_that_card(ctx: QaContext) -> None:
    question = (
        "For a month my sciatica has been ruining my sleep and I'm exhausted at work. What can I do about it at night?"
    )
    assert answer_question(ctx, question).answer_statement_ids[0].startswith("faq:faq_sleep")


def test_a_report_question_is_not_answered_by_a_card_whose_words_it_merely_holds(ctx: QaContext) -> None:
    question = (
        "My MRI report says 'L4-L5 broad-based disc bulge, mild canal narrowing, contact with the traversing L5 "
        "nerve root'. What does it mean and how is it treated?"
    )
    first = answer_question(ctx, question).answer_statement_ids[0]
    assert not first.startswith(("faq:faq_treatment_overview", "faq:faq_causes", "faq:faq_diagnosis"))


def test_a_scan_already_done_is_not_answered_with_whether_to_have_one(ctx: QaContext) -> None:
    question = (
        "My scan results came back showing a slipped disc at L5-S1 pressing on the nerve. I've had three months "
        "of leg pain. Should I ask to see a surgeon now?"
    )
    lead = answer_question(ctx, question).answer.split(". ")[0]
    assert "MRI of the lumbar spine" not in lead and "not recommended" not in lead


def test_a_study_leads_with_what_it_found_not_its_title() -> None:
    from nerveroot.qa.lead import study_finding

    text = "A trial of something (Smith A, Jones B, Patel C, 2019): Spine 2019;44(2):100-8. Pain fell by half."
    assert study_finding(text) == "A study (Smith A et al., 2019) found: pain fell by half."


def test_a_symptoms_definition_does_not_lead_a_question_that_only_mentions_it(ctx: QaContext) -> None:
    answer = answer_question(ctx, "It hurts deep in my buttock when I sit in the car. Could it be piriformis syndrome?")
    assert not answer.answer_statement_ids[0].startswith("finding:")


@pytest.mark.parametrize("question", ["Is this sciatica?", "Could it be coming from my back?", "Is that sciatica?"])
def test_asking_which_cause_it_is_is_a_differential(question: str) -> None:
    assert classify(question).qtype == "x_vs_y"


def test_outer_hip_pain_lying_on_it_is_answered_by_the_trochanteric_card(ctx: QaContext) -> None:
    question = "The outer side of my hip aches and I can't lie on it at night. Is this sciatica?"
    assert answer_question(ctx, question).answer_statement_ids[0].startswith("faq:faq_trochanteric_vs_sciatica")


def test_pain_that_runs_down_the_leg_is_not_running(ctx: QaContext) -> None:
    question = "The pain runs down the back of my calf to my heel and I can't rise on tiptoe. Which nerve is it?"
    first = answer_question(ctx, question).answer_statement_ids[0]
    assert "l4_running" not in first
