"""Sections of template notes: a "Field: value" line whose value is a denial ("Red flags: none", "DH: nil") makes
the findings that section screens absent (data/sections.yaml). Other lines are left to the phrase rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from typing import Any

from nerveroot.knowledge.yaml_io import load_yaml


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    path = resources.files("nerveroot.intake") / "data" / "sections.yaml"
    data: dict[str, Any] = load_yaml(path.read_text(encoding="utf-8"))
    return data


@lru_cache(maxsize=1)
def _lines() -> list[tuple[re.Pattern[str], tuple[str, ...]]]:
    denial = _data()["denials"]
    out = []
    for spec in _data()["sections"].values():
        header = "|".join(spec["headers"])
        # "CES screen: negative", and without the colon "CES screen negative", "Red flags nil"; a line or one item of a
        # comma list ("Obs fine, CES screen neg, neuro NAD")
        pattern = (
            rf"(?:^|(?<=[\n|;.,]))[ \t]*(?:{header})(?:[ \t]*[:=-][ \t]*|[ \t]+)(?:{denial})"
            r"[ \t]*(?:\.(?=\s|$)|(?=$|[\n|;,]))"
        )
        out.append((re.compile(pattern, re.IGNORECASE | re.MULTILINE), tuple(spec["absent"])))
    return out


def denied_sections(text: str) -> Iterator[tuple[str, int, int]]:
    """(finding id, start, end) for every finding a denied section line makes absent."""
    for pattern, absent in _lines():
        for mt in pattern.finditer(text):
            start = mt.start() + len(mt.group()) - len(mt.group().lstrip())
            for fid in absent:
                yield fid, start, mt.end()
