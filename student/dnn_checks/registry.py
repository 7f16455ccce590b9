"""Checks: named properties of one student function, each with a role and a share of its points.

How to write a check
--------------------
A property is a function ``test(student, **inputs)`` registered on a :class:`Registry`
(``VISIBLE`` here, ``autograder.hidden.HIDDEN`` for hidden checks) under the student
function it judges, a short name that reads like the maths, and a role::

    @VISIBLE.property("relu", "A = max(0, Z), also where Z = 0", role="value",
                      given={"Z": strategies.matrices(elements=strategies.with_zeros())}, weight=2)
    def _(student, Z):
        A, _ = returned("relu", student.call("relu", Z))
        check_close(np.where(Z > 0, Z, 0.0), A, where="A")

- Roles. A **value** property states the law of the function: its output against what the
  check computes, with trusted maths, from its own inputs (the maths written in the visible
  check, the reference in a hidden one). A **gate** states a requirement that a constant
  function could meet too (shape, dtype, structure, determinism, zero in zero out,
  consistency between outputs, "small for correct gradients"). A check earns
  ``points * (passed value weight / value weight) * (1 - failed gate weight / total weight)``:
  gates never pay on their own; a function passing every property earns every point.
- Call student code only through ``student.call(name, *args)`` (or ``student.record``, whose
  :class:`~dnn_checks.calls.Call` also holds the states after the call of the arguments the
  table lets it change: ``record.after("bn_param")``), positional arguments in the contract's
  order. The student gets copies: compute what you expect from your own inputs, before or
  after the call. An argument changed in place where the table does not allow it fails the
  property by itself ("changes its argument X").
- What comes back is base values, untrusted: validate it before computing with it.
  ``returned(function, output)`` checks a tuple's length; :mod:`dnn_checks.compare` names
  what it compares (``check_result``, ``check_close``, ``check_shape``, ``check_float``) and
  raises ``Failed`` with what differs and where; student exceptions, NaNs, wrong types and
  shapes all end as a failed property.
- Inputs come from trusted code (``dnn_checks.strategies``, ``dnn_checks.network_inputs``),
  never from another student function (batch norm's cache, the implementer's own, is the
  exception: it stays a ``Handle`` and the gradients are judged against trusted maths).
  ``given`` is a dict of strategies (sides shared with ``st.shared``) or one strategy of dicts
  whose keys are the argument names, in order; the runner draws the examples once per process,
  replays them, and shrinks a failure to the smallest input. ``cases`` are fixed inputs.
  ``hypothesis.assume`` sets an example aside; a property that tried none fails.
- Common properties are one call each (:mod:`dnn_checks.properties`): ``matches`` (a value
  property from a function computing the expected output: the visible check's maths, or the
  reference for a hidden check, which so shares the visible check's factory), ``stored_values``
  (the recipe of the function's stored inputs, seeded; ``python -m autograder.build.expected``
  writes their expected outputs with the reference; when grading the same property also runs
  on new inputs of the recipe, which the student never saw), ``same_result_twice`` and
  ``zero_upstream`` (gates), ``gradcheck_failure``.
- Hidden checks (``autograder/hidden/``) may use ``reference``; visible ones
  (``dnn_checks/checks/``) never import it. Points live in :mod:`dnn_checks.graded` (``TABLE``);
  ``graded(f).calls`` lists the functions replaced by correct versions when a property fails
  with the student's own (in the hidden checks, and in the visible ones when grading: see
  :func:`grading`).
- Functions that draw random numbers: statistics and invariants
  (:mod:`dnn_checks.statistics`, false failure < 1e-9), never seeded values.
- Register a new module by importing it in ``dnn_checks/checks/__init__.py`` or
  ``autograder/hidden/__init__.py``; ``tests/test_checks.py`` and
  ``tests/test_trivial_submissions.py`` prove it.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from hypothesis import strategies as st

from dnn_checks import expected
from dnn_checks.calls import Call
from dnn_checks.expected import EXPECTED
from dnn_checks.graded import graded
from dnn_checks.results import NOT_DEFINED, CheckResult, Kind, Needs, PropertyResult, Role
from dnn_checks.runner import (
    Case,
    Given,
    Outcome,
    RecordingStudent,
    Test,
    as_strategy,
    draw_examples,
    run_property,
)
from dnn_checks.student import ChangedArgument, Student, StudentFailure

#: Given the check's function, for each failed property the student's last call of it on each failing
#: input it met, and the student's calls on the function's stored inputs (more evidence): for each failed
#: property, the plain-words name of the known mistakes that give those outputs, or None.
Diagnose = Callable[[str, Sequence[Sequence[Call]], Sequence[Call]], Sequence["str | None"]]
#: The examples a gate tries by default (a value property: ``runner.PROFILE.max_examples``).
GATE_EXAMPLES = 3
#: A stored-values recipe: ``recipe(rng) -> [inputs, ...]``, each a dict of named arguments in order.
Recipe = Callable[[np.random.Generator], list[dict[str, Any]]]
#: What a stored case compares: ``observe(student, **inputs)``, by default the function's output.
Observe = Callable[..., Any]


@dataclass(frozen=True)
class Property:
    name: str
    test: Test
    role: Role
    given: st.SearchStrategy[dict[str, Any]] | None = None
    cases: Callable[[], Sequence[Case | Mapping[str, Any]]] | None = None
    weight: float = 1.0
    max_examples: int | None = None


@dataclass(frozen=True)
class Stored:
    """The recipe of a function's stored inputs; ``observe`` gives what a case compares, named ``names``."""

    recipe: Recipe
    observe: Observe
    names: tuple[str, ...]

    def cases(self, rng: np.random.Generator, reference: Mapping[str, Callable[..., Any]]) -> list[dict[str, Any]]:
        """The recipe's inputs drawn from ``rng``, each with ``EXPECTED``: what the ``reference`` functions give."""
        correct = RecordingStudent(Student(reference))
        return [{**inputs, EXPECTED: self.observe(correct, **copy.deepcopy(inputs))} for inputs in self.recipe(rng)]


