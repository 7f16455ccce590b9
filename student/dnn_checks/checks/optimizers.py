"""Visible checks of the updates and optimizers: gradient descent, mini-batches, momentum, RMSprop, Adam,
learning-rate decay.

An update may change ``parameters`` and its state (``v``, ``s``) in place or build new ones: either
way the check judges what it returns, against the maths on the check's own inputs.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import strategies as st

from dnn_checks import network_inputs, strategies
from dnn_checks.compare import Failed, check_equal, check_shape, check_tuple
from dnn_checks.graded import graded
from dnn_checks.network_inputs import random_network
from dnn_checks.properties import matches, returns_like, stored_values
from dnn_checks.registry import VISIBLE, Registry
from dnn_checks.runner import RecordingStudent
from dnn_checks.values import describe

Array = np.ndarray
Params = dict[str, Array]
Inputs = dict[str, Any]

RATE = strategies.floats(min_value=1e-3, max_value=0.5)
BETA = st.sampled_from([0.5, 0.8, 0.9, 0.99])
EPSILON = st.sampled_from([1e-8, 1e-4, 0.1])


@st.composite
def update_inputs(draw: st.DrawFn) -> Inputs:
    """{"parameters", "grads" (with dA keys too), "learning_rate"}."""
    dims = draw(strategies.layer_dims())
    parameters = draw(strategies.parameters(dims))
    grads = {f"d{key}": draw(strategies.matrices(value.shape)) for key, value in parameters.items()}
    grads["dA0"] = draw(strategies.matrices((dims[0], 1)))
    return {"parameters": parameters, "grads": grads, "learning_rate": draw(strategies.floats(min_value=1e-3,
                                                                                              max_value=1.0))}


def _with(inputs: st.SearchStrategy[Inputs], **more: st.SearchStrategy) -> st.SearchStrategy[Inputs]:
    """``inputs`` with more named inputs appended, in order."""
    return st.tuples(inputs, st.fixed_dictionaries(more)).map(
        lambda drawn: {**drawn[0], **{name: drawn[1][name] for name in more}})


GD = _with(network_inputs.updates(), learning_rate=RATE)
MOMENTUM = _with(network_inputs.updates(states=("v",)), beta=BETA, learning_rate=RATE)
RMSPROP = _with(network_inputs.updates(states=("s",), positive=("s",)), beta=BETA, learning_rate=RATE, epsilon=EPSILON)
ADAM = _with(network_inputs.updates(states=("v", "s"), positive=("s",)), t=st.integers(1, 20), learning_rate=RATE,
             beta1=st.sampled_from([0.9, 0.8, 0.5]), beta2=st.sampled_from([0.999, 0.99, 0.9]), epsilon=EPSILON)
PARAMETERS = strategies.layer_dims().flatmap(strategies.parameters).map(lambda p: {"parameters": p})


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


def zeros_state(parameters: Params) -> Params:
    return {f"d{key}": np.zeros_like(value) for key, value in parameters.items()}


def check_update(registry: Registry, function: str, given: st.SearchStrategy, maths: Callable[..., Any], name: str,
                 *, weight: float = 2.0) -> None:
    """A gate (exactly the right keys and shapes) and a value property, ``maths(**inputs)`` named ``name``."""
    returned_names = " and ".join(graded(function).returns)
    returns_like(registry, function, f"returns {returned_names} with exactly the right keys and shapes", given, maths)
    matches(registry, function, name, given, maths, weight=weight)


def batch_result(student: RecordingStudent, X: Array, Y: Array, *args: int) -> list[tuple[Array, Array]]:
    """The mini-batches as (X_batch, Y_batch) pairs of float arrays with X's and Y's rows, m columns in all."""
    batches = student.call("random_mini_batches", X, Y, *args)
    if not isinstance(batches, (list, tuple)) or len(batches) > X.shape[1]:
        raise Failed(f"random_mini_batches should return a list of at most m (mini_batch_X, mini_batch_Y) pairs, got "
                     f"{describe(batches)}")
    pairs = [check_tuple(pair, 2, where=f"mini-batch {k}") for k, pair in enumerate(batches)]
    for k, (bx, by) in enumerate(pairs):
        width = np.shape(bx)[1] if isinstance(bx, np.ndarray) and bx.ndim == 2 else -1
        check_shape(bx, (X.shape[0], width), where=f"mini_batch_X of batch {k}")
        check_shape(by, (Y.shape[0], width), where=f"mini_batch_Y of batch {k}")
    if sum(bx.shape[1] for bx, _ in pairs) != X.shape[1]:
        raise Failed(f"the mini-batches hold {sum(bx.shape[1] for bx, _ in pairs)} columns in all, X has {X.shape[1]}")
    return pairs


def batch_sizes(m: int, size: int) -> list[int]:
    """mini_batch_size columns per batch, the remainder last."""
    return [size] * (m // size) + ([m % size] if m % size else [])


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


def check_shuffle(X: Array, Y: Array, pairs: list[tuple[Array, Array]]) -> None:
    """Raise Failed unless the batches hold a permutation of the columns, the same for X and Y, shuffled
    (for m >= 20, where a correct shuffle keeps the order with probability 1/20! at most)."""
    order = column_order(X, Y, pairs)
    if sorted(order) != list(range(X.shape[1])):
        raise Failed("the columns of the mini-batches are not a permutation of X's columns: each example "
                     "must appear exactly once")
    if X.shape[1] >= 20 and order == list(range(X.shape[1])):
        raise Failed("the mini-batches keep the columns in their order: shuffle them first (np.random.permutation)")


def _states(rng: np.random.Generator, count: int) -> list[Params]:
    """[parameters, grads (with dA0), then ``count`` positive states] of a small network."""
    _, parameters, _ = random_network(rng, [3, 2, 1], 1)
    grads = {f"d{key}": rng.standard_normal(value.shape) for key, value in parameters.items()}
    states = [{key: np.abs(rng.standard_normal(g.shape)) * 0.1 for key, g in grads.items()} for _ in range(count)]
    return [parameters, {**grads, "dA0": np.ones((3, 1))}, *states]


def _update_inputs(rng: np.random.Generator) -> list[Inputs]:
    _, parameters, _ = random_network(rng, [3, 2, 1], 1)
    grads = {f"d{key}": rng.standard_normal(value.shape) for key, value in parameters.items()}
    return [{"parameters": parameters, "grads": {**grads, "dA0": np.ones((3, 1))}, "learning_rate": 0.1}]


def _gd_inputs(rng: np.random.Generator) -> list[Inputs]:
    parameters, grads = _states(rng, 0)
    return [{"parameters": parameters, "grads": grads, "learning_rate": 0.05}]


def _momentum_inputs(rng: np.random.Generator) -> list[Inputs]:
    parameters, grads, v = _states(rng, 1)
    return [{"parameters": parameters, "grads": grads, "v": v, "beta": 0.8, "learning_rate": 0.05}]


def _rmsprop_inputs(rng: np.random.Generator) -> list[Inputs]:
    parameters, grads, s = _states(rng, 1)
    return [{"parameters": parameters, "grads": grads, "s": s, "beta": 0.9, "learning_rate": 0.01,
             "epsilon": epsilon} for epsilon in (1e-8, 0.1)]


def _adam_inputs(rng: np.random.Generator) -> list[Inputs]:
    parameters, grads, v, s = _states(rng, 2)
    return [{"parameters": parameters, "grads": grads, "v": v, "s": s, "t": t, "learning_rate": 0.01,
             "beta1": 0.9, "beta2": 0.999, "epsilon": epsilon} for t, epsilon in ((1, 1e-8), (3, 0.1))]


def _state_inputs(rng: np.random.Generator) -> list[Inputs]:
    return [{"parameters": random_network(rng, [3, 2, 1], 1)[1]}]


def _decay_inputs(function: str) -> Callable[[np.random.Generator], list[Inputs]]:
    """Two cases of a decay's arguments drawn from ``rng``."""
    def draw(rng: np.random.Generator) -> list[Inputs]:
        cases = []
        for _ in range(2):
            interval = int(rng.choice([10, 1000]))
            inputs = {"learning_rate0": float(rng.uniform(0.05, 0.5)), "epoch_num": int(rng.integers(1, 3 * interval)),
                      "decay_rate": float(rng.uniform(0.1, 1.0)), "time_interval": interval,
                      "k": float(rng.uniform(0.8, 0.99))}
            cases.append({name: inputs[name] for name in graded(function).arguments})
        return cases
    return draw


