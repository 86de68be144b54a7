"""The adaptive interview: catalogue, answers, red flags first, convergence, the stop rule and termination."""

from __future__ import annotations

from collections.abc import Callable
from typing import get_args

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nerveroot.assessment.case import (
    HISTORY_KEYS,
    RED_FLAG_KEYS,
    SYMPTOM_KEYS,
    Case,
    Movement,
    ProvocativeTest,
    ReflexName,
)
from nerveroot.interview import (
    UNKNOWN,
    Question,
    apply_answer,
    check_questions,
    choose_question,
    default_questions,
    next_question,
    outcome,
    parse_answer,
)
from nerveroot.interview.answers import apply_value, is_answered
from nerveroot.interview.catalogue import Audience
from nerveroot.interview.model import tables
from nerveroot.interview.select import REGION_KINDS, _answers, snapshot, update
from nerveroot.knowledge.base import KnowledgeBase

Q = {q.id: q for q in default_questions()}
Answerer = Callable[[Question], str]


def run(
    kb: KnowledgeBase, answer: Answerer, audience: Audience = "patient", case: Case | None = None
) -> tuple[Case, list[str]]:
    """Drive the interview to its end with scripted answers; returns the final case and the questions asked."""
    case = case or Case()
    asked: list[str] = []
    for _ in range(len(Q) + 1):
        question = next_question(case, kb, audience, asked)
        if question is None:
            return case, asked
        assert question.id not in asked
        case = apply_answer(case, question, answer(question))
        asked.append(question.id)
    raise AssertionError("interview did not stop within the catalogue size")


def scripted(answers: dict[str, str], default: Answerer) -> Answerer:
    return lambda q: answers.get(q.id, default(q))


def negative(q: Question) -> str:
    """A person without the item: no / normal / negative; a recent, stable, moderate left-sided episode."""
    facts = {"sides": "left", "duration_days": "10 days", "course": "stable", "pain_score": "4", "age": "40"}
    if q.kind == "fact":
        return facts[q.target]
    return {"strength": "5", "reflex": "normal", "provocative": "negative"}.get(q.kind, "no")


def test_catalogue_is_valid_and_covers_the_vocabulary(kb: KnowledgeBase) -> None:
    assert check_questions(default_questions(), kb) == []
    targets = {(q.kind, q.target) for q in default_questions()}
    for kind, keys in (
        ("red_flag", RED_FLAG_KEYS),
        ("history", HISTORY_KEYS),
        ("symptom", SYMPTOM_KEYS),
        ("strength", get_args(Movement)),
        ("reflex", get_args(ReflexName)),
        ("provocative", get_args(ProvocativeTest)),
    ):
        assert {(kind, k) for k in keys} <= targets, kind
    assert all(q.patient is None for q in default_questions() if q.exam)


def test_answers_parse_and_apply_without_changing_the_input() -> None:
    case = Case(sides=["left"])
    assert parse_answer(Q["mrc_ankle_dorsiflexion"], "weak") == "4"
    assert parse_answer(Q["fact_duration"], "3 weeks") == "21"
    assert parse_answer(Q["rf_fever"], "Don't know") == UNKNOWN
    with pytest.raises(ValueError, match="cannot read"):
        parse_answer(Q["fact_pain"], "11")
    weak = apply_answer(case, Q["mrc_ankle_dorsiflexion"], "3")
    assert case.strength == [] and weak.strength[0].grade == 3 and weak.strength[0].side == "left"
    assert apply_answer(case, Q["rf_fever"], "?") == case
    assert apply_answer(case, Q["pain_medial_leg"], "yes").pain_regions[0].region == "medial_leg"
    both = apply_answer(Case(), Q["rf_bilateral"], "yes")
    assert both.red_flags["bilateral_leg_symptoms"] == "present" and sorted(both.sides) == ["left", "right"]


