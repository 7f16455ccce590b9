"""Hidden checks: the reference on hypothesis inputs, gradient checks against the reference forward.

``run_hidden_checks("relu", "relu_backward", namespace=globals())`` works like
``dnn_checks.run_checks``: it prints a report, writes nothing to stderr and returns the
points as a plain float. Contract functions that a checked function calls are replaced
by the reference's when a property fails with the student's own (``dnn_checks.graded``);
a failing output is named by the mistake catalog when it matches a known wrong variant.
Feedback shows inputs, outputs and the mistake's name, never this code or the reference's.
"""

from collections.abc import Mapping
from typing import Any

from dnn_checks.cell import run_cell
from dnn_checks.graded import graded

import reference
from autograder.hidden import (  # noqa: F401 - register the hidden checks
    activations,
    batchnorm,
    composition,
    costs,
    data,
    gradcheck,
    hyperparameters,
    initializers,
    layers,
    optimizers,
    regularization,
    scaling,
)
from autograder.hidden.registry import HIDDEN
from autograder.mistakes import explain

__all__ = ["HIDDEN", "run_hidden_checks"]


def run_hidden_checks(*functions: str, namespace: Mapping[str, Any]) -> float:
    """The hidden checks of ``functions`` on the student's ``namespace``; prints the report."""
    callees = {name for f in functions for name in graded(f).calls}
    return run_cell(HIDDEN, functions, namespace, substitutes={name: getattr(reference, name) for name in callees},
                    diagnose=explain)

