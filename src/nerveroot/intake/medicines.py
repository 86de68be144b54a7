"""Medicines and spinal procedures: names from data/medicines.yaml → drug findings, Case facts and procedures.

A drug named in the present ("on apixaban", "Meds: Eliquis 5 mg bd") is a current medicine: its class makes the
Case facts of that class present (an anticoagulant → anticoagulant use and the drug-safety anticoagulant flag). A
drug after a stop word in its clause ("stopped warfarin", "allergic to aspirin") is not current. A negated class
word ("not on blood thinners") makes the class facts absent; a negated single drug says nothing of its class.
A procedure counts only when the clause says it happened ("had", "after", "ago", "s/p"…); its ``days_ago`` comes
from the clause's time words (timing.py). A procedure within ``RECENT_DAYS`` (or undated injection, puncture or
spinal anaesthetic) is a recent spinal procedure.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from rapidfuzz import fuzz, process
from spacy.tokens import Doc, Span

from nerveroot.intake.timing import days_ago
from nerveroot.knowledge.yaml_io import load_yaml

RECENT_DAYS = 90
"""Spinal procedures within about three months count as recent for infection and haematoma risk (clinical.md)."""
_WHEN = r"(?:night|week|month|mon|tues|wednes|thurs|fri|satur|sun)\w*"
"""A period named after 'last' or 'next': 'last week', 'next Tuesday'."""
_DONE = re.compile(
    r"\b(?:had|has had|have had|underwent|undergone|received|given|performed|done|after|following|post|s/p|"
    r"status post|ago|previous|prior|recent(?:ly)?|since|was|were|got|complicat\w*|failed|tried|trial of|now|twice|"
    r"repeat(?:ed)?|treated with|treatment with|despite|today|yesterday|earlier|this (?:morning|afternoon)|"
    rf"last {_WHEN})\b|\bpost-|\b\d\s?x\b|\bx\s?\d\b",
    re.IGNORECASE,
)
# A procedure only planned ("booked for an epidural next week") has not happened unless a past verb or time says it
# did ("underwent a planned caesarean under spinal anaesthesia", "had one last month, another booked").
_PAST = re.compile(r"\b(?:had|has had|have had|underwent|undergone|received|performed|ago|yesterday|last)\b", re.I)
_PLANNED = re.compile(
    r"\b(?:booked|planned|scheduled|awaiting|waiting list|listed for|referred for|will have|is to have|tomorrow|"
    rf"next {_WHEN})\b",
    re.IGNORECASE,
)
_CLAUSE = re.compile(r"[;.]\s|\n")


@lru_cache(maxsize=1)
def medicine_data() -> dict[str, Any]:
    path = resources.files("nerveroot.intake") / "data" / "medicines.yaml"
    data: dict[str, Any] = load_yaml(path.read_text(encoding="utf-8"))
    return data


PROCEDURE_FINDINGS: dict[str, str] = medicine_data()["procedure_findings"]


@lru_cache(maxsize=1)
def _plain_names() -> dict[str, str]:
    """Every plain (non-pattern) drug name, lower case, to its generic name."""
    out = {}
    for generic, entry in medicine_data()["drugs"].items():
        for name in (generic, *entry["names"]):
            if "(?" not in name and " " not in name:
                out[name.lower()] = generic
    return out


def _drug_expected(text: str, start: int, end: int) -> bool:
    """Whether a drug name is expected at text[start:end]: a drug history line, a taking verb before, a dose after."""
    spec = medicine_data()["fuzzy"]
    return bool(
        re.search(spec["before"], text[max(0, start - 300) : start], re.IGNORECASE)
        or re.match(spec["after"], text[end : end + 40], re.IGNORECASE)
    )


def fuzzy_drugs(doc: Doc) -> list[tuple[Span, str]]:
    """Misspelt drug names outside every entity ("warferin", "apixiban"): (token span, generic name)."""
    spec = medicine_data()["fuzzy"]
    names = _plain_names()
    taken = {t.i for ent in doc.ents for t in ent}
    out = []
    for tok in doc:
        word = tok.lower_
        if tok.i in taken or len(word) < spec["min_length"] or not tok.is_alpha or word in names:
            continue
        best = process.extractOne(word, names.keys(), scorer=fuzz.ratio, score_cutoff=spec["min_score"])
        if best and best[0][0] == word[0] and _drug_expected(doc.text, tok.idx, tok.idx + len(tok)):
            out.append((doc[tok.i : tok.i + 1], names[best[0]]))
    return out


@lru_cache(maxsize=1)
def _stop_words() -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(medicine_data()["stop_words"]) + r")\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def _current_again() -> re.Pattern[str]:
    """Where a new list of current medicines begins after a stop word (data: ``current_again``)."""
    return re.compile(medicine_data()["current_again"], re.IGNORECASE)


def medicine_rules() -> list[tuple[str, str, tuple[str, ...]]]:
    """(regex, kind, ids) for every drug name, class word and procedure phrase."""
    data = medicine_data()
    rules: list[tuple[str, str, tuple[str, ...]]] = []
    for generic, entry in data["drugs"].items():
        names = [re.escape(generic), *(n if "(?" in n else re.escape(n) for n in entry["names"])]
        rules.append(("|".join(names), "drug", (generic,)))
    for cls, entry in data["classes"].items():
        if entry["words"]:
            rules.append(("|".join(entry["words"]), "drug_class", (cls,)))
    for kind, phrases in data["procedures"].items():
        rules.append(("|".join(phrases), "procedure", (kind,)))
    return rules


def generic_name(name: str) -> str | None:
    """The generic name for a drug name or brand, or None."""
    low = name.lower()
    for generic, entry in medicine_data()["drugs"].items():
        if low == generic or low in (n.lower() for n in entry["names"]):
            return str(generic)
    return None


def _clause_before(span: Span) -> str:
    text = span.doc.text[: span.start_char]
    cut = max((m.end() for m in _CLAUSE.finditer(text)), default=0)
    return text[cut:]


def _clause(span: Span) -> str:
    sent = span.sent
    return sent.text


def _facts(cls: str) -> list[str]:
    facts: list[str] = medicine_data()["classes"][cls]["facts"]
    return facts


def read_drug(span: Span, kind: str, key: str, status: str) -> tuple[list[tuple[str, str, str]], dict[str, Any]]:
    """Findings (id, kind, status) and Case updates for one drug or class mention with its ConText status."""
    findings: list[tuple[str, str, str]] = []
    updates: dict[str, Any] = {}
    before = _clause_before(span)
    stops = list(_stop_words().finditer(before))
    if stops and not _current_again().search(before, stops[-1].end()):
        return findings, updates
    if kind == "drug":
        entry = medicine_data()["drugs"][key]
        named = entry.get("components", [key])  # a combination product is read as its generic parts
        if status != "present":
            return [(f"drug:{k}", "drug", status) for k in named] if status == "absent" else [], updates
        findings += [(f"drug:{k}", "drug", "present") for k in named]
        if entry.get("kb"):
            updates["current_drugs"] = [entry["kb"]]
        cls = entry["class"]
    else:
        cls = key
        if status == "unknown":
            return findings, updates
    not_when = medicine_data()["classes"][cls].get("not_when")
    if not_when and re.search("|".join(not_when), _clause(span), re.IGNORECASE):
        return findings, updates
    for fact in _facts(cls):
        table, name = fact.split(".")
        if table == "history":
            findings.append((name, "history", status))
        else:
            updates[name] = status
    return findings, updates


def read_procedure(span: Span, kind: str, status: str, today: date | None) -> tuple[dict[str, Any] | None, str]:
    """A procedure record (or None when the clause does not say it happened) and the recent-procedure status."""
    clause = _clause(span)
    if status == "absent":
        return None, "absent"
    planned_only = _PLANNED.search(clause) and not _PAST.search(clause)
    if status != "present" or not _DONE.search(clause) or planned_only:
        return None, "unknown"
    days = days_ago(clause, today, bare=True)
    recent = (days is not None and days <= RECENT_DAYS) or (days is None and kind != "spinal_surgery")
    return {"kind": kind, "days_ago": days}, "present" if recent else "unknown"
