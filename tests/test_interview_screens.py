"""Grouped red-flag screens: built from red_flags.yaml, "no to all", follow-ups on "yes"/"not sure", "don't know"."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nerveroot.assessment.case import HISTORY_KEYS, RED_FLAG_KEYS, Case
from nerveroot.assessment.evidence import derive_evidence
from nerveroot.assessment.triage import ORDER
from nerveroot.interview import UNKNOWN, Question, apply_answer, choices, choose_question, default_questions, outcome
from nerveroot.interview.answers import NOT_SURE, parse_answer
from nerveroot.interview.catalogue import SCREENED_KINDS, Audience, build_screens, load_questions
from nerveroot.interview.model import tables
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import RedFlag

Q = {q.id: q for q in default_questions()}
SCREENS = [q for q in default_questions() if q.screen]
Step = tuple[str, str, str]  # question id, phase, canonical answer


def negative(q: Question) -> str:
    facts = {"sides": "left", "duration_days": "10 days", "course": "stable", "pain_score": "4", "age": "40"}
    if q.kind == "fact":
        return facts[q.target]
    return {"strength": "5", "reflex": "normal", "provocative": "negative"}.get(q.kind, "none" if q.body_map else "no")


def interview(
    kb: KnowledgeBase, answer: Callable[[Question], str], audience: Audience = "patient", case: Case | None = None
) -> tuple[Case, list[Step]]:
    """Run to the end; each step is (question id, phase, canonical answer)."""
    case, steps = case or Case(), list[Step]()
    for _ in range(len(Q) + 1):
        choice = choose_question(case, kb, audience, [s[0] for s in steps])
        if choice is None:
            return case, steps
        value = parse_answer(choice.question, answer(choice.question))
        steps.append((choice.question.id, choice.phase, value))
        case = apply_answer(case, choice.question, value)
    raise AssertionError("interview did not stop within the catalogue size")


def test_screens_are_built_from_the_red_flag_records(kb: KnowledgeBase) -> None:
    flags = kb.all("red_flags", RedFlag)
    groups_with_items = {
        f.group for f in flags for q in default_questions() if q.kind in SCREENED_KINDS and q.target in f.findings
    }
    assert {s.group for s in SCREENS} == groups_with_items
    assert {"cauda_equina", "infection", "cancer", "fracture", "progressive_deficit"} <= groups_with_items
    items = [q for q in default_questions() if not q.screen and q.kind in SCREENED_KINDS]
    for screen in SCREENS:
        own = [f for f in flags if f.group == screen.group]
        assert screen.kind == "red_flag" and screen.target in RED_FLAG_KEYS and screen.target in screen.items
        assert len(screen.items) >= 2 and len(set(screen.items)) == len(screen.items)
        assert all(any(k in f.findings for f in own) for k in screen.items), screen.id
        # an item named only by this group's records belongs to this screen
        only_here = [q.target for q in items if {f.group for f in flags if q.target in f.findings} == {screen.group}]
        assert set(only_here) <= set(screen.items), screen.id
        # sources: those of the group's records that name its items, none invented
        cited = [c for f in own if set(f.findings) & set(screen.items) for c in f.sources]
        assert screen.sources and all(c in cited for c in screen.sources)
        # the wording names every item it covers, for both audiences
        for key in screen.items:
            item = next(q for q in items if q.target == key)
            assert item.phrase is not None
            assert item.phrase.patient in screen.text("patient") and item.phrase.clinician in screen.text("clinician")
    # every red-flag or history item of the catalogue is in exactly one screen
    covered = [k for s in SCREENS for k in s.items]
    assert len(covered) == len(set(covered))
    assert set(RED_FLAG_KEYS) <= set(covered) and set(covered) <= set(RED_FLAG_KEYS) | set(HISTORY_KEYS)


def test_screen_answers_parse() -> None:
    screen = Q["rfs_cauda_equina"]
    assert choices(screen) == ("no to all", "yes", "not sure", "don't know")
    for reply, value in [
        ("No to all", "no"),
        ("none of these", "no"),
        ("n", "no"),
        ("Yes", "yes"),
        ("some", "yes"),
        ("not sure", NOT_SURE),
        ("Unsure", NOT_SURE),
        ("don't know", UNKNOWN),
        ("?", UNKNOWN),
        (["no to all"], "no"),
    ]:
        assert parse_answer(screen, reply) == value, reply
    with pytest.raises(ValueError, match="cannot read 'purple'"):
        parse_answer(screen, "purple")
    with pytest.raises(ValueError, match="one answer"):
        parse_answer(screen, ["yes", "no"])


@pytest.mark.parametrize("audience", ["patient", "clinician"])
def test_no_to_all_reaches_the_discriminate_phase_within_eight_questions(kb: KnowledgeBase, audience: Audience) -> None:
    case, steps = interview(kb, negative, audience)
    phases = [s[1] for s in steps]
    first = phases.index("discriminate")
    assert first <= 8 and "red_flag" not in phases[first:]
    # the screens come first, in catalogue order; a single item that still changes the level (numbness) may follow
    screens = [s for s in steps[:first] if Q[s[0]].screen]
    assert steps[: len(screens)] == screens
    assert [s[0] for s in screens] == [s.id for s in SCREENS if s.id in {x[0] for x in screens}]
    assert all(case.status(k) == "absent" for s in SCREENS for k in s.items)
    # groups come in order of the highest urgency they could raise (cauda equina first, fracture last)
    levels = [max(ORDER[tables(kb).red_flag_findings[k]] for k in Q[s[0]].items) for s in screens]
    assert levels == sorted(levels, reverse=True) and steps[0][0] == "rfs_cauda_equina"


@pytest.mark.parametrize("reply", ["yes", "not sure"])
def test_yes_to_cauda_equina_asks_its_items_next_and_a_yes_is_an_emergency(kb: KnowledgeBase, reply: str) -> None:
    screen = Q["rfs_cauda_equina"]
    bowel = next(q.id for q in default_questions() if not q.screen and q.target == "bowel_dysfunction")
    case, steps = interview(kb, lambda q: {screen.id: reply, bowel: "yes"}.get(q.id, negative(q)))
    ids = [s[0] for s in steps]
    assert ids[0] == screen.id and ids[-1] == bowel
    assert all(Q[i].target in screen.items and not Q[i].screen for i in ids[1:])  # its items, before other groups
    assert {s[1] for s in steps} == {"red_flag"}
    assert case.status("bowel_dysfunction") == "present"
    assert all(case.status(Q[i].target) == "absent" for i in ids[1:-1])
    result = outcome(case, kb)
    assert result.triage.level == "emergency"
    assert choose_question(case, kb, asked=ids) is None  # the emergency ends the interview at once


def test_yes_then_no_to_every_item_moves_on_to_the_next_group(kb: KnowledgeBase) -> None:
    case, steps = interview(kb, lambda q: "yes" if q.id == "rfs_infection" else negative(q))
    ids = [s[0] for s in steps]
    at = ids.index("rfs_infection")
    followed = ids[at + 1 : at + 1 + len(Q["rfs_infection"].items)]
    assert sorted(Q[i].target for i in followed) == sorted(Q["rfs_infection"].items)
    assert Q[ids[at + 1 + len(followed)]].screen  # then the next screen
    assert outcome(case, kb).triage.level != "emergency"


def test_dont_know_to_a_group_leaves_every_item_unknown_and_not_assessed(kb: KnowledgeBase) -> None:
    screen = Q["rfs_cauda_equina"]
    case, steps = interview(kb, lambda q: "don't know" if q.id == screen.id else negative(q))
    ids = [s[0] for s in steps]
    assert ids[0] == screen.id
    assert not any(not Q[i].screen and Q[i].target in screen.items for i in ids)  # no follow-ups
    assert all(case.status(k) == UNKNOWN for k in screen.items)
    result = outcome(case, kb)
    unassessed = {f for item in result.not_assessed for f in item.findings}
    # naming one leg ("left") is itself an answer about both legs; every other item stays unassessed
    still_unknown = {k for k in screen.items if derive_evidence(case).get(k) == UNKNOWN}
    assert still_unknown >= {"saddle_anaesthesia", "bladder_dysfunction", "bowel_dysfunction", "sexual_dysfunction"}
    assert still_unknown <= unassessed
    assert not result.complete and result.act_on != "self_care"
    assert any(item.could_raise_to == "emergency" and item.group == "cauda_equina" for item in result.not_assessed)


def test_the_web_api_is_stateless_the_case_carries_the_screen_answer(kb: KnowledgeBase) -> None:
    """Between requests only the case (as JSON) and the asked ids survive: that is enough to follow up a "yes"
    and to leave a "don't know" alone."""
    screen = Q["rfs_fracture"]
    for reply, follows_up in (("yes", True), ("not sure", True), ("don't know", False)):
        case = Case.model_validate_json(apply_answer(Case(), screen, reply, kb=kb).model_dump_json())
        nxt = choose_question(case, kb, asked=[screen.id])
        assert nxt is not None
        assert (not nxt.question.screen and nxt.question.target in screen.items) is follows_up, reply


def test_no_to_all_keeps_what_is_known_and_a_screen_is_skipped_when_it_cannot_help(kb: KnowledgeBase) -> None:
    screen = Q["rfs_cancer"]
    known = Case(history={"cancer_history": "present"}, red_flags={"thoracic_pain": "absent"})
    denied = apply_answer(known, screen, "no to all")
    assert denied.status("cancer_history") == "present" and denied.status("thoracic_pain") == "absent"
    assert all(denied.status(k) == "absent" for k in screen.items if k not in ("cancer_history", "thoracic_pain"))
    # a group with an item already present: its open items are asked one by one, not as "any of these"
    no_ces = Case(red_flags=dict.fromkeys(Q["rfs_cauda_equina"].items, "absent"))
    asked = ["rfs_cauda_equina", "rfs_progressive_deficit", "rfs_infection"]
    cancer_known = no_ces.model_copy(update={"history": {"cancer_history": "present"}})
    for answered in asked[1:]:
        cancer_known = apply_answer(cancer_known, Q[answered], "no to all")
    _, steps = interview(kb, negative, case=cancer_known)
    flags = [i for i, phase, _ in steps if phase == "red_flag"]
    assert screen.id not in flags
    assert {Q[i].target for i in flags} >= {"unexplained_weight_loss", "night_pain", "numbness", "weakness"}
    order = [Q[i].target for i in flags]
    # with a cancer history numbness or weakness could mean spinal metastatic compression (emergency): before the
    # items that can only raise the case to urgent
    assert max(order.index("numbness"), order.index("weakness")) < min(
        order.index("unexplained_weight_loss"), order.index("night_pain")
    )
    # a group with one open item left: that item is asked directly
    one_left = no_ces.model_copy(
        update={"red_flags": {**no_ces.red_flags, "progressive_weakness": "absent", "unable_to_walk": "absent"}}
    )
    _, steps = interview(kb, negative, case=one_left)
    flags = [i for i, phase, _ in steps if phase == "red_flag"]
    assert "rfs_progressive_deficit" not in flags and any(Q[i].target == "gait_disturbance" for i in flags)


def test_a_catalogue_without_screens_asks_every_red_flag_item(kb: KnowledgeBase) -> None:
    plain = tuple(q for q in default_questions() if not q.screen)
    case, asked = Case(), list[str]()
    while (q := next_question_in(plain, case, kb, asked)) is not None:
        case, asked = apply_answer(case, q, negative(q)), [*asked, q.id]
    assert {Q[i].target for i in asked if Q[i].kind == "red_flag"} == set(RED_FLAG_KEYS)


def next_question_in(
    catalogue: tuple[Question, ...], case: Case, kb: KnowledgeBase, asked: list[str]
) -> Question | None:
    choice = choose_question(case, kb, "patient", asked, questions=catalogue)
    return choice.question if choice else None


def test_load_questions_builds_screens_for_the_given_knowledge_base(kb: KnowledgeBase) -> None:
    assert load_questions(kb=kb) == default_questions()


_REPLY = st.sampled_from(["yes", "no", "no to all", "not sure", "don't know", "4", "normal", "negative", "none"])


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(replies=st.lists(_REPLY, min_size=len(Q), max_size=len(Q)), audience=st.sampled_from(["patient", "clinician"]))
def test_an_item_is_absent_only_when_someone_said_no_to_it(
    kb: KnowledgeBase, replies: list[str], audience: Audience
) -> None:
    feed = iter(replies)

    def answer(q: Question) -> str:
        reply = next(feed)
        try:
            parse_answer(q, reply)
        except ValueError:
            return "don't know"
        return reply

    case, steps = interview(kb, answer, audience)
    denied = {k for i, _, v in steps if v == "no" for k in (Q[i].items if Q[i].screen else (Q[i].target,))}
    for table in (case.red_flags, case.history):
        assert {k for k, v in table.items() if v == "absent"} <= denied
    ids = [s[0] for s in steps]
    assert len(ids) == len(set(ids))
    if outcome(case, kb).triage.level != "emergency":  # the red-flag phase covered every red flag
        screened = {k for i in ids if Q[i].screen for k in Q[i].items}
        assert all(k in screened or any(Q[i].target == k for i in ids) for k in RED_FLAG_KEYS)


def test_building_twice_changes_nothing(kb: KnowledgeBase) -> None:
    assert build_screens(default_questions(), kb) == default_questions()
