"""Hidden checks of the gradient check, against the reference."""

from __future__ import annotations

from typing import Any

from dnn_checks import strategies
from dnn_checks.checks.gradcheck import small_for_correct_gradients
from dnn_checks.network_inputs import network_of
from hypothesis import strategies as st

import reference
from autograder.hidden.layers import backward_inputs, off_kink
from autograder.hidden.registry import HIDDEN, matches_reference


def _gradient_check_inputs(inputs: dict[str, Any], epsilon: float, wrong: bool) -> dict[str, Any]:
    gradients = reference.L_model_backward(inputs["AL"], inputs["Y"], inputs["caches"])
    if wrong:
        gradients = {**gradients, "db1": gradients["db1"] + 0.5}
    X, parameters = network_of(inputs["caches"])
    return {"parameters": parameters, "gradients": gradients, "X": X, "Y": inputs["Y"], "epsilon": epsilon}


NETWORKS = strategies.networks(max_layers=2, max_m=3).map(backward_inputs).filter(off_kink)

matches_reference("gradient_check_n", st.tuples(NETWORKS, st.sampled_from([0.1, 0.01]), st.booleans()).map(
    lambda drawn: _gradient_check_inputs(*drawn)), max_examples=4, rtol=1e-5)
small_for_correct_gradients(HIDDEN, given=NETWORKS.map(lambda inputs: _gradient_check_inputs(inputs, 1e-7, False)))
