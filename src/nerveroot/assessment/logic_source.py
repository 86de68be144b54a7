"""A condition tree as the source of one Python function: its and/or/not/unless branches, plain and reported
findings and the comparisons with case facts written out inline (Kleene, short-circuiting like the closures of
`nerveroot.assessment.logic`), every other operator called as its compiled closure. The same truth values as the
closures, without a call per branch or a loop per finding list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nerveroot.assessment.case import Case
from nerveroot.assessment.evidence import Evidence

Truth = bool | None
Test = Callable[[Evidence, Case], Truth]


_COMPARED = {
    "age_at_least": ("age", ">="),
    "duration_at_least": ("duration_days", ">="),
    "duration_under": ("duration_days", "<"),
    "pain_at_least": ("pain_score", ">="),
}
"""Operators comparing a case fact that may be missing (then None) with the tree's number."""
_SEARCHED = {"pain_in": ("pain_regions", "region", None), "mentioned": ("to_confirm", "group", False)}
"""Operators asking whether a mark of the case is in the tree's list: the marks, the attribute read, and the value
when there are none (no pain marked: not known; no unresolved mention: no)."""


class _Writer:
    """Lines of the function body and the closures it calls, with a fresh name per branch."""

    def __init__(self, closure: Callable[[Any], Test]) -> None:
        self.closure = closure
        self.lines: list[str] = []
        self.names: dict[str, Any] = {}
        self.count = 0

    def fresh(self, stem: str) -> str:
        self.count += 1
        return f"{stem}{self.count}"

    def emit(self, depth: int, line: str) -> None:
        self.lines.append("    " * depth + line)

    def write(self, when: Any, target: str, depth: int) -> None:
        """Lines at `depth` that leave the truth value of `when` in `target`."""
        if isinstance(when, str):
            self.emit(depth, f"s = g({when!r})")
            self.emit(depth, f"{target} = True if s == 'present' else False if s == 'absent' else None")
            return
        (op, arg), *rest = when.items()
        if op in ("all", "any") and not rest:
            self._branch(op == "all", arg, target, depth)
        elif op == "not" and not rest:
            inner = self.fresh("n")
            self.write(arg, inner, depth)
            self.emit(depth, f"{target} = None if {inner} is None else not {inner}")
        elif op == "unless" and not rest:  # blocks only when known to hold
            blocker = self.fresh("b")
            self.write(arg, blocker, depth)
            self.emit(depth, f"{target} = {blocker} is not True")
        elif op == "reported" and not rest and isinstance(arg, str):  # known present
            self.emit(depth, f"{target} = g({arg!r}) == 'present'")
        elif rest or not self._fact(op, arg, target, depth):  # the closure (which raises for a malformed tree)
            name = self.fresh("c")
            self.names[name] = self.closure(when)
            self.emit(depth, f"{target} = {name}(evidence, case)")

    def _constant(self, value: Any) -> str:
        name = self.fresh("k")
        self.names[name] = value
        return name

    def _fact(self, op: str, arg: Any, target: str, depth: int) -> bool:
        """Lines for a comparison with a case fact or a search of its marked regions or unresolved mentions, as the
        closure reads it; False (nothing written) for any other operator or an argument of another shape."""
        if op in _COMPARED:
            field, sign = _COMPARED[op]
            self.emit(depth, f"v = case.{field}")
            self.emit(depth, f"{target} = None if v is None else v {sign} {self._constant(arg)}")
        elif op in ("course", "trigger"):
            self.emit(depth, f"v = case.{op}")
            self.emit(depth, f"{target} = None if v == 'unknown' else v == {self._constant(arg)}")
        elif op in _SEARCHED and isinstance(arg, list) and all(isinstance(a, str) for a in arg):
            marks, attribute, empty = _SEARCHED[op]
            wanted = self._constant(frozenset(arg))
            self.emit(depth, f"v = case.{marks}")
            self.emit(depth, f"{target} = {empty} if not v else False")
            self.emit(depth, "for m in v:")
            self.emit(depth + 1, f"if m.{attribute} in {wanted}:")
            self.emit(depth + 2, f"{target} = True")
            self.emit(depth + 2, "break")
        else:
            return False
        return True

    def _branch(self, conjunction: bool, items: list[Any], target: str, depth: int) -> None:
        """A Kleene and (or) of the items, plain findings read first: the first one decided against (for) it ends
        the branch through the `break` of a one-pass loop."""
        settles, settled = ("absent", False) if conjunction else ("present", True)
        other = "present" if conjunction else "absent"
        unknown = self.fresh("u")
        self.emit(depth, "while True:")
        self.emit(depth + 1, f"{unknown} = False")
        for item in (i for i in items if isinstance(i, str)):
            self.emit(depth + 1, f"s = g({item!r})")
            self.emit(depth + 1, f"if s == {settles!r}:")
            self.emit(depth + 2, f"{target} = {settled}")
            self.emit(depth + 2, "break")
            self.emit(depth + 1, f"if s != {other!r}:")
            self.emit(depth + 2, f"{unknown} = True")
        for item in (i for i in items if not isinstance(i, str)):
            part = self.fresh("p")
            self.write(item, part, depth + 1)
            self.emit(depth + 1, f"if {part} is {settled}:")
            self.emit(depth + 2, f"{target} = {settled}")
            self.emit(depth + 2, "break")
            self.emit(depth + 1, f"if {part} is None:")
            self.emit(depth + 2, f"{unknown} = True")
        self.emit(depth + 1, f"{target} = None if {unknown} else {not settled}")
        self.emit(depth + 1, "break")


def _function(writer: _Writer, name: str, head: list[str]) -> Any:
    source = "\n".join([*head, "    g = evidence.status.get", *writer.lines])
    namespace = dict(writer.names)
    exec(compile(source, "<condition>", "exec"), namespace)
    return namespace[name]


def source_test(when: Any, closure: Callable[[Any], Test]) -> Test:
    """The tree's test written as one function; `closure` compiles the operators it does not write out."""
    writer = _Writer(closure)
    writer.write(when, "result", 1)
    writer.emit(1, "return result")
    test: Test = _function(writer, "test", ["def test(evidence, case):"])
    return test


Outcomes = Callable[[Evidence, Case], tuple[list[int], set[int]]]
"""The positions of the trees that hold (in order) and of those not known."""


def source_tests(whens: list[Any], closure: Callable[[Any], Test]) -> Outcomes:
    """Every tree's test written out in one function (no call per tree), which gives `Outcomes`."""
    writer = _Writer(closure)
    for at, when in enumerate(whens):
        writer.write(when, "result", 1)
        writer.emit(1, "if result is True:")
        writer.emit(2, f"held.append({at})")
        writer.emit(1, "elif result is None:")
        writer.emit(2, f"unknown.add({at})")
    writer.emit(1, "return held, unknown")
    tests: Outcomes = _function(writer, "tests", ["def tests(evidence, case):", "    held, unknown = [], set()"])
    return tests
