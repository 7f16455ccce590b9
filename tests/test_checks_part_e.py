"""Part E's checks beyond what every graded function gets (``test_checks``, ``test_trivial_submissions``): enough
correct alternatives, Part B's solutions under L_p, and the composing layers' caches of the implementer's own."""

from __future__ import annotations

import numpy as np
import pytest
from dnn_checks.graded import TABLE
from dnn_checks.registry import VISIBLE
from dnn_checks.student import Student

import reference
from autograder.hidden import HIDDEN
from autograder.mistakes import alternatives_of, explain, mistakes_of

#: Part E's graded functions (CONTRACT.md, Part E), and the two of Part B that gained p.
PART_E = ("compute_cost_with_regularization", "L_model_backward_with_regularization", "compute_cost_weighted",
          "L_model_backward_weighted", "early_stopping", "augment_shift", "sample_hyperparameters",
          *(row.name for row in TABLE if row.concept == "composition"))


def _reference_namespace() -> dict[str, object]:
    return {name: getattr(reference, name) for name in reference.__all__}


def _grade(function: str, namespace: dict[str, object]) -> list[tuple[str, float, float, list[str]]]:
    """(kind, points, max_points, failures) of the visible and hidden checks of ``function``."""
    results = []
    for registry in (VISIBLE, HIDDEN):
        result = registry.run(function, Student(namespace), diagnose=explain)
        results.append((registry.kind, result.points, result.max_points,
                        [f"{p.name}: {p.message}" for p in result.properties if not p.passed]))
    return results


@pytest.mark.parametrize("function", PART_E)
def test_every_function_has_three_correct_alternatives(function: str) -> None:
    assert len(alternatives_of(function)) >= 3


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
    properties (and the stored cases, some of which have p), and keeps every other one."""
    namespace = {**_reference_namespace(), "np": np}
    exec(PART_B[function], namespace)  # noqa: S102 - a student's cell of the first release
    for registry in (VISIBLE, HIDDEN):
        result = registry.run(function, Student(namespace))
        failed = {p.name for p in result.properties if not p.passed}
        assert failed and all(name.startswith("with p") or name == "gives the expected results on the example inputs"
                              for name in failed), failed


def _unimplemented(A1, A2):
    raise NotImplementedError


def _joins_columns(A1, A2):
    return np.concatenate([A1, A2], axis=1), (A1.shape[0], A2.shape[0])


@pytest.mark.parametrize("forward", [_unimplemented, _joins_columns], ids=["not implemented", "wrong"])
def test_a_backward_over_a_failing_forward_is_judged_with_the_documented_cache(forward) -> None:
    """The notebook's layout (n1, n2): a forward's failure costs its own points, not the backward's."""
    namespace = {**_reference_namespace(), "concat_forward": forward,
                 "concat_backward": lambda dA, cache: (dA[:cache[0]], dA[cache[0]:])}
    assert all(points == max_points for _, points, max_points, _ in _grade("concat_backward", namespace))


def test_a_backward_that_needs_its_own_failing_forward_fails() -> None:
    namespace = {**_reference_namespace(), "concat_forward": _unimplemented,
                 "concat_backward": lambda dA, cache: (dA[:cache["n1"]], dA[cache["n1"]:])}
    assert all(points == 0 for _, points, _, _ in _grade("concat_backward", namespace))


def test_a_wrong_forward_keeping_its_cache_costs_only_the_forwards_points() -> None:
    """A forward that puts A2 first but caches the sizes right leaves the backward its points."""
    namespace = {**_reference_namespace(), "concat_forward": mistakes_of("concat_forward")[1].wrong}
    assert [points for _, points, _, _ in _grade("concat_forward", namespace)] == [0, 0]
    assert all(points == max_points for _, points, max_points, _ in _grade("concat_backward", namespace))
