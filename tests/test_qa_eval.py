"""Cited answers on the packaged knowledge base: BEIR floors, answer-suite targets, dose guard, citations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from nerveroot.interfaces.cli_qa import TARGETS
from nerveroot.knowledge.models import Drug
from nerveroot.qa import QaContext
from nerveroot.qa.corpus import record_sources
from nerveroot.qa.dose import exceeds_ceiling
from nerveroot.qa.evaluation import (
    evaluate_retrieval,
    evaluate_suite,
    load_suite,
    ndcg_at_k,
    read_jsonl,
    read_qrels,
    recall_at_k,
)

ROOT = Path(__file__).resolve().parents[1]
BEIR = ROOT / "eval" / "qa"
SUITE = ROOT / "tests" / "data" / "qa_answers.yaml"


def test_metrics_match_hand_computed_values() -> None:
    qrels = {"q": {"a": 2, "b": 1}}
    run = {"q": {"x": 3.0, "a": 2.0, "b": 1.0}}
    idcg = 2 + 1 / 1.584962500721156
    assert ndcg_at_k(qrels, run) == pytest.approx((2 / 1.584962500721156 + 1 / 2) / idcg)
    assert recall_at_k(qrels, run, k=2) == 0.5 and recall_at_k(qrels, run) == 1.0


def test_statement_ids_are_unique_and_cite_their_own_record(ctx: QaContext) -> None:
    ids = [s.id for s in ctx.statements]
    assert len(ids) == len(set(ids))
    for statement in ctx.statements:
        assert {c.source for c in statement.cites} <= record_sources(ctx.kb, statement), statement.id


def test_no_statement_prints_a_dose_above_the_lowest_recognised_maximum(ctx: QaContext) -> None:
    drugs = ctx.kb.entities["drugs"]
    for statement in ctx.statements:
        if statement.kind == "drugs" and statement.field != "conflict":
            drug = drugs[statement.record_id]
            assert isinstance(drug, Drug)
            assert not exceeds_ceiling(statement.text, drug), statement.id


def test_committed_beir_corpus_has_the_live_ids_and_every_judged_id(ctx: QaContext) -> None:
    committed = {row["_id"] for row in read_jsonl(BEIR / "corpus.jsonl")}
    judged = {doc for rels in read_qrels(BEIR / "qrels" / "test.tsv").values() for doc in rels}
    assert judged <= committed
    assert committed == {s.id for s in ctx.statements}, "regenerate with `nerveroot qa-eval --write-corpus`"
    queries = [json.loads(line)["_id"] for line in (BEIR / "queries.jsonl").read_text(encoding="utf-8").splitlines()]
    assert set(read_qrels(BEIR / "qrels" / "test.tsv")) == set(queries)


def test_retrieval_meets_the_floors(ctx: QaContext) -> None:
    floors = yaml.safe_load((BEIR / "expected.yaml").read_text(encoding="utf-8"))["floors"]
    report = evaluate_retrieval(ctx, BEIR)
    assert report.missing_ids == []
    assert report.ndcg_at_10 >= floors["nDCG@10"]
    assert report.recall_at_10 >= floors["Recall@10"]


def test_answer_suite_meets_the_targets(ctx: QaContext) -> None:
    items = load_suite(SUITE)
    assert len(items) >= 60 and sum(not i.in_scope for i in items) >= 10
    report = evaluate_suite(ctx, items)
    assert report.key_fact_recall >= TARGETS["key_fact_recall"], report.misses
    assert report.citation_validity == TARGETS["citation_validity"] == 1.0, report.citation_problems
    assert report.abstention_accuracy == TARGETS["abstention_accuracy"] == 1.0, report.misses
    assert report.answer_rate >= 0.9, report.misses


def test_gabapentinoid_answer_follows_nice_and_does_not_set_the_model_answer_against_it(ctx: QaContext) -> None:
    from nerveroot.qa.answer import answer_question
    from nerveroot.qa.context import low_grade

    answer = answer_question(ctx, "Can gabapentin or pregabalin help my L4 nerve pain after running?")
    guideline = next(s for s in answer.sections if s.title == "From the Guidelines")
    assert any("not recommended" in s.text for s in guideline.statements)
    # with the room of a 500-word answer a disagreement between two reference sources may be shown (which muscle
    # the L4 root drives), but never the model answer set against NICE
    disagree = [st for s in answer.sections if s.title == "Where sources disagree" for st in s.statements]
    by_id = {st.id: st for st in ctx.statements}
    assert not any(low_grade(ctx, by_id[st.statement_id]) for st in disagree)
    assert not any("gabapentin" in st.text.lower() or "pregabalin" in st.text.lower() for st in disagree)
    nice = {r.n for r in answer.references if r.source_id == "nice_ng59_2020"}
    assert nice and any(set(s.citations) & nice for s in guideline.statements)


IRRELEVANT = {
    "Is gabapentin recommended for sciatica?": r"acupuncture|phonophoresis|magnesium|chondroitin|tramadol|driv",
    "What is the maximum dose of naproxen?": r"duloxetine|amitriptyline|meloxicam|gabapentin|pregabalin|tizanidine",
    "Should I have an MRI for sciatica?": r"gluteal|tendinopathy|discogenic cyst|CT myelography",
    "How long does a pinched L4 nerve take to heal?": r"dermatome|paracentral lesion|steroid use",
    "What does a reduced knee jerk mean?": r"Achilles|hamstring",
}


@pytest.mark.parametrize("question", sorted(IRRELEVANT))
def test_answers_leave_out_other_topics_and_repeat_nothing(ctx: QaContext, question: str) -> None:
    import re

    from nerveroot.qa.answer import answer_question

    answer = answer_question(ctx, question)
    assert not answer.abstained
    body = "\n".join([answer.answer, *(s.text for s in answer.statements())])
    assert not re.search(IRRELEVANT[question], body, re.IGNORECASE), body
    texts = [s.text for s in answer.statements()]
    assert len(texts) == len(set(texts)), "a statement appears twice"
    topics = [t.split(". ")[0] for t in texts if t.startswith("Sources disagree on")]
    assert len(topics) == len(set(topics)), "a disagreement appears twice"
    for section in answer.sections:
        assert len(section.statements) <= 5, section.title
        if section.title.startswith("From the Research"):
            assert not any(s.statement_id.startswith("faq:") for s in section.statements)


def test_recommendation_question_states_the_guideline_stance_plainly(ctx: QaContext) -> None:
    from nerveroot.qa.answer import answer_question

    answer = answer_question(ctx, "Is gabapentin recommended for sciatica?")
    assert answer.answer.startswith("No. NICE NG59 (2020) advises against gabapentin")
    assert "Where sources disagree" not in [s.title for s in answer.sections]
    asked = answer_question(ctx, "Why do some sources disagree with NICE about gabapentin for sciatica?")
    disagree = [s for s in asked.sections if s.title == "Where sources disagree"]
    assert len(disagree) == 1 and any("gabapentinoids for sciatica" in s.text for s in disagree[0].statements)
