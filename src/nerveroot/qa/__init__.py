"""Cited answers from the knowledge base: `ask(question, kb) -> Answer`, rendered by `to_markdown` / `to_json`.

Deterministic and offline: BM25 retrieval over citable statements built from the knowledge base (plus any
ingested user documents), assembled into sections where every statement carries numbered citations.
"""

from __future__ import annotations

from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.qa.answer import answer_question
from nerveroot.qa.cards import Encoder
from nerveroot.qa.context import AskSettings, QaContext
from nerveroot.qa.corpus import Statement, build_corpus
from nerveroot.qa.llm import ChatClient, HttpChatClient, check_sentences, rephrase
from nerveroot.qa.models import Answer, AnswerStatement, Reference, Section
from nerveroot.qa.render import to_json, to_markdown
from nerveroot.qa.semantic import default_encoder
from nerveroot.qa.store import Document, DocumentStore

_CONTEXTS: dict[tuple[int, str, str, str], QaContext] = {}


def context(kb: KnowledgeBase, documents: list[Document] | None = None, encoder: Encoder | None = None) -> QaContext:
    """The retrieval context for a knowledge base and document set, built once and cached (up to 4).

    ``encoder`` adds the meaning signal to card choice; by default the one `semantic.default_encoder` gives
    (none unless NERVEROOT_SEMANTIC=1 and the `semantic` extra is installed)."""
    docs = documents or []
    encoder = encoder or default_encoder()
    name = encoder.name if encoder is not None else ""
    key = (id(kb), kb.content_hash, ",".join(f"{d.id}:{d.sha256}" for d in docs), name)
    if key not in _CONTEXTS:
        if len(_CONTEXTS) >= 4:
            _CONTEXTS.pop(next(iter(_CONTEXTS)))
        extra = [s for d in docs for s in d.statements()]
        _CONTEXTS[key] = QaContext.build(kb, extra, [d.source() for d in docs], encoder)
    return _CONTEXTS[key]


def ask(
    question: str,
    kb: KnowledgeBase,
    *,
    documents: list[Document] | None = None,
    settings: AskSettings | None = None,
    client: ChatClient | None = None,
) -> Answer:
    """Answer a question about lumbar nerve root compression with cited statements, or abstain.

    ``documents`` adds ingested user documents as citable sources; ``client`` optionally rephrases the direct
    answer (checked sentence by sentence against the statements it cites; otherwise the answer stands).
    """
    answer = answer_question(context(kb, documents), question, settings)
    return rephrase(answer, client, drug_names(kb)) if client is not None else answer


def ask_default(
    question: str,
    *,
    documents: list[Document] | None = None,
    settings: AskSettings | None = None,
    client: ChatClient | None = None,
) -> Answer:
    """`ask` over the packaged knowledge base, its built context saved on disk between runs (`snapshot`)."""
    from nerveroot.knowledge.loader import default_knowledge
    from nerveroot.qa import snapshot

    docs = documents or []
    if not snapshot.enabled():
        return ask(question, default_knowledge(), documents=docs, settings=settings, client=client)
    ctx = snapshot.load_or_build(docs, lambda: context(default_knowledge(), docs))
    answer = answer_question(ctx, question, settings)
    return rephrase(answer, client, drug_names(ctx.kb)) if client is not None else answer


def drug_names(kb: KnowledgeBase) -> frozenset[str]:
    """Lower-case names and synonyms of every drug, for checking that a rephrasing names no new medicine."""
    return frozenset(
        name.lower()
        for record in kb.entities.get("drugs", {}).values()
        for name in [record.name, *record.synonyms]
        if len(name) > 3 and "(" not in name
    )


__all__ = [
    "Answer",
    "AnswerStatement",
    "AskSettings",
    "ChatClient",
    "Document",
    "DocumentStore",
    "HttpChatClient",
    "QaContext",
    "Reference",
    "Section",
    "Statement",
    "ask",
    "ask_default",
    "build_corpus",
    "check_sentences",
    "context",
    "drug_names",
    "to_json",
    "to_markdown",
]
