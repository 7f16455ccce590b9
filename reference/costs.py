"""Cross-entropy costs, averaged over the m examples (columns). Each returns a Python float.

Probabilities are clipped to ``[EPS, 1 - EPS]`` before the logarithms, so the cost stays
finite (about ``-log(EPS) ~ 34.5`` per example) when ``AL`` reaches exactly 0 or 1 in float64;
inside that range the formula is exact.
"""

import numpy as np

from reference._types import Array, Params
from reference.layers import num_layers

EPS = 1e-15


def compute_cost(AL: Array, Y: Array) -> float:
    """J = -1/m * sum(Y * log(AL) + (1 - Y) * log(1 - AL)).   AL, Y: (1, m) -> float"""
    m = Y.shape[1]
    P = np.clip(AL, EPS, 1.0 - EPS)
    return float(-np.sum(Y * np.log(P) + (1.0 - Y) * np.log1p(-P)) / m)


def compute_softmax_cost(AL: Array, Y: Array) -> float:
    """J = -1/m * sum(Y * log(AL)) for one-hot Y.   AL, Y: (C, m) -> float"""
    m = Y.shape[1]
    return float(-np.sum(Y * np.log(np.clip(AL, EPS, 1.0))) / m)


def l2_penalty(parameters: Params, lambd: float, m: int) -> float:
    """lambd / (2m) * sum_l ||W_l||_F^2."""
    squares = sum(np.sum(np.square(parameters[f"W{l}"])) for l in range(1, num_layers(parameters) + 1))
    return float(lambd / (2 * m) * squares)


def compute_cost_with_regularization(AL: Array, Y: Array, parameters: Params, lambd: float) -> float:
    """J = compute_cost(AL, Y) + lambd / (2m) * sum_l ||W_l||_F^2.   AL, Y: (1, m) -> float"""
    return compute_cost(AL, Y) + l2_penalty(parameters, lambd, Y.shape[1])
