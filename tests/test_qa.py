"""Unit tests of the cited-answer machinery on a small knowledge base built in a temporary directory."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from nerveroot.knowledge import KnowledgeBase, load_knowledge
from nerveroot.knowledge.models import ENTITY_MODELS, Drug
from nerveroot.qa import Answer, ask, build_corpus, context, to_json, to_markdown
from nerveroot.qa.corpus import record_sources
from nerveroot.qa.dose import amounts, ceiling, exceeds_ceiling
from nerveroot.qa.llm import Evidence, check_sentences, evidence_of, rephrase
from nerveroot.qa.scope import check_scope
from nerveroot.qa.text import tokenize

MINI = {
    "sources": """
- {id: nice_ng59_2020, title: "NICE NG59 2020 update", kind: guideline, year: 2020, authors: NICE,
   url: "https://www.nice.org.uk/guidance/ng59"}
- {id: nice_cks_sciatica, title: "CKS sciatica", kind: guideline, year: 2024, authors: NICE CKS}
- {id: vanderwindt_2010, title: "Physical examination for lumbar radiculopathy", kind: systematic_review,
   year: 2010, authors: "van der Windt DAWM et al.", doi: 10.1002/14651858.CD007431.pub2,
   notes: "19 studies; straight leg raise sensitivity 0.92, specificity 0.28."}
- {id: us_otc_drug_facts, title: "OTC Drug Facts", kind: drug_label, year: 2020, authors: FDA}
- {id: nhs_medicines, title: "NHS medicines", kind: patient_information, year: 2023, authors: NHS}
- {id: seed_000, title: "Model answer", kind: expert_answer, year: 2025, authors: "Q&A engine"}
""",
    "drugs": """
- id: ibuprofen
  name: Ibuprofen
  synonyms: [Nurofen, Advil]
  description: A non-steroidal anti-inflammatory painkiller.
  sources: [{source: nhs_medicines, locator: ibuprofen}]
  drug_class: NSAID
  usual_doses:
    - {text: "200-400 mg up to three times a day", sources: [{source: nhs_medicines, locator: dose}]}
    - {text: "600 mg or 800 mg per dose", sources: [{source: seed_000, locator: item 2}]}
    - {text: "2,400 mg a day in divided doses", sources: [{source: nhs_medicines, locator: dose}]}
  max_daily:
    - {jurisdiction: US_OTC, mg_per_day: 1200, limit: up to 10 days,
       sources: [{source: us_otc_drug_facts, locator: directions}]}
    - {jurisdiction: UK, mg_per_day: 2400, sources: [{source: nhs_medicines, locator: dose}]}
  timing: With or after food.
  adverse_common: [indigestion, nausea]
  cautions:
    - {factor: ckd, effect: avoid, detail: NSAIDs can worsen kidney function.,
       sources: [{source: nhs_medicines, locator: cautions}]}
  sciatica_positions:
    - {body: NICE NG59 (2020), stance: insufficient_evidence, detail: NSAID benefit for sciatica is uncertain.,
       sources: [{source: nice_ng59_2020, locator: "rec 1.2.x"}]}
- id: gabapentin
  name: Gabapentin
  synonyms: [gabapentinoid]
  description: An antiepileptic also used for nerve pain.
  sources: [{source: nice_ng59_2020, locator: "rec 1.2.x"}]
  drug_class: gabapentinoid
  usual_doses:
    - {text: "300 mg at night at first", sources: [{source: nhs_medicines, locator: gabapentin}]}
  timing: Increase slowly.
  adverse_common: [drowsiness, dizziness]
  sciatica_positions:
    - {body: NICE NG59 (2020), stance: not_recommended, detail: Do not offer gabapentinoids for sciatica.,
       sources: [{source: nice_ng59_2020, locator: "rec 1.2.x"}]}
  conflicts:
    - topic: gabapentinoids for sciatica
      claims:
        - {says: Gabapentinoids may ease remaining pain after an injection.,
           sources: [{source: seed_000, locator: research 5}]}
        - {says: Gabapentinoids should not be offered for sciatica.,
           sources: [{source: nice_ng59_2020, locator: "rec 1.2.x"}]}
      guideline_position: NICE advises against gabapentinoids for sciatica.
      note: nerveroot follows NICE.
""",
    "red_flags": """
