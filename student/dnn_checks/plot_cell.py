"""Cells that train and plot with the student's functions: one clear line when one of those functions is wrong.

``with needs_working(globals()):`` around such a cell's code: when the code raises (a diverged run
ends in ``LinAlgError: Singular matrix`` inside matplotlib), the visible checks of the graded
functions the notebook defines run quietly, and the cell says which fail, in one line, instead of
a traceback. When they all pass the error is the cell's own, and it is raised as it is.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from typing import Any

from dnn_checks.graded import FUNCTIONS
from dnn_checks.registry import VISIBLE
from dnn_checks.student import Student


@contextlib.contextmanager
def needs_working(namespace: dict[str, Any]) -> Iterator[None]:
    """Run the cell's code; if it raises and a graded function of the notebook fails its check, say so in one line."""
    try:
        yield
    except Exception as exc:
        failing = failing_functions(namespace)
        if not failing:
            raise
        names = " and ".join(f"`{name}`" for name in failing)
        print(f"This plot needs a working {names}: {'its' if len(failing) == 1 else 'their'} test cell fails, "
              f"fix {'it' if len(failing) == 1 else 'them'} first (the plot stopped with {type(exc).__name__}).")


def failing_functions(namespace: dict[str, Any]) -> list[str]:
    """The graded functions defined in the notebook (not imported from its helper module) whose visible checks
    fail, the first to fix (not those that fail through another of them)."""
    student = Student(namespace)
    own = [name for name in FUNCTIONS if name in VISIBLE.functions() and student.has(name)
           and getattr(namespace[name], "__module__", None) == namespace.get("__name__")]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        failing = [name for name in own if not VISIBLE.run(name, student).passed]
    return [name for name in failing if not set(FUNCTIONS[name].calls) & set(failing)]
