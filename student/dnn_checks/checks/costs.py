"""Visible checks of the costs: cross-entropy, with L_p regularization, with example weights."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import assume
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


def cross_entropy(AL: Array, Y: Array, sample_weight: Array | float = 1.0) -> float:
    """-1/m * sum_i w_i (y_i log(a_i) + (1 - y_i) log(1 - a_i)); w = 1: the plain cross-entropy."""
    return float(-np.mean(sample_weight * (Y * np.log(AL) + (1 - Y) * np.log(1 - AL))))


def lp_cost(AL: Array, Y: Array, parameters: Params, lambd: float, p: float = 2) -> float:
    """Cross-entropy + lambd / (p m) * sum_l sum |W_l|^p (p = 2: lambd / (2m) * sum_l ||W_l||^2)."""
    powers = sum(float(np.sum(np.abs(W) ** p)) for key, W in parameters.items() if key.startswith("W"))
    return cross_entropy(AL, Y) + lambd / (p * Y.shape[1]) * powers


@VISIBLE.property("compute_cost_with_regularization", "returns a float (or a 0-d array)", given=cost_inputs())
def _(student: RecordingStudent, AL: Array, Y: Array, parameters: Params, lambd: float) -> None:
    check_float(student.call("compute_cost_with_regularization", AL, Y, parameters, lambd), where="the cost")


@VISIBLE.property("compute_cost_with_regularization", "J = cross-entropy + lambd / (2m) * sum_l ||W_l||^2",
                  given=cost_inputs(), weight=2)
def _(student: RecordingStudent, AL: Array, Y: Array, parameters: Params, lambd: float) -> None:
    cost = check_float(student.call("compute_cost_with_regularization", AL, Y, parameters, lambd), where="the cost")
    check_close(lp_cost(AL, Y, parameters, lambd), cost, where="the cost")


#: The L_p inputs: those of ``cost_inputs`` and p (1: L1; 1.5 and 3: other powers).
POWERS = st.sampled_from([1, 3, 1.5])
LP_COST = st.tuples(cost_inputs(), POWERS).map(lambda drawn: {**drawn[0], "p": drawn[1]})


@VISIBLE.property("compute_cost_with_regularization", "with p: J = cross-entropy + lambd / (p m) * sum_l sum |W_l|^p",
                  given=LP_COST, weight=2)
def _(student: RecordingStudent, AL: Array, Y: Array, parameters: Params, lambd: float, p: float) -> None:
    cost = check_float(student.call("compute_cost_with_regularization", AL, Y, parameters, lambd, p),
                       where=f"the cost with p = {p}")
    check_close(lp_cost(AL, Y, parameters, lambd, p), cost, where=f"the cost with p = {p}")


stored_values(VISIBLE, "compute_cost_with_regularization")


def example_weights(rng: np.random.Generator, m: int, *, high: float = 3.0) -> Array:
    """Weights (1, m) in [0, high] rounded to 3 places, about a quarter of them 0."""
    return np.where(rng.random((1, m)) < 0.25, 0.0, np.round(rng.uniform(0.0, high, (1, m)), 3))


@st.composite
def weighted_cost_inputs(draw: st.DrawFn, *, max_m: int = 5, high: float = 3.0) -> dict[str, Array]:
    """{"AL" in [0.01, 0.99], "Y", "sample_weight" (example_weights, not all 0)}, all (1, m); hypothesis draws m
    and a seed (shrinking makes m small), numpy the entries."""
    m = draw(st.integers(1, max_m))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    drawn = {"AL": np.round(rng.uniform(0.01, 0.99, (1, m)), 3), "Y": (rng.random((1, m)) < 0.5).astype(float),
             "sample_weight": example_weights(rng, m, high=high)}
    assume(drawn["sample_weight"].sum() > 0)
    return drawn


WEIGHTED_COST = weighted_cost_inputs()


@VISIBLE.property("compute_cost_weighted", "J = -1/m sum_i w_i (y_i log(a_i) + (1 - y_i) log(1 - a_i)), a float",
                  given=WEIGHTED_COST, weight=2)
def _(student: RecordingStudent, AL: Array, Y: Array, sample_weight: Array) -> None:
    cost = check_float(student.call("compute_cost_weighted", AL, Y, sample_weight), where="the cost")
    check_close(cross_entropy(AL, Y, sample_weight), cost, where="the cost")


stored_values(VISIBLE, "compute_cost_weighted")
leaves_inputs_unchanged(VISIBLE, "compute_cost_weighted", WEIGHTED_COST)