- id: cauda_equina
  name: Cauda equina syndrome warning signs
  synonyms: [CES]
  description: Numbness in the saddle area, new bladder or bowel trouble, or weakness in both legs.
  sources: [{source: nice_cks_sciatica, locator: red flags}]
  group: cauda_equina
  urgency: emergency
  question: Any numbness between the legs or new trouble passing urine?
  findings: [saddle_anaesthesia]
  action: Go to an emergency department now for same-day MRI.
""",
    "findings": """
- id: saddle_anaesthesia
  name: Saddle anaesthesia
  synonyms: [saddle numbness]
  lay_terms: [numb between the legs]
  description: Loss of feeling in the area that would touch a saddle.
  sources: [{source: nice_cks_sciatica, locator: red flags}]
  category: red_flag
  red_flag: cauda_equina
- id: slr_positive
  name: Positive straight leg raise
  synonyms: [SLR, Lasegue sign]
  description: Leg pain reproduced when the straight leg is lifted.
  sources: [{source: vanderwindt_2010, locator: results}]
  category: provocative
  accuracy:
    - {target: radiculopathy, sensitivity: 0.92, specificity: 0.28,
       sources: [{source: vanderwindt_2010, locator: results}]}
""",
    "faqs": """
- id: sciatica_recovery
  name: Does sciatica get better on its own
  description: Natural course of sciatica.
  question: Does sciatica get better without treatment?
  answer: Most sciatica from a disc settles over weeks to a few months without surgery.
  sources: [{source: nice_cks_sciatica, locator: prognosis}]
