"""Layers and the L-layer network: gradients against the cost, cache layouts, hand-worked values.

Course scaling: dW, db are gradients of the cost J, dA{l} is m times the gradient of J wrt A{l}.
"""

import numpy as np
import pytest
from dnn_checks.strategies import labels
from hypothesis import assume, given
from hypothesis import strategies as st
from numerical import RELU_MARGIN, assert_gradient, assert_same_bits, hidden_zs_clear_of_kink
from numpy.testing import assert_allclose, assert_array_equal
from strategies import any_floats, bounded, examples, networks, one_hot, sides

from reference import (
    L_model_backward,
    L_model_forward,
    LinearActivationCache,
    LinearCache,
    compute_cost,
    compute_softmax_cost,
    linear_activation_backward,
    linear_activation_forward,
    linear_backward,
    linear_forward,
)


@st.composite
def linear_inputs(draw: st.DrawFn) -> dict[str, np.ndarray]:
    n, n_prev, m = draw(sides), draw(sides), draw(examples)
    return {
        "A_prev": draw(bounded((n_prev, m))),
        "W": draw(bounded((n, n_prev))),
        "b": draw(bounded((n, 1))),
        "dZ": draw(bounded((n, m))),
    }


def assert_linear_gradients(backward, forward, inputs) -> None:
    """Gradients of J = sum(dOut * forward(A_prev, W, b)) / m: dW, db, and dA_prev = m dJ/dA_prev."""
    dOut, args = inputs.pop("dZ"), inputs
    m = args["A_prev"].shape[1]
    dA_prev, dW, db = backward(dOut, forward(**args)[1])
    for name, analytic in (("A_prev", dA_prev / m), ("W", dW), ("b", db)):
        def J(x, name=name):
            return float(np.sum(dOut * forward(**{**args, name: x})[0]) / m)
        assert_gradient(analytic, J, args[name], f"d{name}")


@given(inputs=linear_inputs())
def test_linear_backward_is_the_gradient(inputs) -> None:
    assert_linear_gradients(linear_backward, linear_forward, inputs)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@given(inputs=linear_inputs())
def test_linear_activation_backward_is_the_gradient(activation, inputs) -> None:
    Z, _ = linear_forward(inputs["A_prev"], inputs["W"], inputs["b"])
    assume(activation != "relu" or np.min(np.abs(Z)) > RELU_MARGIN)

    def forward(A_prev, W, b):
        return linear_activation_forward(A_prev, W, b, activation)

    def backward(dA, cache):
        return linear_activation_backward(dA, cache, activation)

    assert_linear_gradients(backward, forward, inputs)


@st.composite
def binary_problems(draw: st.DrawFn, *, n_out: int = 1):
    parameters = draw(networks(n_out=n_out))
    m = draw(examples)
    X = draw(bounded((parameters["W1"].shape[1], m), bound=1.0))
    Y = draw(one_hot(n_out, m) if n_out > 1 else labels((1, m)))
    return parameters, X, Y


def subnetwork(parameters: dict, first: int) -> dict:
    """Layers first+1..L of ``parameters``, renumbered from 1."""
    L = len(parameters) // 2
    return {f"{p}{l - first}": parameters[f"{p}{l}"] for l in range(first + 1, L + 1) for p in "Wb"}


def assert_network_gradients(grads, parameters, X, Y, cost, **activations) -> None:
    """dW{l}, db{l} = dJ/dW{l}, dJ/db{l}; dA{l} = m dJ/dA{l}, with J = cost(L_model_forward(...)[0], Y)."""
    L, m = len(parameters) // 2, X.shape[1]
    _, caches = L_model_forward(X, parameters, **activations)
    for key, value in parameters.items():
        def J(x, key=key):
            return cost(L_model_forward(X, {**parameters, key: x}, **activations)[0], Y)
        assert_gradient(grads[f"d{key}"], J, value, f"d{key}")
    for l in range(L):
        def J_from(A, l=l):
            return cost(L_model_forward(A, subnetwork(parameters, l), **activations)[0], Y)
        assert_gradient(grads[f"dA{l}"] / m, J_from, caches[l].linear_cache.A_prev, f"dA{l} / m")


@given(problem=binary_problems())
def test_L_model_backward_is_the_gradient_of_compute_cost(problem) -> None:
    parameters, X, Y = problem
    AL, caches = L_model_forward(X, parameters)
    assume(hidden_zs_clear_of_kink(caches))
    grads = L_model_backward(AL, Y, caches)
    L = len(parameters) // 2
    expected_keys = {f"d{p}{l}" for l in range(1, L + 1) for p in "Wb"} | {f"dA{l}" for l in range(L)}
    assert set(grads) == expected_keys
    assert_network_gradients(grads, parameters, X, Y, compute_cost)


