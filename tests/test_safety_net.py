"""Issue 11's safety net: a red-flag mention that the parse does not turn into a present or absent finding is listed
to confirm under its group, whatever the phrasing family, the spelling or who is telling the story."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nerveroot.assessment.assess import assess
from nerveroot.intake import parse_note
from nerveroot.intake.models import Intake
from nerveroot.intake.safety import lexicon
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.loader import default_knowledge

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
GROUPS: dict[str, list[str]] = lexicon()["fuzzy"]["words"]
LONG_WORDS = sorted((w, g) for g, words in GROUPS.items() for w in words if len(w) >= 7)
REAL_WORDS = frozenset(lexicon()["fuzzy"]["ignore"])
"""Real words the lexicon keeps off the misspelling list because they sit close to a red-flag word."""
TEMPLATES = ["Patient reports {} today.", "{}", "Also mentions {} since Monday.", "Query {} - not examined.", "{}?"]
# Phrase families of lay and clinical shorthand, one or more per group (not the wording of any evaluation item).
FAMILIES = [
    ("can't feel when I wipe", "cauda_equina"),
    ("numb down below", "cauda_equina"),
    ("wet myself twice", "cauda_equina"),
    ("PR tone ↓", "cauda_equina"),
    ("PVR 450", "cauda_equina"),
    ("retention", "cauda_equina"),
    ("incontinent of urine", "cauda_equina"),
    ("saddle anaesthesia", "cauda_equina"),
    ("perianal numbness", "cauda_equina"),
    ("sheet-like numbness over the buttocks", "cauda_equina"),
    ("takes ages to start peeing", "cauda_equina"),
    ("fevers and rigors", "infection"),
    ("night sweats", "infection"),
    ("IVDU", "infection"),
    ("used IV drugs", "infection"),
    ("immunosuppressed", "infection"),
    ("hip joint injection last week", "infection"),
    ("weight loss", "cancer"),
    ("Hx breast Ca", "cancer"),
    ("a lump in my breast", "cancer"),
    ("had a fall", "fracture"),
    ("RTC yesterday", "fracture"),
    ("on apixaban", "haematoma"),
    ("takes Lixiana", "haematoma"),
    ("on blood thinners", "haematoma"),
    ("passed out with the pain", "vascular"),
    ("leg cold and white", "vascular"),
    ("foot just flops", "progressive_deficit"),
    ("legs getting weaker by the day", "progressive_deficit"),
]


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return default_knowledge()


def _caught(intake: Intake, group: str) -> bool:
    """The group's mention is understood (a fact of the group read present or absent) or listed to confirm."""
    facts = set(lexicon()["groups"][group]["facts"])
    read = any(f.id in facts and f.status != "unknown" for f in intake.findings)
    return read or group in {m.group for m in intake.to_confirm}


@given(st.sampled_from(FAMILIES), st.sampled_from(TEMPLATES))
@FAST
def test_no_phrase_family_is_silently_dropped(kb: KnowledgeBase, family: tuple[str, str], template: str) -> None:
    text, group = family
    assert _caught(parse_note(template.format(text), kb), group)


@given(st.sampled_from(LONG_WORDS), st.integers(min_value=1, max_value=40), st.sampled_from("aeiouxyz"))
@FAST
def test_a_misspelt_red_flag_word_is_listed(kb: KnowledgeBase, pick: tuple[str, str], at: int, letter: str) -> None:
    word, group = pick
    i = 1 + at % (len(word) - 2)  # an interior letter: a changed ending reads as another form of the word
    typo = word[:i] + letter + word[i + 1 :]
    intake = parse_note(f"Patient mentions {typo} today.", kb)
    assert typo == word or _caught(intake, group)


@pytest.mark.slow
def test_every_interior_one_letter_misspelling_of_a_long_red_flag_word_is_listed(kb: KnowledgeBase) -> None:
    missed = [
        typo
        for word, group in LONG_WORDS
        for i in range(1, len(word) - 1)
        for letter in "aeiouxyz"
        if (typo := word[:i] + letter + word[i + 1 :]) != word
        and typo not in REAL_WORDS  # a real word one letter away ("peroneal" of "perineal") is not a misspelling
        and not _caught(parse_note(f"Patient mentions {typo} today.", kb), group)
    ]
    assert not missed


def test_real_words_near_a_red_flag_word_are_not_listed(kb: KnowledgeBase) -> None:
    assert not parse_note("PMH: hypertension. Stress fractures of the tibia as a runner.", kb).to_confirm
    assert not parse_note("Common peroneal nerve palsy.", kb).to_confirm


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("My dad (76) has been wetting and soiling himself.", "bladder_dysfunction"),
        ("My nan says both legs feel numb.", "bilateral_leg_symptoms"),
        ("Progressive weakness in his legs bilaterally.", "progressive_weakness"),
    ],
)
def test_red_flags_are_read_when_a_relative_tells_or_a_longer_phrase_overlaps(
    kb: KnowledgeBase, text: str, finding: str
) -> None:
    assert parse_note(text, kb).status(finding) == "present"


def test_a_relatives_past_disease_is_still_family_history(kb: KnowledgeBase) -> None:
    assert parse_note("Mother had breast cancer.", kb).case.status("cancer_history") == "unknown"


def test_a_motor_sign_with_no_side_reaches_the_case(kb: KnowledgeBase) -> None:
    """A foot drop in a note that names no side enters the Case as a muscle test with its side not stated, so the
    severe-deficit rule sees it ('TA 3/5' in a note naming no leg was once only 'weakness', and routine)."""
    intake = parse_note("O/E: severe foot drop, tibialis anterior 0/5.", kb)
    assert [(t.movement, t.side, t.grade) for t in intake.case.strength] == [("ankle_dorsiflexion", None, 0)]
    assert assess(intake.case, kb).triage.level == "emergency"
    assert parse_note("Back pain 3 days. TA 3/5, EHL 3/5.", kb).case.status("weakness") == "present"
    assert assess(parse_note("Back pain 3 days. TA 3/5, EHL 3/5.", kb).case, kb).triage.level == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "CES screen negative.",
        "CES negative.",
        "PR not done.",
        "Saddle sensation not tested.",
        "Bladder scan 50ml post void.",
    ],
)
def test_a_screen_denied_an_exam_not_done_or_a_normal_measure_is_not_a_mention_to_confirm(
    kb: KnowledgeBase, text: str
) -> None:
    assert not parse_note(text, kb).to_confirm


def test_a_high_post_void_residual_is_retention(kb: KnowledgeBase) -> None:
    assert parse_note("Bladder scan 650ml post void.", kb).status("bladder_dysfunction") == "present"


@pytest.mark.parametrize("text", ["Hx bowel ca 2019, back pain worse at night.", "PMH: bladder cancer, treated."])
def test_a_red_flag_word_inside_another_finding_is_not_a_mention(kb: KnowledgeBase, text: str) -> None:
    intake = parse_note(text, kb)
    assert intake.status("cancer_history") == "present"
    assert "cauda_equina" not in {m.group for m in intake.to_confirm}
