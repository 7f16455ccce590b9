"""L_p regularization: the penalty lambd / (p m) * sum |W|**p, its gradient, and p = 2 as before."""

import numpy as np
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
    compute_cost,
    compute_cost_with_regularization,
    lp_penalty,
)

POWERS = st.sampled_from([1, 1.5, 2, 3])


def _network_and_data(parameters, data):
    m = data.draw(examples)
    X = data.draw(bounded((parameters["W1"].shape[1], m), bound=1.0))
    Y = data.draw(labels((1, m)))
    return X, Y


@given(parameters=networks(), lambd=st.floats(0.0, 3.0), p=POWERS, data=st.data())
def test_lp_backward_is_the_gradient_of_the_lp_cost(parameters, lambd, p, data) -> None:
    """Weights kept 0.01 away from 0, where |W| is not differentiable for p = 1."""
    parameters = {key: np.where(np.abs(value) < 1e-2, 0.5, value) for key, value in parameters.items()}
    X, Y = _network_and_data(parameters, data)
    AL, caches = L_model_forward(X, parameters)
    assume(hidden_zs_clear_of_kink(caches))
    grads = L_model_backward_with_regularization(AL, Y, caches, lambd, p)
    for key, value in parameters.items():
        def J(x, key=key):
            changed = {**parameters, key: x}
            return compute_cost_with_regularization(L_model_forward(X, changed)[0], Y, changed, lambd, p)
        assert_gradient(grads[f"d{key}"], J, value, f"d{key}")


@given(parameters=networks(), lambd=st.floats(0.0, 3.0), data=st.data())
def test_p_2_is_the_l2_of_part_b_digit_for_digit(parameters, lambd, data) -> None:
    X, Y = _network_and_data(parameters, data)
    AL, caches = L_model_forward(X, parameters)
    squares = sum(np.sum(np.square(W)) for key, W in parameters.items() if key.startswith("W"))
    assert compute_cost_with_regularization(AL, Y, parameters, lambd, 2) == \
        compute_cost_with_regularization(AL, Y, parameters, lambd) == compute_cost(AL, Y) + float(
            lambd / (2 * Y.shape[1]) * squares)
    two, default = (L_model_backward_with_regularization(AL, Y, caches, lambd, *p) for p in ((2,), ()))
    plain = L_model_backward(AL, Y, caches)
    for key in plain:
        added = lambd / Y.shape[1] * parameters[key[1:]] if key.startswith("dW") else 0.0
        assert_array_equal(two[key], plain[key] + added)
        assert_array_equal(default[key], two[key])


def test_l1_is_lambd_over_m_times_the_absolute_values_and_its_gradient_is_0_at_0() -> None:
    W1, W2 = np.array([[1.5, -2.0, 0.0], [0.0, 0.25, -0.5]]), np.array([[-1.0, 0.0]])
    parameters = {"W1": W1, "b1": np.ones((2, 1)), "W2": W2, "b2": np.ones((1, 1))}
    assert lp_penalty(parameters, 0.6, 3, 1) == 0.6 / 3 * 5.25
    assert_allclose(lp_penalty(parameters, 0.6, 3, 3), 0.6 / 9 * (1.5 ** 3 + 8 + 0.25 ** 3 + 0.5 ** 3 + 1))
    X, Y = np.array([[0.5, -1.0, 2.0], [1.0, 0.3, -0.2], [0.1, 0.2, 0.3]]), np.array([[1.0, 0.0, 1.0]])
    AL, caches = L_model_forward(X, parameters)
    l1, plain = L_model_backward_with_regularization(AL, Y, caches, 0.6, 1), L_model_backward(AL, Y, caches)
    assert_allclose(l1["dW1"] - plain["dW1"], 0.2 * np.array([[1.0, -1.0, 0.0], [0.0, 1.0, -1.0]]), atol=1e-15)
    assert_allclose(l1["dW2"] - plain["dW2"], 0.2 * np.array([[-1.0, 0.0]]), atol=1e-15)
