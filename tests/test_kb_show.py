"""`nerveroot kb show` renders a record for people: words and numbered citations, never JSON fragments."""

from __future__ import annotations

import re

import pytest

from nerveroot.interfaces.kb_render import render_entity, render_source
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


FIELD_FRAGMENT = re.compile(r"\((?:[a-z][a-z ]*: [^;()]+; )+[a-z][a-z ]*: ")
"""'(effect: reduce dose; max mg per day: 300; detail: …)': fields listed as key: value pairs."""


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("tramadol", ["Age 65 or over — lower dose, at most 300 mg a day: ", "NICE NG59 (2020) — not recommended"]),
        ("cauda_equina_syndrome", ["Saddle anaesthesia — likelihood ratio 8, estimated: ", "G83.4: Cauda equina"]),
        ("l5", ["L4-L5 disc — paracentral zone, traversing root"]),
        ("odi", ["Pain intensity — scored 0–5", "Minimal disability — range 0–20"]),
        ("mri_lumbar", ["Recommended: Suspected cauda equina syndrome: emergency MRI."]),
        ("ces_saddle_anaesthesia", ["Findings: Saddle anaesthesia"]),
        ("bladder_dysfunction", ["Red flag: New bladder disturbance (possible cauda equina syndrome)"]),
        ("ces_symptoms_over_14_days", []),
        ("ces_symptoms_longstanding", ["began more than 14 days ago"]),
    ],
)
def test_list_items_read_as_sentences(kb: KnowledgeBase, name: str, expected: list[str]) -> None:
    """Each kind's list items lead with what they are about, then qualifiers in words; other records by name."""
    kind, record = kb.find(name)
    text = render_entity(kb, kind, record)
    body = " ".join(text.split("\nSources:")[0].split())
    assert not FIELD_FRAGMENT.search(body), FIELD_FRAGMENT.search(body)
    for words in expected:
        assert words in body, (words, body)


def test_every_kind_lists_fields_in_words(kb: KnowledgeBase) -> None:
    for kind, records in kb.entities.items():
        for record in records.values():
            body = " ".join(render_entity(kb, kind, record).split("\nSources:")[0].split())
            assert not FIELD_FRAGMENT.search(body), (kind, record.id)
            assert "['" not in body, (kind, record.id)


def test_a_source_id_shows_the_source_and_who_cites_it(kb: KnowledgeBase) -> None:
    text = render_source(kb, "nice_ng59_2020")
    assert text.startswith(kb.sources["nice_ng59_2020"].title)
    assert "Cited by" in text and "  - Amitriptyline" in text
