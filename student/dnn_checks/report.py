"""The plain-text report a test cell prints: one block per check, ✔/✘ per property."""

from __future__ import annotations

import textwrap

from dnn_checks.contract import CALLS
from dnn_checks.results import CheckResult


def render(result: CheckResult) -> str:
    """The check's function, kind and points, then each property with its points and feedback."""
    head = f"{result.function} ({result.kind} checks): {_points(result.points)} / {_points(result.max_points)} points"
    lines = [head]
    for prop in result.properties:
        mark = "✔" if prop.passed else "✘"
        lines.append(f"  {mark} {prop.name}  [{_points(prop.points)}/{_points(prop.max_points)}]")
        if prop.from_callee:
            lines.append(_indent("passes with correct versions of the functions it calls; with yours it fails "
                                 "(that mistake costs points in their own checks):\n" + prop.message))
        elif not prop.passed:
            lines.append(_indent(prop.message + _callee_hint(result)))
        if prop.diagnosis:
            lines.append(_indent(f"diagnosis: {prop.diagnosis}"))
    return "\n".join(lines)


def _callee_hint(result: CheckResult) -> str:
    """For a visible check of a function that calls others: where else the mistake may be."""
    callees = CALLS.get(result.function, ())
    if result.kind != "visible" or not callees:
        return ""
    return f"\n(it calls {callees[0]}: when that function's check fails too, fix that one first)"


def _indent(text: str) -> str:
    return textwrap.indent(text, " " * 6)


def _points(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value else "0"