returns_like(VISIBLE, "update_parameters", "returns parameters with exactly their keys and shapes (grads' dA "
             "ignored)", update_inputs(), gd)
matches(VISIBLE, "update_parameters", "W = W - learning_rate * dW, b = b - learning_rate * db", update_inputs(), gd)
stored_values(VISIBLE, "update_parameters", _update_inputs)

check_update(VISIBLE, "update_parameters_with_gd", GD, gd, "W = W - learning_rate * dW (dA keys of grads ignored)")
stored_values(VISIBLE, "update_parameters_with_gd", _gd_inputs)
check_update(VISIBLE, "update_parameters_with_momentum", MOMENTUM, momentum,
             "v = beta v + (1 - beta) dW, then W = W - learning_rate * v")
stored_values(VISIBLE, "update_parameters_with_momentum", _momentum_inputs)
check_update(VISIBLE, "update_parameters_with_rmsprop", RMSPROP, rmsprop,
             "s = beta s + (1 - beta) dW**2, then W = W - learning_rate * dW / (sqrt(s) + epsilon)")
stored_values(VISIBLE, "update_parameters_with_rmsprop", _rmsprop_inputs)
check_update(VISIBLE, "update_parameters_with_adam", ADAM, adam,
             "moving averages, bias corrections by 1 - beta**t, W = W - lr * v_c / (sqrt(s_c) + epsilon)", weight=3)
