"""Hidden checks of Part D: batch normalization against the reference, the student's own cache
passed from the student's forward to the student's backward (``opaque=(1,)``).

The diagnosis reads ``bn_param`` after the call from the call's record; for the backward, whose
input is the student's opaque cache, the property tells it the equal trusted input (the
reference's cache of the same forward call).
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
from dnn_checks.checks.batchnorm import BACKWARD, backward_gradcheck, forward, forward_checks, zero_and_twice
from dnn_checks.compare import check_result
from dnn_checks.runner import RecordingStudent

import reference
from autograder.hidden.registry import HIDDEN

Array = np.ndarray
Params = dict[str, Any]


def _reference(Z: Array, gamma: Array, beta: Array, bn_param: Params) -> tuple[Array, Params]:
    """(out, bn_param after the call) of the reference, on a copy of bn_param."""
    after = copy.deepcopy(bn_param)
    return reference.batchnorm_forward(Z, gamma, beta, after)[0], after


forward_checks(HIDDEN, _reference, ("train: out matches the reference (eps given or not, near-constant rows)",
                                    "train: running statistics updated in bn_param as the reference does",
                                    "test: out matches the reference, bn_param unchanged"), weight=3)


@HIDDEN.property("batchnorm_backward", "matches the reference, from your own forward's cache", role="value",
                 given=BACKWARD, weight=3)
def _(student: RecordingStudent, Z: Array, gamma: Array, beta: Array, bn_param: Params, dout: Array) -> None:
    _, cache = reference.batchnorm_forward(Z, gamma, beta, copy.deepcopy(bn_param))
    _, own = forward(student, Z, gamma, beta, bn_param)
    got = student.call("batchnorm_backward", dout, own)
    student.stands_for(dout, cache)
    check_result("batchnorm_backward", reference.batchnorm_backward(dout, cache), got, rtol=1e-6)


backward_gradcheck(HIDDEN, lambda Z, gamma, beta, bn_param: _reference(Z, gamma, beta, bn_param)[0],
                   "the correct batchnorm_forward", weight=2)
zero_and_twice(HIDDEN)
