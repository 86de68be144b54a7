"""Values with units: vital signs, blood tests and bladder scans (data/measures.yaml) → observations and findings.

A measure is read where one of its names is followed, within a few linking words, by a number and an optional
unit ("CRP 110 mg/L", "temperature is 103°F", "WBC 17,500", "BP 85/50", "PVR 450"). A temperature with a degree
unit needs no name ("febrile, 38.9 °C"). Units are converted to the Case unit; implausible values are ignored. A
normal range written after the value ("(normal 0-30)", "(normal, <1 mg/dL)") replaces the default upper limit, and a
raised verdict in brackets ("CRP 6.21 (mildly raised)") stands in for it.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from nerveroot.knowledge.yaml_io import load_yaml

_LINK = (
    r"\s*(?:(?:\([^)\d]{1,40}\)|\(|level|levels|count|value|reading|rate|of|was|is|were|are|at|measured|:|=|-|,|"
    r"approximately|approx\.?|about|around|~|greater than|more than|over|>|<|elevated|raised|high|up|to|only|"
    r"normal|recorded|noted|found|had|has|have|increased|risen|rose|rising|fallen|fell|decreased|dropped|"
    r"showed|shows|showing|revealed|reveals|demonstrated|and there was|there was|with)\s*){0,5}"
)
_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_NORMAL = re.compile(
    r"[^.;\n]{0,25}?\(?\s*(?:normal|reference|ref\.?|nr|n)\s*(?:range|value|limit)?\s*[:,]?\s*"
    r"(?:<\s*|up to\s*|0?\.?\d*\s*(?:-|–|to)\s*)(\d+(?:\.\d+)?)",
    re.IGNORECASE,
)
_VERDICT = re.compile(
    r"\s*\(\s*(?:(?:slightly|mildly|moderately|markedly|very|a little)\s+)?"
    r"(?:raised|elevated|high|increased|↑)\s*\)",
    re.IGNORECASE,
)
"""The writer's own verdict in brackets after a value: "CRP 6.21 (mildly raised)"."""
_OPS: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


@dataclass(frozen=True)
class Reading:
    """One measured value, in the Case unit, with the findings it gives."""

    measure: str
    value: float | None  # None when implausible in the Case unit (the writer's range still judged it)
    start: int
    end: int
    findings: tuple[tuple[str, str], ...]  # (finding id, status)


@lru_cache(maxsize=1)
def measures() -> dict[str, Any]:
    path = resources.files("nerveroot.intake") / "data" / "measures.yaml"
    data: dict[str, Any] = load_yaml(path.read_text(encoding="utf-8"))
    return data


def _unit_alternatives(spec: dict[str, Any]) -> str:
    units = [u for u in spec["units"] if u]
    return r"(?:\s*(" + "|".join(units) + r"))?" if units else "()"


def _value(spec: dict[str, Any]) -> str:
    """A measure's value: the number, the second of a pair ("158/92") and the unit."""
    second = r"\s*/\s*\d{1,3}" if spec.get("pair") else ""
    return rf"{_NUMBER}(?!\d|\.\d){second}{_unit_alternatives(spec)}(?!\w)"


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    out = {}
    for name, spec in measures().items():
        names = "|".join(spec["names"])
        out[name] = re.compile(rf"(?<!\w)(?:{names})(?!\w){_LINK}(?<![\w.]){_value(spec)}", re.IGNORECASE)
    out["temperature_bare"] = re.compile(rf"(?<![\w.]){_NUMBER}\s*(°\s?[cf]|º\s?[cf])(?!\w)", re.IGNORECASE)
    return out


_TREND = re.compile(
    r"\s*(?:->|-->|=>|→|then|(?:rising|rose|up|increasing|climbing) to|,? now|[-–](?=\s*\d)|to(?=\s*\d))\s*",
    re.IGNORECASE,
)
"""Words joining a reading to a later one of the same measure, or to the top of a range: "T 37.5 -> 38.9", "HR 98 then
124", "T 37.8-38" (the worst counts)."""


@lru_cache(maxsize=1)
def _later() -> dict[str, re.Pattern[str]]:
    """Per measure: a value written straight after a trend word, without the measure's name."""
    return {name: re.compile(_value(spec), re.IGNORECASE) for name, spec in measures().items()}


def _factor(spec: dict[str, Any], unit: str | None, value: float) -> float:
    factor = next(
        (f for pattern, f in spec["units"].items() if pattern and unit and re.fullmatch(pattern, unit, re.IGNORECASE)),
        spec["units"].get("", 1),
    )
    if factor == "fahrenheit":
        return (value - 32) * 5 / 9
    if factor == "auto":  # a white count written per microlitre ("16,100") is thousands
        return value / 1000 if value >= 200 else value
    return value * float(factor)


def _read(name: str, spec: dict[str, Any], text: str, mt: re.Match[str]) -> Reading | None:
    raw = float(mt.group(1).replace(",", ""))
    unit = mt.group(2)
    if name == "temperature_c" and raw > 45 and not unit:  # "temp 101" without a unit is Fahrenheit
        unit = "f"
    value = _factor(spec, unit, raw)
    normal = _NORMAL.match(text, mt.end())
    upper = spec.get("upper")
    if upper is not None and normal:  # the writer's own range, in the writer's unit
        value, upper = raw, float(normal.group(1))
    elif not spec["range"][0] <= value <= spec["range"][1]:
        return None
    found = []
    verdict = _VERDICT.match(text, mt.end()) if upper is not None else None
    for fid, op, threshold, status in spec["findings"]:
        limit = upper if threshold == "upper" else float(threshold)
        if verdict and threshold == "upper":  # the writer's verdict beats the default limit
            if op in (">", ">="):
                found.append((fid, status))
        elif limit is not None and _OPS[op](value, limit):
            found.append((fid, status))
    if normal and upper is not None:
        value = _factor(spec, unit, raw)
    if not spec["range"][0] <= value <= spec["range"][1]:
        return Reading(name, None, mt.start(), mt.end(), tuple(found)) if found else None
    return Reading(name, round(value, 1), mt.start(), mt.end(), tuple(found))


def readings(text: str) -> Iterator[Reading]:
    """Every measured value in the text, first reading of a span only."""
    taken: list[tuple[int, int]] = []
    specs = measures()
    for name, pattern in _patterns().items():
        spec = specs["temperature_c" if name == "temperature_bare" else name]
        for mt in pattern.finditer(text):
            if any(a < mt.end() and mt.start() < b for a, b in taken):
                continue
            measure = "temperature_c" if name == "temperature_bare" else name
            reading = _read(measure, spec, text, mt)
            if reading is None:
                continue
            taken.append((mt.start(), mt.end()))
            yield reading
            end = mt.end()  # later readings in a trend ("T 37.5 -> 38.9 on repeat"): the worst of them counts
            while (joint := _TREND.match(text, end)) and (later := _later()[measure].match(text, joint.end())):
                follow = _read(measure, spec, text, later)
                if follow is None:
                    break
                taken.append((later.start(), later.end()))
                yield follow
                end = later.end()
