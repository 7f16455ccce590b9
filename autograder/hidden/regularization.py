"""Hidden checks of L_p-regularized backward propagation, inverted dropout and early stopping, against the reference."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
from dnn_checks import network_inputs
from dnn_checks.checks.layers import network_gradcheck
from dnn_checks.checks.regularization import (
    BACKWARD,
    DEV_CURVES,
    DROPOUT_BACKWARD,
    GRADCHECK,
    LP_BACKWARD,
    LP_GRADCHECK,
    dropout_mask,
    inverted_dropout,
    kept_fraction,
)
from dnn_checks.compare import Failed, check_close
from dnn_checks.properties import check_gradients, same_result_twice, zero_upstream
from dnn_checks.runner import RecordingStudent
from hypothesis import strategies as st

import reference
from autograder.hidden.registry import HIDDEN, matches_reference

Array = np.ndarray
Params = dict[str, Array]
LARGE = network_inputs.large_activations()


def regularized_cost(X: Array, parameters: Params, Y: Array, lambd: float, p: float = 2) -> float:
    """The reference's L_p-regularized cost (p = 2: L2) of the reference's forward pass."""
    return reference.compute_cost_with_regularization(reference.L_model_forward(X, parameters)[0], Y, parameters,
                                                      lambd, p)


matches_reference("L_model_backward_with_regularization", BACKWARD, weight=3)
same_result_twice(HIDDEN, "L_model_backward_with_regularization", BACKWARD)
network_gradcheck(HIDDEN, "L_model_backward_with_regularization", GRADCHECK, regularized_cost,
                  "the correct regularized cost", weight=2)

inverted_dropout(HIDDEN, LARGE, weight=2, max_examples=2)


matches_reference("L_model_backward_with_regularization", LP_BACKWARD, name="with p: matches the reference, "
                  "0 where W = 0 for p = 1")
network_gradcheck(HIDDEN, "L_model_backward_with_regularization", LP_GRADCHECK, regularized_cost,
                  "the correct L_p cost", weight=1, prefix="with p: ")


@HIDDEN.property("dropout_forward", "keeps about keep_prob of the units, in every row", role="value", given=LARGE,
                 max_examples=2, weight=2)
def _(student: RecordingStudent, A: Array, keep_prob: float, rng: np.random.Generator) -> None:
    """Bounds: 8 standard errors overall (50 000 draws), 10 per row (250 draws, where the binomial's
    skew needs the wider bound): each false failure has probability below 1e-14."""
    A_drop, D, _ = dropout_mask(student, A, keep_prob, rng)
    kept_fraction(D, keep_prob)
    kept = D.mean(axis=1)
    worst = int(np.argmax(np.abs(kept - keep_prob)))
    if abs(kept[worst] - keep_prob) > 10 * np.sqrt(keep_prob * (1 - keep_prob)) / np.sqrt(D.shape[1]):
        raise Failed(f"row {worst} of D keeps {kept[worst]:.3f} of its units, keep_prob is {keep_prob}: keep each "
                     "unit independently where rng.random(A.shape) < keep_prob")
    check_close(A * D / keep_prob, A_drop, where="A_drop")


@HIDDEN.property("dropout_forward", "keep_prob = 1 keeps every unit: A_drop = A", role="gate",
                 given=LARGE.map(lambda d: {**d, "keep_prob": 1.0}), max_examples=1)
def _(student: RecordingStudent, A: Array, keep_prob: float, rng: np.random.Generator) -> None:
    A_drop, _, _ = dropout_mask(student, A, keep_prob, rng)
    check_close(A, A_drop, where="A_drop")


@HIDDEN.property("dropout_forward", "draws D from rng: generators in the same state give the same mask, in "
                 "different states different masks", role="gate", given=LARGE, max_examples=1)
def _(student: RecordingStudent, A: Array, keep_prob: float, rng: np.random.Generator) -> None:
    """Two calls with ``rng``, then one with a copy a draw further on: P(two independent masks of 50 000 units
    agree) < 1e-6000."""
    later = copy.deepcopy(rng)
    later.random()
    first, again, other = (dropout_mask(student, A, keep_prob, generator)[1] for generator in (rng, rng, later))
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
                 role="value", given=DROPOUT_BACKWARD, max_examples=3)
def _(student: RecordingStudent, dA: Array, D: Array, keep_prob: float) -> None:
    dA_prev = student.call("dropout_backward", dA, D, keep_prob)
    A = np.linspace(-1.0, 1.0, dA.size).reshape(dA.shape)
    check_gradients(lambda A: A * D / keep_prob, {"A": A}, {"dA": dA_prev}, dA, against="the forward with this mask",
                    names={"dA": "dA_prev"})


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
