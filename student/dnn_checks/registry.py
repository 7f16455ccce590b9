"""Checks: named properties of one student function, each with a share of its points.

How to write a check
--------------------
A property is a function ``test(student, **inputs)`` registered on a :class:`Registry`
(``VISIBLE`` here, ``autograder.hidden.HIDDEN`` for hidden checks) under the student
function it judges and a short name that reads like the maths::

    @VISIBLE.property("relu", "A = max(0, Z), also where Z = 0",
                      given={"Z": strategies.matrices(elements=strategies.with_zeros())}, weight=2)
    def _(student, Z):
        A, _ = check_tuple(student.call("relu", Z), 2, where="the result of relu(Z)")
        check_close(np.where(Z > 0, Z, 0.0), A, where="A")

- Call student code only through ``student.call(name, *args)`` with positional arguments,
  in the order of the contract (the call is recorded for the diagnosis); what comes back
  is base values, untrusted. Never call the student function with the caller's arrays
  when you still need them: the runner passes the test a private copy of the inputs.
- Say what is wrong by raising ``Failed`` through :mod:`dnn_checks.compare`
  (``check_close``, ``check_equal``, ``check_shape``, ``check_tuple``, ``check_float``);
  student exceptions, NaNs, wrong types and shapes all end as a failed property.
- Inputs: ``given`` is a dict of strategies (``dnn_checks.strategies``; sides shared with
  ``st.shared``) or one strategy of dicts whose keys are the argument names, in order; the
  runner draws the examples once per process, replays them, and shrinks a failure to the
  smallest input. ``cases`` are fixed inputs (a statistics test, stored expected values of
  :mod:`dnn_checks.expected`). ``hypothesis.assume`` skips an example (off the ReLU kink).
  ``weight`` is the property's share; ``max_examples`` (default 6) keeps slow ones short.
- Common properties are one call each (:mod:`dnn_checks.properties`): ``stored_values``,
  ``leaves_inputs_unchanged``, ``same_result_twice``, ``zero_upstream``; a gradient check is
  ``gradcheck_failure(gradcheck(forward, inputs, {"dZ": dZ}, dA), against)``.
- Hidden checks (``autograder/hidden/``) may use ``reference``
  (``autograder.hidden.activations.matches_reference``); visible ones
  (``dnn_checks/checks/``) never import it. Points live in :mod:`dnn_checks.graded`
  (``TABLE``); ``graded(f).calls`` lists the functions replaced by correct versions in ``f``'s
  hidden check when a property fails with the student's own.
- Functions that draw random numbers: statistics and invariants
  (:mod:`dnn_checks.statistics`, false failure < 1e-9), never seeded values.
- Register a new module by importing it in ``dnn_checks/checks/__init__.py`` or
  ``autograder/hidden/__init__.py``; ``tests/test_checks_part_a.py`` shows the proofs.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from hypothesis import strategies as st

from dnn_checks import expected
from dnn_checks.graded import graded
from dnn_checks.results import NOT_DEFINED, CheckResult, Kind, Needs, PropertyResult
from dnn_checks.runner import EXPECTED, Given, Outcome, Test, as_strategy, draw_examples, run_property
from dnn_checks.student import Student, StudentFailure

#: A call of the checked function: its positional arguments (as they were before the call) and the student's output.
Observed = tuple[tuple, Any]
#: Given the check's function, for each failed property the student's last call on each failing input it met,
#: and the student's calls on the function's stored inputs (more evidence): for each failed property, the
#: plain-words name of the known mistakes that give those outputs, or None.
Diagnose = Callable[[str, Sequence[Sequence[Observed]], Sequence[Observed]], Sequence["str | None"]]


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
        graded(function)

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
        row = graded(function)
        return float(row.visible if self.kind == "visible" else row.hidden)

    def warm(self) -> int:
        """Draw every property's examples now (a grading process, before its first notebook); return how many."""
        return sum(draw_examples(prop.given, key=f"{self.kind}/{function}/{prop.name}", max_examples=prop.max_examples)
                   for function, properties in self._properties.items() for prop in properties
                   if prop.given is not None)

    def run(self, function: str, student: Student, *, substitutes: Mapping[str, Callable[..., Any]] | None = None,
            diagnose: Diagnose | None = None) -> CheckResult:
        """The CheckResult of ``function``: every property, with ``substitutes`` for the functions it calls."""
        properties = self.properties(function)
        if not student.has(function):
            missing = Outcome(False, f"`{function}` is not defined (did you run its cell, or rename it?)",
                              needs=Needs(function, NOT_DEFINED), failure="missing")
            return _result(function, self.kind, self.points(function), properties, [(missing, False)] * len(properties))
        callees = {name: f for name, f in (substitutes or {}).items() if name in graded(function).calls}
        outcomes = list(_outcomes(f"{self.kind}/{function}", properties, student, callees))
        diagnoses = _diagnoses(function, [outcome for outcome, _ in outcomes], diagnose,
                               lambda: _stored_observations(function, student, callees))
        return _result(function, self.kind, self.points(function), properties, outcomes, diagnoses)


