"""Example weights: the weighted cross-entropy and its backward pass."""

import numpy as np
from dnn_checks.strategies import floats, labels, matrices, probabilities
from hypothesis import assume, given
from hypothesis import strategies as st
from numerical import assert_gradient, hidden_zs_clear_of_kink
from numpy.testing import assert_allclose, assert_array_equal
from strategies import bounded, examples, networks

from reference import (
    L_model_backward,
    L_model_backward_weighted,
    L_model_forward,
    compute_cost,
    compute_cost_weighted,
)


def weights(m: int, *, high: float = 3.0) -> st.SearchStrategy[np.ndarray]:
    """Non-negative weights (1, m), zeros included."""
    return matrices((1, m), elements=st.one_of(st.just(0.0), floats(min_value=0.0, max_value=high)))


@given(data=st.data())
def test_weight_1_is_the_plain_cost_and_an_integer_weight_repeats_an_example(data) -> None:
    m = data.draw(examples)
    AL, Y = data.draw(matrices((1, m), elements=probabilities())), data.draw(labels((1, m)))
    assert compute_cost_weighted(AL, Y, np.ones((1, m))) == compute_cost(AL, Y)
    counts = data.draw(matrices((1, m), elements=st.integers(0, 3).map(float)))
    assume(counts.sum() > 0)
    repeated = np.repeat(np.arange(m), counts[0].astype(int))
    assert_allclose(m * compute_cost_weighted(AL, Y, counts), repeated.size * compute_cost(AL[:, repeated], Y[:, repeated]),
                    rtol=1e-12)


@given(data=st.data())
def test_the_weighted_cost_is_linear_in_the_weights(data) -> None:
    m = data.draw(examples)
    AL, Y = data.draw(matrices((1, m), elements=probabilities())), data.draw(labels((1, m)))
    w, v = data.draw(weights(m)), data.draw(weights(m))
    assert_allclose(compute_cost_weighted(AL, Y, 2 * w + v),
                    2 * compute_cost_weighted(AL, Y, w) + compute_cost_weighted(AL, Y, v), rtol=1e-12, atol=1e-15)


@given(parameters=networks(max_depth=3), data=st.data())
def test_weighted_backward_is_the_gradient_of_the_weighted_cost(parameters, data) -> None:
    """dW, db are gradients of the cost; dA0 is m times its gradient with respect to X."""
    m = data.draw(examples)
    X, Y, w = data.draw(bounded((parameters["W1"].shape[1], m), bound=1.0)), data.draw(labels((1, m))), data.draw(weights(m))
    AL, caches = L_model_forward(X, parameters)
    assume(hidden_zs_clear_of_kink(caches))
    grads = L_model_backward_weighted(AL, Y, caches, w)
    for key, value in parameters.items():
        def J(x, key=key):
            return compute_cost_weighted(L_model_forward(X, {**parameters, key: x})[0], Y, w)
        assert_gradient(grads[f"d{key}"], J, value, f"d{key}")
    assert_gradient(grads["dA0"] / m, lambda x: compute_cost_weighted(L_model_forward(x, parameters)[0], Y, w), X, "dA0")


@given(parameters=networks(), data=st.data())
def test_weight_1_gives_the_gradients_of_L_model_backward(parameters, data) -> None:
    m = data.draw(examples)
    X, Y = data.draw(bounded((parameters["W1"].shape[1], m), bound=1.0)), data.draw(labels((1, m)))
    AL, caches = L_model_forward(X, parameters)
    weighted, plain = L_model_backward_weighted(AL, Y, caches, np.ones((1, m))), L_model_backward(AL, Y, caches)
    assert list(weighted) == list(plain)
    for key in plain:
        assert_array_equal(weighted[key], plain[key])
