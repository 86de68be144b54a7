"""Shared fixtures: the knowledge base and the answering context, built once per session; a fixed audit key;
deterministic property tests."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.loader import default_knowledge
from nerveroot.qa import QaContext, context

os.environ.setdefault("NERVEROOT_AUDIT_KEY", "7e57" * 16)  # tests never write a key file into the real data dir
os.environ.setdefault("NERVEROOT_SNAPSHOT", "0")  # nor an `ask` snapshot (tests/test_qa_snapshot.py turns it on)

# Property tests draw the same examples on every run and machine (no example database replaying an old failure),
# so a result here is the result CI gets; a test's own settings still choose how many examples.
settings.register_profile("deterministic", derandomize=True, database=None, print_blob=True)
settings.load_profile("deterministic")


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return default_knowledge()


@pytest.fixture(scope="session")
def ctx(kb: KnowledgeBase) -> QaContext:
    """The answering context over the default knowledge base, shared by the cited-answer tests."""
    return context(kb)
