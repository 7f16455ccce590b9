"""Optimizers: the contract's formulas, Adam's first step, mini-batches, learning-rate decay."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from strategies import away_from_zero, bounded, networks

from reference import (
    exponential_lr_decay,
    initialize_adam,
    initialize_rmsprop,
    initialize_velocity,
    random_mini_batches,
    schedule_lr_decay,
    update_lr,
    update_parameters,
    update_parameters_with_adam,
    update_parameters_with_gd,
    update_parameters_with_momentum,
    update_parameters_with_rmsprop,
)


def gradients_like(parameters: dict, data: st.DataObject, **bounds) -> dict:
    strategy = away_from_zero if bounds else bounded
    return {f"d{key}": data.draw(strategy(value.shape, **bounds)) for key, value in parameters.items()}


@pytest.mark.parametrize("update", [update_parameters, update_parameters_with_gd])
@given(parameters=networks(), data=st.data())
def test_gradient_descent_step(update, parameters, data) -> None:
    grads = gradients_like(parameters, data)
    new = update(parameters, grads, 0.1)
    assert set(new) == set(parameters)
    for key, value in parameters.items():
        assert_allclose(new[key], value - 0.1 * grads[f"d{key}"], rtol=1e-15, atol=1e-16)


@pytest.mark.parametrize("initialize", [initialize_velocity, initialize_rmsprop, lambda p: initialize_adam(p)[0], lambda p: initialize_adam(p)[1]])
def test_optimizer_states_start_at_zero_with_gradient_keys(initialize) -> None:
    parameters = {"W1": np.ones((3, 2)), "b1": np.ones((3, 1)), "W2": np.ones((1, 3)), "b2": np.ones((1, 1))}
    state = initialize(parameters)
    assert set(state) == {"dW1", "db1", "dW2", "db2"}
    for key, value in parameters.items():
        assert_array_equal(state[f"d{key}"], np.zeros_like(value))


def test_momentum_two_steps_by_hand() -> None:
    parameters, grads = {"W1": np.array([[1.0]]), "b1": np.array([[0.0]])}, {"dW1": np.array([[2.0]]), "db1": np.array([[-1.0]])}
    parameters, v = update_parameters_with_momentum(parameters, grads, initialize_velocity(parameters), 0.9, 0.5)
    assert_allclose(v["dW1"], [[0.2]], rtol=1e-15)
    assert_allclose(parameters["W1"], [[0.9]], rtol=1e-15)
    parameters, v = update_parameters_with_momentum(parameters, grads, v, 0.9, 0.5)
    assert_allclose(v["dW1"], [[0.38]], rtol=1e-15)
    assert_allclose(parameters["W1"], [[0.9 - 0.19]], rtol=1e-15)
    assert_allclose(parameters["b1"], [[0.05 + 0.095]], rtol=1e-15)


def test_rmsprop_step_by_hand() -> None:
    parameters, grads = {"W1": np.array([[1.0]]), "b1": np.array([[0.0]])}, {"dW1": np.array([[2.0]]), "db1": np.array([[0.0]])}
    parameters, s = update_parameters_with_rmsprop(parameters, grads, initialize_rmsprop(parameters), 0.99, 0.05, epsilon=1e-8)
    assert_allclose(s["dW1"], [[0.04]], rtol=1e-14)
    assert_allclose(parameters["W1"], [[1.0 - 0.05 * 2.0 / (0.2 + 1e-8)]], rtol=1e-14)
    assert_array_equal(parameters["b1"], [[0.0]])


def test_adam_step_on_scalars_by_hand() -> None:
    parameters, grads = {"W1": np.array([[1.0]]), "b1": np.array([[0.0]])}, {"dW1": np.array([[0.5]]), "db1": np.array([[-2.0]])}
    v, s = initialize_adam(parameters)
    v["dW1"], s["dW1"] = np.array([[0.1]]), np.array([[0.01]])
    parameters, v, s, v_c, s_c = update_parameters_with_adam(parameters, grads, v, s, 2, learning_rate=0.01)
    assert_allclose(v["dW1"], [[0.9 * 0.1 + 0.1 * 0.5]], rtol=1e-15)
    assert_allclose(s["dW1"], [[0.999 * 0.01 + 0.001 * 0.25]], rtol=1e-15)
    assert_allclose(v_c["dW1"], [[0.14 / (1 - 0.81)]], rtol=1e-14)
    assert_allclose(s_c["dW1"], [[0.01024 / (1 - 0.999**2)]], rtol=1e-14)
    expected = 1.0 - 0.01 * v_c["dW1"] / (np.sqrt(s_c["dW1"]) + 1e-8)
    assert_allclose(parameters["W1"], expected, rtol=1e-15)


@given(parameters=networks(), learning_rate=st.floats(1e-4, 0.1), data=st.data())
def test_adams_first_step_moves_each_weight_by_the_learning_rate(parameters, learning_rate, data) -> None:
    """t = 1 from zero moments: step = lr * g / (|g| + eps), so |step + lr sign(g)| <= lr * eps / |g|."""
    grads = gradients_like(parameters, data, low=1e-3, high=10.0)
    new, *_ = update_parameters_with_adam(parameters, grads, *initialize_adam(parameters), 1, learning_rate=learning_rate)
    for key, value in parameters.items():
        g = grads[f"d{key}"]
        assert_allclose(new[key] - value, -learning_rate * np.sign(g), rtol=0, atol=learning_rate * 1e-8 / 1e-3 + 1e-15)


def paired_data(n_x: int, n_y: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Column j of X is j + 1000 * row; row r of Y is -(j + 1) * (r + 1): every column can be traced."""
    j = np.arange(m, dtype=np.float64)
    return j + 1000.0 * np.arange(n_x)[:, None], -(j + 1) * np.arange(1, n_y + 1)[:, None]


