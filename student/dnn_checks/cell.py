"""What a test cell runs: the checks of some functions, a printed report, the points as a float.

A test cell is worth ``N`` points, the visible and hidden points of the functions it names
(``cell_points``). In a student's notebook only the visible checks run, so the cell shows
``N * (visible points earned / visible points)`` (``shown``): nbgrader's Validate then says
"passed" exactly when every visible check passes. In the source notebook the hidden checks,
given that value, add their points to the visible points earned (``earned_visible``), so
the cell's value is what the grader counts.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from dnn_checks.diagnosis import stored_diagnosis
from dnn_checks.graded import graded
from dnn_checks.registry import VISIBLE, Diagnose, Registry, current_grading
from dnn_checks.render import render, worth
from dnn_checks.results import CheckResult, record
from dnn_checks.student import Student

#: The points are rounded to so many decimals (nbgrader and the grader add them alike).
DECIMALS = 9


def run_cell(registry: Registry, functions: tuple[str, ...], namespace: Mapping[str, Any], *,
             substitutes: Mapping[str, Callable[..., Any]] | None = None, diagnose: Diagnose | None = None,
             visible: float | None = None) -> float:
    """Run ``registry``'s checks of ``functions``, print their report, return the cell's value.

    Visible checks: in Jupyter (not grading) a failure is diagnosed from the stored data (``diagnosis``);
    the value is ``shown`` (the cell's points times the share of the visible points earned).
    Hidden checks: the hidden points earned, plus the visible points behind the value ``visible``
    the visible checks returned, when given. Nothing reaches stderr (warnings and stray output
    are swallowed); each CheckResult goes to ``record``.
    """
    student = Student(namespace)
    if registry is VISIBLE and diagnose is None and not current_grading():
        diagnose = stored_diagnosis(student)
    results: list[CheckResult] = []
    with _silent():
        for function in functions:
            results.append(record(registry.run(function, student, substitutes=substitutes, diagnose=diagnose)))
    earned = float(min(round(sum(r.points for r in results), DECIMALS), sum(r.max_points for r in results)))
    if registry is VISIBLE:
        with _silent():
            hints = _failing_callees(results, student)
        print("\n\n".join([*(render(r, hints[r.function]) for r in results), worth(functions, earned)]), flush=True)
        return shown(functions, earned)
    print("\n\n".join(render(r) for r in results), flush=True)
    return earned if visible is None else round(earned_visible(functions, visible) + earned, DECIMALS)


def _failing_callees(results: list[CheckResult], student: Student) -> dict[str, list[str]]:
    """For each failed check, the student's functions it calls whose own visible checks fail, the first to
    fix (not those that fail through another of them): in Jupyter, where no correct version is at hand to
    tell whether a failure comes from them (none when grading: the checks then use correct callees)."""
    verdicts: dict[str, bool] = {}

    def fails(callee: str) -> bool:
        if callee not in verdicts:
            result = VISIBLE.run(callee, student)
            verdicts[callee] = not result.passed and not any(p.needs for p in result.properties)
        return verdicts[callee]

    hints: dict[str, list[str]] = {}
    for result in results:
        failing = [] if result.passed or current_grading() else [
            c for c in graded(result.function).calls if student.has(c) and fails(c)]
        hints[result.function] = [c for c in failing if not set(graded(c).calls) & set(failing)]
    return hints


def cell_points(functions: tuple[str, ...]) -> float:
    """What a test cell naming ``functions`` is worth: their visible and hidden points."""
    return float(sum(graded(f).points for f in functions))


def shown(functions: tuple[str, ...], earned: float) -> float:
    """The value a student's test cell shows: its points times the share of the visible points ``earned``."""
    visible = sum(graded(f).visible for f in functions)
    return round(cell_points(functions) * earned / visible, DECIMALS)


def earned_visible(functions: tuple[str, ...], value: float) -> float:
    """The visible points behind the value ``shown`` gave (exact to ``DECIMALS``)."""
    visible = sum(graded(f).visible for f in functions)
    return round(value * visible / cell_points(functions), DECIMALS)


@contextlib.contextmanager
def _silent() -> Iterator[None]:
    """No warnings, no numpy floating-point messages, nothing written to stderr."""
    with warnings.catch_warnings(), np.errstate(all="ignore"), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        yield
