"""The checks of composing networks: the reference and correct alternatives (with caches of their own) earn
full marks, in process and through a worker; trivial functions earn nothing; the stored values are current."""

from __future__ import annotations

import inspect
import json

import numpy as np
import pytest
from dnn_checks.graded import taught_in
from dnn_checks.registry import VISIBLE
from dnn_checks.student import Student

import reference
from autograder.build.expected import FILE_COMPOSITION, build_composition
from autograder.hidden import HIDDEN
from autograder.mistakes import explain, mistakes_of
from autograder.sandbox.bubblewrap import Limits
from autograder.sandbox.remote import WorkerFactory
from tests import alternatives_composition
from tests.alternatives_composition import ALTERNATIVES

FUNCTIONS = taught_in("a5_composing_networks")


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


def _with_pair(name: str) -> dict[str, object]:
    """The reference's namespace with the alternative ``name`` and its partner (the forward and backward of the
    same suffix, which share a cache layout) under their contract names."""
    function, suffix = name.split("/")
    layer = function.split("_")[0]
    return {**_reference_namespace(), **{f"{layer}_{kind}": ALTERNATIVES[f"{layer}_{kind}/{suffix}"]
                                         for kind in ("forward", "backward")}}


def test_the_stored_values_are_what_the_reference_computes_today() -> None:
    assert json.loads(FILE_COMPOSITION.read_text(encoding="utf-8")) == json.loads(json.dumps(build_composition()))


@pytest.mark.parametrize("function", FUNCTIONS)
def test_the_reference_earns_full_marks(function: str) -> None:
    for kind, points, max_points, failures in _grade(function, _reference_namespace()):
        assert points == max_points, (kind, failures)


@pytest.mark.parametrize("name", sorted(ALTERNATIVES))
def test_a_correct_alternative_earns_full_marks(name: str) -> None:
    for kind, points, max_points, failures in _grade(name.split("/")[0], _with_pair(name)):
        assert points == max_points, (kind, failures)


def test_the_alternatives_earn_full_marks_through_a_worker() -> None:
    """Caches of every layout (an int, a dict, a list, a tuple of arrays) cross the process boundary as handles."""
    source = inspect.getsource(alternatives_composition).split("\n#: Alternative name")[0]
    with WorkerFactory(insecure=True, limits=Limits(call_seconds=10)) as factory, factory.session() as session:
        assert session.run_cell(source, timeout=30).ok
        for name in sorted(ALTERNATIVES):
            function, suffix = name.split("/")
            layer = function.split("_")[0]
            assert session.run_cell(f"{layer}_forward, {layer}_backward = {layer}_forward_{suffix}, "
                                    f"{layer}_backward_{suffix}", timeout=30).ok
            for kind, points, max_points, failures in _grade(function, dict(session.functions())):
                assert points == max_points, (name, kind, failures)


def _unimplemented(A1, A2):
    raise NotImplementedError


def _joins_columns(A1, A2):
    return np.concatenate([A1, A2], axis=1), (A1.shape[0], A2.shape[0])


#: Functions a check must never pay: a constant, zeros of the right shape, echoes of an input, random noise.
TRIVIAL = {
    "constant": lambda *args: (np.ones((2, 2)), None),
    "zeros": lambda first, *args: (np.zeros_like(first), np.zeros_like(first)),
    "echo of the first input": lambda first, *args: (first, first),
    "echo of the inputs": lambda *args: args,
    "noise": lambda first, *args: (np.random.default_rng(0).normal(size=first.shape),) * 2,
}


@pytest.mark.parametrize("function", FUNCTIONS)
@pytest.mark.parametrize("trivial", sorted(TRIVIAL))
def test_a_trivial_function_earns_nothing(function: str, trivial: str) -> None:
    namespace = {**_reference_namespace(), function: TRIVIAL[trivial]}
    for kind, points, _, _ in _grade(function, namespace):
        assert points == 0, kind


@pytest.mark.parametrize("forward", [_unimplemented, _joins_columns], ids=["not implemented", "raises"])
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
