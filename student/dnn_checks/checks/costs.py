"""Visible checks of the costs: cross-entropy, and cross-entropy with L2 regularization."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

from dnn_checks import network_inputs, strategies
from dnn_checks.compare import check_close, check_float
from dnn_checks.properties import leaves_inputs_unchanged, stored_values
from dnn_checks.registry import VISIBLE
from dnn_checks.runner import RecordingStudent

Array = np.ndarray
Params = dict[str, Array]


COST_INPUTS = {"AL": strategies.matrices(st.tuples(st.just(1), st.shared(st.integers(1, 5), key="m")),
                                         elements=strategies.probabilities()),
               "Y": strategies.labels(st.tuples(st.just(1), st.shared(st.integers(1, 5), key="m")))}


@VISIBLE.property("compute_cost", "returns a float (or a 0-d array)", given=COST_INPUTS)
def _(student: RecordingStudent, AL: Array, Y: Array) -> None:
    check_float(student.call("compute_cost", AL, Y), where="the cost")


@VISIBLE.property("compute_cost", "J = -1/m sum(Y log(AL) + (1 - Y) log(1 - AL))", given=COST_INPUTS, weight=2)
def _(student: RecordingStudent, AL: Array, Y: Array) -> None:
    J = -np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))
    check_close(J, check_float(student.call("compute_cost", AL, Y), where="the cost"), where="the cost")


stored_values(VISIBLE, "compute_cost")
leaves_inputs_unchanged(VISIBLE, "compute_cost", COST_INPUTS)


LAMBD = strategies.floats(min_value=0.01, max_value=5.0)


@st.composite
def cost_inputs(draw: st.DrawFn) -> dict[str, Any]:
    """{"AL", "Y", "parameters", "lambd"}: AL in (0.01, 0.99), 1 to 4 layers."""
    X, parameters, Y = draw(network_inputs.networks())
    AL = np.random.default_rng(draw(st.integers(0, 2**32 - 1))).uniform(0.01, 0.99, Y.shape)
    return {"AL": AL, "Y": Y, "parameters": parameters, "lambd": draw(LAMBD)}


def cross_entropy(AL: Array, Y: Array) -> float:
    return float(-np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))


def l2_cost(AL: Array, Y: Array, parameters: Params, lambd: float) -> float:
    """Cross-entropy + lambd / (2m) * sum_l ||W_l||^2."""
    squares = sum(float(np.sum(W ** 2)) for key, W in parameters.items() if key.startswith("W"))
    return cross_entropy(AL, Y) + lambd / (2 * Y.shape[1]) * squares


@VISIBLE.property("compute_cost_with_regularization", "returns a float (or a 0-d array)", given=cost_inputs())
def _(student: RecordingStudent, AL: Array, Y: Array, parameters: Params, lambd: float) -> None:
    check_float(student.call("compute_cost_with_regularization", AL, Y, parameters, lambd), where="the cost")


@VISIBLE.property("compute_cost_with_regularization", "J = cross-entropy + lambd / (2m) * sum_l ||W_l||^2",
                  given=cost_inputs(), weight=2)
def _(student: RecordingStudent, AL: Array, Y: Array, parameters: Params, lambd: float) -> None:
    cost = check_float(student.call("compute_cost_with_regularization", AL, Y, parameters, lambd), where="the cost")
    check_close(l2_cost(AL, Y, parameters, lambd), cost, where="the cost")


stored_values(VISIBLE, "compute_cost_with_regularization")
