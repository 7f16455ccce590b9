"""Visible checks of Part D: batch normalization, forward (train and test) and backward.

The cache is the student's own: ``batchnorm_forward`` is called with ``opaque=(1,)`` and its
cache goes back, untouched, to the student's ``batchnorm_backward``.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from dnn_checks import expected, network_inputs, strategies
from dnn_checks.compare import Failed, check_close, check_equal, check_shape, check_tuple
from dnn_checks.gradcheck import gradcheck
from dnn_checks.properties import gradcheck_failure
from dnn_checks.registry import VISIBLE
from dnn_checks.runner import EXPECTED, RecordingStudent
from dnn_checks.values import describe

Array = np.ndarray
TRAIN = network_inputs.batchnorm_inputs(mode="train")
TEST = network_inputs.batchnorm_inputs(mode="test")


def normalize(Z: Array, gamma: Array, beta: Array, bn_param: dict[str, Any]) -> tuple[Array, dict[str, Any]]:
    """The contract's (out, bn_param after the call), computed on a copy of bn_param."""
    after = copy.deepcopy(bn_param)
    eps, momentum = after.get("eps", 1e-5), after.get("momentum", 0.9)
    zeros = np.zeros((Z.shape[0], 1))
    mean, var = after.get("running_mean", zeros), after.get("running_var", zeros)
    if after["mode"] == "train":
        mean, var = Z.mean(axis=1, keepdims=True), Z.var(axis=1, keepdims=True)
        after["running_mean"] = momentum * after.get("running_mean", zeros) + (1 - momentum) * mean
        after["running_var"] = momentum * after.get("running_var", zeros) + (1 - momentum) * var
    return gamma * (Z - mean) / np.sqrt(var + eps) + beta, after


def forward(student: RecordingStudent, Z: Array, gamma: Array, beta: Array,
            bn_param: dict[str, Any]) -> tuple[Array, Any]:
    """(out, the student's cache) of the student's batchnorm_forward; ``bn_param`` updated in place."""
    out, cache = check_tuple(student.call("batchnorm_forward", Z, gamma, beta, bn_param, opaque=(1,)), 2,
                             where="the result of batchnorm_forward")
    return check_shape(out, Z.shape, where="out"), cache


def check_bn_param(expected_param: dict[str, Any], bn_param: Any) -> None:
    """Raise Failed unless bn_param, after the call, holds the expected running statistics."""
    if not isinstance(bn_param, dict):
        raise Failed(f"bn_param should stay a dict, got {describe(bn_param)}")
    for key in ("running_mean", "running_var"):
        if key not in bn_param:
            raise Failed(f'bn_param has no "{key}" after the call: store the running statistics in bn_param itself')
        check_close(expected_param[key], bn_param[key], where=f'bn_param["{key}"] after the call')


@VISIBLE.property("batchnorm_forward", "train: out = gamma * (Z - mean) / sqrt(var + eps) + beta over the batch "
                  "(axis 1, biased variance)", given=TRAIN, weight=2)
def _(student: RecordingStudent, Z: Array, gamma: Array, beta: Array, bn_param: dict[str, Any]) -> None:
    out, _ = forward(student, Z, gamma, beta, bn_param)
    check_close(normalize(Z, gamma, beta, bn_param)[0], out, where="out")


@VISIBLE.property("batchnorm_forward", "train: bn_param's running_mean and running_var become momentum * running "
                  "+ (1 - momentum) * batch statistic", given=TRAIN, weight=2)
def _(student: RecordingStudent, Z: Array, gamma: Array, beta: Array, bn_param: dict[str, Any]) -> None:
    after = normalize(Z, gamma, beta, bn_param)[1]
    forward(student, Z, gamma, beta, bn_param)
    check_bn_param(after, bn_param)


@VISIBLE.property("batchnorm_forward", "test: normalizes with the running statistics, bn_param unchanged",
                  given=TEST, weight=2)
def _(student: RecordingStudent, Z: Array, gamma: Array, beta: Array, bn_param: dict[str, Any]) -> None:
    before = copy.deepcopy(bn_param)
    out, _ = forward(student, Z, gamma, beta, bn_param)
    check_close(normalize(Z, gamma, beta, before)[0], out, where="out")
    check_equal(before, bn_param, where="bn_param after a test-mode call")


