"""Visible checks of the activations and their backward functions (from the maths alone)."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from dnn_checks import strategies
from dnn_checks.compare import check_close, check_equal, check_shape, check_tuple
from dnn_checks.gradcheck import gradcheck
from dnn_checks.properties import (
    forward_of,
    gradcheck_failure,
    leaves_inputs_unchanged,
    same_result_twice,
    stored_values,
    zero_upstream,
)
from dnn_checks.registry import VISIBLE
from dnn_checks.runner import RecordingStudent


def _pair(name: str, elements: st.SearchStrategy[float]) -> dict[str, st.SearchStrategy]:
    """{"dA": ..., "cache": Z} of one shared shape; Z's entries from ``elements``."""
    shape = st.shared(strategies.matrix_shapes(), key=name)
    return {"dA": strategies.matrices(shape), "cache": strategies.matrices(shape, elements=elements)}


@VISIBLE.property("relu", "returns (A, cache): A has Z's shape, cache is Z", given={"Z": strategies.matrices()})
def _(student: RecordingStudent, Z: np.ndarray) -> None:
    A, cache = check_tuple(student.call("relu", Z), 2, where="the result of relu(Z)")
    check_shape(A, Z.shape, where="A")
    check_equal(Z, cache, where="cache")


@VISIBLE.property("relu", "A = max(0, Z), also where Z = 0", given={"Z": strategies.matrices(elements=strategies.with_zeros())})
def _(student: RecordingStudent, Z: np.ndarray) -> None:
    A, _ = check_tuple(student.call("relu", Z), 2, where="the result of relu(Z)")
    check_close(np.where(Z > 0, Z, 0.0), A, where="A")


stored_values(VISIBLE, "relu")
leaves_inputs_unchanged(VISIBLE, "relu", {"Z": strategies.matrices()})


@VISIBLE.property("relu_backward", "dZ has dA's shape and a float dtype", given=_pair("relu_backward", strategies.floats()))
def _(student: RecordingStudent, dA: np.ndarray, cache: np.ndarray) -> None:
    check_shape(student.call("relu_backward", dA, cache), dA.shape, where="dZ")


@VISIBLE.property("relu_backward", "dZ = 0 where Z <= 0 (Z = 0 included), dZ = dA where Z > 0",
                  given=_pair("relu_backward/mask", strategies.with_zeros()))
def _(student: RecordingStudent, dA: np.ndarray, cache: np.ndarray) -> None:
    dZ = check_shape(student.call("relu_backward", dA, cache), dA.shape, where="dZ")
    check_close(np.where(cache > 0, dA, 0.0), dZ, where="dZ")


@VISIBLE.property("relu_backward", "gradient check against your relu (away from Z = 0)",
                  given=_pair("relu_backward/gradcheck", strategies.off_kink()), max_examples=3)
def _(student: RecordingStudent, dA: np.ndarray, cache: np.ndarray) -> None:
    dZ = check_shape(student.call("relu_backward", dA, cache), dA.shape, where="dZ")
    result = gradcheck(forward_of(student, "relu", cache.shape), {"Z": cache}, {"dZ": dZ}, dA)
    gradcheck_failure(result, "your relu")


stored_values(VISIBLE, "relu_backward")
zero_upstream(VISIBLE, "relu_backward", _pair("relu_backward/zero", strategies.floats()), "dA")
same_result_twice(VISIBLE, "relu_backward", _pair("relu_backward/twice", strategies.with_zeros()))
leaves_inputs_unchanged(VISIBLE, "relu_backward", _pair("relu_backward/unchanged", strategies.with_zeros()))
