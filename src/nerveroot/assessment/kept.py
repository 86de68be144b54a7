"""Bounded stores of results kept per all they read: one mechanism for every such store of the assessment."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def kept(store: dict[K, V], limit: int, key: K, build: Callable[[], V]) -> V:
    """The value kept under ``key``, else ``build()`` kept there; once ``limit`` values are kept the store starts
    again (bounded memory; a value is built afresh at worst)."""
    found = store.get(key)
    if found is None:
        if len(store) >= limit:
            store.clear()
        found = store[key] = build()
    return found
