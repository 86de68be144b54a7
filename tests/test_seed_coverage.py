"""Every named item in the seeds' lists is an entity findable by its name or a synonym."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nerveroot.assessment.case import HISTORY_KEYS, RED_FLAG_KEYS, SYMPTOM_KEYS

TERMS = Path(__file__).parent / "data" / "seed_terms"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def _items() -> list[tuple[str, str, str]]:
    rows = []
    for path in sorted(TERMS.glob("*.yaml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")):
            rows += [(f"{block['seed']}:{block['list']}", block["kind"], name) for name in block["names"]]
    return rows


ITEMS = _items()


def test_term_lists_cover_every_seed_and_kind() -> None:
    kinds = {kind for _, kind, _ in ITEMS}
    assert {"findings", "conditions", "tests", "treatments", "drugs", "prevention", "faqs", "red_flags"} <= kinds
    assert (
        {where.split(":")[0] for where, _, _ in ITEMS} >= {p.name for p in SEEDS.glob("*.txt")}
        if SEEDS.exists()
        else True
    )
    assert len(ITEMS) >= 300


@pytest.mark.parametrize(("where", "kind", "name"), ITEMS, ids=[f"{k}:{n}" for _, k, n in ITEMS])
def test_seed_item_is_findable(kb, where: str, kind: str, name: str) -> None:  # type: ignore[no-untyped-def]
    hits = kb.search(name, limit=50)
    assert any(k == kind for k, _ in hits), f"{name!r} ({where}) not found among {kind}"


@pytest.mark.skipif(not SEEDS.exists(), reason="../shared/seeds not beside the checkout")
def test_term_names_occur_in_their_seed() -> None:
    texts = {p.name: p.read_text(encoding="utf-8").lower() for p in SEEDS.glob("*.txt")}
    missing = [(where, name) for where, _, name in ITEMS if name.lower()[:12] not in texts[where.split(":")[0]]]
    assert not missing[:5], f"{len(missing)} listed names do not occur in their seed, e.g. {missing[:5]}"


def test_case_vocabulary_has_finding_records(kb) -> None:  # type: ignore[no-untyped-def]
    missing = sorted(set(RED_FLAG_KEYS + HISTORY_KEYS + SYMPTOM_KEYS) - set(kb.entities["findings"]))
    assert not missing
