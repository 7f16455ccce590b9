"""Visible checks of the updates and optimizers: gradient descent, mini-batches, momentum, RMSprop, Adam, learning-rate decay."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import strategies as st

from dnn_checks import network_inputs, strategies
from dnn_checks.compare import Failed, check_close, check_equal, check_float, check_parameters, check_shape, check_tuple
from dnn_checks.properties import stored_values
from dnn_checks.registry import VISIBLE, Registry
from dnn_checks.runner import RecordingStudent
from dnn_checks.values import describe

Array = np.ndarray
Params = dict[str, Array]


@st.composite
def update_inputs(draw: st.DrawFn) -> dict[str, Any]:
    """{"parameters", "grads" (with dA keys too), "learning_rate"}."""
    dims = draw(strategies.layer_dims())
    parameters = draw(strategies.parameters(dims))
    grads = {f"d{key}": draw(strategies.matrices(value.shape)) for key, value in parameters.items()}
    grads["dA0"] = draw(strategies.matrices((dims[0], 1)))
    return {"parameters": parameters, "grads": grads, "learning_rate": draw(strategies.floats(min_value=1e-3,
                                                                                              max_value=1.0))}


@VISIBLE.property("update_parameters", "returns parameters with exactly their keys and shapes (grads' dA ignored)",
                  given=update_inputs())
def _(student: RecordingStudent, parameters: Params, grads: Params, learning_rate: float) -> None:
    shapes = {key: value.shape for key, value in parameters.items()}
    check_parameters(student.call("update_parameters", parameters, grads, learning_rate), shapes, where="parameters")


@VISIBLE.property("update_parameters", "W = W - learning_rate * dW, b = b - learning_rate * db",
                  given=update_inputs(), weight=2)
def _(student: RecordingStudent, parameters: Params, grads: Params, learning_rate: float) -> None:
    updated = {key: value - learning_rate * grads[f"d{key}"] for key, value in parameters.items()}
    check_close(updated, student.call("update_parameters", parameters, grads, learning_rate), where="parameters")


stored_values(VISIBLE, "update_parameters")


@VISIBLE.property("update_parameters", "leaves grads unchanged (only parameters may be updated in place)",
                  given=update_inputs(), weight=0.5, max_examples=3)
def _(student: RecordingStudent, parameters: Params, grads: Params, learning_rate: float) -> None:
    before = copy.deepcopy(grads)
    student.call("update_parameters", parameters, grads, learning_rate)
    check_equal(before, grads, where="update_parameters modified grads in place: grads")


Array = np.ndarray


Params = dict[str, Array]


RATE = strategies.floats(min_value=1e-3, max_value=0.5)


BETA = st.sampled_from([0.5, 0.8, 0.9, 0.99])


EPSILON = st.sampled_from([1e-8, 1e-4, 0.1])


def _with(inputs: st.SearchStrategy[dict[str, Any]], **more: st.SearchStrategy) -> st.SearchStrategy[dict[str, Any]]:
    """``inputs`` with more named inputs appended, in order."""
    return st.tuples(inputs, st.fixed_dictionaries(more)).map(
        lambda drawn: {**drawn[0], **{name: drawn[1][name] for name in more}})


GD = _with(network_inputs.updates(), learning_rate=RATE)


MOMENTUM = _with(network_inputs.updates(states=("v",)), beta=BETA, learning_rate=RATE)


RMSPROP = _with(network_inputs.updates(states=("s",), positive=("s",)), beta=BETA, learning_rate=RATE, epsilon=EPSILON)


ADAM = _with(network_inputs.updates(states=("v", "s"), positive=("s",)), t=st.integers(1, 20), learning_rate=RATE,
             beta1=st.sampled_from([0.9, 0.8, 0.5]), beta2=st.sampled_from([0.999, 0.99, 0.9]), epsilon=EPSILON)


def gd(parameters: Params, grads: Params, learning_rate: float) -> Params:
    return {key: value - learning_rate * grads[f"d{key}"] for key, value in parameters.items()}


def momentum(parameters: Params, grads: Params, v: Params, beta: float, learning_rate: float) -> tuple:
    v = {key: beta * value + (1 - beta) * grads[key] for key, value in v.items()}
    return {key: value - learning_rate * v[f"d{key}"] for key, value in parameters.items()}, v


def rmsprop(parameters: Params, grads: Params, s: Params, beta: float, learning_rate: float, epsilon: float) -> tuple:
    s = {key: beta * value + (1 - beta) * grads[key] ** 2 for key, value in s.items()}
    return {key: value - learning_rate * grads[f"d{key}"] / (np.sqrt(s[f"d{key}"]) + epsilon)
            for key, value in parameters.items()}, s


def adam(parameters: Params, grads: Params, v: Params, s: Params, t: int, learning_rate: float, beta1: float,
         beta2: float, epsilon: float) -> tuple:
    v = {key: beta1 * value + (1 - beta1) * grads[key] for key, value in v.items()}
    s = {key: beta2 * value + (1 - beta2) * grads[key] ** 2 for key, value in s.items()}
    v_c = {key: value / (1 - beta1 ** t) for key, value in v.items()}
    s_c = {key: value / (1 - beta2 ** t) for key, value in s.items()}
    return {key: value - learning_rate * v_c[f"d{key}"] / (np.sqrt(s_c[f"d{key}"]) + epsilon)
            for key, value in parameters.items()}, v, s, v_c, s_c


def check_update(registry: Registry, function: str, given: st.SearchStrategy, maths: Callable[..., Any], name: str,
                 *, weight: float = 2.0) -> None:
    """"structure" (keys, shapes, tuple length) and "maths" (``maths(**inputs)``, named ``name``) properties."""
    @registry.property(function, "returns the contract's tuple/dicts with exactly the right keys and shapes",
                       given=given)
    def _(student: RecordingStudent, **inputs: Any) -> None:
        check_structure(maths(**inputs), student.call(function, *inputs.values()), where=f"the result of {function}")

    @registry.property(function, name, given=given, weight=weight)
    def _(student: RecordingStudent, **inputs: Any) -> None:
        check_close(maths(**inputs), student.call(function, *inputs.values()), where=f"the result of {function}")


def check_structure(expected: Any, got: Any, *, where: str) -> None:
    """Raise Failed unless ``got`` has ``expected``'s tuple length, dict keys and array shapes (float arrays)."""
    if isinstance(expected, tuple):
        for i, (e, g) in enumerate(zip(expected, check_tuple(got, len(expected), where=where))):
            check_structure(e, g, where=f"{where}[{i}]")
    elif isinstance(expected, dict):
        check_parameters(got, {key: value.shape for key, value in expected.items()}, where=where)


