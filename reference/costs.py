"""Cross-entropy costs, averaged over the m examples (columns). Each returns a Python float.

Probabilities are clipped to ``[EPS, 1 - EPS]`` before the logarithms, so the cost stays
finite (about ``-log(EPS) ~ 34.5`` per example) when ``AL`` reaches exactly 0 or 1 in float64;
inside that range the formula is exact.
"""

import numpy as np

from reference._types import Array, Params
from reference.layers import num_layers

EPS = 1e-15


def _log_likelihoods(AL: Array, Y: Array) -> Array:
    """Y * log(AL) + (1 - Y) * log(1 - AL), AL clipped to [EPS, 1 - EPS].   AL, Y: (1, m) -> (1, m)"""
    P = np.clip(AL, EPS, 1.0 - EPS)
    return Y * np.log(P) + (1.0 - Y) * np.log1p(-P)


def compute_cost(AL: Array, Y: Array) -> float:
    """J = -1/m * sum(Y * log(AL) + (1 - Y) * log(1 - AL)).   AL, Y: (1, m) -> float"""
    return float(-np.sum(_log_likelihoods(AL, Y)) / Y.shape[1])


def compute_cost_weighted(AL: Array, Y: Array, sample_weight: Array) -> float:
    """J = -1/m * sum_i w_i (y_i log(a_i) + (1 - y_i) log(1 - a_i)).   AL, Y, sample_weight: (1, m) -> float"""
    return float(-np.sum(sample_weight * _log_likelihoods(AL, Y)) / Y.shape[1])


def compute_softmax_cost(AL: Array, Y: Array) -> float:
    """J = -1/m * sum(Y * log(AL)) for one-hot Y.   AL, Y: (C, m) -> float"""
    m = Y.shape[1]
    return float(-np.sum(Y * np.log(np.clip(AL, EPS, 1.0))) / m)


def lp_penalty(parameters: Params, lambd: float, m: int, p: float = 2) -> float:
    """lambd / (p m) * sum_l sum |W_l|**p (p >= 1; p = 2: lambd / (2m) * sum_l ||W_l||_F^2)."""
    powers = sum(np.sum(np.abs(parameters[f"W{l}"]) ** p) for l in range(1, num_layers(parameters) + 1))
    return float(lambd / (p * m) * powers)


def l2_penalty(parameters: Params, lambd: float, m: int) -> float:
    """lambd / (2m) * sum_l ||W_l||_F^2."""
    return lp_penalty(parameters, lambd, m, 2)


def compute_cost_with_regularization(AL: Array, Y: Array, parameters: Params, lambd: float, p: float = 2) -> float:
    """J = compute_cost(AL, Y) + lambd / (p m) * sum_l sum |W_l|**p.   AL, Y: (1, m) -> float"""
    return compute_cost(AL, Y) + lp_penalty(parameters, lambd, Y.shape[1], p)
