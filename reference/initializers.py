"""Parameter initializers. ``layer_dims = [n0, n1, ..., nL]`` -> ``{"W1": (n1, n0), "b1": (n1, 1), ...}``.

Random draws come from a private ``np.random.RandomState(seed)``, layer by layer (W1, W2, ...):
the numbers are those of the course's ``np.random.seed(seed); np.random.randn(...)``, and
numpy's global generator is neither read nor changed.
"""

from collections.abc import Callable, Sequence

import numpy as np

from reference._types import Params

Scale = Callable[[int], float]


def _initialize(layer_dims: Sequence[int], seed: int, scale: Scale) -> Params:
    """W_l = randn(n_l, n_{l-1}) * scale(n_{l-1}), b_l = zeros((n_l, 1))."""
    rng = np.random.RandomState(seed)
    parameters: Params = {}
    for l in range(1, len(layer_dims)):
        n, n_prev = layer_dims[l], layer_dims[l - 1]
        parameters[f"W{l}"] = rng.randn(n, n_prev) * scale(n_prev)
        parameters[f"b{l}"] = np.zeros((n, 1))
    return parameters


def initialize_parameters_zeros(layer_dims: Sequence[int]) -> Params:
    """W_l = zeros((n_l, n_{l-1})), b_l = zeros((n_l, 1))."""
    parameters: Params = {}
    for l in range(1, len(layer_dims)):
        parameters[f"W{l}"] = np.zeros((layer_dims[l], layer_dims[l - 1]))
        parameters[f"b{l}"] = np.zeros((layer_dims[l], 1))
    return parameters


def initialize_parameters_random(layer_dims: Sequence[int], seed: int = 3) -> Params:
    """W_l = randn(n_l, n_{l-1}) * 10, b_l = 0."""
    return _initialize(layer_dims, seed, lambda n_prev: 10.0)


def initialize_parameters_he(layer_dims: Sequence[int], seed: int = 3) -> Params:
    """W_l = randn(n_l, n_{l-1}) * sqrt(2 / n_{l-1}), b_l = 0 (``initialize_parameters_deep``)."""
    return initialize_parameters_deep(layer_dims, seed)


def initialize_parameters_xavier(layer_dims: Sequence[int], seed: int = 3) -> Params:
    """W_l = randn(n_l, n_{l-1}) * sqrt(1 / n_{l-1}), b_l = 0."""
    return _initialize(layer_dims, seed, lambda n_prev: np.sqrt(1.0 / n_prev))


def initialize_parameters_deep(layer_dims: Sequence[int], seed: int = 3) -> Params:
    """He initialization: W_l = randn(n_l, n_{l-1}) * sqrt(2 / n_{l-1}), b_l = 0.

    The primary of the two He initializers: assignment 1 teaches it, and later assignments'
    helper modules, which hold its source, must not hold the later ``initialize_parameters_he``.
    """
    return _initialize(layer_dims, seed, lambda n_prev: np.sqrt(2.0 / n_prev))
