"""Visible checks of the linear and linear-activation layers, forward and backward."""

from __future__ import annotations

from typing import Any

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
#: The activations as the maths defines them (softmax column-wise).
G = {
    "sigmoid": lambda Z: 1.0 / (1.0 + np.exp(-Z)),
    "relu": lambda Z: np.where(Z > 0, Z, 0.0),
    "tanh": np.tanh,
    "softmax": lambda Z: np.exp(Z - Z.max(axis=0)) / np.exp(Z - Z.max(axis=0)).sum(axis=0),
}
ACTIVATION_LAYER = {**strategies.linear_inputs("layer"), "activation": st.sampled_from(strategies.ACTIVATIONS)}


def check_linear_cache(cache: Any, A_prev: Array, W: Array, b: Array, *, where: str) -> None:
    check_equal((A_prev, W, b), check_tuple(cache, 3, where=where), where=where)


def layer_backward_inputs(key: str) -> st.SearchStrategy[dict[str, Any]]:
    """{"dZ": (n, m), "linear_cache": (A_prev, W, b)}."""
    layer = st.fixed_dictionaries(strategies.linear_inputs(key))
    return layer.flatmap(lambda d: strategies.named({
        "dZ": strategies.matrices((d["W"].shape[0], d["A_prev"].shape[1])),
        "linear_cache": st.just((d["A_prev"], d["W"], d["b"]))}))


@VISIBLE.property("linear_forward", "returns (Z, cache): Z of shape (n, m), cache = (A_prev, W, b)",
                  given=strategies.linear_inputs("linear_forward"))
def _(student: RecordingStudent, A_prev: Array, W: Array, b: Array) -> None:
    Z, cache = check_tuple(student.call("linear_forward", A_prev, W, b), 2, where="the result of linear_forward")
    check_shape(Z, (W.shape[0], A_prev.shape[1]), where="Z")
    check_linear_cache(cache, A_prev, W, b, where="cache")


@VISIBLE.property("linear_forward", "Z = W @ A_prev + b", given=strategies.linear_inputs("linear_forward/law"),
                  weight=2)
def _(student: RecordingStudent, A_prev: Array, W: Array, b: Array) -> None:
    Z, _ = check_tuple(student.call("linear_forward", A_prev, W, b), 2, where="the result of linear_forward")
    check_close(W @ A_prev + b, Z, where="Z")


@VISIBLE.property("linear_activation_forward", "returns (A, ((A_prev, W, b), Z)) with Z = W @ A_prev + b",
                  given=ACTIVATION_LAYER)
def _(student: RecordingStudent, A_prev: Array, W: Array, b: Array, activation: str) -> None:
    A, cache = check_tuple(student.call("linear_activation_forward", A_prev, W, b, activation), 2,
                           where="the result of linear_activation_forward")
    check_shape(A, (W.shape[0], A_prev.shape[1]), where="A")
    linear_cache, Z = check_tuple(cache, 2, where="cache")
    check_linear_cache(linear_cache, A_prev, W, b, where="cache[0]")
    check_close(W @ A_prev + b, Z, where="the activation cache Z")


@VISIBLE.property("linear_activation_forward", "A = g(W @ A_prev + b) for g = sigmoid, relu, tanh, softmax",
                  given=ACTIVATION_LAYER, weight=2)
def _(student: RecordingStudent, A_prev: Array, W: Array, b: Array, activation: str) -> None:
    A, _ = check_tuple(student.call("linear_activation_forward", A_prev, W, b, activation), 2,
                       where="the result of linear_activation_forward")
    check_close(G[activation](W @ A_prev + b), A, where=f"A with activation {activation!r}")


@VISIBLE.property("linear_backward", "returns (dA_prev, dW, db) of the shapes of A_prev, W, b",
                  given=layer_backward_inputs("linear_backward"))