check_update(VISIBLE, "update_parameters_with_gd", GD, gd, "W = W - learning_rate * dW (dA keys of grads ignored)")


stored_values(VISIBLE, "update_parameters_with_gd")


check_update(VISIBLE, "update_parameters_with_momentum", MOMENTUM, momentum,
             "v = beta v + (1 - beta) dW, then W = W - learning_rate * v")


stored_values(VISIBLE, "update_parameters_with_momentum")


check_update(VISIBLE, "update_parameters_with_rmsprop", RMSPROP, rmsprop,
             "s = beta s + (1 - beta) dW**2, then W = W - learning_rate * dW / (sqrt(s) + epsilon)")


stored_values(VISIBLE, "update_parameters_with_rmsprop")


check_update(VISIBLE, "update_parameters_with_adam", ADAM, adam,
             "moving averages, bias corrections by 1 - beta**t, W = W - lr * v_c / (sqrt(s_c) + epsilon)", weight=3)


stored_values(VISIBLE, "update_parameters_with_adam")


PARAMETERS = strategies.layer_dims().flatmap(strategies.parameters).map(lambda p: {"parameters": p})


def zeros_state(parameters: Params) -> Params:
    return {f"d{key}": np.zeros_like(value) for key, value in parameters.items()}


for _function, _maths in (("initialize_velocity", zeros_state), ("initialize_rmsprop", zeros_state),
                          ("initialize_adam", lambda parameters: (zeros_state(parameters), zeros_state(parameters)))):
    @VISIBLE.property(_function, 'zeros of the parameters\' shapes, keys "dW1", "db1", ...', given=PARAMETERS)
    def _(student: RecordingStudent, parameters: Params, function: str = _function,
          maths: Callable[[Params], Any] = _maths) -> None:
        expected = maths(parameters)
        got = student.call(function, parameters)
        check_structure(expected, got, where=f"the result of {function}")
        check_equal(expected, got, where=f"the result of {function}")


def batch_result(student: RecordingStudent, X: Array, Y: Array, size: int, seed: int) -> list[tuple[Array, Array]]:
    """The mini-batches as a list of (X_batch, Y_batch) pairs of float arrays with X's and Y's rows."""
    batches = student.call("random_mini_batches", X, Y, size, seed)
    if not isinstance(batches, (list, tuple)):
        raise Failed(f"random_mini_batches should return a list of (mini_batch_X, mini_batch_Y), got "
                     f"{describe(batches)}")
    pairs = [check_tuple(pair, 2, where=f"mini-batch {k}") for k, pair in enumerate(batches)]
    for k, (bx, by) in enumerate(pairs):
        width = np.shape(bx)[1] if isinstance(bx, np.ndarray) and bx.ndim == 2 else -1
        check_shape(bx, (X.shape[0], width), where=f"mini_batch_X of batch {k}")
        check_shape(by, (Y.shape[0], width), where=f"mini_batch_Y of batch {k}")
    return pairs


