"""L2 regularization of the backward pass and inverted dropout."""

import numpy as np

from reference._types import Array, Params
from reference.layers import L_model_backward, LinearActivationCache


def L_model_backward_with_regularization(
    AL: Array,
    Y: Array,
    caches: list[LinearActivationCache],
    lambd: float,
    *,
    hidden_activation: str = "relu",
    output_activation: str = "sigmoid",
) -> Params:
    """``L_model_backward`` with dW_l += lambd / m * W_l (the gradient of the L2 penalty).   AL, Y: (nL, m)"""
    grads = L_model_backward(
        AL, Y, caches, hidden_activation=hidden_activation, output_activation=output_activation
    )
    m = AL.shape[1]
    for l, ((_, W, _), _) in enumerate(caches, start=1):  # plain tuples too: caches cross processes as tuples
        grads[f"dW{l}"] = grads[f"dW{l}"] + lambd / m * W
    return grads


def dropout_forward(A: Array, keep_prob: float, rng: np.random.Generator) -> tuple[Array, Array]:
    """D = rng.random(A.shape) < keep_prob (boolean), A_drop = A * D / keep_prob.   A: (n, m) -> A_drop, D: (n, m)"""
    D = rng.random(A.shape) < keep_prob
    return A * D / keep_prob, D


def dropout_backward(dA: Array, D: Array, keep_prob: float) -> Array:
    """dA_prev = dA * D / keep_prob.   dA, D: (n, m) -> (n, m)"""
    return dA * D / keep_prob
