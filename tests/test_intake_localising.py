"""Root-localising findings read from free text: reflexes, provocative tests, body regions and their sides.

Each case stands for a phrasing family (an attribute before a reflex, a result opening a list of tests, a region
named by a clinical or lay word), not for one sentence; the property tests vary the words of a family.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nerveroot.intake import parse_note
from nerveroot.knowledge.base import KnowledgeBase

FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _found(kb: KnowledgeBase, text: str) -> set[tuple[str, str, str | None]]:
    return {(f.id, f.status, f.side) for f in parse_note(text, kb).findings}


@pytest.mark.parametrize(
    ("text", "expected", "not_expected"),
    [
        # a result word straight before the reflex is its attribute, not the next clause's
        (
            "Increased patellar reflexes, and decreased strength in both legs.",
            {("brisk_reflexes", "present", "left"), ("patellar_reflex_reduced", "absent", "right")},
            {("patellar_reflex_reduced", "present", "left")},
        ),
        ("Absent L ankle jerk, knee jerks normal.", {("achilles_reflex_reduced", "present", "left")}, set()),
        ("KJ↓ AJ normal on the R", {("achilles_reflex_reduced", "absent", "right")}, set()),
        # reflex nouns: deep tendon reflexes, stretch reflexes, an abbreviation in brackets
        (
            "Patellar deep tendon reflexes (DTRs) and ankle DTRs are absent bilaterally.",
            {("patellar_reflex_reduced", "present", "right"), ("achilles_reflex_reduced", "present", "left")},
            set(),
        ),
        (
            "The patellar stretch reflex is absent on the left and normal on the right.",
            {("patellar_reflex_reduced", "present", "left"), ("patellar_reflex_reduced", "absent", "right")},
            set(),
        ),
        ("Hyperactive deep tendon reflexes below T10.", {("brisk_reflexes", "present", None)}, set()),
        # test results: a bare "+" closing the note, a result opening a list, intolerance, a lay description
        ("crossed SLR +", {("crossed_slr_positive", "present", None)}, set()),
        (
            "She tested positive for the slump test and the straight leg raise.",
            {("slr_positive", "present", None), ("slump_positive", "present", None)},
            set(),
        ),
        ("Unable to tolerate straight leg raising on the left.", {("slr_positive", "present", "left")}, set()),
        ("That straight leg test made it shoot down my leg.", {("slr_positive", "present", None)}, set()),
        ("Positive for fever; SLR to 85 degrees.", {("slr_positive", "absent", None)}, set()),
        ("O/E SLR 35 L, DTRs symmetrical.", {("slr_positive", "present", "left")}, set()),
        ("SLR rt 45", {("slr_positive", "present", "right")}, set()),
        (
            "Straight leg raise: 50 R, 90 L",
            {("slr_positive", "present", "right"), ("slr_positive", "absent", "left")},
            set(),
        ),
        ("SLR 3/52 ago was positive", set(), {("slr_positive", "absent", None)}),
        # strength: a muscle inside a bilateral phrase, a spaced movement name, a bracketed synonym, a repeated side
        (
            "Weakness of bilateral quadriceps.",
            {("weak_knee_extension", "present", "left"), ("weak_knee_extension", "present", "right")},
            set(),
        ),
        ("Right leg: plantar flexion is impaired.", {("weak_ankle_plantarflexion", "present", "right")}, set()),
        (
            "Right ankle inversion (tibialis posterior) and right ankle eversion (peronei) 3/5.",
            {("weak_ankle_inversion", "present", "right"), ("weak_ankle_eversion", "present", "right")},
            set(),
        ),
        (
            "L TA and R EHL 4/5",
            {("weak_great_toe_extension", "present", "right")},
            {("weak_ankle_dorsiflexion", "present", "right")},
        ),
        (
            "EHL 4/5, TA normal",
            {("weak_great_toe_extension", "present", None)},
            {("weak_ankle_dorsiflexion", "present", None)},
        ),
        ("4/5 strength in the right tibialis anterior.", {("weak_ankle_dorsiflexion", "present", "right")}, set()),
        (
            "Deep tendon reflexes were 2+ at the knees and absent at the ankles.",
            {("patellar_reflex_reduced", "absent", "left"), ("achilles_reflex_reduced", "present", "right")},
            {("patellar_reflex_reduced", "present", "left")},
        ),
        (
            "Pain down the back of my right leg.",
            {("pain:posterior_thigh", "present", "right"), ("pain:posterior_calf", "present", "right")},
            set(),
        ),
        # an inability is weakness, not a denial; verb forms of a movement
        (
            "She could not walk on her toes on the right side.",
            {("weak_ankle_plantarflexion", "present", "right")},
            set(),
        ),
        ("He could not dorsiflex the right ankle.", {("weak_ankle_dorsiflexion", "present", "right")}, set()),
        ("No weakness of dorsiflexion.", {("weak_ankle_dorsiflexion", "absent", None)}, set()),
        # regions in clinical and lay words
        (
            "Decreased pinprick over the right anterolateral calf and dorsolateral aspect of the foot.",
            {("sensory:lateral_leg", "present", "right"), ("sensory:dorsum_foot", "present", "right")},
            {("sensory:lateral_foot", "present", "right")},
        ),
        ("Numbness in the side of my left thigh.", {("sensory:anterolateral_thigh", "present", "left")}, set()),
        ("lat thigh pain R", {("pain:anterolateral_thigh", "present", "right")}, set()),
        ("Reduced sensation over the left anteromedial thigh.", {("sensory:anterior_thigh", "present", "left")}, set()),
        ("Pain radiating to the posterior aspect of her left hip.", {("pain:buttock", "present", "left")}, set()),
        ("pins n needles on the top of my foot", {("sensory:dorsum_foot", "present", None)}, set()),
        (
            "Decreased sensation over the anteromedial aspect of the right leg.",
            {("sensory:medial_leg", "present", "right")},
            set(),
        ),
        (
            "Dysaesthesia in the right L4 distribution.",
            {("root_distribution", "present", "right"), ("sensory:medial_leg", "present", "right")},
            set(),
        ),
        # LT beside a sensory word is light touch, not left
        (
            "↓ LT ant thigh R",
            {("sensory:anterior_thigh", "present", "right")},
            {("sensory:anterior_thigh", "present", "left")},
        ),
        # a region inside a knowledge-base symptom phrase is still a region
        ("pain in my groin, right side", {("pain:groin", "present", "right")}, set()),
        # a presenting history is the current complaint; a bare history of is not
        (
            "He presented to the emergency department with a history of pain in the right buttock for an hour.",
            {("pain:buttock", "present", "right")},
            set(),
        ),
        ("He has a history of pain in the right buttock.", set(), {("pain:buttock", "present", "right")}),
        (
            "A previously healthy woman with a 3 month history of back pain radiating to her left buttock.",
            {("pain:buttock", "present", "left")},
            set(),
        ),
        ("Severe pain in the right buttock for 15 minutes.", {("pain:buttock", "present", "right")}, set()),
        # drugs: a name inside a history phrase, abbreviations, combination products read as their parts
        (
            "Renal transplant 2019, on tacrolimus/MMF.",
            {("drug:tacrolimus", "present", None), ("drug:mycophenolate", "present", None)},
            set(),
        ),
        (
            "Taking naproxen and cocodamol.",
            {("drug:codeine", "present", None), ("drug:paracetamol", "present", None)},
            {("drug:co-codamol", "present", None)},
        ),
        ("Stopped co-codamol.", set(), {("drug:codeine", "present", None)}),
    ],
)
def test_localising_phrasing_families(
    kb: KnowledgeBase,
    text: str,
    expected: set[tuple[str, str, str | None]],
    not_expected: set[tuple[str, str, str | None]],
) -> None:
    found = _found(kb, text)
    assert expected <= found
    assert not (not_expected & found)


_REFLEX = {"patellar": ["knee jerk", "patellar reflex", "knee deep tendon reflex"], "achilles": ["ankle jerk", "AJ"]}
_RESULT = {"present": ["absent", "reduced", "diminished"], "absent": ["normal", "2+", "brisk"]}


@given(
    reflex=st.sampled_from(sorted(_REFLEX)),
    index=st.integers(0, 2),
    status=st.sampled_from(sorted(_RESULT)),
    word=st.integers(0, 2),
    side=st.sampled_from(["left", "right"]),
    layout=st.sampled_from(["{name} {result} on the {side}", "{side} {name} {result}", "{name}: {result} ({side})"]),
)
@FAST
def test_a_graded_reflex_keeps_its_result_and_side(
    kb: KnowledgeBase, reflex: str, index: int, status: str, word: int, side: str, layout: str
) -> None:
    names = _REFLEX[reflex]
    text = "Reflexes: " + layout.format(name=names[index % len(names)], result=_RESULT[status][word], side=side)
    assert (f"{reflex}_reflex_reduced", status, side) in _found(kb, text)


_REGIONS = {
    "dorsum_foot": ["the top of my foot", "the dorsum of the foot", "the dorsolateral foot"],
    "lateral_leg": ["the outside of my leg", "the anterolateral calf", "the lateral shin"],
    "anterolateral_thigh": ["the side of my thigh", "the lateral thigh", "the outer thigh"],
    "buttock": ["the buttock", "the back of my hip", "the gluteal region"],
}
_SENSORY = ["numbness", "pins and needles", "tingling", "pins n needles", "reduced light touch"]


@given(
    region=st.sampled_from(sorted(_REGIONS)),
    index=st.integers(0, 2),
    word=st.sampled_from(_SENSORY),
    side=st.sampled_from(["left", "right"]),
)
@FAST
def test_a_sensory_region_is_read_with_its_side(
    kb: KnowledgeBase, region: str, index: int, word: str, side: str
) -> None:
    text = f"{word.capitalize()} over {_REGIONS[region][index]}, {side} side."
    assert (f"sensory:{region}", "present", side) in _found(kb, text)
