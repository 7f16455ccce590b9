"""Checks: named properties of one student function, each with a share of its points.

How to write a check
--------------------
A property is a function ``test(student, **inputs)`` registered on a :class:`Registry`
(``VISIBLE`` here, ``autograder.hidden.HIDDEN`` for hidden checks) under the student
function it judges and a short name that reads like the maths::

    @VISIBLE.property("relu", "A = max(0, Z), cache = Z", given={"Z": strategies.matrices()})
    def _(student, Z):
        A, cache = check_tuple(student.call("relu", Z), 2, where="relu(Z)")
        check_close(np.maximum(Z, 0.0), A, where="A")
        check_equal(Z, cache, where="cache")

- Call student code only through ``student.call(name, *args)`` with positional arguments
  (the call is recorded for the diagnosis); what comes back is base values, untrusted.
- Say what is wrong by raising ``Failed`` through :mod:`dnn_checks.compare`
  (``check_close``, ``check_equal``, ``check_shape``, ``check_tuple``, ``check_float``);
  student exceptions, NaNs, wrong types and shapes all end as a failed property.
- Inputs come from ``given`` (hypothesis strategies of :mod:`dnn_checks.strategies`; the
  runner shrinks a failure to the smallest input) and/or ``cases`` (fixed inputs, e.g.
  stored expected values, :mod:`dnn_checks.expected`). ``weight`` is the property's share.
- Points per function live in :mod:`dnn_checks.contract` (``POINTS``, ``CALLS``). Functions
  that draw random numbers: test statistics and invariants (false failure < 1e-9 per run),
  never seeded values.
- Visible checks (``dnn_checks/checks/``) never import ``reference``; hidden ones
  (``autograder/hidden/``) may, and get correct versions of ``CALLS[f]`` substituted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from dnn_checks.contract import CALLS, points_of
from dnn_checks.results import CheckResult, Kind, PropertyResult
from dnn_checks.runner import Given, Outcome, Test, as_strategy, run_property
from dnn_checks.student import Student

#: Given the check's function, the failing call's positional arguments and the student's output:
#: the plain-words name of a known mistake that output matches, or None.
Diagnose = Callable[[str, tuple, Any], "str | None"]


@dataclass(frozen=True)
class Property:
    name: str
    test: Test
    given: st.SearchStrategy[dict[str, Any]] | None = None
    cases: Callable[[], Sequence[Mapping[str, Any]]] | None = None
    weight: float = 1.0
    max_examples: int | None = None


class Registry:
    """The checks of one kind (visible or hidden), filled by the ``property`` decorator."""

    def __init__(self, kind: Kind) -> None:
        self.kind = kind
        self._properties: dict[str, list[Property]] = {}

    def property(self, function: str, name: str, *, given: Given | None = None,
                 cases: Callable[[], Sequence[Mapping[str, Any]]] | None = None, weight: float = 1.0,
                 max_examples: int | None = None) -> Callable[[Test], Test]:
        """Register ``test`` as property ``name`` of ``function``'s check (``cases`` is loaded lazily)."""
        points_of(function)

        def register(test: Test) -> Test:
            self._properties.setdefault(function, []).append(
                Property(name, test, None if given is None else as_strategy(given), cases, weight, max_examples))
            return test
        return register

    def functions(self) -> list[str]:
        return list(self._properties)

    def properties(self, function: str) -> tuple[Property, ...]:
        if function not in self._properties:
            raise KeyError(f"no {self.kind} check for {function!r}")
        return tuple(self._properties[function])

    def points(self, function: str) -> float:
        return float(points_of(function)[0 if self.kind == "visible" else 1])

    def run(self, function: str, student: Student, *, substitutes: Mapping[str, Callable[..., Any]] | None = None,
            diagnose: Diagnose | None = None) -> CheckResult:
        """The CheckResult of ``function``: every property, with ``substitutes`` for CALLS[function]."""
        properties = self.properties(function)
        if not student.has(function):
            missing = Outcome(False, f"`{function}` is not defined (did you run its cell, or rename it?)")
            outcomes = [(missing, False)] * len(properties)
        else:
            callees = {name: f for name, f in (substitutes or {}).items() if name in CALLS.get(function, ())}
            outcomes = list(_outcomes(f"{self.kind}/{function}", properties, student, callees))
        return _result(function, self.kind, self.points(function), properties, outcomes, diagnose)


def _outcomes(key: str, properties: Iterable[Property], student: Student,
              callees: Mapping[str, Callable[..., Any]]) -> Iterable[tuple[Outcome, bool]]:
    """Each property's Outcome and whether its failure comes from a called function.

    A property that fails with the student's own callees runs again with ``callees``
    (correct versions): if it passes then, the mistake lies in a called function and costs
    points there only. Only the failure shown is shrunk. After a timeout or a crash, no
    more calls: the rest fail with it.
    """
    fatal: Outcome | None = None
    for prop in properties:
        outcome = fatal or _run(key, prop, student, {}, shrink=not callees)
        if outcome.passed or outcome.fatal or not callees:
            fatal = outcome if outcome.fatal else None
            yield outcome, False
            continue
        corrected = _run(key, prop, student, callees, shrink=True)
        yield (Outcome(True, outcome.message), True) if corrected.passed else (corrected, False)


def _run(key: str, prop: Property, student: Student, substitutes: Mapping[str, Callable[..., Any]], *,
         shrink: bool) -> Outcome:
    return run_property(prop.test, student, key=f"{key}/{prop.name}", given_=prop.given,
                        cases=prop.cases() if prop.cases else (), max_examples=prop.max_examples,
                        substitutes=substitutes, shrink=shrink)


def _result(function: str, kind: Kind, points: float, properties: Sequence[Property],
            outcomes: Sequence[tuple[Outcome, bool]], diagnose: Diagnose | None) -> CheckResult:
    """Points: the check's points times the passed properties' share of the weights."""
    total = sum(p.weight for p in properties)
    results = tuple(
        PropertyResult(prop.name, points * prop.weight / total if outcome.passed else 0.0, points * prop.weight / total,
                       outcome.passed, outcome.message, _diagnosis(function, outcome, diagnose), from_callee)
        for prop, (outcome, from_callee) in zip(properties, outcomes))
    earned = points * sum(p.weight for p, r in zip(properties, results) if r.passed) / total
    return CheckResult(function, kind, earned, points, results)


def _diagnosis(function: str, outcome: Outcome, diagnose: Diagnose | None) -> str | None:
    """The catalog's name for the student's output on the last failing call of ``function``."""
    calls = [c for c in outcome.calls if c.function == function]
    if outcome.passed or diagnose is None or not calls:
        return None
    try:
        return diagnose(function, calls[-1].args, calls[-1].output)
    except Exception:  # noqa: BLE001 - a diagnosis is a hint: never let it cost the grade
        return None


VISIBLE = Registry("visible")
