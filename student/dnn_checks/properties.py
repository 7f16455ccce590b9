"""Properties every check needs, registered by one call each (visible and hidden alike).

Each factory registers one property on ``registry`` for ``function``; the student function
is called with the inputs in the order of ``given`` (positional arguments). A visible check
and its hidden check share a factory: the visible one passes its own maths, the hidden one
the reference's function (``autograder.hidden.registry.matches_reference``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from dnn_checks import expected
from dnn_checks.compare import RTOL, Failed, check_close, check_equal, check_result, check_result_like, check_shape
from dnn_checks.expected import EXPECTED
from dnn_checks.gradcheck import gradcheck
from dnn_checks.registry import Observe, Recipe, Registry, current_grading
from dnn_checks.runner import Case, Given, RecordingStudent
from dnn_checks.values import to_base


def matches(registry: Registry, function: str, name: str, given: Given, maths: Callable[..., Any], *,
            weight: float = 2.0, rtol: float = RTOL, max_examples: int | None = None,
            observe: Observe | None = None, names: Sequence[str] | None = None) -> None:
    """A value property: ``function``'s output on ``given`` (or ``observe(student, **inputs)``, named ``names``)
    against ``maths(*inputs)``, computed from the check's own inputs."""
    @registry.property(function, name, role="value", given=given, weight=weight, max_examples=max_examples)
    def _(student: RecordingStudent, **inputs: Any) -> None:
        answer = to_base(maths(*copy.deepcopy(list(inputs.values()))))
        got = observe(student, **inputs) if observe else student.call(function, *inputs.values())
        check_result(function, answer, got, rtol=rtol, names=names)


def returns_like(registry: Registry, function: str, name: str, given: Given, maths: Callable[..., Any], *,
                 weight: float = 1.0, observe: Observe | None = None, names: Sequence[str] | None = None) -> None:
    """A gate: ``function``'s output on ``given`` has the structure of ``maths(*inputs)`` (tuple lengths, dict keys,
    array shapes, float dtypes), whatever its values."""
    @registry.property(function, name, role="gate", given=given, weight=weight)
    def _(student: RecordingStudent, **inputs: Any) -> None:
        answer = to_base(maths(*copy.deepcopy(list(inputs.values()))))
        got = observe(student, **inputs) if observe else student.call(function, *inputs.values())
        check_result_like(function, answer, got, names=names)


def stored_values(registry: Registry, function: str, recipe: Recipe, *, observe: Observe | None = None,
                  names: Sequence[str] | None = None, weight: float = 1.0, rtol: float = RTOL) -> None:
    """A value property, "gives the expected results on the example inputs": the inputs ``recipe(rng)`` draws
    (seeded by the function's name) with the outputs stored by ``python -m autograder.build.expected``; when
    grading, also new inputs of the same recipe that the student never saw (expected outputs from the
    reference): it holds only when both do. ``observe(student, **inputs)`` is what a case compares
    (default: the function's output), its parts named ``names``."""
    stored = registry.store(function, recipe, observe=observe, names=names)

    def cases() -> list[Case]:
        context = current_grading()
        return ([Case(case, "on the stored input:") for case in expected.cases(function)] +
                [Case(case, "on a new input like the stored ones:") for case in
                 (context.fresh(function, stored) if context else [])])

    @registry.property(function, "gives the expected results on the example inputs", role="value", cases=cases,
                       weight=weight)
    def _(student: RecordingStudent, **case: Any) -> None:
        answer = case.pop(EXPECTED)
        check_result(function, answer, stored.observe(student, **case), rtol=rtol, names=stored.names)


def same_result_twice(registry: Registry, function: str, given: Given, *, weight: float = 0.5) -> None:
    """A gate, "gives the same result when called twice": nothing it uses changes between calls (two examples of two
    calls each: a function that draws unseeded random numbers, or keeps state, differs on any input)."""
    @registry.property(function, "gives the same result when called twice", role="gate", given=given, weight=weight,
                       max_examples=2)
    def _(student: RecordingStudent, **inputs: Any) -> None:
        first = student.call(function, *inputs.values())
        check_equal(first, student.call(function, *inputs.values()), where=f"the second call of {function}")


def zero_upstream(registry: Registry, function: str, given: Given, upstream: str, *, weight: float = 0.5) -> None:
    """A gate, "a zero upstream gradient gives zero gradients": ``upstream`` set to zeros."""
    @registry.property(function, f"{upstream} = 0 gives zero gradients", role="gate", given=given, weight=weight,
                       max_examples=3)
    def _(student: RecordingStudent, **inputs: Any) -> None:
        inputs[upstream] = np.zeros_like(inputs[upstream])
        result = student.call(function, *inputs.values())
        check_close(_zeros_like(result), result, where=f"the result of {function} with {upstream} = 0")


def _zeros_like(value: Any) -> Any:
    """Zeros in the structure of ``value`` (a float array, or a tuple, list or dict of them)."""
    if isinstance(value, np.ndarray):
        return np.zeros(value.shape)
    if isinstance(value, (tuple, list)):
        return type(value)(_zeros_like(v) for v in value)
    if isinstance(value, dict):
        return {k: _zeros_like(v) for k, v in value.items()}
    raise Failed(f"expected arrays of gradients, got {type(value).__name__}")


def check_gradients(forward: Callable[..., Any], inputs: Mapping[str, Any], analytical: Mapping[str, Any],
                    dout: np.ndarray | float, *, against: str, names: Mapping[str, str] | None = None,
                    **options: Any) -> None:
    """Raise Failed unless every ``analytical["d" + x]`` has ``inputs[x]``'s shape and matches the central
    differences of ``sum(dout * forward(**inputs))`` (``gradcheck`` and its ``options``); the message names
    the gradient (``names``, default its key), the entry, numerical against analytical."""
    names = names or {}
    for key, value in analytical.items():
        check_shape(value, np.shape(inputs[key[1:]]), where=names.get(key, key))
    result = gradcheck(forward, inputs, analytical, dout, **options)
    if not result.ok:
        first = result.mismatches[0]
        raise Failed(f"gradient check against {against} failed for {names.get(first.gradient, first.gradient)} at "
                     f"index {first.index}: numerical {first.numerical!r}, analytical {first.analytical!r} "
                     f"({len(result.mismatches)} entries differ)")
