"""Question understanding from the twelfth round: words that mislead the linker (an acronym's stem, 'attack'),
report words told in a story, activities a long story hides, and question types said in everyday words.
Every question here is written for the test, not taken from an evaluation set."""

from __future__ import annotations

import pytest

from nerveroot.qa import QaContext
from nerveroot.qa.answer import answer_question
from nerveroot.qa.intent import classify
from nerveroot.qa.lead import _yes_no_after_story
from nerveroot.qa.lexicon import lexicon


def _card(ctx: QaContext, question: str) -> list[str]:
    return answer_question(ctx, question).answer_statement_ids


def test_a_number_word_does_not_link_the_acronym_its_stem_shares(ctx: QaContext) -> None:
    assert ("treatments", "tens") not in ctx.linker.link("I could only stand for ten minutes today").specific
    assert ("treatments", "tens") in ctx.linker.link("Would a TENS unit ease my leg pain?").specific


def test_the_american_spelling_of_disc_is_read_inside_words() -> None:
    rewritten = lexicon().rewrite("Two disks were removed in my diskectomy; was a microdiskectomy better?")
    assert "discs" in rewritten and "discectomy" in rewritten and "microdiscectomy" in rewritten


def test_report_words_in_the_story_do_not_make_a_report_question() -> None:
    assert not classify("I was told I have an extruded disc. When can I go back to the gym?").asks("report_meaning")
    assert classify("The scan mentions an extrusion at L5-S1 - what is that?").asks("report_meaning")


@pytest.mark.parametrize(
    "question",
    [
        "What helps when my sciatica flares up?",
        "How should I cope during a bad attack of leg pain?",
        "Which sports can I take up again after a slipped disc?",
    ],
)
def test_flare_ups_and_sport_are_self_care(question: str) -> None:
    assert classify(question).qtype == "self_care"


def test_an_attack_of_sciatica_is_answered_with_self_care_not_a_condition_with_attacks(ctx: QaContext) -> None:
    answer = answer_question(ctx, "How do I get through an attack of sciatica?")
    assert "pseudogout" not in answer.answer.lower()
    assert answer.answer_statement_ids == ["faq:faq_self_care:answer"]


def test_a_card_about_an_activity_is_found_behind_a_long_story(ctx: QaContext) -> None:
    question = "My back seizes up when I get out of a chair at the office and my leg aches - am I OK to drive?"
    assert _card(ctx, question) == ["faq:faq_driving:answer"]
    assert answer_question(ctx, question).answer.startswith("Usually yes")


def test_sport_after_a_slipped_disc_is_not_answered_by_the_teenager_card(ctx: QaContext) -> None:
    assert _card(ctx, "Which sports can I take up again after a slipped disc?") == ["faq:faq_running_exercise:answer"]


def test_off_work_is_time_off_work_and_its_lead_is_not_about_an_operation(ctx: QaContext) -> None:
    answer = answer_question(ctx, "With a trapped nerve in my back, how many weeks might I be off work?")
    assert answer.answer_statement_ids == ["faq:faq_time_off_work:answer"]
    assert "operation" not in answer.answer


def test_whether_an_operation_will_be_needed_asks_for_the_outlook() -> None:
    assert classify("Will I definitely need an operation for this disc?").qtype == "duration_prognosis"
    assert classify("Is an operation inevitable with a prolapsed disc?").qtype == "duration_prognosis"


def test_what_symptoms_it_causes_asks_for_symptoms_and_a_root_card_does_not_answer(ctx: QaContext) -> None:
    assert classify("What symptoms does a squashed sciatic nerve usually cause?").qtype == "symptom"
    answer = answer_question(ctx, "What symptoms can a trapped sciatic nerve cause?")
    assert not any("l4" in sid for sid in answer.answer_statement_ids)  # the L4 card ranks second by words
    assert "numbness" in answer.answer


def test_numbness_after_a_disc_operation_spelt_the_american_way_is_answered(ctx: QaContext) -> None:
    answer = answer_question(ctx, "Weeks after my microdiskectomy my foot is still numb. Will that go?")
    assert not answer.abstained and all("discectomy" in sid for sid in answer.answer_statement_ids)
    assert classify("Weeks after the operation my foot is still numb. Will that go?").asks("duration_prognosis")


def test_a_yes_no_question_after_a_story_is_read_as_yes_no() -> None:
    assert _yes_no_after_story("My leg goes numb after an hour of sitting - can I fly to Spain?")
    assert not _yes_no_after_story("My leg goes numb after an hour of sitting - what helps?")


def test_the_driving_sources_load_with_locators(ctx: QaContext) -> None:
    record = ctx.kb.entities["faqs"]["faq_driving"]
    cited = {citation.source: citation.locator for citation in record.sources}
    assert cited["dvla_aftd"] and cited["austroads_aftd"]
    assert ctx.kb.sources["dvla_aftd"].kind == "standard"


def test_a_card_about_a_test_for_some_roots_still_answers_a_question_naming_no_root(ctx: QaContext) -> None:
    answer = answer_question(
        ctx, "How do you carry out the femoral nerve stretch test, and what does a positive one mean?"
    )
    assert answer.answer_statement_ids == ["faq:faq_femoral_stretch:answer"]
