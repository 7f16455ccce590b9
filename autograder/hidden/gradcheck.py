"""Hidden checks of the gradient check, against the reference."""

from __future__ import annotations

from typing import Any

from dnn_checks.compare import Failed, check_close, check_float
from dnn_checks.runner import RecordingStudent
from hypothesis import strategies as st

import reference
from autograder.hidden.layers import GRADIENT_CHECK
from autograder.hidden.registry import HIDDEN


def _gradient_check_inputs(inputs: dict[str, Any], epsilon: float, wrong: bool) -> dict[str, Any]:
    gradients = reference.L_model_backward(inputs["AL"], inputs["Y"], inputs["caches"])
    if wrong:
        gradients = {**gradients, "db1": gradients["db1"] + 0.5}
    return {"parameters": inputs["parameters"], "gradients": gradients, "X": inputs["X"], "Y": inputs["Y"],
            "epsilon": epsilon}


@HIDDEN.property("gradient_check_n", "matches the reference at large epsilons and for wrong gradients",
                 given=st.tuples(GRADIENT_CHECK, st.sampled_from([0.1, 0.01]), st.booleans()).map(
                     lambda drawn: _gradient_check_inputs(*drawn)), max_examples=4, weight=2)
def _(student: RecordingStudent, **inputs: Any) -> None:
    difference = check_float(student.call("gradient_check_n", *inputs.values()), where="the difference")
    check_close(reference.gradient_check_n(*inputs.values()), difference, where="the difference", rtol=1e-5)


@HIDDEN.property("gradient_check_n", "correct gradients give a difference below 1e-6 (epsilon = 1e-7)",
                 given=GRADIENT_CHECK.map(lambda inputs: _gradient_check_inputs(inputs, 1e-7, False)), max_examples=3)
def _(student: RecordingStudent, **inputs: Any) -> None:
    difference = check_float(student.call("gradient_check_n", *inputs.values()), where="the difference")
    if not 0 <= difference < 1e-6:
        raise Failed(f"the difference for correct gradients should be below 1e-6, got {difference!r}")
