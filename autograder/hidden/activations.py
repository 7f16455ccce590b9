"""Hidden checks of the activations and their backward functions, against the reference."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from dnn_checks import strategies
from dnn_checks.checks.activations import backward, pair
from hypothesis import strategies as st

import reference
from autograder.hidden.registry import HIDDEN, matches_reference

#: Activation inputs: exact zeros for ReLU, saturation for sigmoid and tanh, large logits for softmax.
INPUTS: dict[str, st.SearchStrategy[float]] = {
    "relu": strategies.with_zeros(),
    "sigmoid": strategies.floats(min_value=-40.0, max_value=40.0),
    "tanh": strategies.floats(min_value=-20.0, max_value=20.0),
    "softmax": strategies.floats(min_value=-1000.0, max_value=1000.0),
}
#: Inputs of the backward gradient checks: off the ReLU kink.
GRADCHECK_INPUTS = {"relu": strategies.off_kink(), "sigmoid": strategies.floats(), "tanh": strategies.floats()}


def _forward(name: str) -> Callable[[np.ndarray], np.ndarray]:
    """The reference's activation ``name``: A only."""
    return lambda Z: getattr(reference, name)(Z)[0]


for _name, _elements in INPUTS.items():
    matches_reference(_name, {"Z": strategies.matrices(elements=_elements)})
for _name, _elements in GRADCHECK_INPUTS.items():
    matches_reference(f"{_name}_backward", pair(f"{_name}_backward", INPUTS[_name]))
    backward(HIDDEN, f"{_name}_backward", _forward(_name), f"the correct {_name}", _elements)
