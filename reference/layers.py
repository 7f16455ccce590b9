"""Linear and linear-activation layers and the L-layer network, forward and backward.

Caches: ``LinearCache(A_prev, W, b)``, activation cache ``Z``,
``LinearActivationCache(linear_cache, activation_cache)``; named tuples that unpack like
the contract's tuples. Course scaling: ``dW, db`` are gradients of the cost (``1/m``
inside), ``dA_prev = W.T @ dZ`` is ``m`` times the gradient of the cost.
"""

from typing import NamedTuple

import numpy as np

from reference._types import Array, Params
from reference.activations import BACKWARD, FORWARD, softmax_cross_entropy_backward


class LinearCache(NamedTuple):
    A_prev: Array
    W: Array
    b: Array


class LinearActivationCache(NamedTuple):
    linear_cache: LinearCache
    activation_cache: Array


def num_layers(parameters: Params) -> int:
    """L, the number of weight matrices ``W1..WL`` in ``parameters``."""
    return sum(key.startswith("W") for key in parameters)


def linear_forward(A_prev: Array, W: Array, b: Array) -> tuple[Array, LinearCache]:
    """Z = W @ A_prev + b.   A_prev: (n_prev, m), W: (n, n_prev), b: (n, 1) -> Z: (n, m)

    b is added in place to the product (cast first if the sum has another dtype), so no second
    (n, m) array is allocated; the bits are those of ``W @ A_prev + b``, non-finite inputs included.
    """
    Z = (W @ A_prev).astype(np.result_type(W, A_prev, b), copy=False)
    Z += b
    return Z, LinearCache(A_prev, W, b)


def linear_backward(dZ: Array, linear_cache: LinearCache) -> tuple[Array, Array, Array]:
    """dA_prev = W.T @ dZ, dW = dZ @ A_prev.T / m, db = sum_j dZ[:, j] / m.

    dZ: (n, m) -> dA_prev: (n_prev, m), dW: (n, n_prev), db: (n, 1)
    """
    A_prev, W, _ = linear_cache
    m = A_prev.shape[1]
    return W.T @ dZ, dZ @ A_prev.T / m, dZ.sum(axis=1, keepdims=True) / m


def linear_activation_forward(
    A_prev: Array, W: Array, b: Array, activation: str
) -> tuple[Array, LinearActivationCache]:
    """A = g(W @ A_prev + b), g in {"sigmoid", "relu", "tanh", "softmax"}.   -> A: (n, m)"""
    Z, linear_cache = linear_forward(A_prev, W, b)
    A, activation_cache = FORWARD[activation](Z)
    return A, LinearActivationCache(linear_cache, activation_cache)


def linear_activation_backward(
    dA: Array, cache: LinearActivationCache, activation: str
) -> tuple[Array, Array, Array]:
    """dZ = g'(Z) * dA, then ``linear_backward``; g in {"sigmoid", "relu", "tanh"}.

    dA: (n, m) -> dA_prev: (n_prev, m), dW: (n, n_prev), db: (n, 1)
    """
    linear_cache, Z = cache
    return linear_backward(BACKWARD[activation](dA, Z), linear_cache)


def L_model_forward(
    X: Array, parameters: Params, *, hidden_activation: str = "relu", output_activation: str = "sigmoid"
) -> tuple[Array, list[LinearActivationCache]]:
    """A_l = g(W_l @ A_{l-1} + b_l), A_0 = X; ReLU in layers 1..L-1 and sigmoid in layer L by default.

    X: (n0, m) -> AL: (nL, m), caches: the L linear-activation caches in layer order
    """
    L = num_layers(parameters)
    A, caches = X, []
    for l in range(1, L + 1):
        activation = output_activation if l == L else hidden_activation
        A, cache = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], activation)
        caches.append(cache)
    return A, caches


def output_backward(AL: Array, Y: Array, cache: LinearActivationCache, activation: str) -> tuple[Array, Array, Array]:
    """Backward through layer L from the cross-entropy loss summed over examples.

    sigmoid: dAL = -(Y / AL - (1 - Y) / (1 - AL)) then ``linear_activation_backward``;
    softmax: dZL = AL - Y then ``linear_backward``.   AL, Y: (nL, m)
    """
    if activation == "softmax":
        linear_cache, _ = cache
        return linear_backward(softmax_cross_entropy_backward(AL, Y), linear_cache)
    dAL = -(Y / AL - (1.0 - Y) / (1.0 - AL))
    return linear_activation_backward(dAL, cache, activation)


def L_model_backward(
    AL: Array,
    Y: Array,
    caches: list[LinearActivationCache],
    *,
    hidden_activation: str = "relu",
    output_activation: str = "sigmoid",
) -> Params:
    """Gradients ``{"dA{l-1}", "dW{l}", "db{l}"}`` for l = L..1 of the network of ``L_model_forward``.

    AL, Y: (nL, m) -> dA{l}: A{l}.shape, dW{l}: W{l}.shape, db{l}: (n_l, 1)
    """
    return hidden_layers_backward(output_backward(AL, Y, caches[-1], output_activation), caches, hidden_activation)


def L_model_backward_weighted(
    AL: Array, Y: Array, caches: list[LinearActivationCache], sample_weight: Array, *, hidden_activation: str = "relu"
) -> Params:
    """``L_model_backward`` of the weighted cost, from dAL = -w * (Y / AL - (1 - Y) / (1 - AL)).

    AL, Y, sample_weight: (1, m) -> the gradients of ``L_model_backward``
    """
    dAL = -sample_weight * (Y / AL - (1.0 - Y) / (1.0 - AL))
    return hidden_layers_backward(linear_activation_backward(dAL, caches[-1], "sigmoid"), caches, hidden_activation)


def hidden_layers_backward(output_gradients: tuple[Array, Array, Array], caches: list[LinearActivationCache],
                           hidden_activation: str) -> Params:
    """All the gradients, given layer L's ``(dA{L-1}, dWL, dbL)``: back through layers L-1..1.   -> grads"""
    L = len(caches)
    grads: Params = {}
    dA, dW, db = output_gradients
    grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = dA, dW, db
    for l in range(L - 1, 0, -1):
        dA, dW, db = linear_activation_backward(dA, caches[l - 1], hidden_activation)
        grads[f"dA{l - 1}"], grads[f"dW{l}"], grads[f"db{l}"] = dA, dW, db
    return grads
