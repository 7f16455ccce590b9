"""Visible checks of the linear and linear-activation layers and the L-layer forward and backward passes."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from dnn_checks import network_inputs, strategies
from dnn_checks.checks.costs import cross_entropy, example_weights
from dnn_checks.checks.regularization import gradient_keys
from dnn_checks.compare import Failed, check_close, check_equal, check_float, check_parameters, check_shape, check_tuple
from dnn_checks.gradcheck import gradcheck
from dnn_checks.network_inputs import forward_caches, network_of
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
from dnn_checks.values import describe

Array = np.ndarray
Params = dict[str, Array]
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


NETWORK = strategies.networks().map(lambda net: {"X": net[0], "parameters": net[1]})


SMALL_NETWORK = strategies.networks(max_layers=2, min_m=2, max_m=3).map(
    lambda net: dict(zip(("X", "parameters", "Y"), net)))


def unpack_cache(cache: Any, *, where: str) -> tuple[Any, Any, Any, Any]:
    """(A_prev, W, b, Z) from a linear-activation cache ((A_prev, W, b), Z), or Failed."""
    linear_cache, Z = check_tuple(cache, 2, where=where)
    A_prev, W, b = check_tuple(linear_cache, 3, where=f"{where}[0]")
    return A_prev, W, b, Z


@VISIBLE.property("L_model_forward", "returns (AL, caches): AL of shape (1, m), one cache ((A_prev, W, b), Z) "
                  "per layer, chained by ReLU, AL = sigmoid(Z_L)", given=NETWORK, weight=2)
def _(student: RecordingStudent, X: Array, parameters: Params) -> None:
    AL, caches = check_tuple(student.call("L_model_forward", X, parameters), 2, where="the result of L_model_forward")
    L = len(parameters) // 2
    check_shape(AL, (1, X.shape[1]), where="AL")
    A = X
    for l, cache in enumerate(check_tuple(caches, L, where="caches"), start=1):
        A_prev, W, b, Z = unpack_cache(cache, where=f"caches[{l - 1}]")
        check_equal((A, parameters[f"W{l}"], parameters[f"b{l}"]), (A_prev, W, b), where=f"caches[{l - 1}][0]")
        check_close(W @ A_prev + b, Z, where=f"Z of layer {l} (caches[{l - 1}][1])")
        A = np.where(Z > 0, Z, 0.0) if l < L else 1.0 / (1.0 + np.exp(-Z))
    check_close(A, AL, where="AL")


@VISIBLE.property("L_model_backward", "grads has exactly dA0..dA{L-1}, dW1..dWL, db1..dbL of the right shapes",
                  given=SMALL_NETWORK)
def _(student: RecordingStudent, X: Array, parameters: Params, Y: Array) -> None:
    AL, caches = check_tuple(student.call("L_model_forward", X, parameters), 2, where="your L_model_forward")
    grads = student.call("L_model_backward", AL, Y, caches)
    L = len(parameters) // 2
    shapes = {f"d{key}": value.shape for key, value in parameters.items()}
    check_parameters(grads, {**shapes, **{f"dA{l}": (parameters[f"W{l + 1}"].shape[1], X.shape[1])
                                          for l in range(L)}}, where="grads")


@VISIBLE.property("L_model_backward", "gradient check of dW, db against your L_model_forward and compute_cost",
                  given=SMALL_NETWORK, max_examples=4, weight=3)
def _(student: RecordingStudent, X: Array, parameters: Params, Y: Array) -> None:
    AL, caches = check_tuple(student.call("L_model_forward", X, parameters), 2, where="your L_model_forward")
    assume(all(np.abs(np.asarray(cache[1], dtype=float)).min() > 1e-3 for cache in caches[:-1]))  # off the kink
    grads = student.call("L_model_backward", AL, Y, caches)
    if not isinstance(grads, dict):
        raise Failed(f"grads should be a dict, got {describe(grads)}")

    def cost(**params: Array) -> float:
        AL, _ = check_tuple(student.call("L_model_forward", X, params), 2, where="your L_model_forward")
        return check_float(student.call("compute_cost", AL, Y), where="your compute_cost")
    analytical = {f"d{key}": grads.get(f"d{key}") for key in parameters}
    gradcheck_failure(gradcheck(cost, parameters, analytical, 1.0, atol=1e-7), "your L_model_forward and compute_cost")


stored_values(VISIBLE, "L_model_forward")
stored_values(VISIBLE, "L_model_backward")
leaves_inputs_unchanged(VISIBLE, "L_model_forward", NETWORK)


@VISIBLE.property("L_model_backward", "gives the same result twice and leaves AL, Y and caches unchanged",
                  given=SMALL_NETWORK, max_examples=3)
def _(student: RecordingStudent, X: Array, parameters: Params, Y: Array) -> None:
    inputs = check_tuple(student.call("L_model_forward", X, parameters), 2, where="your L_model_forward") + (Y,)
    AL, caches, Y = inputs
    before = copy.deepcopy(inputs)
    first = student.call("L_model_backward", AL, Y, caches)
    check_equal(before, (AL, caches, Y), where="L_model_backward modified its arguments in place: (AL, caches, Y)")
    check_equal(first, student.call("L_model_backward", AL, Y, caches), where="the second call of L_model_backward")


@st.composite
def weighted_backward(draw: st.DrawFn, *, max_layers: int = 3, gap: float = 0.0) -> dict[str, Any]:
    """{"AL", "Y", "caches" (of network_inputs.networks_with_caches), "sample_weight" (1, m)}: weights in [0, 3],
    zeros included, not all zero."""
    drawn = draw(network_inputs.networks_with_caches(max_layers=max_layers, gap=gap))
    w = example_weights(np.random.default_rng(draw(st.integers(0, 2**32 - 1))), drawn["Y"].shape[1])
    assume(w.sum() > 0)
    return {**drawn, "sample_weight": w}


WEIGHTED_BACKWARD = weighted_backward()
WEIGHTED_GRADCHECK = weighted_backward(max_layers=2, gap=1e-3)


def weighted_cost_from(l: int, parameters: Params, Y: Array, sample_weight: Array) -> Callable[..., Array]:
    """The weighted cost as a function of A{l} (keyword ``A{l}``): layers l+1..L of the network, then the cost."""
    L = len(parameters) // 2
    later = {f"{kind}{k - l}": parameters[f"{kind}{k}"] for k in range(l + 1, L + 1) for kind in "Wb"}
    return lambda **A: np.asarray(cross_entropy(forward_caches(A[f"A{l}"], later)[0], Y, sample_weight))


@VISIBLE.property("L_model_backward_weighted", "gradient check of every dW, db against the weighted cost, and of "
                  "every dA{l} against it as a function of A{l} (times m)", given=WEIGHTED_GRADCHECK, max_examples=4,
                  weight=3)
def _(student: RecordingStudent, AL: Array, Y: Array, caches: list, sample_weight: Array) -> None:
    grads = check_parameters(student.call("L_model_backward_weighted", AL, Y, caches, sample_weight),
                             gradient_keys(caches), where="grads")
    X, parameters = network_of(caches)

    def cost(**params: Array) -> Array:
        return np.asarray(cross_entropy(forward_caches(X, params)[0], Y, sample_weight))
    gradcheck_failure(gradcheck(cost, parameters, {f"d{key}": grads[f"d{key}"] for key in parameters},
                                np.asarray(1.0), atol=1e-7), "the weighted cost")
    for l, ((A_prev, _, _), _) in enumerate(caches):
        gradcheck_failure(gradcheck(weighted_cost_from(l, parameters, Y, sample_weight), {f"A{l}": A_prev},
                                    {f"dA{l}": grads[f"dA{l}"]}, np.asarray(1.0), atol=1e-7,
                                    scale={f"dA{l}": Y.shape[1]}), f"the weighted cost (dA{l} is m dJ/dA{l})")


stored_values(VISIBLE, "L_model_backward_weighted")
leaves_inputs_unchanged(VISIBLE, "L_model_backward_weighted", WEIGHTED_BACKWARD)
