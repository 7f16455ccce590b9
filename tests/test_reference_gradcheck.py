"""gradient_check_n: small for the true gradients, large for wrong ones, pure."""

import numpy as np
import pytest
from dnn_checks.strategies import labels
from hypothesis import assume, given
from hypothesis import strategies as st
from numerical import hidden_zs_clear_of_kink
from strategies import bounded, networks

from reference import (
    L_model_backward,
    L_model_forward,
    dictionary_to_vector,
    gradient_check_n,
    parameter_keys,
    vector_to_dictionary,
)


@st.composite
def checked_problems(draw: st.DrawFn):
    parameters = draw(networks(max_depth=3))
    m = draw(st.integers(1, 5))
    X = draw(bounded((parameters["W1"].shape[1], m), bound=1.0))
    Y = draw(labels((1, m)))
    AL, caches = L_model_forward(X, parameters)
    assume(hidden_zs_clear_of_kink(caches))
    return parameters, L_model_backward(AL, Y, caches), X, Y


@given(problem=checked_problems())
def test_true_gradients_give_a_small_difference(problem) -> None:
    parameters, grads, X, Y = problem
    assume(sum(np.linalg.norm(g) for key, g in grads.items() if not key.startswith("dA")) > 1e-3)
    assert gradient_check_n(parameters, grads, X, Y, epsilon=1e-7) < 1e-5


def parameter_gradient_norm(grads: dict) -> float:
    return float(np.sqrt(sum(np.sum(g**2) for key, g in grads.items() if not key.startswith("dA"))))


@pytest.mark.parametrize("mistake", [lambda g: 2 * g, lambda g: -g, lambda g: g + 0.1])
@given(problem=checked_problems())
def test_wrong_gradients_give_a_large_difference(mistake, problem) -> None:
    """With g_approx ~ g, the difference is about ||wrong - g|| / (||wrong|| + ||g||)."""
    parameters, grads, X, Y = problem
    wrong = {**grads, "dW1": mistake(grads["dW1"])}
    error, scale = np.linalg.norm(wrong["dW1"] - grads["dW1"]), parameter_gradient_norm(wrong) + parameter_gradient_norm(grads)
    assume(error > 1e-4 * scale)
    expected = error / scale
    assert gradient_check_n(parameters, wrong, X, Y) == pytest.approx(expected, rel=1e-3)


def test_larger_epsilon_shows_the_truncation_error() -> None:
    rng = np.random.default_rng(0)
    parameters = {"W1": rng.standard_normal((3, 2)), "b1": rng.standard_normal((3, 1)), "W2": rng.standard_normal((1, 3)), "b2": np.zeros((1, 1))}
    X, Y = rng.standard_normal((2, 4)), np.array([[1.0, 0.0, 1.0, 1.0]])
    AL, caches = L_model_forward(X, parameters)
    grads = L_model_backward(AL, Y, caches)
    assert gradient_check_n(parameters, grads, X, Y, epsilon=1e-2) > gradient_check_n(parameters, grads, X, Y, epsilon=1e-5)


@given(parameters=networks())
def test_vector_round_trip(parameters) -> None:
    keys = parameter_keys(parameters)
    theta = dictionary_to_vector(parameters, keys)
    assert theta.shape == (sum(v.size for v in parameters.values()),)
    back = vector_to_dictionary(theta, parameters, keys)
    assert set(back) == set(parameters)
    for key in keys:
        np.testing.assert_array_equal(back[key], parameters[key])