stored_values(VISIBLE, "update_parameters_with_adam", _adam_inputs)

for _function, _maths in (("initialize_velocity", zeros_state), ("initialize_rmsprop", zeros_state),
                          ("initialize_adam", lambda parameters: (zeros_state(parameters), zeros_state(parameters)))):
    matches(VISIBLE, _function, 'zeros of the parameters\' shapes, keys "dW1", "db1", ...', PARAMETERS, _maths,
            weight=1)
    VISIBLE.store(_function, _state_inputs)  # inputs for the diagnosis only


@VISIBLE.property("random_mini_batches", "batches of mini_batch_size columns, the last one holds the remainder",
                  role="gate", given=network_inputs.batch_data())
def _(student: RecordingStudent, X: Array, Y: Array, mini_batch_size: int, seed: int) -> None:
    pairs = batch_result(student, X, Y, mini_batch_size, seed)
    check_equal(batch_sizes(X.shape[1], mini_batch_size), [bx.shape[1] for bx, _ in pairs], where="the batch sizes")


@VISIBLE.property("random_mini_batches", "one shuffle of the columns, the same for X and Y", role="value",
                  given=network_inputs.batch_data(), weight=2)
def _(student: RecordingStudent, X: Array, Y: Array, mini_batch_size: int, seed: int) -> None:
    check_shuffle(X, Y, batch_result(student, X, Y, mini_batch_size, seed))


@VISIBLE.property("random_mini_batches", "the same seed gives the same batches", role="gate",
                  given=network_inputs.batch_data().filter(lambda d: d["X"].shape[1] >= 20), max_examples=3)
def _(student: RecordingStudent, X: Array, Y: Array, mini_batch_size: int, seed: int) -> None:
    first = batch_result(student, X, Y, mini_batch_size, seed)
    check_equal(first, batch_result(student, X, Y, mini_batch_size, seed), where=f"a second call with seed={seed}")


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
    matches(VISIBLE, _function, f"returns the float {_text}", DECAY_INPUTS[_function], _maths)
    stored_values(VISIBLE, _function, _decay_inputs(_function))
