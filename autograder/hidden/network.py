"""Hidden checks of the L-layer network, against the reference (gradients against the reference forward)."""

from __future__ import annotations

from typing import Any

import numpy as np
from dnn_checks import strategies
from dnn_checks.checks.network import (
    COST_INPUTS,
    NETWORK,
    check_parameters,
    parameter_shapes,
    update_inputs,
)
from dnn_checks.compare import Failed, check_close, check_equal, check_float
from dnn_checks.gradcheck import gradcheck
from dnn_checks.properties import gradcheck_failure, same_result_twice
from dnn_checks.runner import RecordingStudent
from dnn_checks.statistics import check_normal
from dnn_checks.values import to_base
from hypothesis import strategies as st

import reference
from autograder.hidden.activations import matches_reference
from autograder.hidden.registry import HIDDEN

Array = np.ndarray
Params = dict[str, Array]
#: Two layers of 40 000 and 8 000 weights, with fan-ins other than the visible check's.
STATISTICS_DIMS = [400, 100, 80]


def _backward_inputs(net: tuple[Array, Params, Array]) -> dict[str, Any]:
    X, parameters, Y = net
    AL, caches = reference.L_model_forward(X, parameters)
    return {"AL": AL, "Y": Y, "caches": to_base(caches), "parameters": parameters, "X": X}


def _off_kink(inputs: dict[str, Any], gap: float = 1e-2) -> bool:
    return all(np.abs(Z).min() >= gap for _, Z in inputs["caches"][:-1])


BACKWARD = strategies.networks().map(_backward_inputs)
BACKWARD_OFF_KINK = strategies.networks(max_layers=3).map(_backward_inputs).filter(_off_kink)
GRADIENT_CHECK = strategies.networks(max_layers=2, max_m=3).map(_backward_inputs).filter(_off_kink)


def _backward_args(inputs: dict[str, Any]) -> dict[str, Any]:
    return {key: inputs[key] for key in ("AL", "Y", "caches")}


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


matches_reference("L_model_forward", NETWORK)
matches_reference("compute_cost", COST_INPUTS)
matches_reference("L_model_backward", BACKWARD.map(_backward_args), weight=3)
matches_reference("update_parameters", update_inputs())
same_result_twice(HIDDEN, "L_model_backward", BACKWARD.map(_backward_args))


@HIDDEN.property("L_model_backward", "gradient check of dW, db, dA0 against the correct forward (away from Z = 0)",
                 given=BACKWARD_OFF_KINK, max_examples=3, weight=2)
def _(student: RecordingStudent, AL: Array, Y: Array, caches: list, parameters: Params, X: Array) -> None:
    grads = student.call("L_model_backward", AL, Y, caches)
    if not isinstance(grads, dict):
        raise Failed(f"grads should be a dict, got {type(grads).__name__}")
    m = X.shape[1]

    def cost(X: Array, **params: Array) -> float:
        return reference.compute_cost(reference.L_model_forward(X, params)[0], Y)
    analytical = {f"d{key}": grads.get(f"d{key}") for key in ("X", *parameters)}
    analytical["dX"] = grads.get("dA0")
    result = gradcheck(cost, {"X": X, **parameters}, analytical, 1.0, atol=1e-7, scale={"dX": m})
    gradcheck_failure(result, "the correct L_model_forward and compute_cost")


def _gradient_check_inputs(inputs: dict[str, Any], epsilon: float, wrong: bool) -> dict[str, Any]:
    gradients = reference.L_model_backward(inputs["AL"], inputs["Y"], inputs["caches"])
    if wrong:
        gradients = {**gradients, "db1": gradients["db1"] + 0.5}
    return {"parameters": inputs["parameters"], "gradients": gradients, "X": inputs["X"], "Y": inputs["Y"],
            "epsilon": epsilon}


@HIDDEN.property("gradient_check_n", "matches the reference at large epsilons and for wrong gradients",
                 given=st.tuples(GRADIENT_CHECK, st.sampled_from([0.1, 0.01]), st.booleans()).map(
                     lambda drawn: _gradient_check_inputs(*drawn)), max_examples=4, weight=2)
def _(student: RecordingStudent, **inputs: Any) -> None:
    difference = check_float(student.call("gradient_check_n", *inputs.values()), where="the difference")
    check_close(reference.gradient_check_n(*inputs.values()), difference, where="the difference", rtol=1e-5)


@HIDDEN.property("gradient_check_n", "correct gradients give a difference below 1e-6 (epsilon = 1e-7)",
                 given=GRADIENT_CHECK.map(lambda inputs: _gradient_check_inputs(inputs, 1e-7, False)), max_examples=3)
def _(student: RecordingStudent, **inputs: Any) -> None:
    difference = check_float(student.call("gradient_check_n", *inputs.values()), where="the difference")
    if not 0 <= difference < 1e-6:
        raise Failed(f"the difference for correct gradients should be below 1e-6, got {difference!r}")
