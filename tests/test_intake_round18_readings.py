"""Readings and rules met in the eighteenth round (8 Dec 2026): each general, tested on words of our own."""

from __future__ import annotations

import pytest

from nerveroot.intake import parse_note
from nerveroot.knowledge.base import KnowledgeBase
from readings import confirm, readings, triage


@pytest.mark.parametrize(
    "note",
    [
        "Back pain 5 days, temp 38.6, now confused and drowsy.",
        "My husband has had a fever for three days with his bad back and today he is struggling to breathe.",
        "LBP + pyrexial 39.1, vomiting repeatedly since last night.",
        "CRP 180, back pain, and her skin looks mottled.",
    ],
)
def test_a_fever_with_a_sepsis_warning_sign_is_an_emergency(kb: KnowledgeBase, note: str) -> None:
    level, rules = triage(kb, note)
    assert level == "emergency"
    assert "fever_with_sepsis_signs" in rules


@pytest.mark.parametrize(
    "note",
    [
        "Back pain and a temperature of 38.2, not short of breath, not confused.",
        "LBP 3/7, T 38.1, SOB on exertion only (known COPD).",
        "Back pain with a fever; I'm confused about which painkiller I can take.",
    ],
)
def test_a_fever_without_a_sepsis_sign_stays_urgent(kb: KnowledgeBase, note: str) -> None:
    level, rules = triage(kb, note)
    assert "fever_with_sepsis_signs" not in rules
    assert level == "urgent"


def test_breathlessness_without_fever_is_no_sepsis_rule(kb: KnowledgeBase) -> None:
    assert "fever_with_sepsis_signs" not in triage(kb, "Back pain for a week and a bit short of breath.")[1]


@pytest.mark.parametrize(
    ("note", "fires"),
    [
        # the injection was for this pain, which is unchanged: not the sign of a post-procedure infection
        ("Sciatica for 3 months, had a nerve root injection 10 days ago which did nothing. Back pain.", False),
        ("LBP and L leg pain for 2 months. Epidural 2/52 ago, no benefit.", False),
        # pain worse, or new, after the procedure: the sign
        ("Back pain for 3 months, epidural 2 weeks ago, now back pain much worse.", True),
        ("Epidural steroid injection 12 days ago; new severe back pain for 4 days.", True),
        # undated: counted as recent, to be safe
        ("Back pain; has had epidurals.", True),
    ],
)
def test_a_procedure_for_the_same_unchanged_pain_is_no_infection_route(
    kb: KnowledgeBase, note: str, fires: bool
) -> None:
    assert ("infection_high_risk_back_pain" in triage(kb, note)[1]) is fires


def test_absent_before_a_noun_stops_at_the_comma(kb: KnowledgeBase) -> None:
    note = "Both legs 3/5, absent reflexes, sensory level at T11, numb both legs."
    assert ("present", None) in readings(kb, note, "sensory_level")
    assert ("absent", None) in readings(kb, "absent sensory level, legs numb", "sensory_level")


@pytest.mark.parametrize(
    "note",
    [
        "No tingling, weakness or bladder/bowel dysfunction.",
        "Denies numbness, leg weakness or bladder/rectal disturbance.",
    ],
)
def test_a_denial_opening_a_list_reaches_its_last_function_item(kb: KnowledgeBase, note: str) -> None:
    assert readings(kb, note, "bladder_dysfunction") == {("absent", None)}


def test_a_verdict_after_a_comma_still_stands_alone(kb: KnowledgeBase) -> None:
    assert ("present", None) in readings(kb, "no saddle numbness, PR tone lax", "reduced_anal_tone")


@pytest.mark.parametrize(
    ("note", "finding"),
    [
        ("Overnight her legs gave out and both urine and stool came out without control.", "bladder_dysfunction"),
        ("Overnight her legs gave out and both urine and stool came out without control.", "bowel_dysfunction"),
        ("Over the last week his leg strength dropped.", "weakness"),
        ("It hurts even when I am lying still.", "night_pain"),
        ("Pain mainly when lying down at night.", "night_pain"),
        ("She has been receiving anticancer drugs since spring.", "immunosuppression"),
        ("Bloods normal apart from a slight rise in the CRP.", "raised_inflammatory_markers"),
        ("A sudden, violent, stabbing pain in the low back.", "severe_pain"),
        ("For two days an ache in my kidneys and down the left leg.", "abdominal_or_flank_pain"),
        ("He is writhing in pain on the sofa.", "severe_pain"),
        ("Since falling onto his bottom on the stairs he has had low back pain.", "minor_trauma"),
        ("They put injections into my lower back twice last month.", "recent_spinal_procedure"),
        ("Bloods: CRP 7 (mildly raised), WCC normal.", "raised_inflammatory_markers"),
    ],
)
def test_plain_wordings_are_read(kb: KnowledgeBase, note: str, finding: str) -> None:
    assert ("present", None) in readings(kb, note, finding)


