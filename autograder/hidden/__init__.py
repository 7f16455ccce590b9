"""Hidden checks: the reference on hypothesis inputs, gradient checks against the reference forward.

``run_hidden_checks("relu", "relu_backward", namespace=globals())`` works like
``dnn_checks.run_checks``: it prints a report, writes nothing to stderr and returns the
points as a plain float. Graded functions that a checked function calls are replaced
by the reference's when a property fails with the student's own (``dnn_checks.graded``);
a failing output is named by the mistake catalog when it matches a known wrong variant.
Feedback shows inputs, outputs and the mistake's name, never this code or the reference's.

:func:`grading` is the context the grader enters around each test cell: the visible checks
then run with the reference's callees too, and their stored-values properties also on new
inputs that no student has seen (``dnn_checks.registry.Grading``).
"""

from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import Any

from dnn_checks.cell import run_cell
from dnn_checks.graded import FUNCTIONS
from dnn_checks.registry import Grading
from dnn_checks.registry import grading as grading_context

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

__all__ = ["GRADING", "HIDDEN", "grading", "run_hidden_checks"]

#: The grading context: the reference's graded functions, and the seed of the inputs no student sees.
GRADING = Grading({name: getattr(reference, name) for name in FUNCTIONS}, seed=0x5EED_2024)


def grading() -> AbstractContextManager[Grading]:
    """``with grading():`` the checks run as the grader runs them (see the module's docstring)."""
    return grading_context(GRADING)


def run_hidden_checks(*functions: str, namespace: Mapping[str, Any], visible: float | None = None) -> float:
    """The hidden checks of ``functions`` on the student's ``namespace``; prints the report. Returns the hidden
    points earned, plus the visible points behind ``visible`` (what ``run_checks`` returned) when given."""
    callees = {name for f in functions for name in FUNCTIONS[f].calls}
    return run_cell(HIDDEN, functions, namespace, substitutes={name: GRADING.reference[name] for name in callees},
                    diagnose=explain, visible=visible)
