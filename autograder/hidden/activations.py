"""Hidden checks of the activations and their backward functions, against the reference."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from dnn_checks import strategies
from dnn_checks.checks.activations import backward, pair
from dnn_checks.compare import check_close
from dnn_checks.runner import RecordingStudent
from hypothesis import strategies as st

import reference
from autograder.hidden.registry import HIDDEN

Array = np.ndarray
#: Activation inputs: exact zeros for ReLU, saturation for sigmoid and tanh, large logits for softmax.
INPUTS: dict[str, st.SearchStrategy[float]] = {
    "relu": strategies.with_zeros(),
    "sigmoid": strategies.floats(min_value=-40.0, max_value=40.0),
    "tanh": strategies.floats(min_value=-20.0, max_value=20.0),
    "softmax": strategies.floats(min_value=-1000.0, max_value=1000.0),
}
#: Inputs of the backward gradient checks: off the ReLU kink.
GRADCHECK_INPUTS = {"relu": strategies.off_kink(), "sigmoid": strategies.floats(), "tanh": strategies.floats()}


def matches_reference(function: str, given: dict[str, st.SearchStrategy], weight: float = 2, *,
                      name: str = "matches the reference") -> None:
    """``name``: the student's output against ``reference.<function>`` on ``given``."""
    correct = getattr(reference, function)

    @HIDDEN.property(function, name, given=given, weight=weight, max_examples=10)
    def _(student: RecordingStudent, **inputs: Array) -> None:
        check_close(correct(*inputs.values()), student.call(function, *inputs.values()),
                    where=f"the result of {function}")


def _forward(name: str) -> Callable[[RecordingStudent], Callable[..., Array]]:
    return lambda student: lambda Z: getattr(reference, name)(Z)[0]


for _name, _elements in INPUTS.items():
    matches_reference(_name, {"Z": strategies.matrices(elements=_elements)})
for _name, _elements in GRADCHECK_INPUTS.items():
    matches_reference(f"{_name}_backward", pair(f"{_name}_backward", INPUTS[_name]))
    backward(HIDDEN, f"{_name}_backward", _forward(_name), f"the correct {_name}", _elements)