@VISIBLE.property("batchnorm_forward", "matches the stored expected values (out and bn_param)",
                  cases=lambda: expected.cases("batchnorm_forward"))
def _(student: RecordingStudent, Z: Array, gamma: Array, beta: Array, bn_param: dict[str, Any], **answer: Any) -> None:
    out_expected, param_expected = answer[EXPECTED]
    out, _ = forward(student, Z, gamma, beta, bn_param)
    check_close(out_expected, out, where="out")
    check_close(param_expected, bn_param, where="bn_param after the call")


def backward(student: RecordingStudent, dout: Array, cache: Any, n: int) -> tuple[Array, Array, Array]:
    """(dZ, dgamma, dbeta) of the student's batchnorm_backward, of shapes dout's, (n, 1), (n, 1)."""
    dZ, dgamma, dbeta = check_tuple(student.call("batchnorm_backward", dout, cache), 3,
                                    where="the result of batchnorm_backward")
    return (check_shape(dZ, dout.shape, where="dZ"), check_shape(dgamma, (n, 1), where="dgamma"),
            check_shape(dbeta, (n, 1), where="dbeta"))


BACKWARD = TRAIN.flatmap(lambda d: strategies.matrices(d["Z"].shape).map(lambda dout: {**d, "dout": dout}))


@VISIBLE.property("batchnorm_backward", "dbeta = sum of dout, dgamma = sum of dout * Z_hat (over the batch)",
                  given=BACKWARD)
def _(student: RecordingStudent, Z: Array, gamma: Array, beta: Array, bn_param: dict[str, Any], dout: Array) -> None:
    _, cache = forward(student, Z, gamma, beta, bn_param)
    _, dgamma, dbeta = backward(student, dout, cache, Z.shape[0])
    Z_hat = (normalize(Z, np.ones_like(gamma), np.zeros_like(beta), {**bn_param, "mode": "train"})[0])
    check_close(dout.sum(axis=1, keepdims=True), dbeta, where="dbeta")
    check_close(np.sum(dout * Z_hat, axis=1, keepdims=True), dgamma, where="dgamma")


@VISIBLE.property("batchnorm_backward", "gradient check of dZ, dgamma, dbeta against your batchnorm_forward (train)",
                  given=BACKWARD, max_examples=3, weight=3)
def _(student: RecordingStudent, Z: Array, gamma: Array, beta: Array, bn_param: dict[str, Any], dout: Array) -> None:
    _, cache = forward(student, copy.deepcopy(Z), gamma, beta, copy.deepcopy(bn_param))
    dZ, dgamma, dbeta = backward(student, dout, cache, Z.shape[0])

    def out(Z: Array, gamma: Array, beta: Array) -> Array:
        return forward(student, Z, gamma, beta, copy.deepcopy(bn_param))[0]
    result = gradcheck(out, {"Z": Z, "gamma": gamma, "beta": beta}, {"dZ": dZ, "dgamma": dgamma, "dbeta": dbeta},
                       dout, atol=1e-5)
    gradcheck_failure(result, "your batchnorm_forward")


@VISIBLE.property("batchnorm_backward", "matches the stored expected values",
                  cases=lambda: expected.cases("batchnorm_backward"))
def _(student: RecordingStudent, Z: Array, gamma: Array, beta: Array, dout: Array, **answer: Any) -> None:
    _, cache = forward(student, Z, gamma, beta, {"mode": "train"})
    check_close(answer[EXPECTED], backward(student, dout, cache, Z.shape[0]), where="(dZ, dgamma, dbeta)")


@VISIBLE.property("batchnorm_backward", "dout = 0 gives zero gradients; a second call gives the same result",
                  given=BACKWARD, max_examples=3)
def _(student: RecordingStudent, Z: Array, gamma: Array, beta: Array, bn_param: dict[str, Any], dout: Array) -> None:
    _, cache = forward(student, Z, gamma, beta, bn_param)
    zeros = np.zeros_like(Z), np.zeros_like(gamma), np.zeros_like(beta)
    check_close(zeros, backward(student, np.zeros_like(dout), cache, Z.shape[0]), where="the gradients for dout = 0")
    first = backward(student, dout, cache, Z.shape[0])
    check_equal(first, backward(student, dout, cache, Z.shape[0]), where="a second call with the same cache")
