"""L2 backward against the regularized cost, inverted dropout, input normalization."""

import math

import numpy as np
import pytest
from dnn_checks.strategies import labels
from hypothesis import assume, given
from hypothesis import strategies as st
from numerical import assert_gradient, hidden_zs_clear_of_kink
from numpy.testing import assert_allclose, assert_array_equal
from strategies import bounded, examples, networks

from reference import (
    L_model_backward,
    L_model_backward_with_regularization,
    L_model_forward,
    compute_cost_with_regularization,
    dropout_backward,
    dropout_forward,
    normalize_inputs,
)

FALSE_FAILURE = 1e-9


@given(parameters=networks(), lambd=st.floats(0.0, 3.0), data=st.data())
def test_regularized_backward_is_the_gradient_of_the_regularized_cost(parameters, lambd, data) -> None:
    m = data.draw(examples)
    X = data.draw(bounded((parameters["W1"].shape[1], m), bound=1.0))
    Y = data.draw(labels((1, m)))
    AL, caches = L_model_forward(X, parameters)
    assume(hidden_zs_clear_of_kink(caches))
    grads = L_model_backward_with_regularization(AL, Y, caches, lambd)
    for key, value in parameters.items():
        def J(x, key=key):
            changed = {**parameters, key: x}
            return compute_cost_with_regularization(L_model_forward(X, changed)[0], Y, changed, lambd)
        assert_gradient(grads[f"d{key}"], J, value, f"d{key}")


@given(parameters=networks(), lambd=st.floats(0.0, 3.0), data=st.data())
def test_l2_adds_lambd_over_m_times_W_to_dW_only(parameters, lambd, data) -> None:
    m = data.draw(examples)
    X = data.draw(bounded((parameters["W1"].shape[1], m), bound=1.0))
    Y = data.draw(labels((1, m)))
    AL, caches = L_model_forward(X, parameters)
    plain = L_model_backward(AL, Y, caches)
    regularized = L_model_backward_with_regularization(AL, Y, caches, lambd)
    assert set(regularized) == set(plain)
    for key, value in plain.items():
        added = lambd / m * parameters[key[1:]] if key.startswith("dW") else 0.0
        assert_allclose(regularized[key], value + added, rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize(("keep_prob", "seed"), [(0.5, 0), (0.8, 1), (0.95, 2)])
def test_inverted_dropout_preserves_the_mean(keep_prob, seed) -> None:
    """Hoeffding: P(|kept fraction - keep_prob| >= t) <= 2 exp(-2 N t**2) = FALSE_FAILURE."""
    A = np.full((200, 500), 3.0)
    A_drop, D = dropout_forward(A, keep_prob, np.random.default_rng(seed))
    t = math.sqrt(math.log(2 / FALSE_FAILURE) / (2 * A.size))
    assert abs(A_drop.mean() - 3.0) <= 3.0 * t / keep_prob
    assert D.shape == A.shape and set(np.unique(D)) <= {0, 1}
    assert_array_equal(A_drop, np.where(D, A / keep_prob, 0.0))


def test_dropout_uses_only_the_given_generator() -> None:
    A = np.arange(12.0).reshape(3, 4)
    first = dropout_forward(A, 0.5, np.random.default_rng(7))
    np.random.seed(0)
    second = dropout_forward(A, 0.5, np.random.default_rng(7))
    assert_array_equal(first[0], second[0])
    assert_array_equal(first[1], second[1])


@given(dA=bounded((3, 4)), mask=bounded((3, 4)), keep_prob=st.sampled_from([0.5, 0.7, 1.0]))
def test_dropout_backward_is_the_gradient_of_dropout(dA, mask, keep_prob) -> None:
    D = mask > 0
    assert_array_equal(dropout_backward(dA, D, keep_prob), dA * D / keep_prob)
    A = mask

    def f(a):
        return float(np.sum(dA * a * D / keep_prob))
    assert_gradient(dropout_backward(dA, D, keep_prob), f, A, "dropout_backward")


@given(X_train=bounded((3, 8), bound=10.0), X_test=bounded((3, 5), bound=10.0))
def test_normalize_inputs_standardizes_rows_with_training_statistics(X_train, X_test) -> None:
    sigma = X_train.std(axis=1, keepdims=True)
    assume(np.all(sigma > 1e-3))
    train, test = normalize_inputs(X_train, X_test)
    assert_allclose(train.mean(axis=1), 0.0, atol=1e-12)
    assert_allclose(train.std(axis=1), 1.0, rtol=1e-9)
    assert_allclose(test, (X_test - X_train.mean(axis=1, keepdims=True)) / sigma, rtol=1e-12, atol=1e-12)


def test_normalize_inputs_by_hand() -> None:
    train, test = normalize_inputs(np.array([[1.0, 3.0], [0.0, 4.0]]), np.array([[5.0], [2.0]]))
    assert_array_equal(train, [[-1.0, 1.0], [-1.0, 1.0]])
    assert_array_equal(test, [[3.0], [0.0]])
