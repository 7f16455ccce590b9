"""Hidden checks of the costs, against the reference."""

from __future__ import annotations

import numpy as np
from dnn_checks import strategies
from dnn_checks.checks.costs import COST_INPUTS, LP_COST, cost_inputs
from dnn_checks.compare import check_close, check_float
from dnn_checks.runner import RecordingStudent
from hypothesis import assume
from hypothesis import strategies as st

import reference
from autograder.hidden.activations import matches_reference
from autograder.hidden.registry import HIDDEN

Array = np.ndarray

matches_reference("compute_cost", COST_INPUTS)
matches_reference("compute_cost_with_regularization", cost_inputs(), weight=3)
matches_reference("compute_cost_with_regularization", LP_COST, weight=2, name="with p: matches the reference")


@st.composite
def weighted_inputs(draw: st.DrawFn, *, weights: st.SearchStrategy[float], max_m: int = 40) -> dict[str, Array]:
    """{"AL" in [0.001, 0.999], "Y", "sample_weight"} (1, m), m up to ``max_m``, weights not all zero."""
    m = draw(st.integers(1, max_m))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    sample_weight = draw(strategies.matrices((1, m), elements=weights))
    assume(sample_weight.sum() > 0)
    return {"AL": rng.uniform(0.001, 0.999, (1, m)), "Y": (rng.random((1, m)) < 0.5).astype(float),
            "sample_weight": sample_weight}


matches_reference("compute_cost_weighted", weighted_inputs(weights=st.one_of(st.just(0.0), strategies.floats(
    min_value=0.0, max_value=5.0))), weight=2)


@HIDDEN.property("compute_cost_weighted", "a weight of k counts an example k times: m J(w) = (sum of w) * the "
                 "cross-entropy of the data with example i repeated w_i times",
                 given=weighted_inputs(weights=st.integers(0, 3).map(float), max_m=8))
def _(student: RecordingStudent, AL: Array, Y: Array, sample_weight: Array) -> None:
    repeated = np.repeat(np.arange(Y.shape[1]), sample_weight[0].astype(int))
    expected = repeated.size * reference.compute_cost(AL[:, repeated], Y[:, repeated]) / Y.shape[1]
    cost = check_float(student.call("compute_cost_weighted", AL, Y, sample_weight), where="the cost")
    check_close(expected, cost, where=f"the cost with the integer weights {sample_weight.tolist()}")
