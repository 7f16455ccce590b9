"""Visible checks of the initializers: He for the deep network, zeros, random, He, Xavier.

Random functions are judged by statistics (the value properties) and invariants (the gates:
keys, shapes and zero biases; the seed's effect), never by seeded values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import strategies as st

from dnn_checks import network_inputs, strategies
from dnn_checks.compare import Failed, check_equal, check_parameters
from dnn_checks.network_inputs import parameter_shapes
from dnn_checks.properties import matches
from dnn_checks.registry import VISIBLE, Registry
from dnn_checks.runner import RecordingStudent
from dnn_checks.statistics import check_normal

STATISTICS_DIMS = [200, 150, 100]
SCALES: dict[str, tuple[str, Callable[[int], float]]] = {
    "initialize_parameters_deep": ("sqrt(2 / n_{l-1})", lambda n_prev: np.sqrt(2.0 / n_prev)),
    "initialize_parameters_random": ("10", lambda n_prev: 10.0),
    "initialize_parameters_he": ("sqrt(2 / n_{l-1})", lambda n_prev: np.sqrt(2.0 / n_prev)),
    "initialize_parameters_xavier": ("sqrt(1 / n_{l-1})", lambda n_prev: np.sqrt(1.0 / n_prev)),
}
SEEDED = {"layer_dims": strategies.layer_dims(), "seed": st.integers(0, 2**31 - 1)}
LARGE = {"layer_dims": st.sampled_from(network_inputs.LARGE_LAYER_DIMS), "seed": st.integers(0, 2**31 - 1)}


def initialized(student: RecordingStudent, function: str, layer_dims: list[int], *seed: int) -> dict[str, np.ndarray]:
    """The student's parameters for ``layer_dims``: exactly W1, b1, ..., float arrays of the right shapes."""
    return check_parameters(student.call(function, layer_dims, *seed), parameter_shapes(layer_dims), where="parameters")


def check_structure(registry: Registry, function: str, given: Any = SEEDED) -> None:
    """A gate, "W_l (n_l, n_{l-1}), b_l zeros (n_l, 1)": keys, shapes, float dtype, zero biases."""
    @registry.property(function, "W_l of shape (n_l, n_{l-1}), b_l zeros of shape (n_l, 1)", role="gate", given=given)
    def _(student: RecordingStudent, layer_dims: list[int], seed: int) -> None:
        parameters = initialized(student, function, layer_dims, seed)
        for l in range(1, len(layer_dims)):
            check_equal(np.zeros((layer_dims[l], 1)), parameters[f"b{l}"], where=f"b{l}")


def check_seeding(registry: Registry, function: str, given: Any = LARGE) -> None:
    """A gate, "the same seed gives the same parameters, another seed others"."""
    @registry.property(function, "the same seed gives the same parameters, another seed others", role="gate",
                       given=given, max_examples=2)
    def _(student: RecordingStudent, layer_dims: list[int], seed: int) -> None:
        first = initialized(student, function, layer_dims, seed)
        check_equal(first, student.call(function, layer_dims, seed), where=f"a second call with seed={seed}")
        other = initialized(student, function, layer_dims, seed + 1)
        if np.array_equal(first["W1"], other["W1"]):
            raise Failed(f"seeds {seed} and {seed + 1} give the same W1: draw the numbers from the seed argument")


def check_statistics(registry: Registry, function: str, *, weight: float = 2.0, given: Any = LARGE,
                     cases: Any = None, name: str = "for any seed") -> None:
    """A value property, "W_l ~ N(0, scale**2)": mean, standard deviation and shape of each W_l's entries."""
    text, scale = SCALES[function]

    @registry.property(function, f"W_l ~ N(0, ({text})**2), {name}", role="value", given=given, cases=cases,
                       max_examples=3, weight=weight)
    def _(student: RecordingStudent, layer_dims: list[int], **seed: int) -> None:
        parameters = initialized(student, function, layer_dims, *seed.values())
        for l in range(1, len(layer_dims)):
            check_normal(parameters[f"W{l}"], scale(layer_dims[l - 1]), where=f"W{l}")


def zeros(layer_dims: list[int]) -> dict[str, np.ndarray]:
    """Every W_l and b_l zeros."""
    return {key: np.zeros(shape) for key, shape in parameter_shapes(layer_dims).items()}


check_structure(VISIBLE, "initialize_parameters_deep", {"layer_dims": strategies.layer_dims(),
                                                        "seed": st.integers(0, 99)})
check_seeding(VISIBLE, "initialize_parameters_deep", {"layer_dims": strategies.layer_dims(),
                                                      "seed": st.integers(0, 99)})
check_statistics(VISIBLE, "initialize_parameters_deep", given=None, cases=lambda: [{"layer_dims": STATISTICS_DIMS}],
                 name="default seed")
matches(VISIBLE, "initialize_parameters_zeros", "W_l and b_l are zeros of shapes (n_l, n_{l-1}) and (n_l, 1)",
        {"layer_dims": strategies.layer_dims()}, zeros, weight=1)
for _function in ("initialize_parameters_random", "initialize_parameters_he", "initialize_parameters_xavier"):
    check_structure(VISIBLE, _function)
    check_seeding(VISIBLE, _function)
    check_statistics(VISIBLE, _function)
