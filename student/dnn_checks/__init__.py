"""Checks a student runs in Jupyter: visible property tests, gradient checks and their reports.

``run_checks("relu", "relu_backward", namespace=globals())`` prints a report and returns
the cell's points times the share of the visible points earned, a plain float;
``with needs_working(globals()):`` around a plot cell's code turns a crash caused by a wrong
function into one line naming it.

The names below are imported on first use, ``run_checks`` and ``needs_working`` with the visible
checks (``dnn_checks.registry``, which imports hypothesis: 0.4 s): a program that needs only a light
module of the package (``dnn_checks.student``, ``dnn_checks.results``, ``dnn_checks.values``) imports
it alone. The grader's command and its grading processes are such programs: their first job is to
start other processes.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dnn_checks.graded import graded
    from dnn_checks.plot_cell import needs_working
    from dnn_checks.results import CheckResult, PropertyResult, collecting

__all__ = ["CheckResult", "PropertyResult", "collecting", "graded", "needs_working", "run_checks"]

#: Where each name of ``__all__`` but ``run_checks`` is defined.
_HOMES = {"CheckResult": "dnn_checks.results", "PropertyResult": "dnn_checks.results",
          "collecting": "dnn_checks.results", "graded": "dnn_checks.graded", "needs_working": "dnn_checks.plot_cell"}


def run_checks(*functions: str, namespace: Mapping[str, Any]) -> float:
    """The visible checks of ``functions`` on the student's ``namespace``; prints the report."""
    from dnn_checks.cell import run_cell
    from dnn_checks.registry import VISIBLE

    return run_cell(VISIBLE, functions, namespace)


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})


def __getattr__(name: str) -> Any:
    """A name of ``__all__``, imported from its module on first use."""
    if name not in _HOMES:
        raise AttributeError(f"module 'dnn_checks' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name]), name)
    globals()[name] = value
    return value
