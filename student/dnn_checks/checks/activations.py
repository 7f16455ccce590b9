"""Visible checks of the activations and their backward functions (from the maths alone).

The worked example of a check: :func:`activation` and :func:`backward` are the property
factories; ``autograder/hidden/activations.py`` calls :func:`backward` with the reference's
forward instead of the maths written here.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from hypothesis import strategies as st

from dnn_checks import strategies
from dnn_checks.compare import check_close, check_equal, check_shape, returned
from dnn_checks.properties import check_gradients, same_result_twice, stored_values, zero_upstream
from dnn_checks.registry import VISIBLE, Registry
from dnn_checks.runner import RecordingStudent

Array = np.ndarray
#: The activations as the maths defines them (softmax column-wise).
G: dict[str, Callable[[Array], Array]] = {
    "sigmoid": lambda Z: 1.0 / (1.0 + np.exp(-Z)),
    "relu": lambda Z: np.where(Z > 0, Z, 0.0),
    "tanh": np.tanh,
    "softmax": lambda Z: np.exp(Z - Z.max(axis=0)) / np.exp(Z - Z.max(axis=0)).sum(axis=0),
}
#: The laws, as the checks' names say them.
LAWS = {"sigmoid": "A = 1 / (1 + exp(-Z))", "relu": "A = max(0, Z)", "tanh": "A = tanh(Z)",
        "softmax": "A = exp(Z) / sum of exp(Z) over each column"}


def pair(key: str, elements: st.SearchStrategy[float]) -> dict[str, st.SearchStrategy]:
    """{"dA": ..., "cache": Z} of one shared shape; Z's entries from ``elements``."""
    shape = st.shared(strategies.matrix_shapes(), key=key)
    return {"dA": strategies.matrices(shape), "cache": strategies.matrices(shape, elements=elements)}


def activation(function: str, name: str, law: Callable[[Array, Array], None], Z: st.SearchStrategy) -> None:
    """Visible check of an activation: (A, cache = Z) of Z's shape (a gate), the ``law`` relating A to Z (its
    value), stored values."""
    @VISIBLE.property(function, "returns (A, cache): A has Z's shape, cache is Z", role="gate",
                      given={"Z": strategies.matrices()})
    def _(student: RecordingStudent, Z: Array) -> None:
        A, cache = returned(function, student.call(function, Z))
        check_shape(A, Z.shape, where="A")
        check_equal(Z, cache, where="cache")

    @VISIBLE.property(function, name, role="value", given={"Z": Z}, weight=2)
    def _(student: RecordingStudent, Z: Array) -> None:
        A, _ = returned(function, student.call(function, Z))
        law(Z, check_shape(A, Z.shape, where="A"))

    stored_values(VISIBLE, function, _softmax_inputs if function == "softmax" else _activation_inputs)


def backward(registry: Registry, function: str, forward: Callable[[Array], Array], against: str,
             Z: st.SearchStrategy[float]) -> None:
    """Gradient check of ``function`` against the trusted ``forward`` (Z drawn from ``Z``); gates: zero dA, twice."""
    @registry.property(function, f"gradient check against {against}", role="value",
                       given=pair(f"{function}/gradcheck", Z), max_examples=3)
    def _(student: RecordingStudent, dA: Array, cache: Array) -> None:
        dZ = student.call(function, dA, cache)
        check_gradients(lambda Z: forward(Z), {"Z": cache}, {"dZ": dZ}, dA, against=against)

    zero_upstream(registry, function, pair(f"{function}/zero", strategies.with_zeros()), "dA")
    same_result_twice(registry, function, pair(f"{function}/twice", strategies.with_zeros()))


def backward_visible(function: str, forward_name: str, Z: st.SearchStrategy[float]) -> None:
    """Visible check of an activation's backward: shape (gate), gradient check against the maths, stored values."""
    @VISIBLE.property(function, "dZ has dA's shape and a float dtype", role="gate",
                      given=pair(function, strategies.floats()))
    def _(student: RecordingStudent, dA: Array, cache: Array) -> None:
        check_shape(student.call(function, dA, cache), dA.shape, where="dZ")

    backward(VISIBLE, function, G[forward_name], f"{forward_name}, {LAWS[forward_name]}", Z)
    stored_values(VISIBLE, function, _backward_inputs)


def _law(function: str) -> Callable[[Array, Array], None]:
    return lambda Z, A: check_close(G[function](Z), A, where="A")


def _softmax_law(Z: Array, A: Array) -> None:
    """Columns of A are positive, sum to 1, and log-ratios equal differences of Z."""
    check_close(np.ones((1, Z.shape[1])), A.sum(axis=0, keepdims=True), where="the column sums of A")
    top = np.argmax(Z, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_ratios = np.clip(np.log(A / A[top, np.arange(Z.shape[1])]), -30, 0)
    check_close(np.clip(Z - Z[top, np.arange(Z.shape[1])], -30, 0), log_ratios, where="log(A[i, j] / max_i A[i, j])",
                scale=30.0)


def _activation_inputs(rng: np.random.Generator) -> list[dict[str, Array]]:
    return [{"Z": rng.standard_normal((3, 4)) * 3}, {"Z": np.array([[0.0, -1.5, 2.0]])}]


def _softmax_inputs(rng: np.random.Generator) -> list[dict[str, Array]]:
    return [{"Z": rng.standard_normal((4, 3)) * 3}, {"Z": np.array([[800.0, -3.0], [799.0, 2.0], [-800.0, 1.0]])}]


def _backward_inputs(rng: np.random.Generator) -> list[dict[str, Array]]:
    Z = rng.standard_normal((4, 3)) * 2
    Z[0, 0] = 0.0
    return [{"dA": rng.standard_normal((4, 3)), "cache": Z}]


activation("relu", "A = max(0, Z), also where Z = 0", _law("relu"),
           strategies.matrices(elements=strategies.with_zeros()))
activation("sigmoid", LAWS["sigmoid"], _law("sigmoid"), strategies.matrices(elements=strategies.floats(
    min_value=-30.0, max_value=30.0)))
activation("tanh", LAWS["tanh"], _law("tanh"), strategies.matrices())
activation("softmax", "columns of A sum to 1, A ~ exp(Z), no overflow for large Z", _softmax_law,
           strategies.logits())

backward_visible("relu_backward", "relu", strategies.off_kink())
backward_visible("sigmoid_backward", "sigmoid", strategies.floats())
backward_visible("tanh_backward", "tanh", strategies.floats())


@VISIBLE.property("relu_backward", "dZ = 0 where Z <= 0 (Z = 0 included), dZ = dA where Z > 0", role="value",
                  given=pair("relu_backward/mask", strategies.with_zeros()))
def _(student: RecordingStudent, dA: Array, cache: Array) -> None:
    dZ = check_shape(student.call("relu_backward", dA, cache), dA.shape, where="dZ")
    check_close(np.where(cache > 0, dA, 0.0), dZ, where="dZ")
