"""The intake pipeline's faster regex matcher gives exactly medspaCy's matches."""

from __future__ import annotations

from medspacy.common.regex_matcher import RegexMatcher

from nerveroot.intake.pipeline import _OneTextRegexMatcher, pipeline
from nerveroot.knowledge.base import KnowledgeBase

NOTES = (
    "45 year old man, left leg pain to the outer foot for 2 weeks, ankle jerk absent, SLR positive at 40 degrees.",
    "No saddle anaesthesia. ?CES - urinary retention 450 mL, bilat. leg weakness, KE 4+/5 L.",
    "Pain wakes him at 3am; no history of cancer, wt↓ 5 kg, on naproxen 500mg bd and amitriptyline.",
)


def _regex_matchers(kb: KnowledgeBase) -> list[RegexMatcher]:
    found = []
    for name in ("medspacy_target_matcher", "medspacy_context"):
        component = pipeline(kb).get_pipe(name)
        inner = getattr(component, f"_{type(component).__name__}__matcher")
        found.append(inner._MedspacyMatcher__regex_matcher)
    return found


def test_both_medspacy_components_read_the_text_once(kb: KnowledgeBase) -> None:
    assert [type(m) for m in _regex_matchers(kb)] == [_OneTextRegexMatcher, _OneTextRegexMatcher]


def test_matches_equal_medspacys_own(kb: KnowledgeBase) -> None:
    nlp = pipeline(kb)
    for text in NOTES:
        doc = nlp.make_doc(text)
        for matcher in _regex_matchers(kb):
            ours = matcher(doc)
            assert ours, text
            assert ours == RegexMatcher.__call__(matcher, doc)
