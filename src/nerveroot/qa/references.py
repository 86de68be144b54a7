"""Numbered citations: each source gets a number the first time a shown statement cites it."""

from __future__ import annotations

from nerveroot.qa.context import QaContext
from nerveroot.qa.corpus import Statement
from nerveroot.qa.models import Reference
from nerveroot.qa.sources import PATIENT_KINDS


class Numbering:
    """Numbers sources in order of first citation; unresolvable citations are dropped."""

    def __init__(self, ctx: QaContext) -> None:
        self.ctx = ctx
        self.numbers: dict[str, int] = {}

    def cite(self, statement: Statement) -> list[int]:
        out: list[int] = []
        for cite in statement.cites:
            if cite.source not in self.ctx.sources:
                continue  # an unresolvable citation is dropped, never printed
            n = self.numbers.setdefault(cite.source, len(self.numbers) + 1)
            if n not in out:
                out.append(n)
        return out

    def references(self) -> list[Reference]:
        refs = []
        for sid, n in sorted(self.numbers.items(), key=lambda kv: kv[1]):
            info = self.ctx.sources[sid]
            refs.append(Reference(n=n, source_id=sid, title=info.title, year=info.year, url=info.url,
                                  authors=info.authors, kind=info.kind))  # fmt: skip
        return refs


def label(ctx: QaContext, statement: Statement) -> str | None:
    kinds = {ctx.sources[c.source].kind for c in statement.cites if c.source in ctx.sources}
    if statement.stance:
        return f"stance: {statement.stance.replace('_', ' ')}"
    if kinds and kinds <= PATIENT_KINDS:
        return "patient information"
    if any(not ctx.sources[c.source].verified for c in statement.cites if c.source in ctx.sources):
        return "unverified"
    return None
