"""Hidden checks of the linear and linear-activation layers, against the reference."""

from __future__ import annotations

from dnn_checks import strategies
from dnn_checks.checks.layers import layer_backward_inputs, linear_activation_gradcheck, linear_gradcheck
from hypothesis import strategies as st

import reference
from autograder.hidden.activations import matches_reference
from autograder.hidden.registry import HIDDEN

matches_reference("linear_forward", strategies.linear_inputs("linear_forward"))
matches_reference("linear_activation_forward", {**strategies.linear_inputs("linear_activation_forward"),
                                                "activation": st.sampled_from(strategies.ACTIVATIONS)})
matches_reference("linear_backward", layer_backward_inputs("linear_backward"))
matches_reference("linear_activation_backward", strategies.linear_activation_caches())
linear_gradcheck(HIDDEN, lambda student: lambda **inputs: reference.linear_forward(*inputs.values())[0],
                 "the correct linear_forward")
linear_activation_gradcheck(
    HIDDEN, lambda student: lambda **inputs: reference.linear_activation_forward(*inputs.values())[0],
    "the correct linear_activation_forward")