@given(n_x=st.integers(1, 4), n_y=st.integers(1, 3), m=st.integers(1, 150), size=st.integers(1, 70), seed=st.integers(0, 2**31))
def test_mini_batches_partition_the_shuffled_paired_data(n_x, n_y, m, size, seed) -> None:
    X, Y = paired_data(n_x, n_y, m)
    batches = random_mini_batches(X, Y, size, seed)
    assert [b[0].shape[1] for b in batches] == [size] * (m // size) + ([m % size] if m % size else [])
    columns = np.concatenate([b[0][0] for b in batches])
    assert_array_equal(np.sort(columns), np.arange(m))
    for batch_X, batch_Y in batches:
        assert batch_X.shape[0] == n_x and batch_Y.shape[0] == n_y
        assert_array_equal(paired_data(n_x, n_y, m)[1][:, batch_X[0].astype(int)], batch_Y)
    again = random_mini_batches(X, Y, size, seed)
    for (a_X, a_Y), (b_X, b_Y) in zip(batches, again, strict=True):
        assert_array_equal(a_X, b_X)
        assert_array_equal(a_Y, b_Y)


def test_mini_batches_shuffle_and_ignore_the_global_generator() -> None:
    X, Y = paired_data(2, 1, 100)
    np.random.seed(1)
    first = random_mini_batches(X, Y, 64, seed=5)
    np.random.seed(2)
    second = random_mini_batches(X, Y, 64, seed=5)
    assert_array_equal(first[0][0], second[0][0])
    assert not np.array_equal(first[0][0][0], np.arange(64))
    assert not np.array_equal(first[0][0], random_mini_batches(X, Y, 64, seed=6)[0][0])


def test_learning_rate_decays_by_hand() -> None:
    assert update_lr(0.5, 2, 1.5) == pytest.approx(0.5 / 4)
    assert update_lr(0.5, 0.5, 2.0) == pytest.approx(0.25)
    assert schedule_lr_decay(0.5, 999, 1.0) == pytest.approx(0.5)
    assert schedule_lr_decay(0.5, 1000, 1.0) == pytest.approx(0.25)
    assert schedule_lr_decay(0.5, 2500.7, 1.0) == pytest.approx(0.5 / 3)
    assert schedule_lr_decay(0.3, 5.1, 0.5, time_interval=2.5) == pytest.approx(0.3 / 2)
    assert exponential_lr_decay(0.2, 3, 0.5) == pytest.approx(0.025)
    assert exponential_lr_decay(0.2, 0.5, 0.25) == pytest.approx(0.1)


@given(lr0=st.floats(1e-4, 1.0), epoch=st.floats(0, 1e4), decay=st.floats(0, 10), interval=st.floats(0.5, 2000))
def test_schedule_is_update_lr_of_the_whole_intervals(lr0, epoch, decay, interval) -> None:
    assert schedule_lr_decay(lr0, epoch, decay, interval) == pytest.approx(update_lr(lr0, np.floor(epoch / interval), decay))
    assert schedule_lr_decay(lr0, epoch, decay, interval) <= lr0