def test_red_flags_come_first(kb: KnowledgeBase) -> None:
    _, asked = run(kb, negative)
    kinds = [Q[i].kind for i in asked]
    last_flag = max(i for i, k in enumerate(kinds) if k == "red_flag")
    assert all(
        k == "red_flag" or Q[asked[i]].target in tables(kb).red_flag_findings for i, k in enumerate(kinds[:last_flag])
    )
    assert {Q[i].target for i in asked if Q[i].kind == "red_flag"} == set(RED_FLAG_KEYS)
    assert choose_question(Case(), kb) is not None and choose_question(Case(), kb).phase == "red_flag"  # type: ignore[union-attr]


def test_cauda_equina_patient_stops_at_the_first_yes(kb: KnowledgeBase) -> None:
    case, asked = run(kb, lambda q: "yes")
    assert len(asked) == 1 and Q[asked[0]].kind == "red_flag"
    result = outcome(case, kb)
    assert result.triage.level == "emergency"
    assert any(r.level == "emergency" and r.advice for r in result.triage.reasons)


def test_severe_weakness_on_examination_ends_the_interview(kb: KnowledgeBase) -> None:
    case = Case(sides=["right"], red_flags=dict.fromkeys(RED_FLAG_KEYS, "absent"))
    case = apply_answer(case, Q["mrc_ankle_dorsiflexion"], "2")
    assert next_question(case, kb, "clinician") is None
    assert outcome(case, kb).triage.level == "emergency"


L4 = {
    "sx_back": "yes",
    "sx_leg_worse": "yes",
    "sx_numb": "yes",
    "sx_tingling": "yes",
    "fact_sides": "left",
    "pain_anterior_thigh": "yes",
    "pain_anterolateral_thigh": "yes",
    "pain_anterior_knee": "yes",
    "pain_medial_leg": "yes",
    "numb_medial_leg": "yes",
    "mrc_knee_extension": "4",
    "reflex_patellar": "reduced",
    "test_femoral_stretch": "positive",
    "fact_duration": "9 days",
    "fact_course": "stable",
    "fact_pain": "6",
    "fact_age": "38",
}


@pytest.mark.parametrize("audience", ["patient", "clinician"])
def test_l4_presentation_converges_on_l4(kb: KnowledgeBase, audience: Audience) -> None:
    case, asked = run(kb, scripted(L4, negative), audience)
    result = outcome(case, kb)
    assert result.roots[0][0] == "l4"
    assert result.triage.level != "emergency" and result.act_on in ("routine", "urgent")
    if audience == "patient":  # a patient cannot grade strength: the exam-based red flags stay open
        assert not result.complete
        assert "severe_motor_deficit" in {f for item in result.not_assessed for f in item.findings}
    else:
        assert result.complete
        assert {"reflex_patellar", "mrc_knee_extension"} <= set(asked)
        assert result.triage.level == "urgent"  # MRC 4 quadriceps: new moderate weakness


def test_dont_know_patient_terminates_with_everything_unknown(kb: KnowledgeBase) -> None:
    case, asked = run(kb, lambda q: "don't know")
    flag_questions = [
        q for q in default_questions() if q.kind == "red_flag" or q.target in tables(kb).red_flag_findings
    ]
    assert {q.id for q in flag_questions if not q.exam} <= set(asked)
    assert len(asked) == len(set(asked)) <= len(Q)
    assert case.red_flags == {} and case.history == {} and case.symptoms == {}
    result = outcome(case, kb)
    assert not result.complete and result.act_on != "self_care"
    flagged = {f for item in result.not_assessed for f in item.findings}
    assert set(RED_FLAG_KEYS) - {"bilateral_leg_symptoms"} <= flagged | {"bilateral_leg_symptoms"}
    assert any(item.could_raise_to == "emergency" for item in result.not_assessed)


