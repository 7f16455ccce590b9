"""Visible checks of the gradient check."""

from __future__ import annotations

from typing import Any

import numpy as np

from dnn_checks import expected
from dnn_checks.compare import Failed, check_float
from dnn_checks.expected import EXPECTED
from dnn_checks.network_inputs import network_gradients, random_network
from dnn_checks.properties import stored_values
from dnn_checks.registry import VISIBLE, Registry
from dnn_checks.runner import RecordingStudent


def small_for_correct_gradients(registry: Registry, given: Any = None, cases: Any = None) -> None:
    """A gate: for correct gradients at epsilon = 1e-7 the difference is round-off, below 1e-6."""
    @registry.property("gradient_check_n", "correct gradients give a difference below 1e-6 (epsilon = 1e-7)",
                       role="gate", given=given, cases=cases, max_examples=3)
    def _(student: RecordingStudent, **inputs: Any) -> None:
        difference = check_float(student.call("gradient_check_n", *inputs.values()), where="the difference")
        if not 0 <= difference < 1e-6:
            raise Failed(f"the difference for correct gradients should be below 1e-6, got {difference!r}")


def _inputs(rng: np.random.Generator) -> list[dict[str, Any]]:
    """Correct gradients at large epsilons (truncation shows), and wrong ones at the default epsilon."""
    X, parameters, Y = random_network(rng, [3, 2, 1], 3)
    gradients = network_gradients(X, parameters, Y)
    wrong = {**gradients, "dW1": gradients["dW1"] * 1.5}
    return [{"parameters": parameters, "gradients": gradients, "X": X, "Y": Y, "epsilon": epsilon}
            for epsilon in (1e-1, 1e-2)] + [{"parameters": parameters, "gradients": wrong, "X": X, "Y": Y,
                                             "epsilon": 1e-7}]


small_for_correct_gradients(VISIBLE, cases=lambda: [
    {**{k: v for k, v in case.items() if k != EXPECTED}, "epsilon": 1e-7} for case in expected.cases(
        "gradient_check_n")[:1]])
stored_values(VISIBLE, "gradient_check_n", _inputs, rtol=1e-5, weight=2)
