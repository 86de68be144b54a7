"""`nerveroot kb show` renders a record for people: words and numbered citations, never JSON fragments."""

from __future__ import annotations

import re

import pytest

from nerveroot.interfaces.kb_render import render_entity
from nerveroot.knowledge.base import KnowledgeBase

JSON_FRAGMENT = re.compile(r'[\[{]\s*"|"\s*:\s*[\[{"]')


@pytest.mark.parametrize("name", ["ibuprofen", "l4", "saddle_anaesthesia"])
def test_named_records_read_as_text(kb: KnowledgeBase, name: str) -> None:
    kind, record = kb.find(name)
    text = render_entity(kb, kind, record)
    assert not JSON_FRAGMENT.search(text), text
    assert record.name in text.splitlines()[0]
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", text.split("\nSources:")[0])}
    listed = {int(n) for n in re.findall(r"^\s+\[(\d+)\]", text.split("\nSources:")[1], re.M)}
    assert cited and cited == listed, "every citation mark has its source listed, and no source is listed unused"
    for cite in record.sources:
        assert cite.locator in text


def test_every_kind_renders_without_json(kb: KnowledgeBase) -> None:
    for kind, records in kb.entities.items():
        for record in records.values():
            assert not JSON_FRAGMENT.search(render_entity(kb, kind, record)), (kind, record.id)
