"""Shared fixtures: the packaged knowledge base, loaded once per session; a fixed audit key for the records."""

from __future__ import annotations

import os

import pytest

from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.loader import default_knowledge

os.environ.setdefault("NERVEROOT_AUDIT_KEY", "7e57" * 16)  # tests never write a key file into the real data dir
os.environ.setdefault("NERVEROOT_SNAPSHOT", "0")  # nor an `ask` snapshot (tests/test_qa_snapshot.py turns it on)


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return default_knowledge()
