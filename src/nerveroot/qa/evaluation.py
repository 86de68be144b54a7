"""Evaluation kept in the repository: BEIR-format retrieval metrics and the cited-answer suite."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from nerveroot.qa.answer import answer_question
from nerveroot.qa.context import QaContext
from nerveroot.qa.corpus import Statement, record_sources
from nerveroot.qa.models import Answer

Run = dict[str, dict[str, float]]
Qrels = dict[str, dict[str, int]]


# ---- BEIR files and metrics ------------------------------------------------------------------------------------


def corpus_rows(statements: Iterable[Statement]) -> list[dict[str, str]]:
    """BEIR corpus rows: `_id`, `title`, `text`."""
    return [{"_id": s.id, "title": s.title, "text": s.text} for s in statements]


def write_corpus(statements: Iterable[Statement], path: Path) -> int:
    """Write corpus.jsonl (one row per statement) and return the row count."""
    rows = corpus_rows(statements)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return len(rows)


def read_jsonl(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def read_queries(path: Path) -> dict[str, str]:
    return {row["_id"]: row["text"] for row in read_jsonl(path)}


def read_qrels(path: Path) -> Qrels:
    """qrels/test.tsv: header `query-id corpus-id score`, tab-separated."""
    qrels: Qrels = {}
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if not line.strip() or (i == 0 and line.startswith("query-id")):
            continue
        qid, doc, score = line.split("\t")
        qrels.setdefault(qid, {})[doc] = int(score)
    return qrels


def ndcg_at_k(qrels: Qrels, run: Run, k: int = 10) -> float:
    """Mean nDCG@k with linear gains (the trec_eval `ndcg_cut` definition)."""
    values = []
    for qid, rels in qrels.items():
        ranked = sorted(run.get(qid, {}).items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        dcg = sum(rels.get(doc, 0) / math.log2(i + 2) for i, (doc, _) in enumerate(ranked))
        ideal = sorted((r for r in rels.values() if r > 0), reverse=True)[:k]
        idcg = sum(r / math.log2(i + 2) for i, r in enumerate(ideal))
        values.append(dcg / idcg if idcg else 0.0)
    return sum(values) / len(values) if values else 0.0


def recall_at_k(qrels: Qrels, run: Run, k: int = 10) -> float:
    """Mean share of each query's relevant statements found in its top k."""
    values = []
    for qid, rels in qrels.items():
        relevant = {d for d, r in rels.items() if r > 0}
        top = {d for d, _ in sorted(run.get(qid, {}).items(), key=lambda kv: (-kv[1], kv[0]))[:k]}
        values.append(len(relevant & top) / len(relevant) if relevant else 0.0)
    return sum(values) / len(values) if values else 0.0


@dataclass(frozen=True)
class RetrievalReport:
    ndcg_at_10: float
    recall_at_10: float
    queries: int
    missing_ids: list[str]


def evaluate_retrieval(ctx: QaContext, directory: Path) -> RetrievalReport:
    """nDCG@10 and Recall@10 of the live index on eval/qa queries and qrels."""
    queries = read_queries(directory / "queries.jsonl")
    qrels = read_qrels(directory / "qrels" / "test.tsv")
    known = {s.id for s in ctx.statements}
    missing = sorted({d for rels in qrels.values() for d in rels} - known)
    run = ctx.index.search_many({q: queries[q] for q in qrels}, top_k=10)
    return RetrievalReport(ndcg_at_k(qrels, run), recall_at_k(qrels, run), len(qrels), missing)


# ---- answer suite ----------------------------------------------------------------------------------------------


