"""The outside scorer's judge: facts said in other words count, unrelated or contradicting text does not."""

from __future__ import annotations

from nerveroot.qa.factmatch import best_match, concepts, sentences, windows
from nerveroot.qa.outside import fact_covered


def test_lay_and_clinical_words_fold_onto_one_concept() -> None:
    assert concepts("cannot pee")[-1] == concepts("urinary retention")[0]
    assert concepts("pins and needles") == concepts("tingling") and "emergency" in concepts("go to A&E")
    assert concepts("six weeks") == concepts("6 weeks") == concepts("week 6") and "1800 mg" in concepts("1.8g daily")
    assert concepts("4 to 6 weeks") == ("4 week", "6 week") and concepts("after a week") == ("1 week",)
    assert concepts("L4-5") == ("l4", "l5")


def test_a_paraphrase_is_covered() -> None:
    answer = "Heat packs from a pharmacy held on the sore area are worth trying. Avoid hot-water bottles."
    assert fact_covered("Heat packs (available from pharmacies) held on painful areas are suggested instead.", answer)


def test_a_missing_number_is_not_covered() -> None:
    assert not fact_covered("Most people are better within 4 to 6 weeks.", "Most people get better within months.")
    assert not fact_covered("A slight effect may be felt after 1 week.", "A slight effect was seen at 1 year.")


def test_a_negated_fact_needs_a_negation() -> None:
    fact = "Do not take ibuprofen in late pregnancy."
    assert not fact_covered(fact, "Take ibuprofen in late pregnancy.")
    assert fact_covered(fact, "Ibuprofen is avoided in late pregnancy.")


def test_unrelated_text_is_not_covered() -> None:
    answer = "The straight leg raise is sensitive but not specific for disc herniation. MRI is the test of choice."
    assert not fact_covered("Sleeping on your side with a pillow between the knees can ease pain.", answer)


def test_the_best_window_is_reported() -> None:
    spans = windows(sentences("Cold packs can help early on. Heat packs help later. Rest briefly."))
    match = best_match("Heat packs can help later on.", spans)
    assert match.covered and "Heat packs" in match.window


def test_a_share_said_as_one_in_n_is_a_per_cent() -> None:
    from nerveroot.qa.factmatch import best_match

    fact = "Around 90% of cases are caused by a herniated disc pressing on a nerve root."
    said = "In about 9 in 10 cases a herniated disc pressing on a nerve root is the cause."
    assert best_match(fact, [said]).covered
    assert not best_match("About 1% of cases need surgery.", ["About 1 in 4 cases need surgery."]).covered


def test_ordinary_equivalents_fold_together() -> None:
    from nerveroot.qa.factmatch import concepts

    assert concepts("bending forward widens the canal")[-2] == concepts("bending forward opens the canal")[-2]
    assert concepts("cycling")[0] == concepts("an exercise bike")[-1]
    assert concepts("evaluated promptly") == concepts("assessed quickly")


def test_an_ing_form_meets_its_short_verb() -> None:
    assert concepts("wiping after the toilet") == concepts("wipe after the toilet")
    assert concepts("moving gently") == concepts("move gently")
    assert concepts("stopped") == concepts("stop") and concepts("sitting") == concepts("sit")
    assert concepts("caring") != concepts("car")