@VISIBLE.property("random_mini_batches", "batches of mini_batch_size columns, the last one holds the remainder",
                  given=network_inputs.batch_data())
def _(student: RecordingStudent, X: Array, Y: Array, mini_batch_size: int, seed: int) -> None:
    pairs = batch_result(student, X, Y, mini_batch_size, seed)
    m = X.shape[1]
    expected = [mini_batch_size] * (m // mini_batch_size) + ([m % mini_batch_size] if m % mini_batch_size else [])
    check_equal(expected, [bx.shape[1] for bx, _ in pairs], where="the batch sizes")


@VISIBLE.property("random_mini_batches", "one permutation of the columns, the same for X and Y",
                  given=network_inputs.batch_data(), weight=2)
def _(student: RecordingStudent, X: Array, Y: Array, mini_batch_size: int, seed: int) -> None:
    order = column_order(X, Y, batch_result(student, X, Y, mini_batch_size, seed))
    if sorted(order) != list(range(X.shape[1])):
        raise Failed("the columns of the mini-batches are not a permutation of X's columns: each example "
                     "must appear exactly once")


def column_order(X: Array, Y: Array, pairs: list[tuple[Array, Array]]) -> list[int]:
    """The original index of every column of the batches, in order; Failed if a Y column left its X column."""
    bx, by = np.hstack([p[0] for p in pairs]), np.hstack([p[1] for p in pairs])
    index = {float(x): j for j, x in enumerate(X[0])}
    order = [index.get(float(x), -1) for x in bx[0]]
    for k, j in enumerate(order):
        if j < 0 or not (np.array_equal(bx[:, k], X[:, j]) and np.array_equal(by[:, k], Y[:, j])):
            raise Failed(f"column {k} of the concatenated batches is not a column of X with its own Y column: "
                         "shuffle X and Y with the same permutation")
    return order


@VISIBLE.property("random_mini_batches", "the same seed gives the same batches, and they are shuffled",
                  given=network_inputs.batch_data().filter(lambda d: d["X"].shape[1] >= 20), max_examples=3)
def _(student: RecordingStudent, X: Array, Y: Array, mini_batch_size: int, seed: int) -> None:
    first = batch_result(student, X, Y, mini_batch_size, seed)
    check_equal(first, batch_result(student, X, Y, mini_batch_size, seed), where=f"a second call with seed={seed}")
    if column_order(X, Y, first) == list(range(X.shape[1])):
        raise Failed("the mini-batches keep the columns in their order: shuffle them first (np.random.permutation)")


DECAY = {"update_lr": ("learning_rate0 / (1 + decay_rate * epoch_num)",
                       lambda lr0, epoch, rate: lr0 / (1 + rate * epoch)),
         "schedule_lr_decay": ("learning_rate0 / (1 + decay_rate * floor(epoch_num / time_interval))",
                               lambda lr0, epoch, rate, interval: lr0 / (1 + rate * math.floor(epoch / interval))),
         "exponential_lr_decay": ("k ** epoch_num * learning_rate0", lambda lr0, epoch, k: k ** epoch * lr0)}


DECAY_INPUTS = {
    "update_lr": {"learning_rate0": RATE, "epoch_num": st.integers(0, 5000), "decay_rate": strategies.floats(
        min_value=0.01, max_value=3.0)},
    "schedule_lr_decay": st.tuples(st.sampled_from([1, 10, 100, 1000]), st.integers(0, 20), st.sampled_from(
        [0.0, 0.3, 0.5, 0.7, 0.99]), RATE, strategies.floats(min_value=0.01, max_value=3.0)).map(
        lambda d: {"learning_rate0": d[3], "epoch_num": int(d[0] * (d[1] + d[2])), "decay_rate": d[4],
                   "time_interval": d[0]}),
    "exponential_lr_decay": {"learning_rate0": RATE, "epoch_num": st.integers(0, 100), "k": strategies.floats(
        min_value=0.5, max_value=0.999)},
}


for _function, (_text, _maths) in DECAY.items():
    @VISIBLE.property(_function, f"returns the float {_text}", given=DECAY_INPUTS[_function], weight=2)
    def _(student: RecordingStudent, function: str = _function, maths: Callable[..., float] = _maths,
          **inputs: Any) -> None:
        rate = check_float(student.call(function, *inputs.values()), where="the learning rate")
        check_close(maths(*inputs.values()), rate, where="the learning rate")

    stored_values(VISIBLE, _function)
