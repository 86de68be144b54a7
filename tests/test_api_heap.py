"""Start-up settles the heap: what is alive is frozen and the young generation is collected less often."""

from __future__ import annotations

import gc

from nerveroot.api.app import YOUNG_GENERATION, settle_heap
from nerveroot.knowledge.base import KnowledgeBase


def test_start_up_freezes_the_heap_and_spaces_young_collections(kb: KnowledgeBase) -> None:
    before = gc.get_threshold()
    try:
        settle_heap(kb)
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (YOUNG_GENERATION, *before[1:])
    finally:
        gc.set_threshold(*before)
