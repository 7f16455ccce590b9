"""Hidden checks of the layers and the L-layer passes, against the reference (gradients against its forward)."""

from __future__ import annotations

from typing import Any

import numpy as np
from dnn_checks import strategies
from dnn_checks.checks.layers import (
    NETWORK,
    WEIGHTED_BACKWARD,
    layer_backward_inputs,
    linear_activation_gradcheck,
    linear_gradcheck,
    network_gradcheck,
    weighted_backward,
)
from dnn_checks.properties import same_result_twice
from dnn_checks.values import to_base
from hypothesis import strategies as st

import reference
from autograder.hidden.registry import HIDDEN, matches_reference

Array = np.ndarray
Params = dict[str, Array]


def backward_inputs(net: tuple[Array, Params, Array]) -> dict[str, Any]:
    """{"AL", "Y", "caches"} of the reference's forward pass over a drawn network."""
    X, parameters, Y = net
    AL, caches = reference.L_model_forward(X, parameters)
    return {"AL": AL, "Y": Y, "caches": to_base(caches)}


def off_kink(inputs: dict[str, Any], gap: float = 1e-2) -> bool:
    """Whether every ReLU layer's Z stays at least ``gap`` from 0 (central differences stay off the kink)."""
    return all(np.abs(Z).min() >= gap for _, Z in inputs["caches"][:-1])


def network_cost(X: Array, parameters: Params, Y: Array) -> float:
    """The reference's cross-entropy of the reference's forward pass."""
    return reference.compute_cost(reference.L_model_forward(X, parameters)[0], Y)


BACKWARD = strategies.networks().map(backward_inputs)
OFF_KINK = strategies.networks(max_layers=3).map(backward_inputs).filter(off_kink)

matches_reference("linear_forward", strategies.linear_inputs("linear_forward"))
matches_reference("linear_activation_forward", {**strategies.linear_inputs("linear_activation_forward"),
                                                "activation": st.sampled_from(strategies.ACTIVATIONS)})
matches_reference("linear_backward", layer_backward_inputs("linear_backward"))
matches_reference("linear_activation_backward", strategies.linear_activation_caches())
linear_gradcheck(HIDDEN, lambda **inputs: reference.linear_forward(**inputs)[0], "the correct linear_forward")
linear_activation_gradcheck(HIDDEN, lambda **inputs: reference.linear_activation_forward(**inputs)[0],
                            "the correct linear_activation_forward")
matches_reference("L_model_forward", NETWORK)
matches_reference("L_model_backward", BACKWARD, weight=3)
same_result_twice(HIDDEN, "L_model_backward", BACKWARD)
network_gradcheck(HIDDEN, "L_model_backward", OFF_KINK, network_cost, "the correct L_model_forward and compute_cost",
                  weight=2)

matches_reference("L_model_backward_weighted", WEIGHTED_BACKWARD, weight=3)
same_result_twice(HIDDEN, "L_model_backward_weighted", WEIGHTED_BACKWARD)


def weighted_cost(X: Array, parameters: Params, Y: Array, sample_weight: Array) -> float:
    """The reference's weighted cross-entropy of the reference's forward pass."""
    return reference.compute_cost_weighted(reference.L_model_forward(X, parameters)[0], Y, sample_weight)


network_gradcheck(HIDDEN, "L_model_backward_weighted", weighted_backward(min_layers=1, max_layers=3, gap=1e-3),
                  weighted_cost, "the correct L_model_forward and weighted cost", weight=2)
