"""Knowledge content for the questions people ask: new cards load, cite a located source, and are found by
retrieval from a paraphrase; the loader refuses a card without a source or without a locator."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from nerveroot.errors import KnowledgeValidationError
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.loader import _data_dir, load_knowledge
from nerveroot.qa.cards import CardIndex
from nerveroot.qa.corpus import build_corpus

PARAPHRASES: dict[str, str] = {
    "faq_surgery_persistent_sciatica": "sciatica from a disc for months despite physio: is an operation better now?",
    "faq_risk_stratification": "which questionnaire sorts back pain patients by risk to decide how intensive care is",
    # report words, tests, roots, mimics and medicine cautions
    "faq_root_map": "numb patch on the outer edge of my foot and little toe - which spinal root is that?",
    "faq_level_to_root": "a slipped disc between the L5 and S1 vertebrae squashes which nerve?",
    "faq_neuro_exam_accuracy": "can a doctor tell the trapped root by tapping my knee and ankle and testing strength?",
    "faq_xray_ct": "would a plain x-ray of my lower back show a disc problem?",
    "faq_stenosis_grades": "radiologist wrote severe narrowing of the central canal - what does that grade mean?",
    "faq_peroneal_vs_l5": "my foot slaps when I walk after sitting cross-legged for hours, is that my spine?",
    "faq_tramadol_cautions": "is it okay to combine tramadol with my sertraline?",
}
"""A card and a question, worded here, that it should answer (found among the first three cards)."""

RESEARCH = (
    "bailey_2020",
    "oliveira_2020",
    "suri_2012",
    "weinstein_2010",
    "statpearls_spondylolisthesis",
    "qureshi_2007",
    "liu_2013_foot_drop",
)
"""Trials, reviews and cohorts added for outcome and natural-history figures."""


@pytest.fixture(scope="module")
def cards(kb: KnowledgeBase) -> CardIndex:
    return CardIndex.from_kb(kb)


@pytest.mark.parametrize(("faq_id", "question"), sorted(PARAPHRASES.items()))
def test_new_card_is_found_from_a_paraphrase(cards: CardIndex, faq_id: str, question: str) -> None:
    assert faq_id in [hit.faq_id for hit in cards.rank(question, 3)]


@pytest.mark.parametrize("faq_id", sorted(PARAPHRASES))
def test_new_card_cites_known_sources_with_locators(kb: KnowledgeBase, faq_id: str) -> None:
    card = kb.entities["faqs"][faq_id]
    assert card.sources and all(c.source in kb.sources and c.locator.strip() for c in card.sources)


def test_research_sources_become_citable_study_findings(kb: KnowledgeBase) -> None:
    found = {s.record_id for s in build_corpus(kb) if s.kind == "sources"}
    assert set(RESEARCH) <= found


def _faq_copy(tmp_path: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    target = tmp_path / "data"
    shutil.copytree(_data_dir(), target)
    path = target / "faqs.yaml"
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(next(r for r in records if r["id"] == "faq_surgery_persistent_sciatica"))
    path.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


@pytest.mark.parametrize(
    ("edit", "where"),
    [
        (lambda r: r.update(sources=[]), "faqs.yaml[faq_surgery_persistent_sciatica].sources"),
        (lambda r: r["sources"][0].update(locator=""), "faqs.yaml[faq_surgery_persistent_sciatica].sources.0.locator"),
        (lambda r: r["sources"][0].pop("locator"), "faqs.yaml[faq_surgery_persistent_sciatica].sources.0.locator"),
    ],
)
def test_card_without_source_or_locator_is_refused(tmp_path: Path, edit, where: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(KnowledgeValidationError) as err:
        load_knowledge(_faq_copy(tmp_path, edit))
    assert where in [p.path for p in err.value.problems]
