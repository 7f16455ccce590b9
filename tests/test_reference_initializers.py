"""Initializers: shapes, zero biases, scales within statistical bounds, independence from numpy's global generator."""

import math

import numpy as np
import pytest
from dnn_checks.strategies import layer_dims
from hypothesis import given
from numpy.testing import assert_array_equal

from reference import (
    initialize_parameters_deep,
    initialize_parameters_he,
    initialize_parameters_random,
    initialize_parameters_xavier,
    initialize_parameters_zeros,
)

FALSE_FAILURE = 1e-9
SEEDED = [initialize_parameters_deep, initialize_parameters_he, initialize_parameters_random, initialize_parameters_xavier]
ALL = [*SEEDED, initialize_parameters_zeros]


@pytest.mark.parametrize("initialize", ALL)
@given(sizes=layer_dims(max_units=6))
def test_shapes_and_zero_biases(initialize, sizes) -> None:
    parameters = initialize(sizes)
    assert set(parameters) == {f"{p}{l}" for l in range(1, len(sizes)) for p in "Wb"}
    for l in range(1, len(sizes)):
        assert parameters[f"W{l}"].shape == (sizes[l], sizes[l - 1])
        assert parameters[f"W{l}"].dtype == np.float64
        assert_array_equal(parameters[f"b{l}"], np.zeros((sizes[l], 1)))


@pytest.mark.parametrize("initialize", SEEDED)
def test_same_seed_same_parameters_whatever_the_global_generator(initialize) -> None:
    np.random.seed(0)
    first = initialize([4, 3, 2], seed=11)
    np.random.seed(1)
    state = np.random.get_state()[1].copy()
    second = initialize([4, 3, 2], seed=11)
    assert_array_equal(np.random.get_state()[1], state)
    for key in first:
        assert_array_equal(first[key], second[key])
    assert not np.array_equal(first["W1"], initialize([4, 3, 2], seed=12)["W1"])


def test_zeros_are_zeros() -> None:
    for value in initialize_parameters_zeros([3, 2, 1]).values():
        assert_array_equal(value, 0.0)


@pytest.mark.parametrize(
    ("initialize", "variance"),
    [(initialize_parameters_he, lambda n: 2 / n), (initialize_parameters_deep, lambda n: 2 / n),
     (initialize_parameters_xavier, lambda n: 1 / n), (initialize_parameters_random, lambda n: 100.0)],
)
def test_weight_scale_within_statistical_bounds(initialize, variance) -> None:
    """sum(W**2) / var ~ chi2(N): Laurent-Massart, P(|X - N| >= 2 sqrt(N x) + 2x) <= 2 exp(-x); mean: Gaussian tail."""
    W = initialize([500, 400], seed=5)["W1"]
    N, x = W.size, math.log(2 / FALSE_FAILURE)
    assert abs(np.sum(W**2) / variance(500) - N) <= 2 * math.sqrt(N * x) + 2 * x
    assert abs(W.mean()) <= math.sqrt(2 * x * variance(500) / N)


def test_he_matches_the_course_numbers() -> None:
    """The course's np.random.seed(3); np.random.randn(n, n_prev) * sqrt(2 / n_prev), layer by layer."""
    rng = np.random.RandomState(3)
    W1, W2 = rng.randn(4, 5) * np.sqrt(2 / 5), rng.randn(1, 4) * np.sqrt(2 / 4)
    parameters = initialize_parameters_he([5, 4, 1])
    assert_array_equal(parameters["W1"], W1)
    assert_array_equal(parameters["W2"], W2)
