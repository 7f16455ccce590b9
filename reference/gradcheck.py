"""Gradient checking of the L-layer network by central differences (pure: nothing is mutated)."""

import numpy as np

from reference._types import Array, Params
from reference.costs import compute_cost
from reference.layers import L_model_forward, num_layers


def parameter_keys(parameters: Params) -> list[str]:
    """["W1", "b1", ..., "WL", "bL"], the order of the flattened vector."""
    return [key for l in range(1, num_layers(parameters) + 1) for key in (f"W{l}", f"b{l}")]


def dictionary_to_vector(parameters: Params, keys: list[str]) -> Array:
    """theta = concatenation of parameters[key].ravel() for key in keys.   -> (n_theta,)"""
    return np.concatenate([np.ravel(parameters[key]) for key in keys])


def vector_to_dictionary(theta: Array, like: Params, keys: list[str]) -> Params:
    """Inverse of ``dictionary_to_vector``: views into theta with the shapes of ``like[key]``."""
    sizes = np.cumsum([like[key].size for key in keys])[:-1]
    return {key: chunk.reshape(like[key].shape) for key, chunk in zip(keys, np.split(theta, sizes))}


def _cost(theta: Array, parameters: Params, keys: list[str], X: Array, Y: Array) -> float:
    """J(theta) = compute_cost(L_model_forward(X, theta as parameters)[0], Y)."""
    return compute_cost(L_model_forward(X, vector_to_dictionary(theta, parameters, keys))[0], Y)


def gradient_check_n(parameters: Params, gradients: Params, X: Array, Y: Array, epsilon: float = 1e-7) -> float:
    """||g_approx - g|| / (||g_approx|| + ||g||), g_approx_i = (J(theta + eps e_i) - J(theta - eps e_i)) / (2 eps).

    Only the dW/db entries of ``gradients`` count.   X: (n0, m), Y: (1, m) -> float
    """
    keys = parameter_keys(parameters)
    theta = dictionary_to_vector(parameters, keys)
    grad = dictionary_to_vector(gradients, [f"d{key}" for key in keys])
    grad_approx = np.empty_like(theta)
    for i in range(theta.size):
        step = np.zeros_like(theta)
        step[i] = epsilon
        J_plus = _cost(theta + step, parameters, keys, X, Y)
        J_minus = _cost(theta - step, parameters, keys, X, Y)
        grad_approx[i] = (J_plus - J_minus) / (2 * epsilon)
    numerator = np.linalg.norm(grad - grad_approx)
    return float(numerator / (np.linalg.norm(grad) + np.linalg.norm(grad_approx)))
