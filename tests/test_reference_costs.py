"""Costs: hand-worked values, finiteness at exact 0/1, the L2 penalty."""

import numpy as np
from dnn_checks.strategies import labels
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from strategies import bounded, networks

from reference import compute_cost, compute_cost_with_regularization, compute_softmax_cost


def test_compute_cost_by_hand() -> None:
    AL, Y = np.array([[0.8, 0.9, 0.4]]), np.array([[1.0, 1.0, 0.0]])
    expected = -(np.log(0.8) + np.log(0.9) + np.log(0.6)) / 3
    cost = compute_cost(AL, Y)
    assert isinstance(cost, float)
    assert_allclose(cost, expected, rtol=1e-14)


@given(Y=labels((1, 6)))
def test_compute_cost_is_finite_when_AL_is_exactly_0_or_1(Y) -> None:
    for AL in (np.zeros((1, 6)), np.ones((1, 6)), Y, 1.0 - Y):
        with np.errstate(all="raise"):
            cost = compute_cost(AL, Y)
        assert np.isfinite(cost) and cost >= 0


def test_compute_cost_of_perfect_predictions_is_about_zero() -> None:
    Y = np.array([[1.0, 0.0, 1.0]])
    assert 0 <= compute_cost(Y, Y) < 1e-12


def test_compute_softmax_cost_by_hand() -> None:
    AL = np.array([[0.5, 0.1], [0.25, 0.0], [0.25, 0.9]])
    Y = np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 1.0]])
    assert_allclose(compute_softmax_cost(AL, Y), -(np.log(0.5) + np.log(0.9)) / 2, rtol=1e-14)


@given(parameters=networks(), m=st.integers(1, 6), lambd=st.floats(0.0, 5.0), data=st.data())
def test_regularized_cost_adds_the_frobenius_norms(parameters, m, lambd, data) -> None:
    AL = data.draw(bounded((1, m), bound=1.0)) * 0.49 + 0.5
    Y = data.draw(labels((1, m)))
    squares = sum(np.sum(W**2) for key, W in parameters.items() if key.startswith("W"))
    expected = compute_cost(AL, Y) + lambd / (2 * m) * squares
    assert_allclose(compute_cost_with_regularization(AL, Y, parameters, lambd), expected, rtol=1e-12)


def test_regularized_cost_by_hand() -> None:
    parameters = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([[7.0]]), "W2": np.array([[3.0]]), "b2": np.array([[7.0]])}
    AL, Y = np.array([[0.5, 0.5]]), np.array([[1.0, 0.0]])
    assert_allclose(compute_cost_with_regularization(AL, Y, parameters, 0.1), np.log(2) + 0.1 / 4 * 14, rtol=1e-14)