@dataclass(frozen=True)
class Grading:
    """What the grader has and a student's Jupyter has not: the correct functions (``reference``, by
    name) and the ``seed`` of new inputs for the stored-values properties, which no student sees."""

    reference: Mapping[str, Callable[..., Any]]
    seed: int
    _fresh: dict[str, list[dict[str, Any]]] = field(default_factory=dict, compare=False, repr=False)

    def callees(self, function: str) -> dict[str, Callable[..., Any]]:
        """The correct versions of the functions ``function`` calls."""
        return {name: self.reference[name] for name in graded(function).calls}

    def fresh(self, function: str, stored: Stored) -> list[dict[str, Any]]:
        """New cases of ``function``'s recipe, with the expected outputs (drawn once per process)."""
        if function not in self._fresh:
            rng = np.random.default_rng([self.seed, zlib.crc32(function.encode())])
            self._fresh[function] = stored.cases(rng, self.reference)
        return self._fresh[function]


_grading: contextvars.ContextVar[Grading | None] = contextvars.ContextVar("dnn_checks_grading", default=None)
#: The functions whose failure has been shrunk already inside the current ``grading`` context (one test cell).
_shrunk: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar("dnn_checks_shrunk", default=None)


@contextlib.contextmanager
def grading(context: Grading) -> Iterator[Grading]:
    """While grading (``autograder.hidden.grading()``, entered around each test cell by the grader): the
    visible checks run with correct callees too, and their stored-values properties on new inputs as well;
    and a function's failure is shrunk once in the context, by its first check that fails (the visible
    one shows the smallest failing input; the hidden one then shows the first failing input it met)."""
    token, shrunk = _grading.set(context), _shrunk.set(set())
    try:
        yield context
    finally:
        _shrunk.reset(shrunk)
        _grading.reset(token)


