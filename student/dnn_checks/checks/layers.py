"""Visible checks of the linear and linear-activation layers and the L-layer forward and backward passes.

Every expected value comes from the maths written here, on inputs made by trusted code
(``dnn_checks.network_inputs``): the backward passes get their caches from ``forward_caches``,
never from the student's forward functions. The hidden checks share the gradient-check
factories with the reference's forward in place of this maths.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from dnn_checks import network_inputs, strategies
from dnn_checks.checks.activations import G
from dnn_checks.checks.costs import cross_entropy, example_weights
from dnn_checks.compare import check_result_like, returned
from dnn_checks.network_inputs import forward_caches, gradient_shapes, network_of, random_layer, random_network
from dnn_checks.properties import (
    check_gradients,
    matches,
    returns_like,
    same_result_twice,
    stored_values,
    zero_upstream,
)
from dnn_checks.registry import VISIBLE, Registry
from dnn_checks.runner import RecordingStudent

Array = np.ndarray
Params = dict[str, Array]
Inputs = dict[str, Any]
ACTIVATION_LAYER = {**strategies.linear_inputs("layer"), "activation": st.sampled_from(strategies.ACTIVATIONS)}
#: The cost of a network ``cost(X, parameters, Y, *more)``: the maths here, or the reference's in a hidden check.
Cost = Callable[..., float]


def linear(A_prev: Array, W: Array, b: Array) -> tuple[Array, tuple[Array, Array, Array]]:
    """(Z = W @ A_prev + b, cache (A_prev, W, b))."""
    return W @ A_prev + b, (A_prev, W, b)


def linear_activation(A_prev: Array, W: Array, b: Array, activation: str) -> tuple[Array, tuple]:
    """(A = g(Z), cache ((A_prev, W, b), Z))."""
    Z, cache = linear(A_prev, W, b)
    return G[activation](Z), (cache, Z)


def linear_gradients(dZ: Array, linear_cache: tuple[Array, Array, Array]) -> tuple[Array, Array, Array]:
    """(dA_prev = W.T @ dZ, dW = dZ @ A_prev.T / m, db = sum of dZ over the examples / m)."""
    A_prev, W, _ = linear_cache
    m = A_prev.shape[1]
    return W.T @ dZ, dZ @ A_prev.T / m, dZ.sum(axis=1, keepdims=True) / m


def zero_gradients(AL: Array, Y: Array, caches: list, *more: Any) -> dict[str, Array]:
    """Zeros of the shapes of grads: what a backward pass returns, its values aside."""
    return {key: np.zeros(shape) for key, shape in gradient_shapes(caches).items()}


def layer_backward_inputs(key: str) -> st.SearchStrategy[dict[str, Any]]:
    """{"dZ": (n, m), "linear_cache": (A_prev, W, b)}."""
    layer = st.fixed_dictionaries(strategies.linear_inputs(key))
    return layer.flatmap(lambda d: strategies.named({
        "dZ": strategies.matrices((d["W"].shape[0], d["A_prev"].shape[1])),
        "linear_cache": st.just((d["A_prev"], d["W"], d["b"]))}))


def linear_gradcheck(registry: Registry, forward: Callable[..., Array], against: str) -> None:
    """dA_prev, dW * m and db * m against the numerical gradient of sum(dZ * Z) through ``forward``; gates."""
    @registry.property("linear_backward", f"gradient check against {against}", role="value",
                       given=layer_backward_inputs("linear_backward/gradcheck"), max_examples=3, weight=2)
    def _(student: RecordingStudent, dZ: Array, linear_cache: tuple[Array, Array, Array]) -> None:
        A_prev, W, b = linear_cache
        dA_prev, dW, db = returned("linear_backward", student.call("linear_backward", dZ, linear_cache))
        m = A_prev.shape[1]
        check_gradients(forward, {"A_prev": A_prev, "W": W, "b": b}, {"dA_prev": dA_prev, "dW": dW, "db": db}, dZ,
                        against=against, scale={"dW": 1 / m, "db": 1 / m})

    zero_upstream(registry, "linear_backward", layer_backward_inputs("linear_backward/zero"), "dZ")
    same_result_twice(registry, "linear_backward", layer_backward_inputs("linear_backward/twice"))


def linear_activation_gradcheck(registry: Registry, forward: Callable[..., Array], against: str) -> None:
    """dA_prev, dW * m and db * m against the numerical gradient of sum(dA * A), off the ReLU kink; gates."""
    @registry.property("linear_activation_backward", f"gradient check against {against} (away from Z = 0)",
                       role="value", given=strategies.linear_activation_caches(gap=0.05), max_examples=3, weight=2)
    def _(student: RecordingStudent, dA: Array, cache: Any, activation: str) -> None:
        (A_prev, W, b), _ = cache
        dA_prev, dW, db = returned("linear_activation_backward",
                                   student.call("linear_activation_backward", dA, cache, activation))
        m = A_prev.shape[1]
        check_gradients(forward, {"A_prev": A_prev, "W": W, "b": b, "activation": activation},
                        {"dA_prev": dA_prev, "dW": dW, "db": db}, dA, against=against,
                        scale={"dW": 1 / m, "db": 1 / m})

    caches = strategies.linear_activation_caches()
    zero_upstream(registry, "linear_activation_backward", caches, "dA")
    same_result_twice(registry, "linear_activation_backward", caches)


def network_gradcheck(registry: Registry, function: str, given: st.SearchStrategy[Inputs], cost: Cost, against: str,
                      *, weight: float, prefix: str = "") -> None:
    """A value property: grads["dW1"], grads["db1"], ... and grads["dA0"] of ``function(AL, Y, caches, *more)``
    against central differences of ``cost(X, parameters, Y, *more)`` (dA0 is m times the gradient for X); its
    name starts with ``prefix``."""
    @registry.property(function, f"{prefix}gradient check of dA0, dW, db against {against} (away from Z = 0)",
                       role="value", given=given, max_examples=3, weight=weight)
    def _(student: RecordingStudent, AL: Array, Y: Array, caches: list, **more: Any) -> None:
        grads = student.call(function, AL, Y, caches, *more.values())
        check_result_like(function, zero_gradients(AL, Y, caches), grads)
        X, parameters = network_of(caches)
        analytical = {"dX": grads["dA0"], **{f"d{key}": grads[f"d{key}"] for key in parameters}}
        names = {"dX": 'grads["dA0"]', **{f"d{key}": f'grads["d{key}"]' for key in parameters}}
        check_gradients(lambda X, **params: cost(X, params, Y, *more.values()), {"X": X, **parameters}, analytical,
                        1.0, against=against, names=names, atol=1e-7, scale={"dX": X.shape[1]})


def _network_cost(X: Array, parameters: Params, Y: Array) -> float:
    return cross_entropy(forward_caches(X, parameters)[0], Y)


def _linear_forward_inputs(rng: np.random.Generator) -> list[Inputs]:
    return [dict(zip(("A_prev", "W", "b"), random_layer(rng, *dims))) for dims in [(3, 4, 2), (2, 2, 1)]]


def _linear_activation_forward_inputs(rng: np.random.Generator) -> list[Inputs]:
    return [{**dict(zip(("A_prev", "W", "b"), random_layer(rng, 3, 4, 2))), "activation": activation}
            for activation in ("sigmoid", "relu", "tanh", "softmax")]


def _L_model_forward_inputs(rng: np.random.Generator) -> list[Inputs]:
    return [{"X": X, "parameters": parameters} for X, parameters, _ in
            (random_network(rng, [4, 3, 2, 1], 3), random_network(rng, [2, 1], 1))]


def _linear_backward_inputs(rng: np.random.Generator) -> list[Inputs]:
    A_prev, W, b = random_layer(rng, 5, 4, 3)
    return [{"dZ": rng.standard_normal((4, 3)), "linear_cache": (A_prev, W, b)}]


def _linear_activation_backward_inputs(rng: np.random.Generator) -> list[Inputs]:
    cases = []
    for activation in ("sigmoid", "relu", "tanh"):
        A_prev, W, b = random_layer(rng, 3, 4, 2)
        cache = ((A_prev, W, b), W @ A_prev + b)
        cases.append({"dA": rng.standard_normal((4, 2)), "cache": cache, "activation": activation})
    return cases


def _L_model_backward_inputs(rng: np.random.Generator) -> list[Inputs]:
    cases = []
    for dims, m in [([4, 3, 2, 1], 3), ([3, 1], 2)]:
        X, parameters, Y = random_network(rng, dims, m)
        AL, caches = forward_caches(X, parameters)
        cases.append({"AL": AL, "Y": Y, "caches": caches})
    return cases


LINEAR = strategies.linear_inputs("linear_forward")
returns_like(VISIBLE, "linear_forward", "returns (Z, cache): Z of shape (n, m), cache = (A_prev, W, b)", LINEAR, linear)
matches(VISIBLE, "linear_forward", "Z = W @ A_prev + b, cache = (A_prev, W, b)",
        strategies.linear_inputs("linear_forward/law"), linear)
stored_values(VISIBLE, "linear_forward", _linear_forward_inputs)

returns_like(VISIBLE, "linear_activation_forward", "returns (A, ((A_prev, W, b), Z)) of the right shapes",
             ACTIVATION_LAYER, linear_activation)
matches(VISIBLE, "linear_activation_forward", "A = g(W @ A_prev + b) for g = sigmoid, relu, tanh, softmax; "
        "cache ((A_prev, W, b), Z)", ACTIVATION_LAYER, linear_activation)
stored_values(VISIBLE, "linear_activation_forward", _linear_activation_forward_inputs)

NETWORK = network_inputs.networks().map(lambda net: {"X": net[0], "parameters": net[1]})
returns_like(VISIBLE, "L_model_forward", "returns (AL, caches): AL of shape (1, m), one cache ((A_prev, W, b), Z) "
             "per layer", NETWORK, forward_caches)
matches(VISIBLE, "L_model_forward", "ReLU layers then a sigmoid: AL = sigmoid(Z_L), each layer's cache", NETWORK,
        forward_caches)
stored_values(VISIBLE, "L_model_forward", _L_model_forward_inputs)

returns_like(VISIBLE, "linear_backward", "returns (dA_prev, dW, db) of the shapes of A_prev, W, b",
             layer_backward_inputs("linear_backward"), linear_gradients)
linear_gradcheck(VISIBLE, lambda A_prev, W, b: W @ A_prev + b, "Z = W @ A_prev + b")
stored_values(VISIBLE, "linear_backward", _linear_backward_inputs)

returns_like(VISIBLE, "linear_activation_backward", "returns (dA_prev, dW, db) of the shapes of A_prev, W, b",
             strategies.linear_activation_caches(), lambda dA, cache, activation: linear_gradients(dA, cache[0]))
linear_activation_gradcheck(VISIBLE, lambda **inputs: linear_activation(**inputs)[0], "A = g(W @ A_prev + b)")
stored_values(VISIBLE, "linear_activation_backward", _linear_activation_backward_inputs)

BACKWARD = network_inputs.networks_with_caches(max_layers=2)
returns_like(VISIBLE, "L_model_backward", "grads has exactly dA0..dA{L-1}, dW1..dWL, db1..dbL of the right shapes",
             BACKWARD, zero_gradients)
NETWORKS_OFF_KINK = network_inputs.networks_with_caches(min_layers=2, max_layers=3, gap=1e-3)
network_gradcheck(VISIBLE, "L_model_backward", NETWORKS_OFF_KINK, _network_cost,
                  "the cross-entropy of ReLU layers then a sigmoid", weight=3)
stored_values(VISIBLE, "L_model_backward", _L_model_backward_inputs)
same_result_twice(VISIBLE, "L_model_backward", BACKWARD)


@st.composite
def weighted_backward(draw: st.DrawFn, *, min_layers: int = 1, max_layers: int = 3, gap: float = 0.0) -> dict[str, Any]:
    """{"AL", "Y", "caches" (of network_inputs.networks_with_caches), "sample_weight" (1, m)}: weights in [0, 3],
    zeros included, not all zero."""
    drawn = draw(network_inputs.networks_with_caches(min_layers=min_layers, max_layers=max_layers, gap=gap))
    w = example_weights(np.random.default_rng(draw(st.integers(0, 2**32 - 1))), drawn["Y"].shape[1])
    assume(w.sum() > 0)
    return {**drawn, "sample_weight": w}


def _weighted_cost(X: Array, parameters: Params, Y: Array, sample_weight: Array) -> float:
    return cross_entropy(forward_caches(X, parameters)[0], Y, sample_weight)


def _weighted_backward_inputs(rng: np.random.Generator) -> list[Inputs]:
    cases = []
    for dims, m in [([4, 3, 2, 1], 5), ([3, 1], 3)]:
        X, parameters, Y = random_network(rng, dims, m)
        AL, caches = forward_caches(X, parameters)
        cases.append({"AL": AL, "Y": Y, "caches": caches, "sample_weight": rng.uniform(0.0, 3.0, (1, m))})
    return cases


WEIGHTED_BACKWARD = weighted_backward()
returns_like(VISIBLE, "L_model_backward_weighted", "grads has exactly dA0..dA{L-1}, dW1..dWL, db1..dbL of the right "
             "shapes", WEIGHTED_BACKWARD, zero_gradients)
network_gradcheck(VISIBLE, "L_model_backward_weighted", weighted_backward(min_layers=2, max_layers=3, gap=1e-3),
                  _weighted_cost, "the weighted cross-entropy", weight=3)
stored_values(VISIBLE, "L_model_backward_weighted", _weighted_backward_inputs)
