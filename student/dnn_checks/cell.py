"""What a test cell runs: the checks of some functions, a printed report, the points as a float."""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from dnn_checks.registry import Diagnose, Registry
from dnn_checks.render import render
from dnn_checks.results import CheckResult, record
from dnn_checks.student import Student


def run_cell(registry: Registry, functions: tuple[str, ...], namespace: Mapping[str, Any], *,
             substitutes: Mapping[str, Callable[..., Any]] | None = None, diagnose: Diagnose | None = None) -> float:
    """Run ``registry``'s checks of ``functions``, print their report, return the points earned.

    Nothing reaches stderr (warnings and stray output are swallowed); the result is a plain
    float, never above the sum of the checks' points; each CheckResult goes to ``record``.
    """
    student = Student(namespace)
    results: list[CheckResult] = []
    with _silent():
        for function in functions:
            results.append(record(registry.run(function, student, substitutes=substitutes, diagnose=diagnose)))
    print("\n\n".join(render(r) for r in results), flush=True)
    earned = sum(r.points for r in results)
    return float(min(round(earned, 9), sum(r.max_points for r in results)))


@contextlib.contextmanager
def _silent() -> Iterator[None]:
    """No warnings, no numpy floating-point messages, nothing written to stderr."""
    with warnings.catch_warnings(), np.errstate(all="ignore"), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        yield