def current_grading() -> Grading | None:
    """The grading context in force, or None (a student's Jupyter)."""
    return _grading.get()


class Registry:
    """The checks of one kind (visible or hidden), filled by the ``property`` decorator."""

    def __init__(self, kind: Kind) -> None:
        self.kind = kind
        self._properties: dict[str, list[Property]] = {}
        self._stored: dict[str, Stored] = {}

    def property(self, function: str, name: str, *, role: Role, given: Given | None = None,
                 cases: Callable[[], Sequence[Case | Mapping[str, Any]]] | None = None, weight: float = 1.0,
                 max_examples: int | None = None) -> Callable[[Test], Test]:
        """Register ``test`` as property ``name`` of ``function``'s check (``cases`` is loaded lazily). A gate
        tries ``GATE_EXAMPLES`` examples unless told otherwise: an invariant (a shape, a dtype, determinism)
        that breaks breaks on any input, and the value properties validate the structure of every output."""
        graded(function)
        if max_examples is None and role == "gate":
            max_examples = GATE_EXAMPLES

        def register(test: Test) -> Test:
            self._properties.setdefault(function, []).append(Property(
                name, test, role, None if given is None else as_strategy(given), cases, weight, max_examples))
            return test
        return register

    def store(self, function: str, recipe: Recipe, *, observe: Observe | None = None,
              names: Sequence[str] | None = None) -> Stored:
        """Register the recipe of ``function``'s stored inputs (``python -m autograder.build.expected`` stores them)."""
        stored = Stored(recipe, observe or (lambda student, **inputs: student.call(function, *inputs.values())),
                        tuple(names or graded(function).returns))
        self._stored[function] = stored
        return stored

    def stored(self) -> dict[str, Stored]:
        """The stored-values recipes, by function."""
        return dict(self._stored)

    def functions(self) -> list[str]:
        return list(self._properties)

    def properties(self, function: str) -> tuple[Property, ...]:
        if function not in self._properties:
            raise KeyError(f"no {self.kind} check for {function!r}")
        return tuple(self._properties[function])

    def points(self, function: str) -> float:
        row = graded(function)
        return float(row.visible if self.kind == "visible" else row.hidden)

    def warm(self, functions: Iterable[str] | None = None) -> int:
        """Draw the examples of every property of ``functions`` (default: all) now; return how many.

        A grading process draws those of its assignment's functions while its sandbox starts.
        """
        return sum(len(draw_examples(given, key=key, max_examples=most))
                   for key, given, most in self.searches(functions))

    def searches(self, functions: Iterable[str] | None = None) -> list[tuple[str, st.SearchStrategy, int | None]]:
        """``(key, strategy, max_examples)`` of every drawn property of ``functions`` (default: all)."""
        chosen = self._properties if functions is None else [f for f in functions if f in self._properties]
        return [(f"{self.kind}/{function}/{prop.name}", prop.given, prop.max_examples)
                for function in chosen for prop in self._properties[function] if prop.given is not None]

    def run(self, function: str, student: Student, *, substitutes: Mapping[str, Callable[..., Any]] | None = None,
            diagnose: Diagnose | None = None) -> CheckResult:
        """The CheckResult of ``function``: every property, with correct versions of the functions it calls
        (``substitutes``, or the grading context's) where it fails with the student's own."""
        properties = self.properties(function)
        if not any(p.role == "value" for p in properties):
            raise ValueError(f"the {self.kind} check of {function} has no value property: it could never pay")
        if not student.has(function):
            missing = Outcome(False, f"`{function}` is not defined (did you run its cell, or rename it?)",
                              needs=Needs(function, NOT_DEFINED), failure="missing")
            return _result(function, self.kind, self.points(function), properties, [(missing, False)] * len(properties))
        context = current_grading()
        if substitutes is None and context is not None:
            substitutes = context.callees(function)
        callees = {name: f for name, f in (substitutes or {}).items() if name in graded(function).calls}
        shrunk = _shrunk.get()
        outcomes = list(_outcomes(f"{self.kind}/{function}", properties, student, callees,
                                  shrink=shrunk is None or function not in shrunk))
        if shrunk is not None and any(o.shrinkable for o, _ in outcomes):
            shrunk.add(function)
        diagnoses = _diagnoses(function, [outcome for outcome, _ in outcomes], diagnose,
                               lambda: _stored_calls(function, student, callees))
        return _result(function, self.kind, self.points(function), properties, outcomes, diagnoses)


