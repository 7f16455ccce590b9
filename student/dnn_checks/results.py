"""Check results as values: frozen dataclasses that travel as plain JSON, and their collector.

A :class:`CheckResult` is what one check (the visible or the hidden part for one student
function) earned; it holds one :class:`PropertyResult` per named property. While
:func:`collecting` is active, every ``CheckResult`` that :func:`record` sees is appended to
its list: the grader wraps each test cell in it to build feedback, JSON and reports.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

Kind = Literal["visible", "hidden"]
#: A property's role: the law of the function ("value": its output against what the check computes with
#: trusted maths), or a requirement that pays nothing on its own ("gate": shape, determinism, zero in zero out...).
Role = Literal["value", "gate"]
#: Why a property failed: its law does not hold ("wrong"), the student's code raised ("error"), ran past its
#: time ("timeout") or took its process down ("crashed"), returned something that is no value ("bad_value"),
#: changed an argument it must leave as it is ("changed_argument"), a function it needs is not defined
#: ("missing") or not implemented yet ("not_implemented"), the check could not use what came back
#: ("unusable"), or not one example could be tried ("no_example").
Failure = Literal["wrong", "error", "timeout", "crashed", "bad_value", "changed_argument", "missing",
                  "not_implemented", "unusable", "no_example"]
#: The longest message a property keeps (the smallest failing input, expected against got).
MESSAGE_CHARS = 4000
#: Why a student function is not there yet: the name is not defined, or the function raises NotImplementedError.
NOT_DEFINED = "not defined"
NOT_IMPLEMENTED = "not implemented yet"


class Needs(NamedTuple):
    """A student function a property failed for want of, and why (``NOT_DEFINED`` or ``NOT_IMPLEMENTED``)."""

    function: str
    why: str


@dataclass(frozen=True)
class PropertyResult:
    """One named property of a check.

    ``message`` shows the smallest failing input, expected against got and where they
    differ (at most ``MESSAGE_CHARS``); ``diagnosis`` names a known mistake that the student's
    output matches (hidden side only); ``from_callee`` says the failure comes from a graded
    function it calls; ``needs`` names the student function, the checked one or another, that is
    not defined or not implemented yet when that alone made the property fail (in JSON,
    ``[function, why]``); ``failure`` says why it failed (None when it passed). ``role`` and
    ``weight`` decide the points (``dnn_checks.registry``): a gate's ``points`` and ``max_points``
    are 0, its failure takes ``weight / total weight`` off the check's points.
    """

    name: str
    points: float
    max_points: float
    passed: bool
    message: str = ""
    diagnosis: str | None = None
    from_callee: bool = False
    needs: Needs | None = None
    failure: Failure | None = None
    role: Role = "value"
    weight: float = 1.0


@dataclass(frozen=True)
class CheckResult:
    """The points one student function earned on its visible or hidden check."""

    function: str
    kind: Kind
    points: float
    max_points: float
    properties: tuple[PropertyResult, ...]

    @property
    def passed(self) -> bool:
        return all(p.passed for p in self.properties)

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> CheckResult:
        data: dict[str, Any] = json.loads(text)
        properties = tuple(PropertyResult(**{**p, "needs": Needs(*p["needs"]) if p.get("needs") else None})
                           for p in data.pop("properties"))
        return cls(**data, properties=properties)


_collector: contextvars.ContextVar[list[CheckResult] | None] = contextvars.ContextVar(
    "dnn_checks_collector", default=None)


@contextlib.contextmanager
def collecting() -> Iterator[list[CheckResult]]:
    """``with collecting() as results:`` every CheckResult recorded inside is appended to ``results``."""
    results: list[CheckResult] = []
    token = _collector.set(results)
    try:
        yield results
    finally:
        _collector.reset(token)


def record(result: CheckResult) -> CheckResult:
    """Append ``result`` to the active collector, if any, and return it."""
    results = _collector.get()
    if results is not None:
        results.append(result)
    return result
