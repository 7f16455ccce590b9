"""The L-layer network with optional batch norm and inverted dropout in its hidden layers.

Hidden layer l (1..L-1): Z_l = W_l @ A_{l-1} + b_l, then (batch norm) Z~_l = gamma_l * Z_hat_l
+ beta_l, A_l = g(Z~_l), then (dropout) A_l = A_l * D_l / keep_prob. Output layer L: sigmoid
or softmax with cross-entropy, whose dZ_L = AL - Y for both (so a saturated sigmoid,
AL == 1.0 in float64, gives no 0/0 as the course's dAL would). Built only from the core's
layer functions; without batch norm and dropout it computes what ``L_model_forward`` and
``L_model_backward`` compute (the same forward, the same gradients up to rounding).
Batch norm is on when ``parameters`` holds ``gamma1``; its running statistics live in
``bn_params``, one dict per hidden layer: training rebinds its ``running_mean`` and
``running_var`` (as ``batchnorm_forward`` does), nothing else changes them.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Sequence

import numpy as np

from reference._types import Array, Params
from reference.activations import BACKWARD, FORWARD, softmax_cross_entropy_backward
from reference.batchnorm import BatchNormCache, batchnorm_backward, batchnorm_forward
from reference.costs import compute_cost, compute_softmax_cost, l2_penalty
from reference.initializers import initialize_parameters_he
from reference.layers import (
    LinearActivationCache,
    LinearCache,
    linear_activation_forward,
    linear_backward,
    linear_forward,
    num_layers,
)
from reference.regularization import dropout_backward, dropout_forward

BnParams = list[dict[str, Any]]


class HiddenCache(NamedTuple):
    """What a hidden layer's backward pass needs; ``Z`` is the activation's input."""

    linear_cache: LinearCache
    Z: Array
    bn_cache: BatchNormCache | None
    D: Array | None
    keep_prob: float


Cache = HiddenCache | LinearActivationCache


def initialize_network(layer_dims: Sequence[int], *, batch_norm: bool = False,
                       seed: int = 3) -> Params:
    """He-initialized W_l, b_l = 0; with batch norm also gamma_l = 1, beta_l = 0 of shape (n_l, 1)."""
    parameters = initialize_parameters_he(layer_dims, seed)
    if batch_norm:
        for l in range(1, len(layer_dims) - 1):
            parameters[f"gamma{l}"] = np.ones((layer_dims[l], 1))
            parameters[f"beta{l}"] = np.zeros((layer_dims[l], 1))
    return parameters


def initialize_bn_params(parameters: Params) -> BnParams:
    """One empty running-statistics dict per hidden layer (zeros until the first batch)."""
    return [{} for _ in range(num_layers(parameters) - 1)]


def batchnorm_step(Z: Array, gamma: Array, beta: Array, bn_param: dict[str, Any],
                   training: bool) -> tuple[Array, BatchNormCache]:
    """``batchnorm_forward`` in "train" or "test" mode on a copy of bn_param; training then
    rebinds bn_param's running statistics to the updated ones.   Z: (n, m) -> (n, m)"""
    step_param = {**bn_param, "mode": "train" if training else "test"}
    out, cache = batchnorm_forward(Z, gamma, beta, step_param)
    if training:
        bn_param["running_mean"] = step_param["running_mean"]
        bn_param["running_var"] = step_param["running_var"]
    return out, cache


def hidden_forward(A_prev: Array, parameters: Params, l: int, *, activation: str,
                   bn_param: dict[str, Any] | None, training: bool, keep_prob: float,
                   rng: np.random.Generator | None) -> tuple[Array, HiddenCache]:
    """A_l = dropout(g(BN(W_l @ A_prev + b_l))), batch norm if bn_param, dropout if keep_prob < 1.

    A_prev: (n_prev, m) -> A_l: (n_l, m)
    """
    if bn_param is None:
        A, (linear_cache, Z) = linear_activation_forward(
            A_prev, parameters[f"W{l}"], parameters[f"b{l}"], activation)
        bn_cache = None
    else:
        Z_lin, linear_cache = linear_forward(A_prev, parameters[f"W{l}"], parameters[f"b{l}"])
        Z, bn_cache = batchnorm_step(Z_lin, parameters[f"gamma{l}"], parameters[f"beta{l}"],
                                     bn_param, training)
        A, _ = FORWARD[activation](Z)
    D = None
    if keep_prob < 1.0:
        A, D = dropout_forward(A, keep_prob, rng)
    return A, HiddenCache(linear_cache, Z, bn_cache, D, keep_prob)


