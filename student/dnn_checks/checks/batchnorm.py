"""Visible checks of Part D: batch normalization, forward (train and test) and backward.

The cache is the student's own: ``batchnorm_forward`` is called with ``opaque=(1,)`` and its
cache goes back, untouched, to the student's ``batchnorm_backward``; the gradients are judged
against trusted maths. ``bn_param`` may change in place: its state after the call is read from
the call's record. The hidden checks share these factories with the reference in place of
:func:`normalize`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np

from dnn_checks import network_inputs, strategies
from dnn_checks.compare import Failed, check_close, check_equal, check_shape, returned
from dnn_checks.properties import check_gradients, stored_values
from dnn_checks.registry import VISIBLE, Registry
from dnn_checks.runner import RecordingStudent
from dnn_checks.values import describe

Array = np.ndarray
Params = dict[str, Any]
#: The forward maths: ``maths(Z, gamma, beta, bn_param) -> (out, bn_param after the call)``, on the caller's copy.
Forward = Callable[[Array, Array, Array, Params], tuple[Array, Params]]
TRAIN = network_inputs.batchnorm_inputs(mode="train")
TEST = network_inputs.batchnorm_inputs(mode="test")
BACKWARD = TRAIN.flatmap(lambda d: strategies.matrices(d["Z"].shape).map(lambda dout: {**d, "dout": dout}))


def normalize(Z: Array, gamma: Array, beta: Array, bn_param: Params) -> tuple[Array, Params]:
    """(out, bn_param after the call), computed on a copy of bn_param."""
    after = copy.deepcopy(bn_param)
    eps, momentum = after.get("eps", 1e-5), after.get("momentum", 0.9)
    zeros = np.zeros((Z.shape[0], 1))
    mean, var = after.get("running_mean", zeros), after.get("running_var", zeros)
    if after["mode"] == "train":
        mean, var = Z.mean(axis=1, keepdims=True), Z.var(axis=1, keepdims=True)
        after["running_mean"] = momentum * after.get("running_mean", zeros) + (1 - momentum) * mean
        after["running_var"] = momentum * after.get("running_var", zeros) + (1 - momentum) * var
    return gamma * (Z - mean) / np.sqrt(var + eps) + beta, after


def forward(student: RecordingStudent, Z: Array, gamma: Array, beta: Array, bn_param: Params) -> tuple[Array, Any]:
    """(out, the student's cache, opaque) of the student's batchnorm_forward."""
    out, cache = returned("batchnorm_forward", student.call("batchnorm_forward", Z, gamma, beta, bn_param, opaque=(1,)))
    return check_shape(out, Z.shape, where="out"), cache


def forward_observed(student: RecordingStudent, Z: Array, gamma: Array, beta: Array,
                     bn_param: Params) -> tuple[Array, Params]:
    """(out, bn_param after the call) of the student's batchnorm_forward."""
    record = student.record("batchnorm_forward", Z, gamma, beta, bn_param, opaque=(1,))
    out, _ = returned("batchnorm_forward", record.output)
    return check_shape(out, Z.shape, where="out"), record.after("bn_param")


def backward(student: RecordingStudent, dout: Array, cache: Any, n: int) -> tuple[Array, Array, Array]:
    """(dZ, dgamma, dbeta) of the student's batchnorm_backward, of shapes dout's, (n, 1), (n, 1)."""
    dZ, dgamma, dbeta = returned("batchnorm_backward", student.call("batchnorm_backward", dout, cache))
    return (check_shape(dZ, dout.shape, where="dZ"), check_shape(dgamma, (n, 1), where="dgamma"),
            check_shape(dbeta, (n, 1), where="dbeta"))


def check_bn_param(expected_param: Params, bn_param: Any) -> None:
    """Raise Failed unless bn_param, after the call, holds the expected running statistics."""
    if not isinstance(bn_param, dict):
        raise Failed(f"bn_param should stay a dict, got {describe(bn_param)}")
    for key in ("running_mean", "running_var"):
        if key not in bn_param:
            raise Failed(f'bn_param has no "{key}" after the call: store the running statistics in bn_param itself')
        check_close(expected_param[key], bn_param[key], where=f'bn_param["{key}"] after the call')


def forward_checks(registry: Registry, maths: Forward, names: tuple[str, str, str], *, weight: float) -> None:
    """Value properties of batchnorm_forward against ``maths``: train-mode out, the running statistics it
    leaves in bn_param, test-mode out with bn_param unchanged; one property named by each of ``names``."""
    @registry.property("batchnorm_forward", names[0], role="value", given=TRAIN, weight=weight)
    def _(student: RecordingStudent, Z: Array, gamma: Array, beta: Array, bn_param: Params) -> None:
        check_close(maths(Z, gamma, beta, bn_param)[0], forward(student, Z, gamma, beta, bn_param)[0], where="out")

    @registry.property("batchnorm_forward", names[1], role="value", given=TRAIN, weight=weight)
    def _(student: RecordingStudent, Z: Array, gamma: Array, beta: Array, bn_param: Params) -> None:
        check_bn_param(maths(Z, gamma, beta, bn_param)[1], forward_observed(student, Z, gamma, beta, bn_param)[1])

    @registry.property("batchnorm_forward", names[2], role="value", given=TEST, weight=weight)
    def _(student: RecordingStudent, Z: Array, gamma: Array, beta: Array, bn_param: Params) -> None:
        out, after = forward_observed(student, Z, gamma, beta, bn_param)
        check_close(maths(Z, gamma, beta, bn_param)[0], out, where="out")
        check_equal(bn_param, after, where="bn_param after a test-mode call")


def backward_gradcheck(registry: Registry, out: Callable[[Array, Array, Array, Params], Array], against: str, *,
                       weight: float) -> None:
    """A value property: dZ, dgamma, dbeta from the student's own cache against central differences of
    sum(dout * out(Z, gamma, beta, bn_param)) in train mode."""
    @registry.property("batchnorm_backward", f"gradient check of dZ, dgamma, dbeta against {against} (train)",
                       role="value", given=BACKWARD, max_examples=3, weight=weight)
    def _(student: RecordingStudent, Z: Array, gamma: Array, beta: Array, bn_param: Params, dout: Array) -> None:
        _, cache = forward(student, Z, gamma, beta, bn_param)
        dZ, dgamma, dbeta = backward(student, dout, cache, Z.shape[0])
        check_gradients(lambda Z, gamma, beta: out(Z, gamma, beta, bn_param), {"Z": Z, "gamma": gamma, "beta": beta},
                        {"dZ": dZ, "dgamma": dgamma, "dbeta": dbeta}, dout, against=against, atol=1e-5)


def zero_and_twice(registry: Registry) -> None:
    """A gate: dout = 0 gives zero gradients, and a second call with the same cache the same result."""
    @registry.property("batchnorm_backward", "dout = 0 gives zero gradients; a second call gives the same result",
                       role="gate", given=BACKWARD, max_examples=3)
    def _(student: RecordingStudent, Z: Array, gamma: Array, beta: Array, bn_param: Params, dout: Array) -> None:
        _, cache = forward(student, Z, gamma, beta, bn_param)
        zeros = np.zeros_like(Z), np.zeros_like(gamma), np.zeros_like(beta)
        check_close(zeros, backward(student, np.zeros_like(dout), cache, Z.shape[0]), where="the gradients",
                    names=("dZ for dout = 0", "dgamma for dout = 0", "dbeta for dout = 0"))
        first = backward(student, dout, cache, Z.shape[0])
        check_equal(first, backward(student, dout, cache, Z.shape[0]), where="a second call with the same cache",
                    names=("dZ of a second call", "dgamma of a second call", "dbeta of a second call"))


def backward_of_forward(student: RecordingStudent, Z: Array, gamma: Array, beta: Array, dout: Array) -> Any:
    """(dZ, dgamma, dbeta): the student's backward from the cache of its own train-mode forward."""
    _, cache = forward(student, Z, gamma, beta, {"mode": "train"})
    return backward(student, dout, cache, Z.shape[0])


def _forward_inputs(rng: np.random.Generator) -> list[dict[str, Any]]:
    Z = rng.normal(1.0, 2.0, (3, 5))
    gamma, beta = rng.normal(1.0, 0.3, (3, 1)), rng.normal(0.0, 0.5, (3, 1))
    running = {"running_mean": rng.normal(0.0, 1.0, (3, 1)), "running_var": rng.uniform(0.5, 2.0, (3, 1))}
    params = [{"mode": "train"}, {"mode": "train", "eps": 0.1, "momentum": 0.7, **running},
              {"mode": "test", **running}, {"mode": "test", "eps": 0.1, **running}]
    return [{"Z": Z, "gamma": gamma, "beta": beta, "bn_param": bn_param} for bn_param in params]


def _backward_inputs(rng: np.random.Generator) -> list[dict[str, Any]]:
    Z = rng.normal(1.0, 2.0, (3, 5))
    return [{"Z": Z, "gamma": rng.normal(1.0, 0.3, (3, 1)), "beta": rng.normal(0.0, 0.5, (3, 1)),
             "dout": rng.normal(size=Z.shape)}]


forward_checks(VISIBLE, normalize, (
    "train: out = gamma * (Z - mean) / sqrt(var + eps) + beta over the batch (axis 1, biased variance)",
    "train: bn_param's running_mean and running_var become momentum * running + (1 - momentum) * batch statistic",
    "test: normalizes with the running statistics, bn_param unchanged"), weight=2)
stored_values(VISIBLE, "batchnorm_forward", _forward_inputs, observe=forward_observed,
              names=("out", "bn_param after the call"))


@VISIBLE.property("batchnorm_backward", "dbeta = sum of dout, dgamma = sum of dout * Z_hat (over the batch)",
                  role="value", given=BACKWARD)
def _(student: RecordingStudent, Z: Array, gamma: Array, beta: Array, bn_param: Params, dout: Array) -> None:
    _, cache = forward(student, Z, gamma, beta, bn_param)
    _, dgamma, dbeta = backward(student, dout, cache, Z.shape[0])
    Z_hat = normalize(Z, np.ones_like(gamma), np.zeros_like(beta), {**bn_param, "mode": "train"})[0]
    check_close(dout.sum(axis=1, keepdims=True), dbeta, where="dbeta")
    check_close(np.sum(dout * Z_hat, axis=1, keepdims=True), dgamma, where="dgamma")


backward_gradcheck(VISIBLE, lambda Z, gamma, beta, bn_param: normalize(Z, gamma, beta, bn_param)[0],
                   "out = gamma * Z_hat + beta", weight=3)
stored_values(VISIBLE, "batchnorm_backward", _backward_inputs, observe=backward_of_forward)
zero_and_twice(VISIBLE)