""",
}


def write_kb(directory: Path, files: dict[str, str]) -> KnowledgeBase:
    for stem in ["sources", *ENTITY_MODELS]:
        (directory / f"{stem}.yaml").write_text(textwrap.dedent(files.get(stem, "")), encoding="utf-8")
    return load_knowledge(directory)


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return write_kb(tmp_path_factory.mktemp("kb"), MINI)


def test_statement_ids_are_structural_unique_and_stable(kb: KnowledgeBase, tmp_path: Path) -> None:
    ids = [s.id for s in build_corpus(kb)]
    assert len(ids) == len(set(ids))
    assert {"drug:ibuprofen:max_daily:US_OTC", "drug:gabapentin:position:nice_ng59_2020",
            "drug:gabapentin:conflict:gabapentinoids_for_sciatica", "red_flag:cauda_equina:action",
            "finding:slr_positive:accuracy:radiculopathy", "faq:sciatica_recovery:answer",
            "source:vanderwindt_2010:notes"} <= set(ids)  # fmt: skip
    edited = dict(MINI, drugs=MINI["drugs"].replace("A non-steroidal", "An entirely reworded non-steroidal"))
    assert [s.id for s in build_corpus(write_kb(tmp_path, edited))] == ids


def test_every_statement_cites_sources_of_its_own_record(kb: KnowledgeBase) -> None:
    for statement in build_corpus(kb):
        assert {c.source for c in statement.cites} <= record_sources(kb, statement), statement.id


def test_dose_guard_never_prints_an_amount_above_the_lowest_maximum(kb: KnowledgeBase) -> None:
    ibuprofen = kb.get("drugs", "ibuprofen", Drug)
    assert ceiling(ibuprofen) == 1200
    assert amounts("1,200 mg or 1.2 g; 200-400 mg", "mg") == [1200, 1200, 200, 400]
    assert exceeds_ceiling("2,400 mg a day", ibuprofen) and not exceeds_ceiling("600 mg or 800 mg", ibuprofen)
    texts = [s.text for s in build_corpus(kb) if s.record_id == "ibuprofen"]
    assert not any(exceeds_ceiling(t, ibuprofen) for t in texts)
    assert any("600 mg or 800 mg" in t for t in texts) and not any("2400" in t or "2,400" in t for t in texts)
    assert any("Maximum daily dose of Ibuprofen: do not take more than 1200 mg in 24 hours" in t for t in texts)


def test_tokenize_splits_levels_and_stems() -> None:
    assert tokenize("L4-5 herniated discs, running") == ["l4", "l5", "herniat", "disc", "run"]
    assert tokenize("L4–L5 compression") == ["l4", "l5", "compress"]


def test_synonym_expansion_finds_statements_by_another_name(kb: KnowledgeBase) -> None:
    hits = context(kb).index.search("Lasegue test accuracy", k=3)
    assert hits[0].statement.record_id == "slr_positive"
    hits = context(kb).index.search("is Nurofen safe with kidney disease", k=3)
    assert "drug:ibuprofen:caution:ckd" in {h.statement.id for h in hits}


def test_guideline_answer_cites_and_keeps_a_low_grade_source_out_of_the_disagreements(kb: KnowledgeBase) -> None:
    answer = ask("Should I take gabapentin for sciatica?", kb)
    assert not answer.abstained
    titles = [s.title for s in answer.sections]
    assert titles[0] == "From the Guidelines" and "Where sources disagree" not in titles
    asked = ask("Why do some websites disagree with NICE about gabapentin for sciatica?", kb)
    assert "Where sources disagree" in [s.title for s in asked.sections]
    guideline = next(s for s in answer.sections if s.title == "From the Guidelines")
    assert any("Gabapentin: not recommended" in s.text for s in guideline.statements)
    nice = next(r.n for r in answer.references if r.source_id == "nice_ng59_2020")
    assert answer.answer.startswith("No. NICE NG59 (2020) advises against gabapentin") and f"[{nice}]" in answer.answer
    assert [r.n for r in answer.references] == list(range(1, len(answer.references) + 1))
    cited = {n for s in answer.statements() for n in s.citations}
    assert cited <= {r.n for r in answer.references}


def test_entity_linking_names_implies_and_keeps_generic_words_apart(kb: KnowledgeBase) -> None:
    links = context(kb).linker.link("Do gabapentinoids help sciatica when the Lasegue sign is positive?")
    assert ("drugs", "gabapentin") in links.specific and ("findings", "slr_positive") in links.direct
    assert links.verdict and "treatment" in links.topics
    plain = context(kb).linker.link("How long does sciatica take to heal?")
    assert not plain.specific and {"long", "heal"} <= plain.focus and "prognosis" in plain.topics


def test_answer_keeps_only_statements_about_what_the_question_names(kb: KnowledgeBase) -> None:
    answer = ask("What is the maximum daily dose of gabapentin?", kb)
    ids = [s.statement_id for s in answer.statements()]
    assert ids and all(i.startswith("drug:gabapentin:") for i in ids), ids
    assert not any(s.title == "When to seek care now" for s in answer.sections)


def test_faq_answers_form_a_plain_language_section_not_research(kb: KnowledgeBase) -> None:
    answer = ask("Does sciatica get better without treatment?", kb)
    assert answer.answer.startswith("Most sciatica from a disc settles")
    titles = {s.title: s for s in answer.sections}
    assert [s.statement_id for s in titles["Plain-language answer"].statements] == ["faq:sciatica_recovery:answer"]
    research = [s for t, sec in titles.items() if t.startswith("From the Research") for s in sec.statements]
    assert not any(s.statement_id.startswith("faq:") for s in research)


def test_patient_information_is_labelled_and_kept_out_of_guidelines(kb: KnowledgeBase) -> None:
    answer = ask("how should I take ibuprofen and is it safe with kidney disease", kb)
    for section in answer.sections:
        for statement in section.statements:
            sources = {answer.references[n - 1].source_id for n in statement.citations}
            if sources <= {"nhs_medicines", "seed_000"}:
                assert statement.label == "patient information"
                assert section.title != "From the Guidelines"


def test_json_has_exactly_the_documented_keys(kb: KnowledgeBase) -> None:
    data = json.loads(to_json(ask("What is the maximum daily dose of ibuprofen?", kb)))
    assert set(data) == {"question", "abstained", "answer", "sections", "references", "kb_version"}
    assert set(data["sections"][0]) == {"title", "statements"}
    assert set(data["sections"][0]["statements"][0]) == {"text", "citations"}
    assert set(data["references"][0]) == {"n", "source_id", "title", "year", "url"}
    assert "1200 mg" in data["answer"] and "2400" not in json.dumps(data)


def test_markdown_has_sections_and_numbered_references(kb: KnowledgeBase) -> None:
    text = to_markdown(ask("numbness between the legs and sciatica, when is it an emergency?", kb))
    assert "## When to seek care now" in text and "emergency department" in text
    assert "## References" in text and "\n1. " in text


@pytest.mark.parametrize(
    "question",
    [
        pytest.param("What is the treatment for cervical radiculopathy?", id="cervical"),
        pytest.param("My neck hurts and my arm tingles", id="neck-arm"),
        pytest.param("What is a good recipe for banana bread?", id="unrelated"),
        pytest.param("", id="empty"),
    ],
)
def test_out_of_scope_questions_abstain_without_claims(kb: KnowledgeBase, question: str) -> None:
    answer = ask(question, kb)
    assert answer.abstained and not answer.sections and not answer.references
    assert "[" not in answer.answer


def test_in_scope_question_without_evidence_abstains(kb: KnowledgeBase) -> None:
    answer = ask("lumbar quasar flux capacitor", kb)
    assert answer.abstained and "no statement" in answer.answer


def test_scope_uses_knowledge_base_names() -> None:
    assert check_scope("Is gabapentin any good?", frozenset({"gabapentin"})).in_scope
    assert not check_scope("Is gabapentin any good?", frozenset()).in_scope


class FakeClient:
    def __init__(self, reply: str | Exception) -> None:
        self.reply = reply

    def complete(self, system: str, user: str) -> str:
        if isinstance(self.reply, Exception):
            raise self.reply
        return self.reply


def test_rephrase_keeps_a_draft_only_when_every_sentence_rests_on_cited_evidence(kb: KnowledgeBase) -> None:
    """Issue 12: the model may rephrase or select, never add; otherwise the deterministic answer stands."""
    answer = ask("What is the maximum daily dose of ibuprofen?", kb)
    lead = evidence_of(answer)[0].text
    number = next(n for n in lead.replace(",", "").split() if n.isdigit())
    names = frozenset({"ibuprofen", "naproxen", "gabapentin"})
    good = rephrase(answer, FakeClient(f"Do not take more than {number} mg of ibuprofen a day. {{E0}}"), names)
    assert good.rephrased and good.answer.startswith(f"Do not take more than {number} mg of ibuprofen a day. [")
    assert set(good.answer_statement_ids) == set(answer.answer_statement_ids)
    for bad in (
        f"Do not take more than {number} mg a day. {{E0}} Take 5000 mg if needed. {{E0}}",  # new number
        f"Do not take more than {number} mg a day.",  # no evidence ids
        f"Do not take more than {number} mg a day. {{E99}}",  # unknown id
        f"Do not take more than {number} mg of naproxen a day. {{E0}}",  # new drug
        f"Do not take more than {number} mg a day for L5 pain. {{E0}}",  # new nerve root
        f"You can take up to {number} mg a day. {{E0}}",  # negation dropped
        ValueError("down"),
    ):
        assert rephrase(answer, FakeClient(bad), names).answer == answer.answer, bad


def test_sentence_checker_follows_the_cited_statement() -> None:
    evidence = [Evidence("Surgery is not routine.", (1,), ("a",)), Evidence("L4 supplies the knee jerk.", (2,), ("b",))]
    assert check_sentences("The L4 root gives the knee jerk. {E1}", evidence, frozenset()) == [
        ("The L4 root gives the knee jerk.", {1})
    ]
    assert check_sentences("The L4 root gives the knee jerk. {E0}", evidence, frozenset()) == []


def test_abstained_answer_is_valid_json(kb: KnowledgeBase) -> None:
    answer = Answer.model_validate_json(ask("carpal tunnel?", kb).model_dump_json())
    assert answer.abstained


def test_http_client_reads_env_and_posts_openai_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    import httpx

    from nerveroot.qa import HttpChatClient

    monkeypatch.delenv("NERVEROOT_LLM_BASE_URL", raising=False)
    assert HttpChatClient.from_env() is None
    monkeypatch.setenv("NERVEROOT_LLM_BASE_URL", "http://llm.invalid/v1/")
    monkeypatch.setenv("NERVEROOT_LLM_MODEL", "m")
    client = HttpChatClient.from_env()
    assert client is not None and client.base_url == "http://llm.invalid/v1"
    seen: dict[str, object] = {}

    def fake_post(url: str, **kwargs: object) -> httpx.Response:
        seen.update(url=url, **kwargs)
        return httpx.Response(200, json={"choices": [{"message": {"content": "ok [1]."}}]},
                              request=httpx.Request("POST", url))  # fmt: skip

    monkeypatch.setattr(httpx, "post", fake_post)
    assert client.complete("sys", "user") == "ok [1]."
    assert seen["url"] == "http://llm.invalid/v1/chat/completions"
    assert seen["json"] == {"model": "m", "temperature": 0, "messages": [
        {"role": "system", "content": "sys"}, {"role": "user", "content": "user"}]}  # fmt: skip
