"""Hidden checks of Part D: batch normalization against the reference, the student's own cache
passed from the student's forward to the student's backward (``opaque=(1,)``).

Properties judged on ``bn_param`` after the call, or on the backward of an opaque cache, name
known mistakes themselves (the recorded call alone cannot show them to the diagnosis).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np
from dnn_checks.checks.batchnorm import BACKWARD, TEST, TRAIN, backward, check_bn_param, forward
from dnn_checks.compare import Failed, check_close, check_equal
from dnn_checks.gradcheck import gradcheck
from dnn_checks.properties import gradcheck_failure
from dnn_checks.runner import RecordingStudent

import reference
from autograder.hidden.registry import HIDDEN
from autograder.mistakes import diagnose

Array = np.ndarray


def named(failure: Failed, function: str, call: Callable[[Callable[..., Any]], Any], output: Any) -> Failed:
    """``failure`` with the plain words of the catalogued mistakes that give ``output`` on ``call``."""
    found = diagnose(function, call, output)
    if not found:
        return failure
    return Failed(f"{failure}\ndiagnosis: " + "; or ".join(m.message for m in found))


def _forward_call(Z: Array, gamma: Array, beta: Array, bn_param: dict[str, Any]) -> Callable[[Callable[..., Any]], Any]:
    """call(f) -> (out, bn_param after f's call), on copies of the arguments as they are now."""
    original = copy.deepcopy(bn_param)

    def call(implementation: Callable[..., Any]) -> Any:
        param = copy.deepcopy(original)
        return implementation(Z.copy(), gamma.copy(), beta.copy(), param)[0], param
    return call


@HIDDEN.property("batchnorm_forward", "train: out matches the reference (eps given or not, near-constant rows)",
                 given=TRAIN, weight=3)
def _(student: RecordingStudent, Z: Array, gamma: Array, beta: Array, bn_param: dict[str, Any]) -> None:
    expected, _ = reference.batchnorm_forward(Z, gamma, beta, copy.deepcopy(bn_param))
    check_close(expected, forward(student, Z, gamma, beta, bn_param)[0], where="out")


@HIDDEN.property("batchnorm_forward", "train: running statistics updated in bn_param as the reference does",
                 given=TRAIN, weight=3)
def _(student: RecordingStudent, Z: Array, gamma: Array, beta: Array, bn_param: dict[str, Any]) -> None:
    call, after = _forward_call(Z, gamma, beta, bn_param), copy.deepcopy(bn_param)
    reference.batchnorm_forward(Z, gamma, beta, after)
    out, _ = forward(student, Z, gamma, beta, bn_param)
    try:
        check_bn_param(after, bn_param)
    except Failed as failure:
        raise named(failure, "batchnorm_forward", call, (out, bn_param)) from None


@HIDDEN.property("batchnorm_forward", "test: out matches the reference, bn_param unchanged", given=TEST, weight=3)
def _(student: RecordingStudent, Z: Array, gamma: Array, beta: Array, bn_param: dict[str, Any]) -> None:
    before = copy.deepcopy(bn_param)
    expected, _ = reference.batchnorm_forward(Z, gamma, beta, copy.deepcopy(bn_param))
    out, _ = forward(student, Z, gamma, beta, bn_param)
    try:
        check_close(expected, out, where="out")
        check_equal(before, bn_param, where="bn_param after a test-mode call")
    except Failed as failure:
        raise named(failure, "batchnorm_forward", _forward_call(Z, gamma, beta, before), (out, bn_param)) from None


def _reference_gradients(Z: Array, gamma: Array, beta: Array, bn_param: dict[str, Any], dout: Array) -> tuple:
    """(the reference's train-mode cache, its (dZ, dgamma, dbeta))."""
    _, cache = reference.batchnorm_forward(Z, gamma, beta, copy.deepcopy(bn_param))
    return cache, reference.batchnorm_backward(dout, cache)


@HIDDEN.property("batchnorm_backward", "matches the reference, from your own forward's cache", given=BACKWARD,
                 weight=3)
def _(student: RecordingStudent, Z: Array, gamma: Array, beta: Array, bn_param: dict[str, Any], dout: Array) -> None:
    cache, expected = _reference_gradients(Z, gamma, beta, bn_param, dout)
    _, own = forward(student, Z, gamma, beta, copy.deepcopy(bn_param))
    got = backward(student, dout, own, Z.shape[0])
    try:
        check_close(expected, got, where="(dZ, dgamma, dbeta)", rtol=1e-6)
    except Failed as failure:
        raise named(failure, "batchnorm_backward", lambda f: f(dout.copy(), cache), got) from None


@HIDDEN.property("batchnorm_backward", "gradient check of dZ, dgamma, dbeta against the correct forward (train)",
                 given=BACKWARD, max_examples=3, weight=2)
def _(student: RecordingStudent, Z: Array, gamma: Array, beta: Array, bn_param: dict[str, Any], dout: Array) -> None:
    _, own = forward(student, Z, gamma, beta, copy.deepcopy(bn_param))
    dZ, dgamma, dbeta = backward(student, dout, own, Z.shape[0])

    def out(Z: Array, gamma: Array, beta: Array) -> Array:
        return reference.batchnorm_forward(Z, gamma, beta, copy.deepcopy(bn_param))[0]
    result = gradcheck(out, {"Z": Z, "gamma": gamma, "beta": beta}, {"dZ": dZ, "dgamma": dgamma, "dbeta": dbeta},
                       dout, atol=1e-5)
    gradcheck_failure(result, "the correct batchnorm_forward")


@HIDDEN.property("batchnorm_backward", "dout = 0 gives zero gradients; a second call gives the same result",
                 given=BACKWARD, max_examples=3)
def _(student: RecordingStudent, Z: Array, gamma: Array, beta: Array, bn_param: dict[str, Any], dout: Array) -> None:
    _, own = forward(student, Z, gamma, beta, bn_param)
    zeros = np.zeros_like(Z), np.zeros_like(gamma), np.zeros_like(beta)
    check_close(zeros, backward(student, np.zeros_like(dout), own, Z.shape[0]), where="the gradients for dout = 0")
    check_equal(backward(student, dout, own, Z.shape[0]), backward(student, dout, own, Z.shape[0]),
                where="a second call with the same cache")
