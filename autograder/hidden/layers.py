"""Hidden checks of the layers and the L-layer passes, against the reference (gradients against the reference forward)."""

from __future__ import annotations

from typing import Any

import numpy as np
from dnn_checks import strategies
from dnn_checks.checks.layers import (
    NETWORK,
    WEIGHTED_BACKWARD,
    WEIGHTED_GRADCHECK,
    layer_backward_inputs,
    linear_activation_gradcheck,
    linear_gradcheck,
)
from dnn_checks.checks.regularization import gradients_against
from dnn_checks.compare import Failed
from dnn_checks.gradcheck import gradcheck
from dnn_checks.properties import gradcheck_failure, same_result_twice
from dnn_checks.runner import RecordingStudent
from dnn_checks.values import to_base
from hypothesis import strategies as st

import reference
from autograder.hidden.activations import matches_reference
from autograder.hidden.registry import HIDDEN

Array = np.ndarray
Params = dict[str, Array]

matches_reference("linear_forward", strategies.linear_inputs("linear_forward"))
matches_reference("linear_activation_forward", {**strategies.linear_inputs("linear_activation_forward"),
                                                "activation": st.sampled_from(strategies.ACTIVATIONS)})
matches_reference("linear_backward", layer_backward_inputs("linear_backward"))
matches_reference("linear_activation_backward", strategies.linear_activation_caches())
linear_gradcheck(HIDDEN, lambda student: lambda **inputs: reference.linear_forward(*inputs.values())[0],
                 "the correct linear_forward")
linear_activation_gradcheck(
    HIDDEN, lambda student: lambda **inputs: reference.linear_activation_forward(*inputs.values())[0],
    "the correct linear_activation_forward")


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


matches_reference("L_model_forward", NETWORK)
matches_reference("L_model_backward", BACKWARD.map(_backward_args), weight=3)


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


matches_reference("L_model_backward_weighted", WEIGHTED_BACKWARD, weight=3)
same_result_twice(HIDDEN, "L_model_backward_weighted", WEIGHTED_BACKWARD)


def _correct_weighted_cost(X: Array, parameters: Params, inputs: dict[str, Any]) -> float:
    return reference.compute_cost_weighted(reference.L_model_forward(X, parameters)[0], inputs["Y"],
                                           inputs["sample_weight"])


gradients_against(HIDDEN, "L_model_backward_weighted", "gradient check of dW, db, dA0 against the correct forward and "
                  "weighted cost (away from Z = 0)", WEIGHTED_GRADCHECK, _correct_weighted_cost,
                  "the correct L_model_forward and weighted cost", weight=2, dA0=True)
