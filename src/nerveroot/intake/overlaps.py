"""Red-flag phrases hidden under an overlapping phrase of another finding.

The target matcher keeps one phrase where two overlap, so "progressive weakness in his legs bilaterally" is read as
bilateral leg symptoms and the progressive weakness it also states is lost. Every curated red-flag and history rule
is run again over the text; a match that reaches past a kept mention it overlaps, and whose finding no mention over
the same words carries, is added with the ConText status of its own words. A match that overlaps nothing lost to a
phrase that itself lost ("Progressive leg weakness then paraplegia": the middle phrase took "paraplegia" and then
gave way) and is added too. One inside a longer phrase belongs to that phrase unless it is another red flag that is
not a degree of the longer phrase's (safety-net lexicon `alternatives`); mentions over the same words that already
carry all its findings keep their own reading.
"""

from __future__ import annotations

from functools import lru_cache

from spacy.tokens import Doc, Span

from nerveroot.intake.models import FindingStatus, Qualifier
from nerveroot.intake.rules import TargetSpec, nested_targets
from nerveroot.intake.safety import lexicon
from nerveroot.intake.state import Mention

_KINDS = ("red_flag", "history")
_ORDER: tuple[tuple[str, FindingStatus, Qualifier], ...] = (
    ("FAMILY", "unknown", "family"),
    ("HYPOTHETICAL", "unknown", "hypothetical"),
    ("NEGATED_EXISTENCE", "absent", "negated"),
    ("POSSIBLE_EXISTENCE", "unknown", "possible"),
)


@lru_cache(maxsize=1)
def _rules() -> tuple[tuple[object, TargetSpec], ...]:
    return tuple((p, s) for p, s in nested_targets() if s.kind in _KINDS and s.fixed is None)


@lru_cache(maxsize=1)
def _groups() -> dict[str, str]:
    """Finding id → its red-flag group in the safety-net lexicon."""
    return {fact: group for group, spec in lexicon()["groups"].items() for fact in spec["facts"]}


@lru_cache(maxsize=1)
def _alternatives() -> dict[str, frozenset[str]]:
    """Finding id → the red flags that are other degrees of the same thing (lexicon ``alternatives``)."""
    out: dict[str, frozenset[str]] = {}
    for group in lexicon()["alternatives"]:
        for fact in group:
            out[fact] = out.get(fact, frozenset()) | frozenset(group)
    return out


def _apart(container: Mention, spec: TargetSpec) -> bool:
    """A red flag inside a red-flag phrase that states another red flag ("my legs keep getting weaker" is both legs
    and a progressing deficit; "weakness → paraplegia" is a progressing deficit and an inability to walk) is read
    too, unless it is another degree of the container's ("fall from a ladder" is not a minor fall); anything else
    inside a longer phrase is part of that phrase."""
    if container.kind not in _KINDS:
        return False
    theirs = {_groups().get(i) for i in container.ids}
    if not ({_groups().get(i) for i in spec.ids} & theirs):
        return True
    degrees = set().union(*(_alternatives().get(i, frozenset()) for i in container.ids))
    return not (set(spec.ids) & (set(container.ids) | degrees))


def _status(doc: Doc, span: Span, kind: str) -> tuple[FindingStatus, Qualifier | None]:
    """The ConText status of words that are not an entity, judged as _context judges an entity's."""
    probe = doc.char_span(span.start_char, span.end_char, alignment_mode="expand", label="RED_FLAG")
    graph = doc._.context_graph
    if probe is None or graph is None:
        return "present", None
    inside = [m for m in graph.modifiers if not (probe.start <= m.modifier_span[0] and m.modifier_span[1] <= probe.end)]
    categories = {m.category for m in inside if m.modifies(probe)}
    for category, status, qualifier in _ORDER:
        if category in categories:
            return status, qualifier
    if "HISTORICAL" in categories and kind != "history":
        return "unknown", "historical"
    return "present", None


def hidden_red_flags(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """The mentions plus the red-flag and history phrases that an overlapping longer phrase hid."""
    added: list[Mention] = []
    text = doc.text  # joined anew from the tokens on every access: once, not once per rule
    for regex, spec in _rules():
        for hit in regex.finditer(text):  # type: ignore[attr-defined]
            if hit.end() <= hit.start():
                continue
            span = doc.char_span(hit.start(), hit.end(), alignment_mode="expand")
            if span is None:
                continue
            over = [m for m in (*mentions, *added) if m.span.start < span.end and span.start < m.span.end]
            if over and set(spec.ids) <= {i for m in over for i in m.ids}:
                continue
            if any(m.span.start <= span.start and span.end <= m.span.end and not _apart(m, spec) for m in over):
                continue  # words inside a longer phrase belong to it ("fall from a ladder" is not a minor fall)
            status, qualifier = _status(doc, span, spec.kind)
            added.append(Mention(span, spec.kind, spec.ids, status, qualifier, None))
    return sorted([*mentions, *added], key=lambda x: (x.span.start, x.span.end))