def hidden_backward(dA: Array, cache: HiddenCache, l: int, activation: str) -> tuple[Array, Params]:
    """Back through dropout, g, batch norm and the linear step.   dA: (n_l, m) -> dA_prev, grads of layer l

    Course scaling: dW, db, dgamma, dbeta are gradients of the cost (1/m inside).
    """
    if cache.D is not None:
        dA = dropout_backward(dA, cache.D, cache.keep_prob)
    dZ = BACKWARD[activation](dA, cache.Z)
    grads: Params = {}
    if cache.bn_cache is not None:
        m = dZ.shape[1]
        dZ, dgamma, dbeta = batchnorm_backward(dZ, cache.bn_cache)
        grads[f"dgamma{l}"], grads[f"dbeta{l}"] = dgamma / m, dbeta / m
    dA_prev, grads[f"dW{l}"], grads[f"db{l}"] = linear_backward(dZ, cache.linear_cache)
    return dA_prev, grads


def network_forward(X: Array, parameters: Params, *, bn_params: BnParams | None = None,
                    training: bool = True, keep_prob: float = 1.0,
                    rng: np.random.Generator | None = None, hidden_activation: str = "relu",
                    output_activation: str = "sigmoid") -> tuple[Array, list[Cache]]:
    """AL and the L caches. Dropout only when training; batch norm uses batch statistics
    when training (and updates the running ones), the running ones otherwise.
    X: (n0, m) -> AL: (nL, m)
    """
    L = num_layers(parameters)
    batch_norm = "gamma1" in parameters
    A, caches = X, []
    for l in range(1, L):
        A, cache = hidden_forward(A, parameters, l, activation=hidden_activation,
                                  bn_param=bn_params[l - 1] if batch_norm else None,
                                  training=training, keep_prob=keep_prob if training else 1.0, rng=rng)
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters[f"W{L}"], parameters[f"b{L}"], output_activation)
    return AL, caches + [cache]


def network_backward(AL: Array, Y: Array, caches: list[Cache], *, lambd: float = 0.0,
                     hidden_activation: str = "relu") -> Params:
    """Gradients dW, db (+ lambd / m * W), dgamma, dbeta and dA{l-1} of ``network_cost``.   AL, Y: (nL, m)"""
    L, m = len(caches), AL.shape[1]
    grads: Params = {}
    dZ = softmax_cross_entropy_backward(AL, Y)
    dA, grads[f"dW{L}"], grads[f"db{L}"] = linear_backward(dZ, caches[-1].linear_cache)
    grads[f"dA{L - 1}"] = dA
    for l in range(L - 1, 0, -1):
        dA, layer_grads = hidden_backward(dA, caches[l - 1], l, hidden_activation)
        grads.update(layer_grads)
        grads[f"dA{l - 1}"] = dA
    for l, cache in enumerate(caches, start=1):
        grads[f"dW{l}"] = grads[f"dW{l}"] + lambd / m * cache.linear_cache.W
    return grads


def network_cost(AL: Array, Y: Array, parameters: Params, *, lambd: float = 0.0,
                 output_activation: str = "sigmoid") -> float:
    """Cross-entropy (binary for sigmoid, categorical for softmax) + lambd / (2m) * sum ||W_l||_F^2."""
    cost = compute_softmax_cost if output_activation == "softmax" else compute_cost
    return cost(AL, Y) + l2_penalty(parameters, lambd, Y.shape[1])
