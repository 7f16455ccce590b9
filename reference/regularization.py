"""L_p regularization of the backward pass, inverted dropout and early stopping."""

from collections.abc import Sequence

import numpy as np

from reference._types import Array, Params
from reference.layers import L_model_backward, LinearActivationCache


def L_model_backward_with_regularization(
    AL: Array,
    Y: Array,
    caches: list[LinearActivationCache],
    lambd: float,
    p: float = 2,
    *,
    hidden_activation: str = "relu",
    output_activation: str = "sigmoid",
) -> Params:
    """``L_model_backward`` with dW_l += lambd / m * sign(W_l) * |W_l|**(p - 1), the gradient of the
    L_p penalty lambd / (p m) * sum |W_l|**p (p = 2: lambd / m * W_l; p = 1: lambd / m * sign(W_l)).   AL, Y: (nL, m)"""
    grads = L_model_backward(
        AL, Y, caches, hidden_activation=hidden_activation, output_activation=output_activation
    )
    m = AL.shape[1]
    for l, ((_, W, _), _) in enumerate(caches, start=1):  # plain tuples too: caches cross processes as tuples
        grads[f"dW{l}"] = grads[f"dW{l}"] + lambd / m * (np.sign(W) * np.abs(W) ** (p - 1))
    return grads


def dropout_forward(A: Array, keep_prob: float, rng: np.random.Generator) -> tuple[Array, Array]:
    """D = rng.random(A.shape) < keep_prob (boolean), A_drop = A * D / keep_prob.   A: (n, m) -> A_drop, D: (n, m)"""
    D = rng.random(A.shape) < keep_prob
    return A * D / keep_prob, D


def dropout_backward(dA: Array, D: Array, keep_prob: float) -> Array:
    """dA_prev = dA * D / keep_prob.   dA, D: (n, m) -> (n, m)"""
    return dA * D / keep_prob


def early_stopping(dev_costs: Sequence[float], patience: int) -> tuple[int, int | None]:
    """(best, stop): best is the first epoch of the lowest dev cost so far (only a strictly lower cost
    replaces it); stop is the first epoch e with e - best >= patience, or None.   epochs: 0-based positions"""
    best = 0
    for epoch, cost in enumerate(dev_costs):
        if cost < dev_costs[best]:
            best = epoch
        if epoch - best >= patience:
            return best, epoch
    return best, None
