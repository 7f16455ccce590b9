"""The checks of Part E in assignments 2 and 3: the reference and correct alternatives earn full marks,
trivial functions earn nothing, and a Part B solution without p keeps its Part B properties."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from dnn_checks.registry import VISIBLE
from dnn_checks.student import Student

from autograder.hidden import HIDDEN
from autograder.sandbox.bubblewrap import Limits
from autograder.sandbox.remote import WorkerFactory
from tests import alternatives_e
from tests.test_checks_part_bcd import _grade, _reference_namespace

PART_E = ("compute_cost_with_regularization", "L_model_backward_with_regularization", "compute_cost_weighted",
          "L_model_backward_weighted", "early_stopping", "augment_shift", "sample_hyperparameters")
#: Properties that a function holds whatever its values (gates: they withhold points from a function that breaks
#: them, and pay none once the registry has roles); the float one is Part B's, kept as it was.
GATES = ("leaves its arguments unchanged", "gives the same result when called twice", "returns a float (or a 0-d array)")


@pytest.mark.parametrize("function", PART_E)
def test_the_reference_earns_full_marks(function: str) -> None:
    for kind, points, max_points, failures in _grade(function, _reference_namespace()):
        assert points == max_points, (kind, failures)


def _notebook_with(name: str) -> dict[str, object]:
    """The reference's functions, then the alternatives' cell run in that namespace, ``name`` as its function."""
    namespace = _reference_namespace()
    exec(compile(inspect.getsource(alternatives_e), alternatives_e.__file__, "exec"), namespace)  # noqa: S102
    alternatives = namespace.pop("ALTERNATIVES")
    namespace.update(_reference_namespace())
    namespace[name.split("/")[0]] = alternatives[name]
    return namespace


@pytest.mark.parametrize("name", sorted(alternatives_e.ALTERNATIVES))
def test_a_correct_alternative_earns_full_marks(name: str) -> None:
    for kind, points, max_points, failures in _grade(name.split("/")[0], _notebook_with(name)):
        assert points == max_points, (kind, failures)


def test_every_function_has_three_alternatives() -> None:
    counts = {function: sum(name.split("/")[0] == function for name in alternatives_e.ALTERNATIVES)
              for function in PART_E}
    assert min(counts.values()) >= 3, counts


def _trivial(function: str) -> dict[str, Callable[..., Any]]:
    """Functions that know nothing: a constant of the right kind, zeros shaped like the first argument, an echo of
    the inputs, random noise of the first argument's shape."""
    noise = np.random.default_rng(0)
    constant: Any = {"compute_cost_with_regularization": 0.5, "compute_cost_weighted": 0.5,
                     "early_stopping": (0, None), "sample_hyperparameters": [{"x": 1.0}]}.get(function)
    return {
        "constant": lambda *args: constant if constant is not None else {"dW1": np.ones((1, 1))},
        "zeros": lambda *args: (np.zeros_like(args[0]), np.zeros_like(args[1])) if function == "augment_shift"
        else {key: np.zeros(1) for key in ("dW1",)} if function.startswith("L_model") else 0.0,
        "echo": lambda *args: args[:2] if function == "augment_shift" else args[0],
        "noise": lambda *args: (noise.random(np.shape(args[0])), noise.random(np.shape(args[1])))
        if function == "augment_shift" else float(noise.random()),
    }


@pytest.mark.parametrize("function", PART_E)
def test_a_trivial_function_passes_only_gates(function: str) -> None:
    for name, trivial in _trivial(function).items():
        namespace = {**_reference_namespace(), function: trivial}
        for registry in (VISIBLE, HIDDEN):
            result = registry.run(function, Student(namespace))
            passed = [p.name for p in result.properties if p.passed and p.name not in GATES]
            assert not passed, (name, registry.kind, passed)


PART_B = {
    "compute_cost_with_regularization": '''
def compute_cost_with_regularization(AL, Y, parameters, lambd):
    squares = sum(np.sum(W ** 2) for key, W in parameters.items() if key[0] == "W")
    return float(compute_cost(AL, Y) + lambd * squares / (2 * Y.shape[1]))
''',
    "L_model_backward_with_regularization": '''
def L_model_backward_with_regularization(AL, Y, caches, lambd):
    grads = L_model_backward(AL, Y, caches)
    for l in range(1, len(caches) + 1):
        grads["dW" + str(l)] = grads["dW" + str(l)] + lambd / Y.shape[1] * caches[l - 1][0][1]
    return grads
''',
}


@pytest.mark.parametrize("function", sorted(PART_B))
def test_a_part_b_solution_without_p_loses_only_what_p_adds(function: str) -> None:
    """Why a class graded before Part E scores less on these cells: a function without p fails the "with p"
    properties (and the stored cases with p), and keeps every other one."""
    namespace = {**_reference_namespace(), "np": np}
    exec(PART_B[function], namespace)  # noqa: S102 - a student's cell of the first release
    for registry in (VISIBLE, HIDDEN):
        result = registry.run(function, Student(namespace))
        failed = {p.name for p in result.properties if not p.passed}
        assert failed and all(name.startswith("with p") or name == "matches the stored expected values"
                              for name in failed), failed


REMOTE = ("L_model_backward_weighted", "early_stopping", "augment_shift", "sample_hyperparameters")


def test_the_alternatives_earn_full_marks_through_a_worker() -> None:
    """Lists of tuples, a space of tuples and strings, and Generators cross the process boundary."""
    source = inspect.getsource(alternatives_e).split("\n#: Alternative name")[0]
    with WorkerFactory(insecure=True, limits=Limits(call_seconds=10)) as factory, factory.session() as session:
        assert session.run_cell("from reference import linear_activation_backward, linear_backward", timeout=30).ok
        assert session.run_cell(source, timeout=30).ok
        namespace = session.functions()
        for function in REMOTE:
            for kind, points, max_points, failures in _grade(function, namespace):
                assert points == max_points, (function, kind, failures)
