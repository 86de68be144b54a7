"""Tempo of a deficit (intake/tempo.py: Case.onset_days, Case.deficit_course) and template answers that do not know."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nerveroot.intake import parse_note
from nerveroot.knowledge.base import KnowledgeBase

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.parametrize(
    ("text", "onsets"),
    [
        ("Numbness in the left shin since yesterday, leg pain for 3 weeks.", {"numbness": 1, "leg_pain": 21}),
        ("L EHL 4/5 noticed 2 weeks ago.", {"weakness": 14}),
        ("R sciatica 6/52", {"leg_pain": 42}),
        ("Urinary retention for 2 days.", {"bladder_dysfunction": 2}),
        ("L EHL 4/5, back pain for 2 weeks.", {"back_pain": 14}),
    ],
)
def test_each_finding_keeps_the_time_of_its_own_clause(kb: KnowledgeBase, text: str, onsets: dict[str, int]) -> None:
    assert parse_note(text, kb).case.onset_days == onsets


@pytest.mark.parametrize(
    ("text", "course"),
    [
        ("New numbness over the left shin.", "new"),
        ("Weakness unchanged since last review.", "stable"),
        ("Power improving.", "improving"),
        ("Non-progressive neurology.", "stable"),
        ("If the weakness is new, come back.", "unknown"),
        ("Back pain for 3 weeks.", "unknown"),
    ],
)
def test_the_course_of_a_deficit(kb: KnowledgeBase, text: str, course: str) -> None:
    assert parse_note(text, kb).case.deficit_course == course


def test_the_complaint_duration_prefers_the_pain(kb: KnowledgeBase) -> None:
    assert parse_note("Numbness since yesterday, leg pain for 3 weeks.", kb).case.duration_days == 21


_FIELDS = {"Bladder problems": "bladder_dysfunction", "Saddle numbness": "saddle_anaesthesia", "Fever": "fever"}
_ANSWERS = {
    "no": "absent",
    "none": "absent",
    "yes": "present",
    "unsure": "unknown",
    "not asked": "unknown",
    "?": "unknown",
}


@given(
    fields=st.permutations(sorted(_FIELDS)),
    answers=st.lists(st.sampled_from(sorted(_ANSWERS)), min_size=3, max_size=3),
)
@FAST
def test_a_template_answer_holds_for_its_own_line(kb: KnowledgeBase, fields: list[str], answers: list[str]) -> None:
    note = "\n".join(f"{field}: {answer}" for field, answer in zip(fields, answers, strict=True))
    found = {f.id: f.status for f in parse_note(note, kb).findings if f.id in _FIELDS.values()}
    for field, answer in zip(fields, answers, strict=True):
        assert found.get(_FIELDS[field], "unknown") == _ANSWERS[answer], note
