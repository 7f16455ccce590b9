"""Visible checks of the costs: cross-entropy, with L_p regularization, with example weights."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import assume
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


@st.composite
def cost_inputs(draw: st.DrawFn) -> dict[str, Any]:
    """{"AL", "Y", "parameters", "lambd"}: AL in (0.01, 0.99), 1 to 4 layers."""
    X, parameters, Y = draw(network_inputs.networks())
    AL = np.random.default_rng(draw(st.integers(0, 2**32 - 1))).uniform(0.01, 0.99, Y.shape)
    return {"AL": AL, "Y": Y, "parameters": parameters, "lambd": draw(LAMBD)}


def cross_entropy(AL: Array, Y: Array, sample_weight: Array | float = 1.0) -> float:
    """J = -1/m * sum_i w_i (y_i log(a_i) + (1 - y_i) log(1 - a_i)); w = 1: the plain cross-entropy."""
    return float(-np.mean(sample_weight * (Y * np.log(AL) + (1 - Y) * np.log(1 - AL))))


def lp_cost(AL: Array, Y: Array, parameters: Params, lambd: float, p: float = 2) -> float:
    """Cross-entropy + lambd / (p m) * sum_l sum |W_l|^p (p = 2: lambd / (2m) * sum_l ||W_l||^2)."""
    powers = sum(float(np.sum(np.abs(W) ** p)) for key, W in parameters.items() if key.startswith("W"))
    return cross_entropy(AL, Y) + lambd / (p * Y.shape[1]) * powers


def float_gate(function: str, given: Any) -> None:
    """A gate: the cost is a float (or a 0-d array)."""
    @VISIBLE.property(function, "returns a float (or a 0-d array)", role="gate", given=given)
    def _(student: RecordingStudent, **inputs: Any) -> None:
        check_float(student.call(function, *inputs.values()), where="the cost")


def _cost_inputs(rng: np.random.Generator) -> list[dict[str, Array]]:
    return [{"AL": rng.uniform(0.01, 0.99, (1, 5)), "Y": np.array([[1.0, 0.0, 1.0, 1.0, 0.0]])},
            {"AL": np.array([[0.8]]), "Y": np.array([[1.0]])}]


def _regularized_inputs(rng: np.random.Generator) -> list[dict[str, Any]]:
    """Without p (Part B), then L1 and p = 3."""
    X, parameters, Y = random_network(rng, [4, 3, 2, 1], 5)
    case = {"AL": forward_caches(X, parameters)[0], "Y": Y, "parameters": parameters, "lambd": 0.7}
    return [case, {**case, "p": 1}, {**case, "lambd": 0.3, "p": 3}]


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


def _weighted_cost_inputs(rng: np.random.Generator) -> list[dict[str, Array]]:
    return [{"AL": rng.uniform(0.01, 0.99, (1, 6)), "Y": np.array([[1.0, 0.0, 1.0, 1.0, 0.0, 0.0]]),
             "sample_weight": np.array([[0.5, 2.0, 1.0, 0.0, 3.0, 1.0]])}]


#: The L_p inputs: those of ``cost_inputs`` and p (1: L1; 1.5 and 3: other powers).
POWERS = st.sampled_from([1, 3, 1.5])
LP_COST = st.tuples(cost_inputs(), POWERS).map(lambda drawn: {**drawn[0], "p": drawn[1]})
WEIGHTED_COST = weighted_cost_inputs()

float_gate("compute_cost", COST_INPUTS)
matches(VISIBLE, "compute_cost", "J = -1/m sum(Y log(AL) + (1 - Y) log(1 - AL))", COST_INPUTS, cross_entropy)
stored_values(VISIBLE, "compute_cost", _cost_inputs)

float_gate("compute_cost_with_regularization", cost_inputs())
matches(VISIBLE, "compute_cost_with_regularization", "J = cross-entropy + lambd / (2m) * sum_l ||W_l||^2",
        cost_inputs(), lp_cost)
matches(VISIBLE, "compute_cost_with_regularization", "with p: J = cross-entropy + lambd / (p m) * sum_l sum |W_l|^p",
        LP_COST, lp_cost)
stored_values(VISIBLE, "compute_cost_with_regularization", _regularized_inputs)

float_gate("compute_cost_weighted", WEIGHTED_COST)
matches(VISIBLE, "compute_cost_weighted", "J = -1/m sum_i w_i (y_i log(a_i) + (1 - y_i) log(1 - a_i))",
        WEIGHTED_COST, cross_entropy)
stored_values(VISIBLE, "compute_cost_weighted", _weighted_cost_inputs)
