"""The checks of Parts B-D: the reference and correct alternatives earn full marks, stored values are current."""

from __future__ import annotations

import inspect
import json

import numpy as np
import pytest
from dnn_checks.graded import graded
from dnn_checks.registry import VISIBLE
from dnn_checks.student import Student

import reference
from autograder.build.expected import FILE_BCD, build_bcd
from autograder.hidden import HIDDEN
from autograder.mistakes import explain, mistakes_of
from autograder.sandbox.bubblewrap import Limits
from autograder.sandbox.remote import WorkerFactory
from tests import alternatives_bcd

PARTS_BCD = sorted(set(json.loads(FILE_BCD.read_text(encoding="utf-8"))) | {
    "initialize_parameters_zeros", "initialize_parameters_random", "initialize_parameters_he",
    "initialize_parameters_xavier", "dropout_forward", "random_mini_batches"})
#: Functions whose alternative needs its partner (a batch-norm cache is the implementer's own).
PARTNERS = {"batchnorm_backward": ("batchnorm_forward",)}


def _reference_namespace() -> dict[str, object]:
    return {name: getattr(reference, name) for name in reference.__all__}


def _grade(function: str, namespace: dict[str, object]) -> list[tuple[str, float, float, list[str]]]:
    """(kind, points, max_points, failures) of the visible and hidden checks of ``function``."""
    substitutes = {name: getattr(reference, name) for name in graded(function).calls}
    results = []
    for registry in (VISIBLE, HIDDEN):
        result = registry.run(function, Student(namespace), substitutes=substitutes, diagnose=explain)
        results.append((registry.kind, result.points, result.max_points,
                        [f"{p.name}: {p.message}" for p in result.properties if not p.passed]))
    return results


def test_the_stored_values_are_what_the_reference_computes_today() -> None:
    assert json.loads(FILE_BCD.read_text(encoding="utf-8")) == json.loads(json.dumps(build_bcd()))


@pytest.mark.parametrize("function", PARTS_BCD)
def test_the_reference_earns_full_marks(function: str) -> None:
    for kind, points, max_points, failures in _grade(function, _reference_namespace()):
        assert points == max_points, (kind, failures)


def _notebook_with(name: str) -> dict[str, object]:
    """A notebook namespace: the reference's functions, then the alternatives' cell run in it
    (so that their globals are the namespace's), with ``name`` as its contract function."""
    namespace = _reference_namespace()
    exec(compile(inspect.getsource(alternatives_bcd), alternatives_bcd.__file__, "exec"), namespace)  # noqa: S102
    alternatives = namespace.pop("ALTERNATIVES")
    contract = _reference_namespace()
    function = name.split("/")[0]
    namespace.update({key: contract[key] for key in contract if key not in PARTNERS.get(function, ())})
    namespace[function] = alternatives[name]
    return namespace


@pytest.mark.parametrize("name", sorted(alternatives_bcd.ALTERNATIVES))
def test_a_correct_alternative_earns_full_marks(name: str) -> None:
    function = name.split("/")[0]
    namespace = _notebook_with(name)
    for kind, points, max_points, failures in _grade(function, namespace):
        assert points == max_points, (kind, failures)


def test_grading_twice_gives_identical_scores() -> None:
    namespace = _reference_namespace()
    namespace["update_parameters_with_adam"] = alternatives_bcd.ALTERNATIVES["update_parameters_with_adam"]
    first = _grade("update_parameters_with_adam", namespace)
    assert first == _grade("update_parameters_with_adam", namespace)


REMOTE = ("dropout_forward", "random_mini_batches", "update_parameters_with_adam",
          "L_model_backward_with_regularization", "batchnorm_forward", "batchnorm_backward")


def test_the_alternatives_earn_full_marks_through_a_worker() -> None:
    """Generators, in-place bn_param updates and opaque batch-norm caches cross the process boundary."""
    source = inspect.getsource(alternatives_bcd).split("\n#: Alternative name")[0]
    with WorkerFactory(insecure=True, limits=Limits(call_seconds=10)) as factory, factory.session() as session:
        assert session.run_cell("from reference import L_model_backward", timeout=30).ok
        assert session.run_cell(source, timeout=30).ok
        namespace = session.functions()
        for function in REMOTE:
            for kind, points, max_points, failures in _grade(function, namespace):
                assert points == max_points, (function, kind, failures)


STUDENT_BACKWARD = '''
import numpy as np


def L_model_backward_with_regularization(AL, Y, caches, lambd, p=2):
    grads, L, m = {}, len(caches), AL.shape[1]
    dA = -(Y / AL - (1 - Y) / (1 - AL))
    for l in range(L, 0, -1):
        dA, dW, db = linear_activation_backward(dA, caches[l - 1], "sigmoid" if l == L else "relu")
        W = caches[l - 1][0][1]
        grads[f"dA{l - 1}"], grads[f"dW{l}"], grads[f"db{l}"] = dA, dW + lambd / m * np.sign(W) * np.abs(W) ** (p - 1), db
    return grads
'''


def test_a_broken_callee_costs_only_its_own_points() -> None:
    """L_model_backward_with_regularization over a wrong linear_activation_backward keeps its hidden points."""
    namespace = _reference_namespace()
    exec(STUDENT_BACKWARD, namespace)  # noqa: S102 - a student's cell
    namespace["linear_activation_backward"] = mistakes_of("linear_activation_backward")[0].wrong
    substitutes = {name: getattr(reference, name) for name in graded("L_model_backward_with_regularization").calls}
    result = HIDDEN.run("L_model_backward_with_regularization", Student(namespace), substitutes=substitutes)
    assert result.points == result.max_points
    assert any(p.from_callee for p in result.properties)


def _dropout_from_numpy_global(A, keep_prob, rng):
    D = np.random.rand(*A.shape) < keep_prob
    return A * D / keep_prob, D


def _dropout_with_own_seed(A, keep_prob, rng):
    D = np.random.default_rng(1).random(A.shape) < keep_prob
    return A * D / keep_prob, D


@pytest.mark.parametrize("dropout_forward", [_dropout_from_numpy_global, _dropout_with_own_seed])
def test_a_dropout_that_ignores_rng_loses_a_share_of_its_hidden_points(dropout_forward) -> None:
    namespace = {**_reference_namespace(), "dropout_forward": dropout_forward}
    result = HIDDEN.run("dropout_forward", Student(namespace))
    assert [p.name for p in result.properties if not p.passed] == [
        "draws D from rng: generators in the same state give the same mask, in different states different masks"]
    assert 0 < result.points < result.max_points == 2
