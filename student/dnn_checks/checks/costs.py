"""Visible checks of the costs: cross-entropy, and cross-entropy with L2 regularization."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

from dnn_checks import network_inputs, strategies
from dnn_checks.compare import check_float
from dnn_checks.network_inputs import forward_caches, random_network
from dnn_checks.properties import matches, stored_values
from dnn_checks.registry import VISIBLE
from dnn_checks.runner import RecordingStudent

Array = np.ndarray
Params = dict[str, Array]

COST_INPUTS = {"AL": strategies.matrices(st.tuples(st.just(1), st.shared(st.integers(1, 5), key="m")),
                                         elements=strategies.probabilities()),
               "Y": strategies.labels(st.tuples(st.just(1), st.shared(st.integers(1, 5), key="m")))}
LAMBD = strategies.floats(min_value=0.01, max_value=5.0)


def cross_entropy(AL: Array, Y: Array) -> float:
    """J = -1/m sum(Y log(AL) + (1 - Y) log(1 - AL))."""
    return float(-np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))


def l2_cost(AL: Array, Y: Array, parameters: Params, lambd: float) -> float:
    """Cross-entropy + lambd / (2m) * sum_l ||W_l||^2."""
    squares = sum(float(np.sum(W ** 2)) for key, W in parameters.items() if key.startswith("W"))
    return cross_entropy(AL, Y) + lambd / (2 * Y.shape[1]) * squares


@st.composite
def cost_inputs(draw: st.DrawFn) -> dict[str, Any]:
    """{"AL", "Y", "parameters", "lambd"}: AL in (0.01, 0.99), 1 to 4 layers."""
    X, parameters, Y = draw(network_inputs.networks())
    AL = np.random.default_rng(draw(st.integers(0, 2**32 - 1))).uniform(0.01, 0.99, Y.shape)
    return {"AL": AL, "Y": Y, "parameters": parameters, "lambd": draw(LAMBD)}


def float_gate(function: str, given: Any) -> None:
    """A gate: the cost is a float (or a 0-d array)."""
    @VISIBLE.property(function, "returns a float (or a 0-d array)", role="gate", given=given)
    def _(student: RecordingStudent, **inputs: Any) -> None:
        check_float(student.call(function, *inputs.values()), where="the cost")


def _cost_inputs(rng: np.random.Generator) -> list[dict[str, Array]]:
    return [{"AL": rng.uniform(0.01, 0.99, (1, 5)), "Y": np.array([[1.0, 0.0, 1.0, 1.0, 0.0]])},
            {"AL": np.array([[0.8]]), "Y": np.array([[1.0]])}]


def _regularized_inputs(rng: np.random.Generator) -> list[dict[str, Any]]:
    X, parameters, Y = random_network(rng, [4, 3, 2, 1], 5)
    return [{"AL": forward_caches(X, parameters)[0], "Y": Y, "parameters": parameters, "lambd": 0.7}]


float_gate("compute_cost", COST_INPUTS)
matches(VISIBLE, "compute_cost", "J = -1/m sum(Y log(AL) + (1 - Y) log(1 - AL))", COST_INPUTS, cross_entropy)
stored_values(VISIBLE, "compute_cost", _cost_inputs)

float_gate("compute_cost_with_regularization", cost_inputs())
matches(VISIBLE, "compute_cost_with_regularization", "J = cross-entropy + lambd / (2m) * sum_l ||W_l||^2",
        cost_inputs(), l2_cost)
stored_values(VISIBLE, "compute_cost_with_regularization", _regularized_inputs)