def test_mimic_vascular_claudication(kb: KnowledgeBase) -> None:
    answers = {
        "sx_claudication": "yes",
        "sx_relief_standing": "yes",
        "sx_relief_sitting": "no",
        "sx_standing": "no",
        "hx_pvd": "yes",
        "hx_smoker": "yes",
        "sx_back": "no",
        "fact_sides": "right",
        "pain_posterior_calf": "yes",
        "fact_age": "67",
        "fact_duration": "4 months",
    }
    case, _ = run(kb, scripted(answers, negative), "clinician")
    result = outcome(case, kb)
    assert result.conditions[0][0] == "vascular_claudication"
    assert result.triage.level != "emergency"


def _stop_rule_holds(kb: KnowledgeBase, case: Case, asked: list[str], audience: Audience, margin: float) -> None:
    """Recompute from scratch: no remaining question has an answer that changes the triage or the lead."""
    t = tables(kb)
    base = snapshot(case, kb)
    lead = base.lead
    for q in default_questions():
        if q.id in asked or (q.exam and audience != "clinician") or is_answered(case, q):
            continue
        if q.kind in REGION_KINDS and not case.sides:
            continue
        for value in _answers(t, q):
            after = snapshot(apply_value(case, q, value), kb)
            assert after.level == base.level, (q.id, value)
            assert after.lead == lead and abs(after.dist[lead] - base.dist[lead]) <= margin, (q.id, value)


@pytest.mark.parametrize("margin", [0.10, 0.25])
def test_stop_rule(kb: KnowledgeBase, margin: float) -> None:
    case, asked = Case(), list[str]()
    answer = scripted(L4, negative)
    while (q := next_question(case, kb, "clinician", asked, margin)) is not None:
        case, asked = apply_answer(case, q, answer(q)), [*asked, q.id]
    _stop_rule_holds(kb, case, asked, "clinician", margin)


def test_wider_margin_asks_no_more(kb: KnowledgeBase) -> None:
    counts = []
    for margin in (0.05, 0.10, 0.40):
        case, asked = Case(), list[str]()
        while (q := next_question(case, kb, "patient", asked, margin)) is not None:
            case, asked = apply_answer(case, q, scripted(L4, negative)(q)), [*asked, q.id]
        counts.append(len(asked))
    assert counts[0] >= counts[1] >= counts[2]


def test_starts_from_a_partial_case_and_skips_what_it_knows(kb: KnowledgeBase) -> None:
    case = Case(red_flags=dict.fromkeys(RED_FLAG_KEYS, "absent"), sides=["left"], history={"cancer_history": "absent"})
    first = choose_question(case, kb)
    assert first is not None and first.question.target not in RED_FLAG_KEYS and first.question.id != "hx_cancer"


_REPLIES = st.sampled_from(["yes", "no", "don't know", "4", "3", "5", "normal", "reduced", "positive", "negative"])


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(replies=st.lists(_REPLIES, min_size=len(Q), max_size=len(Q)), audience=st.sampled_from(["patient", "clinician"]))
def test_never_repeats_and_always_terminates(kb: KnowledgeBase, replies: list[str], audience: Audience) -> None:
    feed = iter(replies)

    def answer(q: Question) -> str:
        reply = next(feed)
        try:
            parse_answer(q, reply)
        except ValueError:
            return "don't know"
        return reply

    _, asked = run(kb, answer, audience)  # run() asserts no repeats and the catalogue-size bound
    assert len(asked) == len(set(asked))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_incremental_update_matches_a_fresh_evaluation(kb: KnowledgeBase, data: st.DataObject) -> None:
    t = tables(kb)
    case = Case(sides=["left"])
    for q in data.draw(st.lists(st.sampled_from(list(Q.values())), max_size=6)):
        case = apply_value(case, q, data.draw(st.sampled_from(_answers(t, q))))
    q = data.draw(st.sampled_from(list(Q.values())))
    hypothetical = apply_value(case, q, data.draw(st.sampled_from(_answers(t, q))))
    fast, fresh = update(t, snapshot(case, kb), hypothetical), snapshot(hypothetical, kb)
    assert fast.level == fresh.level
    assert fast.dist == pytest.approx(fresh.dist)
