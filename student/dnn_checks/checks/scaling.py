"""Visible checks of input normalization."""

from __future__ import annotations

import numpy as np

from dnn_checks import network_inputs
from dnn_checks.compare import check_close, check_shape, check_tuple
from dnn_checks.properties import leaves_inputs_unchanged
from dnn_checks.registry import VISIBLE
from dnn_checks.runner import RecordingStudent

Array = np.ndarray


NORMALIZE = network_inputs.train_and_test()


@VISIBLE.property("normalize_inputs", "returns (X_train_norm, X_test_norm) of the inputs' shapes", given=NORMALIZE)
def _(student: RecordingStudent, X_train: Array, X_test: Array) -> None:
    train, test = check_tuple(student.call("normalize_inputs", X_train, X_test), 2, where="the result of "
                                                                                          "normalize_inputs")
    check_shape(train, X_train.shape, where="X_train_norm")
    check_shape(test, X_test.shape, where="X_test_norm")


@VISIBLE.property("normalize_inputs", "each feature (row) of X_train gets mean 0 and standard deviation 1 (ddof=0)",
                  given=NORMALIZE, weight=2)
def _(student: RecordingStudent, X_train: Array, X_test: Array) -> None:
    train, _ = check_tuple(student.call("normalize_inputs", X_train, X_test), 2, where="the result of normalize_inputs")
    n = X_train.shape[0]
    check_close(np.zeros((n, 1)), check_shape(train, X_train.shape, where="X_train_norm").mean(axis=1, keepdims=True),
                where="the row means of X_train_norm")
    check_close(np.ones((n, 1)), train.std(axis=1, keepdims=True), where="the row standard deviations of X_train_norm")


@VISIBLE.property("normalize_inputs", "X_test is standardized with X_train's mean and standard deviation",
                  given=NORMALIZE, weight=2)
def _(student: RecordingStudent, X_train: Array, X_test: Array) -> None:
    _, test = check_tuple(student.call("normalize_inputs", X_train, X_test), 2, where="the result of normalize_inputs")
    mu, sigma = X_train.mean(axis=1, keepdims=True), X_train.std(axis=1, keepdims=True)
    check_close((X_test - mu) / sigma, check_shape(test, X_test.shape, where="X_test_norm"), where="X_test_norm")


leaves_inputs_unchanged(VISIBLE, "normalize_inputs", NORMALIZE)