def _outcomes(key: str, properties: Iterable[Property], student: Student,
              callees: Mapping[str, Callable[..., Any]], *, shrink: bool = True) -> Iterable[tuple[Outcome, bool]]:
    """Each property's Outcome and whether its failure comes from a called function.

    A property that fails with the student's own callees runs again with ``callees``
    (correct versions): if it passes then, the mistake lies in a called function and costs
    points there only. Only the check's first failure is shrunk (the others show the first
    failing example met; a function not there yet is never shrunk). After a timeout or a
    crash, no more calls: the rest fail with it. With ``shrink`` false, no failure is shrunk.
    """
    fatal: Outcome | None = None
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
    """Points: ``points * (passed value weight / value weight) * (1 - failed gate weight / total weight)``."""
    value = sum(p.weight for p in properties if p.role == "value")
    total = sum(p.weight for p in properties)
    passed = [outcome.passed for outcome, _ in outcomes]
    factor = 1.0 - sum(p.weight for p, ok in zip(properties, passed) if p.role == "gate" and not ok) / total
    diagnoses = diagnoses or [None] * len(properties)
    results = []
    for prop, (outcome, from_callee), diagnosis in zip(properties, outcomes, diagnoses):
        share = points * prop.weight / value if prop.role == "value" else 0.0
        results.append(PropertyResult(prop.name, share * factor if outcome.passed else 0.0, share, outcome.passed,
                                      outcome.message, diagnosis, from_callee, outcome.needs,
                                      None if outcome.passed else outcome.failure, prop.role, prop.weight))
    earned = points * sum(p.weight for p, ok in zip(properties, passed) if p.role == "value" and ok) / value * factor
    return CheckResult(function, kind, earned, points, tuple(results))


def _diagnoses(function: str, outcomes: Sequence[Outcome], diagnose: Diagnose | None,
               stored: Callable[[], list[Call]]) -> list[str | None]:
    """The catalog's names for the failed properties, from the student's calls of ``function``: its last
    call on each failing input seen (the one shown first, then the unshrunk one), where it returned, and
    its calls on the ``stored`` inputs (made only when there is something to diagnose, never after a
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


def _observations(function: str, outcome: Outcome) -> list[Call]:
    return [c for calls in (outcome.calls, *outcome.seen) for c in [c for c in calls if c.function == function][-1:]]


def _stored_calls(function: str, student: Student, callees: Mapping[str, Callable[..., Any]]) -> list[Call]:
    """The student's calls of ``function`` on its stored inputs (the visible check made them too), up to the
    first that fails."""
    calls: list[Call] = []
    for case in expected.cases(function) if function in expected.functions() else ():
        args = tuple(value for key, value in case.items() if key != EXPECTED)
        try:
            calls.append(student.record(function, *args, substitutes=callees))
        except ChangedArgument as exc:
            calls.append(exc.call)
        except StudentFailure:
            break
    return calls


VISIBLE = Registry("visible")

# The visible checks register themselves in VISIBLE as they are imported: whoever imports VISIBLE has them all.
# (A circular import: they import VISIBLE from here, which exists by now.)
from dnn_checks import checks as _checks  # noqa: E402, F401
