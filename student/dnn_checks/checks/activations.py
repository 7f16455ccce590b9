"""Visible checks of the activations and their backward functions (from the maths alone)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from hypothesis import strategies as st

from dnn_checks import strategies
from dnn_checks.compare import check_close, check_equal, check_shape, check_tuple
from dnn_checks.gradcheck import gradcheck
from dnn_checks.properties import (
    forward_of,
    gradcheck_failure,
    leaves_inputs_unchanged,
    same_result_twice,
    stored_values,
    zero_upstream,
)
from dnn_checks.registry import VISIBLE, Registry
from dnn_checks.runner import RecordingStudent

Array = np.ndarray


def pair(key: str, elements: st.SearchStrategy[float]) -> dict[str, st.SearchStrategy]:
    """{"dA": ..., "cache": Z} of one shared shape; Z's entries from ``elements``."""
    shape = st.shared(strategies.matrix_shapes(), key=key)
    return {"dA": strategies.matrices(shape), "cache": strategies.matrices(shape, elements=elements)}


def activation(function: str, name: str, law: Callable[[Array, Array], None], Z: st.SearchStrategy) -> None:
    """Visible check of an activation: (A, cache = Z) of Z's shape, the ``law`` relating A to Z, stored values."""
    @VISIBLE.property(function, "returns (A, cache): A has Z's shape, cache is Z", given={"Z": strategies.matrices()})
    def _(student: RecordingStudent, Z: Array) -> None:
        A, cache = check_tuple(student.call(function, Z), 2, where=f"the result of {function}(Z)")
        check_shape(A, Z.shape, where="A")
        check_equal(Z, cache, where="cache")

    @VISIBLE.property(function, name, given={"Z": Z}, weight=2)
    def _(student: RecordingStudent, Z: Array) -> None:
        A, _ = check_tuple(student.call(function, Z), 2, where=f"the result of {function}(Z)")
        law(Z, check_shape(A, Z.shape, where="A"))

    stored_values(VISIBLE, function)
    leaves_inputs_unchanged(VISIBLE, function, {"Z": strategies.matrices()})


def backward(registry: Registry, function: str, forward: Callable[[RecordingStudent], Callable[..., Array]],
             against: str, Z: st.SearchStrategy[float]) -> None:
    """Gradient check of ``function`` against ``forward`` (Z drawn from ``Z``); zero dA; called twice."""
    @registry.property(function, f"gradient check against {against}", given=pair(f"{function}/gradcheck", Z),
                       max_examples=3)
    def _(student: RecordingStudent, dA: Array, cache: Array) -> None:
        dZ = check_shape(student.call(function, dA, cache), dA.shape, where="dZ")
        gradcheck_failure(gradcheck(forward(student), {"Z": cache}, {"dZ": dZ}, dA), against)

    zero_upstream(registry, function, pair(f"{function}/zero", strategies.with_zeros()), "dA")
    same_result_twice(registry, function, pair(f"{function}/twice", strategies.with_zeros()))


def backward_visible(function: str, forward_name: str, Z: st.SearchStrategy[float]) -> None:
    """Visible check of an activation's backward: shape, gradient check against the student's forward, data."""
    @VISIBLE.property(function, "dZ has dA's shape and a float dtype", given=pair(function, strategies.floats()))
    def _(student: RecordingStudent, dA: Array, cache: Array) -> None:
        check_shape(student.call(function, dA, cache), dA.shape, where="dZ")

    backward(VISIBLE, function, lambda student: forward_of(student, forward_name), f"your {forward_name}", Z)
    stored_values(VISIBLE, function)
    leaves_inputs_unchanged(VISIBLE, function, pair(f"{function}/unchanged", strategies.with_zeros()))


def _relu_law(Z: Array, A: Array) -> None:
    check_close(np.where(Z > 0, Z, 0.0), A, where="A")


def _sigmoid_law(Z: Array, A: Array) -> None:
    check_close(1.0 / (1.0 + np.exp(-Z)), A, where="A")


def _tanh_law(Z: Array, A: Array) -> None:
    check_close(np.tanh(Z), A, where="A")


def _softmax_law(Z: Array, A: Array) -> None:
    """Columns of A are positive, sum to 1, and log-ratios equal differences of Z."""
    check_close(np.ones((1, Z.shape[1])), A.sum(axis=0, keepdims=True), where="the column sums of A")
    top = np.argmax(Z, axis=0)
    best = A[top, np.arange(Z.shape[1])]
    check_close(np.clip(Z - Z[top, np.arange(Z.shape[1])], -30, 0), np.clip(np.log(A / best), -30, 0),
                where="log(A[i, j] / max_i A[i, j])", scale=30.0)


activation("relu", "A = max(0, Z), also where Z = 0", _relu_law, strategies.matrices(elements=strategies.with_zeros()))
activation("sigmoid", "A = 1 / (1 + exp(-Z))", _sigmoid_law, strategies.matrices(elements=strategies.floats(
    min_value=-30.0, max_value=30.0)))
activation("tanh", "A = tanh(Z)", _tanh_law, strategies.matrices())
activation("softmax", "columns of A sum to 1, A ~ exp(Z), no overflow for large Z", _softmax_law,
           strategies.logits())

backward_visible("relu_backward", "relu", strategies.off_kink())
backward_visible("sigmoid_backward", "sigmoid", strategies.floats())
backward_visible("tanh_backward", "tanh", strategies.floats())


@VISIBLE.property("relu_backward", "dZ = 0 where Z <= 0 (Z = 0 included), dZ = dA where Z > 0",
                  given=pair("relu_backward/mask", strategies.with_zeros()))
def _(student: RecordingStudent, dA: Array, cache: Array) -> None:
    dZ = check_shape(student.call("relu_backward", dA, cache), dA.shape, where="dZ")
    check_close(np.where(cache > 0, dA, 0.0), dZ, where="dZ")