def _outcomes(key: str, properties: Iterable[Property], student: Student,
              callees: Mapping[str, Callable[..., Any]]) -> Iterable[tuple[Outcome, bool]]:
    """Each property's Outcome and whether its failure comes from a called function.

    A property that fails with the student's own callees runs again with ``callees``
    (correct versions): if it passes then, the mistake lies in a called function and costs
    points there only. Only the check's first failure is shrunk (the others show the first
    failing example met; a function not there yet is never shrunk). After a timeout or a
    crash, no more calls: the rest fail with it.
    """
    fatal: Outcome | None = None
    shrink = True
    for prop in properties:
        outcome = fatal or _run(key, prop, student, {}, shrink=shrink and not callees)
        if outcome.passed or outcome.fatal or not callees:
            fatal = outcome if outcome.fatal else None
            shrink &= outcome.passed or outcome.needs is not None
            yield outcome, False
            continue
        corrected = _run(key, prop, student, callees, shrink=shrink)
        shrink &= corrected.passed or corrected.needs is not None
        yield (replace(outcome, passed=True, calls=()), True) if corrected.passed else (corrected, False)


def _run(key: str, prop: Property, student: Student, substitutes: Mapping[str, Callable[..., Any]], *,
         shrink: bool) -> Outcome:
    return run_property(prop.test, student, key=f"{key}/{prop.name}", given_=prop.given,
                        cases=prop.cases() if prop.cases else (), max_examples=prop.max_examples,
                        substitutes=substitutes, shrink=shrink)


def _result(function: str, kind: Kind, points: float, properties: Sequence[Property],
            outcomes: Sequence[tuple[Outcome, bool]], diagnoses: Sequence[str | None] | None = None) -> CheckResult:
    """Points: the check's points times the passed properties' share of the weights."""
    total = sum(p.weight for p in properties)
    diagnoses = diagnoses or [None] * len(properties)
    results = tuple(
        PropertyResult(prop.name, points * prop.weight / total if outcome.passed else 0.0, points * prop.weight / total,
                       outcome.passed, outcome.message, diagnosis, from_callee, outcome.needs,
                       None if outcome.passed else outcome.failure)
        for prop, (outcome, from_callee), diagnosis in zip(properties, outcomes, diagnoses))
    earned = points * sum(p.weight for p, r in zip(properties, results) if r.passed) / total
    return CheckResult(function, kind, earned, points, results)


def _diagnoses(function: str, outcomes: Sequence[Outcome], diagnose: Diagnose | None,
               stored: Callable[[], list[Observed]]) -> list[str | None]:
    """The catalog's names for the failed properties, from the student's outputs of ``function``: its last
    call on each failing input seen (the one shown first, then the unshrunk one), where it returned, and
    its outputs on the ``stored`` inputs (called only when there is something to diagnose, never after a
    timeout or a crash)."""
    observed = [[] if outcome.passed else _observations(function, outcome) for outcome in outcomes]
    failed = [i for i, observations in enumerate(observed) if observations]
    diagnoses: list[str | None] = [None] * len(outcomes)
    if diagnose is None or not failed:
        return diagnoses
    try:
        evidence = [] if any(outcome.fatal for outcome in outcomes) else stored()
        for i, diagnosis in zip(failed, diagnose(function, [observed[i] for i in failed], evidence), strict=True):
            diagnoses[i] = diagnosis
    except Exception:  # noqa: BLE001 - a diagnosis is a hint: never let it cost the grade
        return [None] * len(outcomes)
    return diagnoses


def _observations(function: str, outcome: Outcome) -> list[Observed]:
    last_calls = ([c for c in calls if c.function == function][-1:] for calls in (outcome.calls, *outcome.seen))
    return [(c.args, c.output) for calls in last_calls for c in calls]


def _stored_observations(function: str, student: Student, callees: Mapping[str, Callable[..., Any]]) -> list[Observed]:
    """The student's outputs on the stored inputs of ``function`` (the visible check made these calls too),
    up to the first call that fails."""
    observed: list[Observed] = []
    for case in expected.cases(function) if function in expected.functions() else ():
        args = tuple(value for key, value in case.items() if key != EXPECTED)
        try:
            observed.append((copy.deepcopy(args), student.call(function, *args, substitutes=callees)))
        except StudentFailure:
            break
    return observed


VISIBLE = Registry("visible")
