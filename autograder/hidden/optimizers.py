"""Hidden checks of the updates and optimizers, against the reference: updates with non-zero states and t > 1,
mini-batch invariants for many shapes and seeds, learning-rate decay."""

from __future__ import annotations

import numpy as np
from dnn_checks import network_inputs
from dnn_checks.checks.optimizers import (
    ADAM,
    DECAY_INPUTS,
    GD,
    MOMENTUM,
    PARAMETERS,
    RMSPROP,
    batch_result,
    batch_sizes,
    check_shuffle,
    update_inputs,
)
from dnn_checks.compare import Failed, check_equal
from dnn_checks.properties import matches
from dnn_checks.runner import RecordingStudent

import reference
from autograder.hidden.registry import HIDDEN, matches_reference

Array = np.ndarray
FIRST_STEP = ADAM.map(lambda d: {**d, "v": {k: np.zeros_like(x) for k, x in d["v"].items()},
                                 "s": {k: np.zeros_like(x) for k, x in d["s"].items()}, "t": 1})

matches_reference("update_parameters", update_inputs())
matches_reference("update_parameters_with_gd", GD)
matches_reference("update_parameters_with_momentum", MOMENTUM, weight=3)
matches_reference("update_parameters_with_rmsprop", RMSPROP, weight=3)
matches_reference("update_parameters_with_adam", ADAM, weight=3)
matches(HIDDEN, "update_parameters_with_adam", "the first step (t = 1) from initialize_adam's zeros", FIRST_STEP,
        reference.update_parameters_with_adam, weight=1)
for _function in ("initialize_velocity", "initialize_rmsprop", "initialize_adam"):
    matches_reference(_function, PARAMETERS)
for _function, _given in DECAY_INPUTS.items():
    matches_reference(_function, _given)


@HIDDEN.property("random_mini_batches", "sizes, one shuffle shared by X and Y, repeatable, for many shapes and seeds",
                 role="value", given=network_inputs.batch_data(), max_examples=12, weight=3)
def _(student: RecordingStudent, X: Array, Y: Array, mini_batch_size: int, seed: int) -> None:
    first = batch_result(student, X, Y, mini_batch_size, seed)
    check_equal(batch_sizes(X.shape[1], mini_batch_size), [bx.shape[1] for bx, _ in first], where="the batch sizes")
    check_shuffle(X, Y, first)
    check_equal(first, batch_result(student, X, Y, mini_batch_size, seed), where=f"a second call with seed={seed}")


@HIDDEN.property("random_mini_batches", "the default mini_batch_size is 64", role="gate",
                 given=network_inputs.batch_data().filter(lambda d: d["X"].shape[1] > 64), max_examples=2)
def _(student: RecordingStudent, X: Array, Y: Array, mini_batch_size: int, seed: int) -> None:
    widths = [bx.shape[1] for bx, _ in batch_result(student, X, Y)]
    if widths[0] != 64:
        raise Failed(f"with the default mini_batch_size the first batch should have 64 columns, got {widths[0]}")
