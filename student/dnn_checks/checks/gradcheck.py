"""Visible checks of the gradient check."""

from __future__ import annotations

from typing import Any

from dnn_checks import expected
from dnn_checks.compare import Failed, check_float
from dnn_checks.properties import stored_values
from dnn_checks.registry import VISIBLE
from dnn_checks.runner import EXPECTED, RecordingStudent


@VISIBLE.property("gradient_check_n", "correct gradients give a difference below 1e-6 (epsilon = 1e-7)",
                  cases=lambda: [{**{k: v for k, v in case.items() if k != EXPECTED}, "epsilon": 1e-7}
                                 for case in expected.cases("gradient_check_n")[:1]])
def _(student: RecordingStudent, **inputs: Any) -> None:
    difference = check_float(student.call("gradient_check_n", *inputs.values()), where="the difference")
    if not 0 <= difference < 1e-6:
        raise Failed(f"the difference for correct gradients should be below 1e-6, got {difference!r}")


stored_values(VISIBLE, "gradient_check_n", rtol=1e-5, weight=2)