def _(student: RecordingStudent, dZ: Array, linear_cache: tuple[Array, Array, Array]) -> None:
    result = check_tuple(student.call("linear_backward", dZ, linear_cache), 3, where="the result of linear_backward")
    for name, value, like in zip(("dA_prev", "dW", "db"), result, linear_cache):
        check_shape(value, like.shape, where=name)


def linear_gradcheck(registry: Registry, forward: Any, against: str) -> None:
    """dA_prev, dW * m and db * m against the numerical gradient of sum(dZ * Z) through ``forward``."""
    @registry.property("linear_backward", f"gradient check against {against}",
                       given=layer_backward_inputs("linear_backward/gradcheck"), max_examples=3, weight=2)
    def _(student: RecordingStudent, dZ: Array, linear_cache: tuple[Array, Array, Array]) -> None:
        A_prev, W, b = linear_cache
        dA_prev, dW, db = check_tuple(student.call("linear_backward", dZ, linear_cache), 3,
                                      where="the result of linear_backward")
        m = A_prev.shape[1]
        result = gradcheck(forward(student), {"A_prev": A_prev, "W": W, "b": b},
                           {"dA_prev": dA_prev, "dW": dW, "db": db}, dZ, scale={"dW": 1 / m, "db": 1 / m})
        gradcheck_failure(result, against)

    zero_upstream(registry, "linear_backward", layer_backward_inputs("linear_backward/zero"), "dZ")
    same_result_twice(registry, "linear_backward", layer_backward_inputs("linear_backward/twice"))


def linear_activation_gradcheck(registry: Registry, forward: Any, against: str) -> None:
    """dA_prev, dW * m and db * m against the numerical gradient of sum(dA * A), off the ReLU kink."""
    @registry.property("linear_activation_backward", f"gradient check against {against} (away from Z = 0)",
                       given=strategies.linear_activation_caches(gap=0.05), max_examples=3, weight=2)
    def _(student: RecordingStudent, dA: Array, cache: Any, activation: str) -> None:
        (A_prev, W, b), _ = cache
        dA_prev, dW, db = check_tuple(student.call("linear_activation_backward", dA, cache, activation), 3,
                                      where="the result of linear_activation_backward")
        m = A_prev.shape[1]
        inputs = {"A_prev": A_prev, "W": W, "b": b, "activation": activation}
        result = gradcheck(forward(student), inputs, {"dA_prev": dA_prev, "dW": dW, "db": db}, dA,
                           scale={"dW": 1 / m, "db": 1 / m})
        gradcheck_failure(result, against)

    caches = strategies.linear_activation_caches()
    zero_upstream(registry, "linear_activation_backward", caches, "dA")
    same_result_twice(registry, "linear_activation_backward", caches)


@VISIBLE.property("linear_activation_backward", "returns (dA_prev, dW, db) of the shapes of A_prev, W, b",
                  given=strategies.linear_activation_caches())
def _(student: RecordingStudent, dA: Array, cache: Any, activation: str) -> None:
    result = check_tuple(student.call("linear_activation_backward", dA, cache, activation), 3,
                         where="the result of linear_activation_backward")
    for name, value, like in zip(("dA_prev", "dW", "db"), result, cache[0]):
        check_shape(value, like.shape, where=name)


for _function in ("linear_forward", "linear_activation_forward", "linear_backward", "linear_activation_backward"):
    stored_values(VISIBLE, _function)
leaves_inputs_unchanged(VISIBLE, "linear_forward", strategies.linear_inputs("linear_forward/unchanged"))
leaves_inputs_unchanged(VISIBLE, "linear_activation_forward", ACTIVATION_LAYER)
leaves_inputs_unchanged(VISIBLE, "linear_backward", layer_backward_inputs("linear_backward/unchanged"))
leaves_inputs_unchanged(VISIBLE, "linear_activation_backward", strategies.linear_activation_caches())
linear_gradcheck(VISIBLE, lambda student: forward_of(student, "linear_forward"), "your linear_forward")
linear_activation_gradcheck(VISIBLE, lambda student: forward_of(student, "linear_activation_forward"),
                            "your linear_activation_forward")
