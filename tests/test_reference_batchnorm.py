"""Batch normalization: gradients of sum(dout * out), normalization properties, running statistics."""

import numpy as np
import pytest
from dnn_checks.strategies import floats, matrices
from hypothesis import given
from hypothesis import strategies as st
from numerical import assert_gradient
from numpy.testing import assert_allclose, assert_array_equal
from strategies import bounded, examples, sides

from reference import batchnorm_backward, batchnorm_forward


@st.composite
def batchnorm_inputs(draw: st.DrawFn) -> tuple[np.ndarray, ...]:
    n, m = draw(sides), draw(examples)
    return draw(bounded((n, m))), draw(bounded((n, 1))), draw(bounded((n, 1))), draw(bounded((n, m)))


@pytest.mark.parametrize("mode", ["train", "test"])
@given(inputs=batchnorm_inputs(), data=st.data())
def test_batchnorm_backward_is_the_gradient_of_sum_dout_out(mode, inputs, data) -> None:
    Z, gamma, beta, dout = inputs
    variances = matrices(gamma.shape, elements=floats(min_value=0.25, max_value=4.0))  # well-conditioned test mode
    running = {"running_mean": data.draw(bounded(gamma.shape)), "running_var": data.draw(variances)}
    args = {"Z": Z, "gamma": gamma, "beta": beta}

    def out(**changed):
        return batchnorm_forward(**{**args, **changed}, bn_param={"mode": mode, **running})

    dZ, dgamma, dbeta = batchnorm_backward(dout, out()[1])
    for name, analytic in (("Z", dZ), ("gamma", dgamma), ("beta", dbeta)):
        def f(x, name=name):
            return float(np.sum(dout * out(**{name: x})[0]))
        assert_gradient(analytic, f, args[name], f"d{name}")


@given(Z=bounded((3, 7), bound=5.0), dout=bounded((3, 7)))
def test_train_output_is_standardized_and_dZ_sums_to_zero(Z, dout) -> None:
    Z = Z + np.arange(7.0)  # every row has some spread
    out, cache = batchnorm_forward(Z, np.ones((3, 1)), np.zeros((3, 1)), {"mode": "train"})
    assert_allclose(out.mean(axis=1), 0.0, atol=1e-12)
    assert_allclose(out.var(axis=1), Z.var(axis=1) / (Z.var(axis=1) + 1e-5), rtol=1e-12)
    dZ, _, _ = batchnorm_backward(dout, cache)
    assert_allclose(dZ.sum(axis=1), 0.0, atol=1e-10)


def test_batchnorm_on_one_row_by_hand() -> None:
    bn_param = {"mode": "train"}
    out, _ = batchnorm_forward(np.array([[1.0, 2.0, 3.0]]), np.array([[2.0]]), np.array([[1.0]]), bn_param)
    assert_allclose(out, 1.0 + 2.0 * np.array([[-1.0, 0.0, 1.0]]) / np.sqrt(2 / 3 + 1e-5), rtol=1e-14)
    assert_allclose(bn_param["running_mean"], [[0.2]], rtol=1e-14)
    assert_allclose(bn_param["running_var"], [[0.1 * 2 / 3]], rtol=1e-14)


def test_running_statistics_use_momentum_and_eps_from_bn_param() -> None:
    bn_param = {"mode": "train", "momentum": 0.5, "eps": 1.0, "running_mean": np.array([[2.0]]), "running_var": np.array([[4.0]])}
    out, _ = batchnorm_forward(np.array([[0.0, 2.0]]), np.ones((1, 1)), np.zeros((1, 1)), bn_param)
    assert_allclose(out, [[-0.5**0.5, 0.5**0.5]], rtol=1e-14)
    assert_allclose(bn_param["running_mean"], [[1.5]], rtol=1e-14)
    assert_allclose(bn_param["running_var"], [[2.5]], rtol=1e-14)


def test_test_mode_uses_running_statistics_and_leaves_bn_param_unchanged() -> None:
    mean, var = np.array([[1.0], [-2.0]]), np.array([[4.0], [0.25]])
    bn_param = {"mode": "test", "running_mean": mean, "running_var": var}
    Z = np.array([[3.0, 1.0], [-1.0, -2.0]])
    out, _ = batchnorm_forward(Z, np.array([[1.0], [2.0]]), np.array([[0.0], [1.0]]), bn_param)
    assert_allclose(out, [[2 / np.sqrt(4 + 1e-5), 0.0], [1 + 2 / np.sqrt(0.25 + 1e-5), 1.0]], rtol=1e-14)
    assert set(bn_param) == {"mode", "running_mean", "running_var"}
    assert bn_param["running_mean"] is mean and bn_param["running_var"] is var
    assert_array_equal(mean, [[1.0], [-2.0]])


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="mode"):
        batchnorm_forward(np.ones((1, 2)), np.ones((1, 1)), np.zeros((1, 1)), {"mode": "eval"})
