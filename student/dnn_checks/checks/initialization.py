"""Visible checks of Part B's initializers and of input normalization (from the maths alone)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from hypothesis import strategies as st

from dnn_checks import network_inputs, strategies
from dnn_checks.checks.network import check_parameters, parameter_shapes
from dnn_checks.compare import Failed, check_close, check_equal, check_shape, check_tuple
from dnn_checks.properties import leaves_inputs_unchanged
from dnn_checks.registry import VISIBLE, Registry
from dnn_checks.runner import RecordingStudent
from dnn_checks.statistics import check_normal

Array = np.ndarray
#: The scale of W_l's entries as a function of n_{l-1}, for each random initializer.
SCALES: dict[str, tuple[str, Callable[[int], float]]] = {
    "initialize_parameters_random": ("10", lambda n_prev: 10.0),
    "initialize_parameters_he": ("sqrt(2 / n_{l-1})", lambda n_prev: np.sqrt(2.0 / n_prev)),
    "initialize_parameters_xavier": ("sqrt(1 / n_{l-1})", lambda n_prev: np.sqrt(1.0 / n_prev)),
}
SEEDED = {"layer_dims": strategies.layer_dims(), "seed": st.integers(0, 2**31 - 1)}
LARGE = {"layer_dims": st.sampled_from(network_inputs.LARGE_LAYER_DIMS), "seed": st.integers(0, 2**31 - 1)}


def check_structure(registry: Registry, function: str) -> None:
    """"W_l (n_l, n_{l-1}), b_l zeros (n_l, 1)": keys, shapes, float dtype, zero biases."""
    @registry.property(function, "W_l of shape (n_l, n_{l-1}), b_l zeros of shape (n_l, 1)", given=SEEDED)
    def _(student: RecordingStudent, layer_dims: list[int], seed: int) -> None:
        parameters = check_parameters(student.call(function, layer_dims, seed), parameter_shapes(layer_dims),
                                      where="parameters")
        for l in range(1, len(layer_dims)):
            check_equal(np.zeros((layer_dims[l], 1)), parameters[f"b{l}"], where=f"b{l}")


def check_seeding(registry: Registry, function: str) -> None:
    """"the same seed gives the same parameters, another seed others"."""
    @registry.property(function, "the same seed gives the same parameters, another seed others", given=LARGE,
                       max_examples=2)
    def _(student: RecordingStudent, layer_dims: list[int], seed: int) -> None:
        shapes = parameter_shapes(layer_dims)
        first = check_parameters(student.call(function, layer_dims, seed), shapes, where="parameters")
        check_equal(first, student.call(function, layer_dims, seed), where=f"a second call with seed={seed}")
        other = check_parameters(student.call(function, layer_dims, seed + 1), shapes, where="parameters")
        if np.array_equal(first["W1"], other["W1"]):
            raise Failed(f"seeds {seed} and {seed + 1} give the same W1: draw the numbers from the seed argument")


def check_statistics(registry: Registry, function: str, *, weight: float = 2.0) -> None:
    """"W_l ~ N(0, scale**2)": mean, standard deviation and shape of each W_l's entries."""
    text, scale = SCALES[function]
    @registry.property(function, f"W_l ~ N(0, ({text})**2), for any seed", given=LARGE, max_examples=3, weight=weight)
    def _(student: RecordingStudent, layer_dims: list[int], seed: int) -> None:
        parameters = check_parameters(student.call(function, layer_dims, seed), parameter_shapes(layer_dims),
                                      where="parameters")
        for l in range(1, len(layer_dims)):
            check_normal(parameters[f"W{l}"], scale(layer_dims[l - 1]), where=f"W{l}")


@VISIBLE.property("initialize_parameters_zeros", "W_l and b_l are zeros of shapes (n_l, n_{l-1}) and (n_l, 1)",
                  given={"layer_dims": strategies.layer_dims()})
def _(student: RecordingStudent, layer_dims: list[int]) -> None:
    shapes = parameter_shapes(layer_dims)
    parameters = check_parameters(student.call("initialize_parameters_zeros", layer_dims), shapes, where="parameters")
    check_equal({key: np.zeros(shape) for key, shape in shapes.items()}, parameters, where="parameters")


for _function in SCALES:
    check_structure(VISIBLE, _function)
    check_seeding(VISIBLE, _function)
    check_statistics(VISIBLE, _function)


NORMALIZE = network_inputs.train_and_test()


@VISIBLE.property("normalize_inputs", "returns (X_train_norm, X_test_norm) of the inputs' shapes", given=NORMALIZE)
def _(student: RecordingStudent, X_train: Array, X_test: Array) -> None:
    train, test = check_tuple(student.call("normalize_inputs", X_train, X_test), 2, where="the result of "
                                                                                          "normalize_inputs")
    check_shape(train, X_train.shape, where="X_train_norm")
    check_shape(test, X_test.shape, where="X_test_norm")


@VISIBLE.property("normalize_inputs", "each feature (row) of X_train gets mean 0 and standard deviation 1 (ddof=0)",
                  given=NORMALIZE, weight=2)
def _(student: RecordingStudent, X_train: Array, X_test: Array) -> None:
    train, _ = check_tuple(student.call("normalize_inputs", X_train, X_test), 2, where="the result of normalize_inputs")
    n = X_train.shape[0]
    check_close(np.zeros((n, 1)), check_shape(train, X_train.shape, where="X_train_norm").mean(axis=1, keepdims=True),
                where="the row means of X_train_norm")
    check_close(np.ones((n, 1)), train.std(axis=1, keepdims=True), where="the row standard deviations of X_train_norm")


@VISIBLE.property("normalize_inputs", "X_test is standardized with X_train's mean and standard deviation",
                  given=NORMALIZE, weight=2)
def _(student: RecordingStudent, X_train: Array, X_test: Array) -> None:
    _, test = check_tuple(student.call("normalize_inputs", X_train, X_test), 2, where="the result of normalize_inputs")
    mu, sigma = X_train.mean(axis=1, keepdims=True), X_train.std(axis=1, keepdims=True)
    check_close((X_test - mu) / sigma, check_shape(test, X_test.shape, where="X_test_norm"), where="X_test_norm")


leaves_inputs_unchanged(VISIBLE, "normalize_inputs", NORMALIZE)