def test_fns_abbreviation_is_the_femoral_stretch(kb: KnowledgeBase) -> None:
    case = parse_note("FNS test positive on the left.", kb).case
    assert [(p.test, p.result) for p in case.provocative] == [("femoral_stretch", "positive")]


@pytest.mark.parametrize(
    ("note", "course"),
    [
        ("LBP 6 weeks, now the pain much worse.", "worsening"),
        ("The pain is far worse.", "worsening"),
        ("It has got even worse with walking.", "unknown"),
        ("Now sitting makes it much worse.", "unknown"),
    ],
)
def test_worse_than_before_is_a_course_and_worse_with_an_activity_is_not(
    kb: KnowledgeBase, note: str, course: str
) -> None:
    assert parse_note(note, kb).case.course == course


@pytest.mark.parametrize(
    "note",
    [
        "Woke up with my back feeling stiff, twinge when standing.",
        "The GP gave me an injection last week, no help.",
        "LBP has progressed to burning-type pain in the leg; power normal.",
    ],
)
def test_ordinary_words_raise_nothing_to_confirm(kb: KnowledgeBase, note: str) -> None:
    assert confirm(kb, note) == []


def test_an_injection_of_unstated_site_still_asks_for_confirmation(kb: KnowledgeBase) -> None:
    assert "infection" in confirm(kb, "Back pain since an injection last week.")


@pytest.mark.parametrize(
    ("note", "fires"),
    [
        ("82F, fell in the garden 3 weeks ago, low back pain since.", True),
        ("I'm 76 and I tripped on the stairs 10 days ago; my lower back still hurts.", True),
        ("78M, fell 5 months ago, back pain since.", False),
        ("66F, fell 3 weeks ago, back pain since.", False),
    ],
)
def test_a_minor_fall_from_70_is_a_suspected_fracture(kb: KnowledgeBase, note: str, fires: bool) -> None:
    assert ("fracture_suspected" in triage(kb, note)[1]) is fires


@pytest.mark.parametrize(
    "note",
    ["The x-ray says one vertebra has slipped forward a little.", "MRI: L4 slipped forwards on L5, grade 1."],
)
def test_a_vertebra_slipped_forward_is_no_fall(kb: KnowledgeBase, note: str) -> None:
    assert not readings(kb, note, "minor_trauma")
    assert confirm(kb, note) == []


def test_a_walking_distance_before_the_leg_symptom_is_claudication(kb: KnowledgeBase) -> None:
    note = "After 150 to 300 metres my left leg aches and I have to stop; cycling is fine."
    assert ("present", None) in readings(kb, note, "exertional_leg_pain")


@pytest.mark.parametrize(
    ("note", "level"),
    [
        ("66M, T2DM. Re-attender: LBP 10 days, seen in ED 4 days ago with 'muscular' pain, not settling.", "emergency"),
        ("On steroids for COPD. This is the third time I've been to A&E with my back pain this week.", "emergency"),
        ("Back pain for a week, diabetic, first visit.", "urgent"),
        ("Back pain for 10 days, second visit this week, otherwise fit and well.", "routine"),
        ("Back pain 4 days, T 38.3. Seen by the out-of-hours doctor 2 days ago, no better.", "emergency"),
        ("Diabetic. Keeps going back to the GP with this back pain, nothing helps.", "emergency"),
    ],
)
def test_a_risk_factor_and_a_return_visit_is_a_same_day_infection_screen(
    kb: KnowledgeBase, note: str, level: str
) -> None:
    assert triage(kb, note)[0] == level


def test_a_list_all_denied_at_its_end_denies_every_kind(kb: KnowledgeBase) -> None:
    note = "Pins and needles, fever, a cough, weight loss and any past cancer were all denied by the patient."
    assert readings(kb, note, "fever") == {("absent", None)}
    assert readings(kb, note, "unexplained_weight_loss") == {("absent", None)}
