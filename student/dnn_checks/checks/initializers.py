"""Visible checks of the initializers: He for the deep network, zeros, random, He, Xavier."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from hypothesis import strategies as st

from dnn_checks import network_inputs, strategies
from dnn_checks.compare import Failed, check_equal, check_parameters
from dnn_checks.network_inputs import parameter_shapes
from dnn_checks.registry import VISIBLE, Registry
from dnn_checks.runner import RecordingStudent
from dnn_checks.statistics import check_normal

STATISTICS_DIMS = [200, 150, 100]


@VISIBLE.property("initialize_parameters_deep", "W_l of shape (n_l, n_{l-1}), b_l zeros of shape (n_l, 1)",
                  given={"layer_dims": strategies.layer_dims(), "seed": st.integers(0, 99)})
def _(student: RecordingStudent, layer_dims: list[int], seed: int) -> None:
    parameters = check_parameters(student.call("initialize_parameters_deep", layer_dims, seed),
                                  parameter_shapes(layer_dims), where="parameters")
    for l in range(1, len(layer_dims)):
        check_equal(np.zeros((layer_dims[l], 1)), parameters[f"b{l}"], where=f"b{l}")


@VISIBLE.property("initialize_parameters_deep", "the same seed gives the same parameters, another seed others",
                  given={"layer_dims": strategies.layer_dims(), "seed": st.integers(0, 99)}, max_examples=3)
def _(student: RecordingStudent, layer_dims: list[int], seed: int) -> None:
    shapes = parameter_shapes(layer_dims)
    first = check_parameters(student.call("initialize_parameters_deep", layer_dims, seed), shapes, where="parameters")
    check_equal(first, student.call("initialize_parameters_deep", layer_dims, seed),
                where=f"a second call with seed={seed}")
    other = check_parameters(student.call("initialize_parameters_deep", layer_dims, seed + 1), shapes,
                             where="parameters")
    if np.array_equal(other["W1"], first["W1"]):
        raise Failed(f"seeds {seed} and {seed + 1} give the same W1: use the seed argument")


@VISIBLE.property("initialize_parameters_deep", "W_l ~ N(0, 2 / n_{l-1}) (He initialization), default seed",
                  cases=lambda: [{"layer_dims": STATISTICS_DIMS}], weight=2)
def _(student: RecordingStudent, layer_dims: list[int]) -> None:
    parameters = check_parameters(student.call("initialize_parameters_deep", layer_dims),
                                  parameter_shapes(layer_dims), where="parameters")
    for l in range(1, len(layer_dims)):
        check_normal(parameters[f"W{l}"], np.sqrt(2.0 / layer_dims[l - 1]), where=f"W{l}")


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
