"""Hidden checks of the activations and their backward functions, against the reference."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

import reference
from autograder.hidden.registry import HIDDEN
from dnn_checks import strategies
from dnn_checks.compare import check_close, check_shape
from dnn_checks.gradcheck import gradcheck
from dnn_checks.properties import gradcheck_failure, same_result_twice, zero_upstream
from dnn_checks.runner import RecordingStudent


def _pair(name: str, elements: st.SearchStrategy[float]) -> dict[str, st.SearchStrategy]:
    """{"dA": ..., "cache": Z} of one shared shape; Z's entries from ``elements``."""
    shape = st.shared(strategies.matrix_shapes(), key=name)
    return {"dA": strategies.matrices(shape), "cache": strategies.matrices(shape, elements=elements)}


@HIDDEN.property("relu", "matches the reference, exact zeros included",
                 given={"Z": strategies.matrices(elements=strategies.with_zeros())})
def _(student: RecordingStudent, Z: np.ndarray) -> None:
    check_close(reference.relu(Z), student.call("relu", Z), where="relu(Z)")


@HIDDEN.property("relu_backward", "matches the reference, Z = 0 included",
                 given=_pair("relu_backward", strategies.with_zeros()), weight=2)
def _(student: RecordingStudent, dA: np.ndarray, cache: np.ndarray) -> None:
    check_close(reference.relu_backward(dA, cache), student.call("relu_backward", dA, cache), where="dZ")


@HIDDEN.property("relu_backward", "gradient check against the reference relu (away from Z = 0)",
                 given=_pair("relu_backward/gradcheck", strategies.off_kink()), max_examples=4)
def _(student: RecordingStudent, dA: np.ndarray, cache: np.ndarray) -> None:
    dZ = check_shape(student.call("relu_backward", dA, cache), dA.shape, where="dZ")
    forward = lambda Z: reference.relu(Z)[0]  # noqa: E731
    gradcheck_failure(gradcheck(forward, {"Z": cache}, {"dZ": dZ}, dA), "the correct relu")


zero_upstream(HIDDEN, "relu_backward", _pair("relu_backward/zero", strategies.with_zeros()), "dA")
same_result_twice(HIDDEN, "relu_backward", _pair("relu_backward/twice", strategies.with_zeros()))
