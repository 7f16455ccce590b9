"""Visible checks of input normalization."""

from __future__ import annotations

import numpy as np

from dnn_checks import network_inputs
from dnn_checks.compare import check_close, check_shape, returned
from dnn_checks.properties import returns_like
from dnn_checks.registry import VISIBLE
from dnn_checks.runner import RecordingStudent

Array = np.ndarray
NORMALIZE = network_inputs.train_and_test()


def standardized(X_train: Array, X_test: Array) -> tuple[Array, Array]:
    """Both sets standardized with X_train's per-row mean and population standard deviation."""
    mu, sigma = X_train.mean(axis=1, keepdims=True), X_train.std(axis=1, keepdims=True)
    return (X_train - mu) / sigma, (X_test - mu) / sigma


def _inputs(rng: np.random.Generator) -> list[dict[str, Array]]:
    return [{"X_train": rng.normal(2.0, 3.0, (3, 6)), "X_test": rng.normal(2.0, 3.0, (3, 4))}]


returns_like(VISIBLE, "normalize_inputs", "returns (X_train_norm, X_test_norm) of the inputs' shapes", NORMALIZE,
             standardized)


@VISIBLE.property("normalize_inputs", "each feature (row) of X_train gets mean 0 and standard deviation 1 (ddof=0)",
                  role="value", given=NORMALIZE, weight=2)
def _(student: RecordingStudent, X_train: Array, X_test: Array) -> None:
    train, _ = returned("normalize_inputs", student.call("normalize_inputs", X_train, X_test))
    n = X_train.shape[0]
    check_close(np.zeros((n, 1)), check_shape(train, X_train.shape, where="X_train_norm").mean(axis=1, keepdims=True),
                where="the row means of X_train_norm")
    check_close(np.ones((n, 1)), train.std(axis=1, keepdims=True), where="the row standard deviations of X_train_norm")


@VISIBLE.property("normalize_inputs", "X_test is standardized with X_train's mean and standard deviation",
                  role="value", given=NORMALIZE, weight=2)
def _(student: RecordingStudent, X_train: Array, X_test: Array) -> None:
    _, test = returned("normalize_inputs", student.call("normalize_inputs", X_train, X_test))
    check_close(standardized(X_train, X_test)[1], check_shape(test, X_test.shape, where="X_test_norm"),
                where="X_test_norm")


VISIBLE.store("normalize_inputs", _inputs)  # inputs for the diagnosis only
