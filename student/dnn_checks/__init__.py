"""Checks a student runs in Jupyter: visible property tests, gradient checks and their reports.

``run_checks("relu", "relu_backward", namespace=globals())`` prints a report and returns
the cell's points times the share of the visible points earned, a plain float;
``with needs_working(globals()):`` around a plot cell's code turns a crash caused by a wrong
function into one line naming it.
"""

from collections.abc import Mapping
from typing import Any

from dnn_checks import checks as _checks  # noqa: F401 - registers the visible checks
from dnn_checks.cell import run_cell
from dnn_checks.graded import graded
from dnn_checks.plot_cell import needs_working
from dnn_checks.registry import VISIBLE
from dnn_checks.results import CheckResult, PropertyResult, collecting

__all__ = ["CheckResult", "PropertyResult", "collecting", "graded", "needs_working", "run_checks"]


def run_checks(*functions: str, namespace: Mapping[str, Any]) -> float:
    """The visible checks of ``functions`` on the student's ``namespace``; prints the report."""
    return run_cell(VISIBLE, functions, namespace)
