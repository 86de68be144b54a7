"""How long the complaint has lasted, read from free text (intake/durations.py): forms of a time, and the rule that
a time said of something other than the complaint is not its duration."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nerveroot.intake import parse_note
from nerveroot.knowledge.base import KnowledgeBase

FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("LBP 3/52", 21),
        ("Numbness in both legs for more than 3 years.", 1095),
        ("57M, weakness both LLs >3y.", 1095),
        ("Leg pain began 2.5 years ago.", 912),
        ("49M, 5y progressive neurogenic claudication.", 1825),
        ("back pain on and off for years but the past 2 weeks it's shooting down my leg", 14),
        ("Seen 14/12/26. R sciatica 3/52.", 21),
        ("L sciatica x2/52, worsening", 14),
        ("A 24-hour history of left leg pain.", 1),
        ("Back pain with 12 h of evolution.", 0),
        ("Sciatica that worsened over a 3-day period.", 3),
        ("My back pain's been going on 3 weeks now.", 21),
        ("It's been 2 days and I can barely move.", 2),
        ("Weakness of the right leg of 1-month's duration.", 30),
        ("Three days earlier he injured his back lifting a sofa.", 3),
        ("Yesterday he lifted a boulder and developed severe back pain.", 1),
        ("Can't weight bear since this am.", 0),
        ("Low back pain, 6 weeks.", 42),
        ("3 days severe back pain, worse on coughing.", 3),
        ("Referred. 2 weeks L leg pain, worse.", 14),
        ("6 hrs sudden pain L calf.", 0),
        ("PC: L leg pain\nDuration: 3 weeks\nRed flags: none", 21),
        ("Back pain and a low-grade fever over the last 2 days.", 2),
        ("Weight loss over 3 months and back pain for 2 weeks.", 14),
        ("Symptoms developed in the past three weeks.", 21),
    ],
)
def test_the_complaint_duration_is_read(kb: KnowledgeBase, text: str, days: int) -> None:
    assert parse_note(text, kb).case.duration_days == days


@pytest.mark.parametrize(
    "text",
    [
        "Weight loss ~6kg over 3/12, night sweats.",
        "A six-month history of poorly controlled diabetes.",
        "New urinary hesitancy x2/7.",
        "Had a jab in my back 2 weeks ago for the sciatica.",
        "He came to the emergency department yesterday with back pain.",
        "At least 3 times in the last month she has fallen.",
        "A 42-year-old woman with buttock pain.",
        "One week ago he started having chills and a productive cough.",
        "Pain in both calves after 200 yards, eases within 2 min standing still.",
        "Leg pain settles within 10 minutes of sitting down.",
        "3 months pregnant, back pain.",
        "40 mins walking brings on the pain.",
        "Leg pain. Standing 5 min, sitting tolerance 20 min.",
    ],
)
def test_a_time_said_of_something_else_is_no_duration(kb: KnowledgeBase, text: str) -> None:
    assert parse_note(text, kb).case.duration_days is None


_UNITS = {"days": 1, "weeks": 7, "months": 30}
_FORMS = ["{c} for {n} {u}.", "{n}-{u1} history of {c}.", "{c}, {n} {u}.", "{n} {u} of {c}.", "{c} x {n} {u}."]
_COMPLAINTS = ["Low back pain", "Right sciatica", "Numbness in the left foot", "Leg weakness"]


@given(
    n=st.integers(2, 11),
    unit=st.sampled_from(sorted(_UNITS)),
    form=st.sampled_from(_FORMS),
    complaint=st.sampled_from(_COMPLAINTS),
)
@FAST
def test_every_form_of_a_duration_reads_the_same_days(
    kb: KnowledgeBase, n: int, unit: str, form: str, complaint: str
) -> None:
    text = form.format(c=complaint, n=n, u=unit, u1=unit.rstrip("s"))
    assert parse_note(text[0].upper() + text[1:], kb).case.duration_days == n * _UNITS[unit]


def test_a_relief_time_is_not_when_the_symptom_began(kb: KnowledgeBase) -> None:
    """'eases within 2 min' says how fast calf pain goes, not that it began today: it is no onset either, and the
    calf pain eased by standing still is read (the vascular claudication sign)."""
    case = parse_note("Pain in both calves after 200 yards walking, eases within 2 min standing still.", kb).case
    assert case.status("calf_pain_relieved_by_standing_still") == "present"
    assert case.onset_days == {} and case.duration_days is None
