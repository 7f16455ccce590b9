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
    column_order,
    update_inputs,
)
from dnn_checks.compare import Failed, check_close, check_equal
from dnn_checks.runner import RecordingStudent

import reference
from autograder.hidden.activations import matches_reference
from autograder.hidden.registry import HIDDEN

Array = np.ndarray


matches_reference("update_parameters", update_inputs())
matches_reference("update_parameters_with_gd", GD)


matches_reference("update_parameters_with_momentum", MOMENTUM, weight=3)
matches_reference("update_parameters_with_rmsprop", RMSPROP, weight=3)


matches_reference("update_parameters_with_adam", ADAM, weight=3)


for _function in ("initialize_velocity", "initialize_rmsprop", "initialize_adam"):
    matches_reference(_function, PARAMETERS)


for _function, _given in DECAY_INPUTS.items():
    matches_reference(_function, _given)


@HIDDEN.property("update_parameters_with_adam", "the first step (t = 1) from initialize_adam's zeros",
                 given=ADAM.map(lambda d: {**d, "v": {k: np.zeros_like(x) for k, x in d["v"].items()},
                                           "s": {k: np.zeros_like(x) for k, x in d["s"].items()}, "t": 1}))
def _(student: RecordingStudent, **inputs: object) -> None:
    check_close(reference.update_parameters_with_adam(*inputs.values()),
                student.call("update_parameters_with_adam", *inputs.values()), where="the result")


@HIDDEN.property("random_mini_batches", "sizes, one permutation shared by X and Y, repeatable and shuffled, "
                 "for many shapes and seeds", given=network_inputs.batch_data(), max_examples=12, weight=3)
def _(student: RecordingStudent, X: Array, Y: Array, mini_batch_size: int, seed: int) -> None:
    first = batch_result(student, X, Y, mini_batch_size, seed)
    m = X.shape[1]
    sizes = [mini_batch_size] * (m // mini_batch_size) + ([m % mini_batch_size] if m % mini_batch_size else [])
    check_equal(sizes, [bx.shape[1] for bx, _ in first], where="the batch sizes")
    order = column_order(X, Y, first)
    if sorted(order) != list(range(m)):
        raise Failed("the columns of the mini-batches are not a permutation of X's columns")
    if m >= 20 and order == list(range(m)):
        raise Failed("the mini-batches keep the columns in their order: shuffle them first")
    check_equal(first, batch_result(student, X, Y, mini_batch_size, seed), where=f"a second call with seed={seed}")


@HIDDEN.property("random_mini_batches", "the default mini_batch_size is 64",
                 given=network_inputs.batch_data().filter(lambda d: d["X"].shape[1] > 64), max_examples=2)
def _(student: RecordingStudent, X: Array, Y: Array, mini_batch_size: int, seed: int) -> None:
    batches = student.call("random_mini_batches", X, Y)
    widths = [np.shape(pair[0])[1] for pair in batches] if isinstance(batches, list) else []
    if not widths or widths[0] != 64:
        raise Failed(f"with the default mini_batch_size the first batch should have 64 columns, got {widths[:1]}")