@given(problem=binary_problems(n_out=3))
def test_softmax_tanh_network_backward_is_the_gradient_of_its_cost(problem) -> None:
    parameters, X, Y = problem
    activations = {"hidden_activation": "tanh", "output_activation": "softmax"}
    AL, caches = L_model_forward(X, parameters, **activations)
    grads = L_model_backward(AL, Y, caches, **activations)
    assert_network_gradients(grads, parameters, X, Y, compute_softmax_cost, **activations)


@given(data=st.tuples(sides, sides, examples).flatmap(
    lambda n: st.tuples(any_floats((n[1], n[2])), any_floats((n[0], n[1])), any_floats((n[0], 1)))))
def test_linear_forward_has_the_bits_of_the_formula(data) -> None:
    A_prev, W, b = data
    with np.errstate(all="ignore"):  # the extremes overflow, alike on both sides
        assert_same_bits(linear_forward(A_prev, W, b)[0], W @ A_prev + b)


@pytest.mark.parametrize(("dtype", "b_dtype"), [(np.int64, np.int64), (np.int64, np.float64),
                                                (np.float32, np.float64), (np.float32, np.float32)])
def test_linear_forward_has_the_dtype_of_the_formula(dtype, b_dtype) -> None:
    A_prev, W, b = np.array([[1, 2], [3, 4]], dtype), np.array([[1, -1], [5, 2]], dtype), np.array([[1], [-2]], b_dtype)
    assert_same_bits(linear_forward(A_prev, W, b)[0], W @ A_prev + b)


def test_linear_forward_by_hand() -> None:
    A_prev, W, b = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, -1.0], [0.5, 2.0]]), np.array([[1.0], [-2.0]])
    Z, cache = linear_forward(A_prev, W, b)
    assert_array_equal(Z, [[-1.0, -1.0], [4.5, 7.0]])
    assert isinstance(cache, LinearCache)
    A_cached, W_cached, b_cached = cache
    assert A_cached is A_prev and W_cached is W and b_cached is b


def test_linear_backward_by_hand() -> None:
    cache = LinearCache(np.array([[1.0, 2.0]]), np.array([[3.0]]), np.array([[0.0]]))
    dA_prev, dW, db = linear_backward(np.array([[1.0, -2.0]]), cache)
    assert_array_equal(dA_prev, [[3.0, -6.0]])
    assert_array_equal(dW, [[(1.0 * 1.0 + -2.0 * 2.0) / 2]])
    assert_array_equal(db, [[-0.5]])


def test_L_model_forward_by_hand_and_its_caches() -> None:
    parameters = {"W1": np.array([[1.0], [-1.0]]), "b1": np.zeros((2, 1)), "W2": np.array([[1.0, 1.0]]), "b2": np.zeros((1, 1))}
    X = np.array([[2.0, -3.0]])
    AL, caches = L_model_forward(X, parameters)
    assert_allclose(AL, 1.0 / (1.0 + np.exp(-np.array([[2.0, 3.0]]))), rtol=1e-15)
    assert len(caches) == 2 and all(isinstance(c, LinearActivationCache) for c in caches)
    (A0, W1, b1), Z1 = caches[0]
    assert A0 is X and W1 is parameters["W1"] and b1 is parameters["b1"]
    assert_array_equal(Z1, [[2.0, -3.0], [-2.0, 3.0]])
    assert_array_equal(caches[1].linear_cache.A_prev, [[2.0, 0.0], [0.0, 3.0]])


def test_L_model_backward_starts_from_the_course_dAL() -> None:
    """One sigmoid layer: dZ = sigmoid'(Z) * dAL = AL - Y, dA0 = W.T @ (AL - Y)."""
    parameters = {"W1": np.array([[0.5, -1.0]]), "b1": np.array([[0.25]])}
    X, Y = np.array([[1.0, 2.0, -1.0], [0.0, 1.0, 1.0]]), np.array([[1.0, 0.0, 1.0]])
    AL, caches = L_model_forward(X, parameters)
    grads = L_model_backward(AL, Y, caches)
    assert_allclose(grads["dA0"], parameters["W1"].T @ (AL - Y), rtol=1e-12)
    assert_allclose(grads["db1"], np.mean(AL - Y, axis=1, keepdims=True), rtol=1e-12)
