"""Properties every check needs, registered by one call each (visible and hidden alike).

Each factory registers one property on ``registry`` for ``function``; the student
function is called with the inputs in the order of ``given`` (positional arguments).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np

from dnn_checks import expected
from dnn_checks.compare import RTOL, Failed, check_close, check_equal, check_float, check_shape
from dnn_checks.gradcheck import GradcheckResult
from dnn_checks.registry import Registry
from dnn_checks.runner import EXPECTED, Given, RecordingStudent
from dnn_checks.values import describe


def stored_values(registry: Registry, function: str, *, weight: float = 1.0, rtol: float = RTOL) -> None:
    """"matches the stored expected values": the cases of :mod:`dnn_checks.expected`."""
    @registry.property(function, "matches the stored expected values", cases=lambda: expected.cases(function),
                       weight=weight)
    def _(student: RecordingStudent, **case: Any) -> None:
        answer = case.pop(EXPECTED)
        check_close(answer, student.call(function, *case.values()), where=f"the result of {function}", rtol=rtol)


def leaves_inputs_unchanged(registry: Registry, function: str, given: Given, *, weight: float = 0.5) -> None:
    """"leaves its arguments unchanged": no argument is modified in place."""
    @registry.property(function, "leaves its arguments unchanged", given=given, weight=weight, max_examples=3)
    def _(student: RecordingStudent, **inputs: Any) -> None:
        before = copy.deepcopy(inputs)
        student.call(function, *inputs.values())
        for name, value in before.items():
            check_equal(value, inputs[name], where=f"{function} modified its argument {name} in place: {name}")


def same_result_twice(registry: Registry, function: str, given: Given, *, weight: float = 0.5) -> None:
    """"gives the same result when called twice": nothing it uses changes between calls."""
    @registry.property(function, "gives the same result when called twice", given=given, weight=weight,
                       max_examples=3)
    def _(student: RecordingStudent, **inputs: Any) -> None:
        first = student.call(function, *inputs.values())
        check_equal(first, student.call(function, *inputs.values()), where=f"the second call of {function}")


def zero_upstream(registry: Registry, function: str, given: Given, upstream: str, *, weight: float = 0.5) -> None:
    """"a zero upstream gradient gives zero gradients": ``upstream`` set to zeros."""
    @registry.property(function, f"{upstream} = 0 gives zero gradients", given=given, weight=weight, max_examples=3)
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


def gradcheck_failure(result: GradcheckResult, against: str) -> None:
    """Raise Failed naming the first mismatching gradient entry, torch.autograd.gradcheck style."""
    if not result.ok:
        first = result.mismatches[0]
        raise Failed(f"gradient check against {against} failed for {first.gradient} at index {first.index}: "
                     f"numerical {first.numerical!r}, analytical {first.analytical!r} "
                     f"({len(result.mismatches)} entries differ)")


def forward_of(student: RecordingStudent, function: str, *, item: int | None = 0,
               shape: tuple[int, ...] | None = None) -> Callable[..., np.ndarray]:
    """The student's ``function`` as gradcheck's forward: ``f(**inputs)`` -> its output ``item``.

    The output must be a finite float array (of ``shape``, when given) or a finite float.
    """
    def forward(**inputs: Any) -> np.ndarray:
        result = student.call(function, *inputs.values())
        where = f"the output of your {function}"
        if item is not None:
            if not isinstance(result, (tuple, list)) or len(result) <= item:
                raise Failed(f"your {function} should return a tuple, got {describe(result)}")
            result = result[item]
        if not isinstance(result, np.ndarray) or result.shape == ():
            return np.asarray(check_float(result, where=where))
        return check_shape(result, result.shape if shape is None else shape, where=where)
    return forward
