"""Shared fixtures: the packaged knowledge base, loaded once per session."""

from __future__ import annotations

import pytest

from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.loader import default_knowledge


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return default_knowledge()
