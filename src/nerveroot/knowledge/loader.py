"""Read the data files, validate every record and cross-reference, build a KnowledgeBase.

Every problem is collected before failing, each named by file, record id and field.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from nerveroot import snapshots
from nerveroot.errors import KnowledgeValidationError, Problem
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import ENTITY_MODELS, Cite, Record, Source
from nerveroot.knowledge.yaml_io import load_yaml

KB_VERSION = "2026.11.0"


def _data_dir() -> Path:
    return Path(str(resources.files("nerveroot.knowledge") / "data"))


def _read_yaml(path: Path, problems: list[Problem]) -> list[Any]:
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        problems.append(Problem(path.name, f"cannot be read: {exc}"))
        return []
    if data is None:
        return []
    if not isinstance(data, list):
        problems.append(Problem(path.name, "must be a list of records"))
        return []
    return data


def _parse(path: Path, raw: list[Any], model: type[BaseModel], problems: list[Problem]) -> list[Any]:
    records: list[Any] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        rid = item.get("id") if isinstance(item, dict) else None
        label = f"{path.name}[{rid or f'#{index}'}]"
        try:
            record = model.model_validate(item)
        except ValidationError as exc:
            for err in exc.errors():
                field = ".".join(str(p) for p in err["loc"]) or "(record)"
                problems.append(Problem(f"{label}.{field}", err["msg"]))
            continue
        if record.id in seen:  # type: ignore[attr-defined]
            problems.append(Problem(f"{label}.id", "duplicate id"))
            continue
        seen.add(record.id)  # type: ignore[attr-defined]
        records.append(record)
    return records


def _cites(value: Any, path: str) -> Iterable[tuple[str, Cite]]:
    """Yield every Cite inside a record with its dotted path."""
    if isinstance(value, Cite):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _cites(getattr(value, name), f"{path}.{name}")
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _cites(item, f"{path}.{i}")


_FACT_KEYS = {
    "age_at_least",
    "duration_at_least",
    "duration_under",
    "course",
    "trigger",
    "pain_at_least",
    "mentioned",
    "onsets_over",
    "onsets_within",
    "pain_in",
    "procedure_within",
}


def predicate_findings(when: object) -> Iterable[str]:
    """Every finding id a triage condition tree refers to."""
    if isinstance(when, str):
        yield when
    elif isinstance(when, dict):
        for key, value in when.items():
            if key in ("all", "any", "unasked", "unsure"):
                for item in value:
                    yield from predicate_findings(item)
            elif key in ("not", "unless", "reported"):
                yield from predicate_findings(value)
            elif key not in _FACT_KEYS:
                yield f"<unknown operator {key}>"


def _check_references(kb: KnowledgeBase, files: dict[str, str], problems: list[Problem]) -> None:
    findings = set(kb.entities["findings"])
    regions = set(kb.entities["body_regions"])
    red_flags = set(kb.entities["red_flags"])
    for kind, records in kb.entities.items():
        for rid, record in records.items():
            label = f"{files[kind]}[{rid}]"
            for where, cite in _cites(record, label):
                if cite.source not in kb.sources:
                    problems.append(Problem(f"{where}.source", f"unknown source id {cite.source!r}"))
            refs: list[tuple[str, str, set[str]]] = []
            if kind == "roots":
                refs += [("sensory_regions", r, regions) for r in record.sensory_regions]  # type: ignore[attr-defined]
                refs += [("pain_regions", r, regions) for r in record.pain_regions]  # type: ignore[attr-defined]
            if kind == "conditions":
                refs += [("features.finding", f.finding, findings) for f in record.features]  # type: ignore[attr-defined]
                refs += [("regions", r, regions) for r in record.regions]  # type: ignore[attr-defined]
                refs += [("numb_regions", r, regions) for r in record.numb_regions]  # type: ignore[attr-defined]
                refs += [("workup_tests", t, set(kb.entities["tests"])) for t in record.workup_tests]  # type: ignore[attr-defined]
            if kind in ("red_flags", "tests"):
                refs += [("findings", f, findings) for f in record.findings]  # type: ignore[attr-defined]
            if kind == "triage_rules":
                refs += [("when", f, findings) for f in predicate_findings(record.when)]  # type: ignore[attr-defined]
                refs += [("suspects", c, set(kb.entities["conditions"])) for c in record.suspects]  # type: ignore[attr-defined]
            if kind == "findings" and record.red_flag:  # type: ignore[attr-defined]
                refs.append(("red_flag", record.red_flag, red_flags))  # type: ignore[attr-defined]
            for field, ref, pool in refs:
                if ref not in pool:
                    problems.append(Problem(f"{label}.{field}", f"unknown id {ref!r}"))


def load_knowledge(data_dir: Path | None = None) -> KnowledgeBase:
    """Load and validate the knowledge base; raise KnowledgeValidationError listing every problem."""
    directory = data_dir or _data_dir()
    problems: list[Problem] = []
    digest = hashlib.sha256()
    files: dict[str, str] = {}

    def read(stem: str) -> list[Any]:
        path = directory / f"{stem}.yaml"
        files[stem] = path.name
        if not path.exists():
            problems.append(Problem(path.name, "data file is missing"))
            return []
        digest.update(path.read_bytes())
        return _read_yaml(path, problems)

    sources = _parse(directory / "sources.yaml", read("sources"), Source, problems)
    entities: dict[str, dict[str, Record]] = {}
    for stem, model in ENTITY_MODELS.items():
        parsed = _parse(directory / f"{stem}.yaml", read(stem), model, problems)
        entities[stem] = {r.id: r for r in parsed}
    kb = KnowledgeBase(
        version=KB_VERSION,
        content_hash=digest.hexdigest()[:16],
        sources={s.id: s for s in sources},
        entities=entities,
    )
    _check_references(kb, files, problems)
    if problems:
        raise KnowledgeValidationError(problems)
    return kb


@lru_cache(maxsize=1)
def default_knowledge() -> KnowledgeBase:
    """The packaged knowledge base, loaded once per process: from its snapshot (nerveroot.snapshots; ~10 ms
    instead of ~130 ms to read and validate) while its data files, the loading code and pydantic are unchanged."""
    if not snapshots.enabled():
        return load_knowledge()
    key = snapshots.key_of(KB_VERSION, ("pydantic",), snapshots.sources(snapshots.PACKAGE / "knowledge"))
    return snapshots.load_or_build("knowledge-", key, KnowledgeBase, load_knowledge)
