"""Activations: gradients by central differences, properties from the maths, hand-worked values."""

import warnings

import numpy as np
import pytest
from dnn_checks.strategies import floats, matrix_shapes
from hypothesis import given
from hypothesis import strategies as st
from numerical import assert_gradient, assert_same_bits
from numpy.testing import assert_allclose, assert_array_equal
from strategies import any_floats, away_from_zero, bounded

from reference import relu, relu_backward, sigmoid, sigmoid_backward, softmax, tanh, tanh_backward

SMOOTH = [(sigmoid, sigmoid_backward), (tanh, tanh_backward)]


@st.composite
def z_and_da(draw: st.DrawFn, *, relu_margin: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    shape = draw(matrix_shapes())
    Z = draw(away_from_zero(shape, low=relu_margin, high=3.0) if relu_margin else bounded(shape, bound=3.0))
    return Z, draw(bounded(shape))


@pytest.mark.parametrize(("forward", "backward"), SMOOTH, ids=["sigmoid", "tanh"])
@given(data=z_and_da())
def test_smooth_backward_is_the_gradient(forward, backward, data) -> None:
    Z, dA = data
    assert_gradient(backward(dA, Z), lambda z: float(np.sum(dA * forward(z)[0])), Z, backward.__name__)


@given(data=z_and_da(relu_margin=1e-3))
def test_relu_backward_is_the_gradient(data) -> None:
    Z, dA = data
    assert_gradient(relu_backward(dA, Z), lambda z: float(np.sum(dA * relu(z)[0])), Z, "relu_backward")


def test_relu_backward_is_zero_at_the_kink() -> None:
    Z = np.array([[-1.0, 0.0, 2.0]])
    assert_array_equal(relu_backward(np.array([[5.0, 6.0, 7.0]]), Z), [[0.0, 0.0, 7.0]])


@given(data=matrix_shapes().flatmap(lambda shape: st.tuples(*[any_floats(shape, finite=False)] * 2)))
def test_relu_backward_has_the_bits_of_np_where(data) -> None:
    Z, dA = data
    assert_same_bits(relu_backward(dA, Z), np.where(Z > 0, dA, 0.0))


@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.bool_])
def test_relu_backward_has_the_dtype_of_np_where(dtype) -> None:
    Z, dA = np.array([[-1.0, 0.0, 2.0]]), np.array([[-3, 4, 5]]).astype(dtype)
    assert_same_bits(relu_backward(dA, Z), np.where(Z > 0, dA, 0.0))


@pytest.mark.parametrize("forward", [sigmoid, relu, tanh, softmax])
def test_forward_caches_z(forward) -> None:
    Z = np.array([[0.5, -1.0], [2.0, 0.0]])
    _, cache = forward(Z)
    assert cache is Z


@given(Z=bounded((3, 4), bound=50.0))
def test_sigmoid_is_antisymmetric(Z) -> None:
    assert_allclose(sigmoid(-Z)[0], 1.0 - sigmoid(Z)[0], rtol=0, atol=1e-15)


@given(Z=bounded((3, 4), bound=40.0))
def test_sigmoid_matches_the_textbook_formula(Z) -> None:
    assert_allclose(sigmoid(Z)[0], 1.0 / (1.0 + np.exp(-Z)), rtol=1e-14, atol=0)


@pytest.mark.parametrize("forward", [sigmoid, tanh, softmax])
def test_no_overflow_or_warning_for_large_inputs(forward) -> None:
    Z = np.array([[-1000.0, -745.5, -1.0, 0.0, 1.0, 745.5, 1000.0]] * 2) * np.array([[1.0], [-1.0]])
    with np.errstate(all="raise"), warnings.catch_warnings():
        warnings.simplefilter("error")
        A, _ = forward(Z)
    assert np.all(np.isfinite(A))


def test_sigmoid_extremes_and_centre() -> None:
    assert_array_equal(sigmoid(np.array([[-1000.0, 0.0, 1000.0]]))[0], [[0.0, 0.5, 1.0]])


@given(Z=bounded((4, 5), bound=30.0))
def test_softmax_columns_are_distributions(Z) -> None:
    A, _ = softmax(Z)
    assert np.all(A >= 0)
    assert_allclose(A.sum(axis=0), 1.0, rtol=0, atol=1e-14)


@given(Z=bounded((4, 5), bound=30.0), shift=bounded((1, 5), bound=500.0))
def test_softmax_is_shift_invariant_per_column(Z, shift) -> None:
    assert_allclose(softmax(Z + shift)[0], softmax(Z)[0], rtol=1e-10, atol=1e-15)


def test_softmax_by_hand() -> None:
    A, _ = softmax(np.array([[0.0, 1000.0], [np.log(3.0), 1000.0]]))
    assert_allclose(A, [[0.25, 0.5], [0.75, 0.5]], rtol=1e-15)


@given(z=floats(min_value=-3.0, max_value=3.0))
def test_tanh_backward_by_formula(z) -> None:
    Z = np.array([[z]])
    assert_allclose(tanh_backward(np.array([[2.0]]), Z), 2.0 / np.cosh(Z) ** 2, rtol=1e-12)
