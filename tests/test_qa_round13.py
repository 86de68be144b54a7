"""Round 13 (issue 12): declining on what a question names, not on word coverage; another region told in passing."""

from __future__ import annotations

import pytest

from nerveroot.qa import QaContext
from nerveroot.qa.answer import answer_question
from nerveroot.qa.scope import check_scope


@pytest.mark.parametrize(
    "question",
    [
        "I've had injections in my lower back and neck for spinal stenosis and my doctor started gabapentin at night. "
        "What is your opinion on gabapentin?",
        "Years ago I had a lumbar laminectomy at L4-5, and I have had shoulder problems for longer. "
        "Can I go back to a job with lifting?",
        "My GP wants to start amitriptyline for my sciatica. Who shouldn't take it? I had a heart attack last year.",
    ],
)
def test_another_region_told_in_passing_stays_in_scope(question: str) -> None:
    assert check_scope(question).in_scope


@pytest.mark.parametrize(
    "question",
    [
        "I have a pinched nerve in my neck with pain going down my arm. Do I need cervical disc surgery?",
        "My lower back is fine but my neck and arm hurt. Could my neck be the problem?",
        "An MRI showed bulging discs from C3 to C7 and my lower back aches too. What does it mean?",
        "My dog has sciatica like my own lower back. What can I give him?",
        "I lift children at work. I am having a discectomy and fusion in my neck. Can I go back to work full-time?",
    ],
)
def test_another_region_asked_about_is_still_declined(question: str) -> None:
    assert not check_scope(question).in_scope


def test_a_question_naming_a_drug_is_answered_not_declined_on_word_coverage(ctx: QaContext) -> None:
    question = (
        "Is there randomised evidence that duloxetine helps patients with chronic low back pain who have a "
        "neuropathic, radicular leg-pain component?"
    )
    answer = answer_question(ctx, question)
    assert not answer.abstained
    assert "duloxetine" in answer.answer.lower()


@pytest.mark.parametrize(
    ("question", "card"),
    [
        ("Can the police prosecute me for drug driving if I take prescribed codeine for my sciatica?",
         "faq_drug_driving_law"),
        ("Is a dropped foot permanent, and what brace helps?", "faq_foot_drop_what"),
        ("How good is the evidence that ibuprofen or naproxen help sciatica compared with placebo?",
         "faq_nsaid_evidence"),
        ("For chronic sciatica, is gabapentin better than pregabalin?", "faq_gabapentinoid_comparisons"),
        ("Both ankle reflexes are absent in my 75-year-old patient with sciatica. Is that S1?",
         "faq_absent_ankle_reflex"),
        ("After my hip operation my knee buckles. Could it be femoral nerve damage, and will it recover?",
         "faq_femoral_neuropathy"),
    ],
)  # fmt: skip
def test_round13_cards_answer_their_topics(ctx: QaContext, question: str, card: str) -> None:
    answer = answer_question(ctx, question)
    assert f"faq:{card}:answer" in answer.answer_statement_ids


def test_a_card_for_people_with_diabetes_does_not_answer_a_question_naming_none(ctx: QaContext) -> None:
    answer = answer_question(ctx, "I take clopidogrel. Is an epidural steroid injection for my sciatica safe?")
    assert "faq:faq_esi_diabetes:answer" not in answer.answer_statement_ids
    diabetic = answer_question(ctx, "I am diabetic. Will an epidural steroid injection raise my blood sugar?")
    assert "faq:faq_esi_diabetes:answer" in diabetic.answer_statement_ids


def test_new_foot_drop_is_sent_for_urgent_assessment(ctx: QaContext) -> None:
    answer = answer_question(ctx, "What happens if I wait with a new foot drop? Is it permanent?")
    assert "urgent assessment" in answer.answer


def test_a_lay_word_for_a_drug_class_implies_its_drugs_unless_part_of_a_named_record(ctx: QaContext) -> None:
    assert ("drugs", "prednisone") in ctx.linker.link("Aren't steroids bad for me?").implied
    injection = ctx.linker.link("Is a steroid injection safe?")
    assert ("treatments", "epidural_steroid_injection") in injection.direct
    assert ("drugs", "prednisone") not in injection.implied
    assert not answer_question(ctx, "Aren't steroids bad for me?").abstained


@pytest.mark.parametrize(
    ("question", "linked", "not_linked"),
    [
        ("My leg is numb.", None, "saddle_anaesthesia"),
        ("My big toe has gone numb.", None, "saddle_anaesthesia"),
        ("My leg is numb.", None, "bilateral_leg_symptoms"),
        ("I'm numb between my legs.", "saddle_anaesthesia", None),
        ("It's gone numb down below.", "saddle_anaesthesia", None),
        ("Both my legs are numb.", "bilateral_leg_symptoms", None),
    ],
)
def test_a_name_that_says_where_links_only_when_the_question_says_it_too(
    ctx: QaContext, question: str, linked: str | None, not_linked: str | None
) -> None:
    found = {rid for kind, rid in ctx.linker.link(question).direct if kind == "findings"}
    if linked:
        assert linked in found
    if not_linked:
        assert not_linked not in found


def test_the_drug_driving_card_answers_a_question_naming_co_codamol(ctx: QaContext) -> None:
    answer = answer_question(
        ctx, "I'm on co-codamol for sciatica. Could I get into trouble with the police if I drive?"
    )
    assert "faq:faq_drug_driving_law:answer" in answer.answer_statement_ids


def test_a_pregnancy_question_is_not_led_by_another_groups_caution(ctx: QaContext) -> None:
    question = (
        "My daughter is pregnant and the midwife said only paracetamol for her sciatica. "
        "Is a TENS machine safe in pregnancy?"
    )
    assert "65" not in answer_question(ctx, question).answer.split(".")[0]


def test_a_card_for_a_narrower_activity_neither_answers_nor_leads_a_question_not_naming_it(ctx: QaContext) -> None:
    sex = answer_question(ctx, "When can I have sex again after a discectomy?")
    assert "faq:faq_sex_back_pain:answer" in sex.answer_statement_ids
    other = answer_question(ctx, "Does delaying surgery for sciatica make the result worse?")
    assert "faq:faq_sex_back_pain:answer" not in other.answer_statement_ids
    assert all(s.statement_id != "faq:faq_sex_back_pain:answer" for s in other.statements())


def test_the_lead_check_reads_a_collectors_other_name_for_a_question_type() -> None:
    from nerveroot.qa.outside import lead_answers

    question = "When should I see a doctor about sciatica?"
    lead = "Sciatica is pain going down the leg from the lower back."
    assert not lead_answers(question, "seek_care", lead)  # no care action, however the type is spelt
    assert lead_answers(question, "seek_care", "See a GP urgently if the pain is getting worse.")


@pytest.mark.parametrize(
    "question",
    [
        "L4-5 disc desiccation on my MRI. What does it mean? I show horses and the season is about to start.",
        "My L5 sciatica flares when walking the dog. Should I stop?",
    ],
)
def test_an_animal_the_person_works_with_is_not_the_patient(question: str) -> None:
    assert check_scope(question).in_scope


def test_a_swollen_kneecap_is_declined() -> None:
    assert not check_scope("Her kneecap is swollen and her leg hurts. How can doctors find the cause?").in_scope
