"""Assertions for the tests: gradients (norm-based relative error against the shared central
differences) and bit-for-bit equality."""

from collections.abc import Callable

import numpy as np
from dnn_checks.gradcheck import numerical_gradient as central_differences
from numpy.testing import assert_array_equal

STEP = 1e-6
RTOL = 1e-7
FLOOR = 1e-1
"""Gradients whose norms add up to less than FLOOR are compared in absolute terms (error <= RTOL * FLOOR
= 1e-8): the round-off of a central difference, about 1e-16 * |f| / STEP = 1e-10 * |f| per entry, does
not shrink with the gradient."""
RELU_MARGIN = 1e-3
"""|Z| kept above this in ReLU layers, so no step crosses the kink: in the strategies' networks
(widths <= 4, weights and inputs in [-1, 1], depth <= 4) activations stay below 21 and each layer
amplifies a change at most 4 times, so a step of 1e-6 in one input moves any Z by less than 1e-4."""


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, step: float = STEP) -> np.ndarray:
    """g[i] = (f(x + step e_i) - f(x - step e_i)) / (2 step), by the shared primitive (on a private copy)."""
    return central_differences(lambda x: f(x), {"x": x}, "x", np.float64(1.0), eps=step)


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """||a - n|| / max(||a|| + ||n||, FLOOR)."""
    scale = max(np.linalg.norm(analytic) + np.linalg.norm(numeric), FLOOR)
    return float(np.linalg.norm(analytic - numeric) / scale)


def assert_gradient(analytic: np.ndarray, f: Callable[[np.ndarray], float], x: np.ndarray, name: str) -> None:
    """The analytic gradient of f at x matches central differences (relative error <= RTOL)."""
    numeric = numerical_gradient(f, x)
    assert analytic.shape == x.shape, f"{name}: shape {analytic.shape}, expected {x.shape}"
    error = relative_error(analytic, numeric)
    assert error <= RTOL, f"{name}: relative error {error:.2e}\nanalytic:\n{analytic}\nnumeric:\n{numeric}"


def hidden_zs_clear_of_kink(caches) -> bool:
    """Every hidden-layer Z (the activation caches but the last) is at least RELU_MARGIN from 0."""
    return all(np.min(np.abs(cache.activation_cache)) > RELU_MARGIN for cache in caches[:-1])


def assert_same_bits(actual: np.ndarray, expected: np.ndarray) -> None:
    """The same dtype, shape and bytes (0.0 and -0.0 differ; nan equals nan of the same bits)."""
    assert (actual.dtype, actual.shape) == (expected.dtype, expected.shape)
    as_unsigned = f"u{actual.itemsize}"
    assert_array_equal(np.ascontiguousarray(actual).view(as_unsigned), np.ascontiguousarray(expected).view(as_unsigned),
                       err_msg=f"actual:\n{actual}\nexpected:\n{expected}")
