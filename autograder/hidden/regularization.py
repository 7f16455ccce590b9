"""Hidden checks of L_p-regularized backward propagation, inverted dropout and early stopping, against the reference."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
from dnn_checks import network_inputs
from dnn_checks.checks.regularization import (
    BACKWARD,
    DEV_CURVES,
    DROPOUT_BACKWARD,
    GRADCHECK,
    LP_BACKWARD,
    LP_GRADCHECK,
    dropout_result,
    gradients_against,
)
from dnn_checks.compare import Failed, check_close, check_shape
from dnn_checks.gradcheck import gradcheck
from dnn_checks.properties import gradcheck_failure, same_result_twice, zero_upstream
from dnn_checks.runner import RecordingStudent
from hypothesis import strategies as st

import reference
from autograder.hidden.activations import matches_reference
from autograder.hidden.registry import HIDDEN

Array = np.ndarray


matches_reference("L_model_backward_with_regularization", BACKWARD, weight=3)
same_result_twice(HIDDEN, "L_model_backward_with_regularization", BACKWARD)


def _correct_lp_cost(X: Array, parameters: dict[str, Array], inputs: dict[str, Any]) -> float:
    AL = reference.L_model_forward(X, parameters)[0]
    return reference.compute_cost_with_regularization(AL, inputs["Y"], parameters, inputs["lambd"], inputs.get("p", 2))


gradients_against(HIDDEN, "L_model_backward_with_regularization", "gradient check of dW, db against the correct "
                  "regularized cost (away from Z = 0)", GRADCHECK, _correct_lp_cost, "the correct regularized cost",
                  weight=2)


matches_reference("L_model_backward_with_regularization", LP_BACKWARD, name="with p: matches the reference, "
                  "0 where W = 0 for p = 1")


gradients_against(HIDDEN, "L_model_backward_with_regularization", "with p: gradient check of dW, db against the "
                  "correct L_p cost (away from Z = 0)", LP_GRADCHECK, _correct_lp_cost, "the correct L_p cost")


LARGE = network_inputs.large_activations()


@HIDDEN.property("dropout_forward", "A_drop = A * D / keep_prob with D a 0/1 mask of A's shape", given=LARGE,
                 max_examples=2, weight=2)
def _(student: RecordingStudent, A: Array, keep_prob: float, rng: np.random.Generator) -> None:
    A_drop, D = dropout_result(student, A, keep_prob, rng)
    check_close(A * D / keep_prob, A_drop, where="A_drop")


@HIDDEN.property("dropout_forward", "keeps about keep_prob of the units, in every row", given=LARGE, max_examples=2,
                 weight=2)
def _(student: RecordingStudent, A: Array, keep_prob: float, rng: np.random.Generator) -> None:
    """Bounds: 8 standard errors overall (50 000 draws), 10 per row (250 draws, where the binomial's
    skew needs the wider bound): each false failure has probability below 1e-14."""
    _, D = dropout_result(student, A, keep_prob, rng)
    spread = np.sqrt(keep_prob * (1 - keep_prob))
    if abs(D.mean() - keep_prob) > 8 * spread / np.sqrt(D.size):
        raise Failed(f"D keeps {D.mean():.4f} of the units, keep_prob is {keep_prob}: keep a unit where "
                     "rng.random(A.shape) < keep_prob")
    kept = D.mean(axis=1)
    worst = int(np.argmax(np.abs(kept - keep_prob)))
    if abs(kept[worst] - keep_prob) > 10 * spread / np.sqrt(D.shape[1]):
        raise Failed(f"row {worst} of D keeps {kept[worst]:.3f} of its units, keep_prob is {keep_prob}: keep each "
                     "unit independently where rng.random(A.shape) < keep_prob")


@HIDDEN.property("dropout_forward", "keep_prob = 1 keeps every unit: A_drop = A",
                 given=LARGE.map(lambda d: {**d, "keep_prob": 1.0}), max_examples=1)
def _(student: RecordingStudent, A: Array, keep_prob: float, rng: np.random.Generator) -> None:
    A_drop, _ = dropout_result(student, A, keep_prob, rng)
    check_close(A, A_drop, where="A_drop")


@HIDDEN.property("dropout_forward", "draws D from rng: generators in the same state give the same mask, in "
                 "different states different masks", given=LARGE, max_examples=1)
def _(student: RecordingStudent, A: Array, keep_prob: float, rng: np.random.Generator) -> None:
    """Two copies of ``rng``, then one a draw further on: P(two independent masks of 50 000 units agree) < 1e-6000."""
    later = copy.deepcopy(rng)
    later.random()
    first, again, other = (dropout_result(student, A, keep_prob, generator)[1]
                           for generator in (copy.deepcopy(rng), copy.deepcopy(rng), later))
    if not np.array_equal(first, again):
        raise Failed("two calls with generators in the same state gave different masks: draw D from the rng argument "
                     "(rng.random(A.shape) < keep_prob), not from np.random")
    if np.array_equal(first, other):
        raise Failed("generators in different states gave the same mask: draw D from the rng argument "
                     "(rng.random(A.shape) < keep_prob), without seeding a generator of your own")


matches_reference("dropout_backward", DROPOUT_BACKWARD, weight=2)
zero_upstream(HIDDEN, "dropout_backward", DROPOUT_BACKWARD, "dA")


same_result_twice(HIDDEN, "dropout_backward", DROPOUT_BACKWARD)


@HIDDEN.property("dropout_backward", "gradient check against A -> A * D / keep_prob (the forward with this mask)",
                 given=DROPOUT_BACKWARD, max_examples=3)
def _(student: RecordingStudent, dA: Array, D: Array, keep_prob: float) -> None:
    dA_prev = check_shape(student.call("dropout_backward", dA, D, keep_prob), dA.shape, where="dA_prev")
    A = np.linspace(-1.0, 1.0, dA.size).reshape(dA.shape)
    forward = lambda A: A * D / keep_prob  # noqa: E731 - inverted dropout with this mask
    gradcheck_failure(gradcheck(forward, {"A": A}, {"dA": dA_prev}, dA), "the forward with this mask")


@st.composite
def training_curves(draw: st.DrawFn) -> dict[str, Any]:
    """{"dev_costs": a noisy U-shaped dev curve of 5 to 120 epochs, rounded (ties), "patience": 1 to 20}."""
    epochs = draw(st.integers(5, 120))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    t = np.linspace(-1.0, 1.0, epochs) - rng.uniform(-0.8, 0.8)
    costs = np.round(0.3 + t ** 2 + rng.uniform(0.0, 0.2) * rng.standard_normal(epochs), 2)
    return {"dev_costs": costs.tolist(), "patience": draw(st.integers(1, 20))}


matches_reference("early_stopping", training_curves(), weight=2)
matches_reference("early_stopping", DEV_CURVES, weight=1, name="matches the reference on short curves with ties")