class SuiteItem(BaseModel):
    """One question of tests/data/qa_answers.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    question: str
    origin: str = Field(description="Where the question comes from (seed FAQ, guideline FAQ, dosing, out of scope).")
    in_scope: bool = True
    key_facts: list[str] = Field(default_factory=list, description="Regexes (case-insensitive) a correct answer holds.")


def load_suite(path: Path) -> list[SuiteItem]:
    return [SuiteItem.model_validate(item) for item in yaml.safe_load(path.read_text(encoding="utf-8"))]


def answer_body(answer: Answer) -> str:
    """The text a key fact must be found in: direct answer and statements (references excluded)."""
    return "\n".join([answer.answer, *(s.text for s in answer.statements())])


def citation_checks(ctx: QaContext, answer: Answer) -> tuple[int, list[str]]:
    """(citations checked, problems): each citation must resolve to a reference and to a source of its record."""
    by_id = {s.id: s for s in ctx.statements}
    refs = {r.n: r.source_id for r in answer.references}
    checked, problems = 0, []
    pairs = [(s.statement_id, s.citations) for s in answer.statements()]
    marks = [int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)]
    lead_sources = {src for sid in answer.answer_statement_ids for src in record_sources(ctx.kb, by_id[sid])}
    for n in marks:
        checked += 1
        if refs.get(n) not in lead_sources:
            problems.append(f"direct answer cites [{n}] which is not a source of its statements")
    for sid, numbers in pairs:
        allowed = record_sources(ctx.kb, by_id[sid])
        for n in numbers:
            checked += 1
            if refs.get(n) not in allowed:
                problems.append(f"{sid} cites [{n}] = {refs.get(n)!r}, not a source of its record")
    return checked, problems


@dataclass
class SuiteReport:
    questions: int = 0
    facts: int = 0
    facts_found: int = 0
    citations: int = 0
    citation_problems: list[str] = field(default_factory=list)
    out_of_scope: int = 0
    out_of_scope_abstained: int = 0
    in_scope: int = 0
    in_scope_answered: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def key_fact_recall(self) -> float:
        return self.facts_found / self.facts if self.facts else 0.0

    @property
    def citation_validity(self) -> float:
        return 1 - len(self.citation_problems) / self.citations if self.citations else 1.0

    @property
    def abstention_accuracy(self) -> float:
        return self.out_of_scope_abstained / self.out_of_scope if self.out_of_scope else 1.0

    @property
    def answer_rate(self) -> float:
        return self.in_scope_answered / self.in_scope if self.in_scope else 1.0


def evaluate_suite(ctx: QaContext, items: list[SuiteItem]) -> SuiteReport:
    """Key-fact recall, citation validity and abstention accuracy over the suite."""
    report = SuiteReport()
    for item in items:
        answer = answer_question(ctx, item.question)
        report.questions += 1
        if not item.in_scope:
            report.out_of_scope += 1
            report.out_of_scope_abstained += answer.abstained
            if not answer.abstained:
                report.misses.append(f"{item.id}: answered an out-of-scope question")
            continue
        report.in_scope += 1
        report.in_scope_answered += not answer.abstained
        body = answer_body(answer)
        for fact in item.key_facts:
            report.facts += 1
            if re.search(fact, body, re.IGNORECASE):
                report.facts_found += 1
            else:
                report.misses.append(f"{item.id}: missing /{fact}/")
        checked, problems = citation_checks(ctx, answer)
        report.citations += checked
        report.citation_problems += [f"{item.id}: {p}" for p in problems]
    return report


def format_report(suite: SuiteReport | None, retrieval: RetrievalReport | None) -> str:
    lines = []
    if suite is not None:
        lines += [
            f"questions: {suite.questions} ({suite.in_scope} in scope, {suite.out_of_scope} out of scope)",
            f"key-fact recall: {suite.key_fact_recall:.1%} ({suite.facts_found}/{suite.facts})",
            f"citation validity: {suite.citation_validity:.1%} ({suite.citations} citations, "
            f"{len(suite.citation_problems)} invalid)",
            f"out-of-scope abstention: {suite.abstention_accuracy:.1%} "
            f"({suite.out_of_scope_abstained}/{suite.out_of_scope})",
            f"in-scope answered: {suite.answer_rate:.1%} ({suite.in_scope_answered}/{suite.in_scope})",
        ]
    if retrieval is not None:
        lines += [
            f"BEIR ({retrieval.queries} queries): nDCG@10 {retrieval.ndcg_at_10:.4f}, "
            f"Recall@10 {retrieval.recall_at_10:.4f}",
        ]
        if retrieval.missing_ids:
            lines.append(f"qrels ids missing from the corpus: {', '.join(retrieval.missing_ids)}")
    return "\n".join(lines)


__all__ = [
    "RetrievalReport",
    "SuiteItem",
    "SuiteReport",
    "evaluate_retrieval",
    "evaluate_suite",
    "format_report",
    "ndcg_at_k",
    "recall_at_k",
    "write_corpus",
]
