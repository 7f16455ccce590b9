"""Hidden checks of the costs, against the reference."""

from __future__ import annotations

import numpy as np
from dnn_checks.checks.costs import COST_INPUTS, LP_COST, cost_inputs, weighted_cost_inputs
from dnn_checks.compare import check_close, check_float
from dnn_checks.runner import RecordingStudent
from hypothesis import assume
from hypothesis import strategies as st

import reference
from autograder.hidden.registry import HIDDEN, matches_reference

Array = np.ndarray

matches_reference("compute_cost", COST_INPUTS)
matches_reference("compute_cost_with_regularization", cost_inputs(), weight=3)
matches_reference("compute_cost_with_regularization", LP_COST, weight=2, name="with p: matches the reference")


matches_reference("compute_cost_weighted", weighted_cost_inputs(max_m=40, high=5.0), weight=2)


@st.composite
def integer_weights(draw: st.DrawFn) -> dict[str, Array]:
    """weighted_cost_inputs with integer weights 0 to 3 (m up to 8)."""
    drawn = draw(weighted_cost_inputs(max_m=8))
    weights = np.random.default_rng(draw(st.integers(0, 2**32 - 1))).integers(0, 4, drawn["Y"].shape)
    assume(weights.sum() > 0)
    return {**drawn, "sample_weight": weights.astype(float)}


@HIDDEN.property("compute_cost_weighted", "a weight of k counts an example k times: m J(w) = (sum of w) * the "
                 "cross-entropy of the data with example i repeated w_i times",
                 role="value", given=integer_weights())
def _(student: RecordingStudent, AL: Array, Y: Array, sample_weight: Array) -> None:
    repeated = np.repeat(np.arange(Y.shape[1]), sample_weight[0].astype(int))
    expected = repeated.size * reference.compute_cost(AL[:, repeated], Y[:, repeated]) / Y.shape[1]
    cost = check_float(student.call("compute_cost_weighted", AL, Y, sample_weight), where="the cost")
    check_close(expected, cost, where=f"the cost with the integer weights {sample_weight.tolist()}")
