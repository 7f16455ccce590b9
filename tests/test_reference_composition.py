"""Concatenation and branch weights: their laws, their gradients, their purity, and a two-branch network
composed from them and Part A's layers whose backward pass is the gradient of its cost."""

import ast
import copy
import inspect

import numpy as np
import pytest
from dnn_checks.strategies import labels
from hypothesis import given
from hypothesis import strategies as st
from numerical import assert_gradient
from numpy.testing import assert_array_equal
from strategies import bounded, examples, sides

import reference
from reference import (
    compute_cost,
    concat_backward,
    concat_forward,
    linear_activation_backward,
    linear_activation_forward,
    scale_backward,
    scale_forward,
)

alphas = st.floats(-3.0, 3.0)


@st.composite
def branches(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    m = draw(examples)
    return draw(bounded((draw(sides), m))), draw(bounded((draw(sides), m)))


@given(branches())
def test_concat_stacks_the_rows_and_its_backward_splits_them_back(pair) -> None:
    A1, A2 = pair
    A, cache = concat_forward(A1, A2)
    assert A.shape == (A1.shape[0] + A2.shape[0], A1.shape[1])
    dA1, dA2 = concat_backward(A, cache)
    assert_array_equal(dA1, A1)
    assert_array_equal(dA2, A2)


@given(branches(), st.data())
def test_concat_backward_is_the_gradient_of_concat(pair, data) -> None:
    A1, A2 = pair
    dA = data.draw(bounded(concat_forward(A1, A2)[0].shape))
    dA1, dA2 = concat_backward(dA, concat_forward(A1, A2)[1])
    assert_gradient(dA1, lambda x: float(np.sum(dA * concat_forward(x, A2)[0])), A1, "dA1")
    assert_gradient(dA2, lambda x: float(np.sum(dA * concat_forward(A1, x)[0])), A2, "dA2")


@given(bounded((3, 4)), bounded((3, 4)), alphas)
def test_scale_multiplies_and_its_backward_is_its_gradient(A, dA, alpha) -> None:
    A_scaled, cache = scale_forward(A, alpha)
    assert_array_equal(A_scaled, alpha * A)
    assert_gradient(scale_backward(dA, cache), lambda x: float(np.sum(dA * scale_forward(x, alpha)[0])), A, "dA_prev")


def test_a_weight_of_zero_switches_a_branch_off_forward_and_backward() -> None:
    A = np.arange(6.0).reshape(2, 3)
    A_scaled, cache = scale_forward(A, 0.0)
    assert not A_scaled.any() and not scale_backward(np.ones((2, 3)), cache).any()


def test_branches_over_different_examples_are_refused() -> None:
    with pytest.raises(ValueError, match="same m examples"):
        concat_forward(np.ones((2, 3)), np.ones((2, 4)))


def test_nothing_is_changed_in_place_and_the_gradients_are_new_arrays() -> None:
    A1, A2, dA = np.ones((2, 3)), np.zeros((1, 3)), np.arange(9.0).reshape(3, 3)
    before = copy.deepcopy((A1, A2, dA))
    _, cache = concat_forward(A1, A2)
    dA1, dA2 = concat_backward(dA, cache)
    scale_backward(dA, scale_forward(A1, 2.0)[1])
    dA1 += 1
    for was, now in zip(before, (A1, A2, dA)):
        assert_array_equal(was, now)


def test_the_functions_are_short() -> None:
    tree = ast.parse(inspect.getsource(reference.composition))
    assert all(node.end_lineno - node.lineno < 25 for node in ast.walk(tree) if isinstance(node, ast.FunctionDef))


def _two_branch_cost(parameters: dict[str, np.ndarray], X1: np.ndarray, X2: np.ndarray, Y: np.ndarray,
                     alpha: float) -> tuple[float, dict[str, np.ndarray]]:
    """The cost of relu(W1 X1 + b1) weighted by alpha, joined to relu(W2 X2 + b2), under a sigmoid unit; its gradients."""
    A1, cache1 = linear_activation_forward(X1, parameters["W1"], parameters["b1"], "relu")
    A1_scaled, scale_cache = scale_forward(A1, alpha)
    A2, cache2 = linear_activation_forward(X2, parameters["W2"], parameters["b2"], "relu")
    A, concat_cache = concat_forward(A1_scaled, A2)
    AL, output_cache = linear_activation_forward(A, parameters["W3"], parameters["b3"], "sigmoid")
    grads = {}
    dA, grads["dW3"], grads["db3"] = linear_activation_backward(-(Y / AL - (1 - Y) / (1 - AL)), output_cache,
                                                                "sigmoid")
    dA1_scaled, dA2 = concat_backward(dA, concat_cache)
    _, grads["dW1"], grads["db1"] = linear_activation_backward(scale_backward(dA1_scaled, scale_cache), cache1, "relu")
    _, grads["dW2"], grads["db2"] = linear_activation_backward(dA2, cache2, "relu")
    return compute_cost(AL, Y), grads


def _parameters(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """A 4-input branch of 3 units, a 1-input branch of 2 units, one sigmoid unit over the 5 joined features."""
    shapes = {"W1": (3, 4), "b1": (3, 1), "W2": (2, 1), "b2": (2, 1), "W3": (1, 5), "b3": (1, 1)}
    return {key: rng.normal(size=shape) for key, shape in shapes.items()}


@pytest.mark.parametrize("alpha", [0.0, 0.3, 2.0])
def test_a_two_branch_network_composed_from_these_has_the_gradient_of_its_cost(alpha: float) -> None:
    rng = np.random.default_rng(0)
    parameters = _parameters(rng)
    X1, X2 = rng.normal(size=(4, 6)), rng.normal(size=(1, 6))
    Y = np.array([[0.0, 1.0, 1.0, 0.0, 1.0, 0.0]])
    _, grads = _two_branch_cost(parameters, X1, X2, Y, alpha)
    for key, value in parameters.items():
        cost = lambda x, key=key: _two_branch_cost({**parameters, key: x}, X1, X2, Y, alpha)[0]  # noqa: E731
        assert_gradient(grads[f"d{key}"], cost, value, f"d{key}")


@given(labels((1, 3)))
def test_a_weight_of_zero_leaves_the_image_branch_without_gradient(Y) -> None:
    rng = np.random.default_rng(1)
    _, grads = _two_branch_cost(_parameters(rng), rng.normal(size=(4, 3)), rng.normal(size=(1, 3)), Y, 0.0)
    assert not grads["dW1"].any() and not grads["db1"].any()
