"""Hidden checks of the initializers (statistics, structure, seeding), against the reference."""

from __future__ import annotations

import numpy as np
from dnn_checks import strategies
from dnn_checks.checks.initializers import SCALES, check_seeding, check_statistics, check_structure
from dnn_checks.compare import check_equal, check_parameters
from dnn_checks.network_inputs import parameter_shapes
from dnn_checks.runner import RecordingStudent
from dnn_checks.statistics import check_normal
from hypothesis import strategies as st

from autograder.hidden.activations import matches_reference
from autograder.hidden.registry import HIDDEN

STATISTICS_DIMS = [400, 100, 80]


@HIDDEN.property("initialize_parameters_deep", "W_l ~ N(0, 2 / n_{l-1}) for other layer sizes and seeds",
                 cases=lambda: [{"layer_dims": STATISTICS_DIMS, "seed": seed} for seed in (0, 11)], weight=2)
def _(student: RecordingStudent, layer_dims: list[int], seed: int) -> None:
    parameters = check_parameters(student.call("initialize_parameters_deep", layer_dims, seed),
                                  parameter_shapes(layer_dims), where="parameters")
    for l in range(1, len(layer_dims)):
        check_normal(parameters[f"W{l}"], np.sqrt(2.0 / layer_dims[l - 1]), where=f"W{l}")
        check_equal(np.zeros((layer_dims[l], 1)), parameters[f"b{l}"], where=f"b{l}")


@HIDDEN.property("initialize_parameters_deep", "exact keys, shapes and zero biases for 1 to 4 layers, repeatable",
                 given={"layer_dims": strategies.layer_dims(max_units=6), "seed": st.integers(0, 2**31 - 1)})
def _(student: RecordingStudent, layer_dims: list[int], seed: int) -> None:
    parameters = check_parameters(student.call("initialize_parameters_deep", layer_dims, seed),
                                  parameter_shapes(layer_dims), where="parameters")
    for l in range(1, len(layer_dims)):
        check_equal(np.zeros((layer_dims[l], 1)), parameters[f"b{l}"], where=f"b{l}")
    check_equal(parameters, student.call("initialize_parameters_deep", layer_dims, seed),
                where=f"a second call with seed={seed}")


matches_reference("initialize_parameters_zeros", {"layer_dims": strategies.layer_dims(max_units=6)})


for _function in SCALES:
    check_statistics(HIDDEN, _function, weight=3)
    check_structure(HIDDEN, _function)
    check_seeding(HIDDEN, _function)
