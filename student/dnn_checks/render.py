"""The plain-text report a test cell prints: one block per check, ✔/✘ per property.

A check whose every property failed for want of one student function (the checked one or one
it calls, not defined or not implemented yet) is one line; so is each such property of a
check that otherwise ran. A requirement (a gate) shows no points of its own: when it fails, it
says what share of the points it takes away. The results keep the full messages (the grader's JSON).
"""

from __future__ import annotations

import textwrap

from dnn_checks.graded import graded
from dnn_checks.results import NOT_DEFINED, CheckResult, Needs, PropertyResult


def render(result: CheckResult) -> str:
    """The check's function, kind and points, then each property with its points and feedback."""
    score = f"{_points(result.points)} / {_points(result.max_points)} points"
    needs = _needed_by_all(result)
    if needs:
        return f"{result.function} ({result.kind} checks): {_wanting(needs, result.function)} ({score})"
    return "\n".join([f"{result.function} ({result.kind} checks): {score}",
                      *(line for prop in result.properties for line in _property(prop, result))])


def _property(prop: PropertyResult, result: CheckResult) -> list[str]:
    mark = "✔" if prop.passed else "✘"
    line = f"  {mark} {prop.name}  {_worth(prop, result)}".rstrip()
    if prop.needs and prop.from_callee:
        return [f"{line}  passes with a correct `{prop.needs.function}` "
                f"(yours is {prop.needs.why}: that costs points in its own check)"]
    if prop.needs and not prop.passed:
        return [f"{line}  {_wanting(prop.needs, result.function)}"]
    lines = [line]
    if prop.from_callee:
        lines.append(_indent("passes with correct versions of the functions it calls; with yours it fails "
                             "(that mistake costs points in their own checks):\n" + prop.message))
    elif not prop.passed:
        lines.append(_indent(prop.message + _callee_hint(result)))
    if prop.diagnosis:
        lines.append(_indent(f"diagnosis: {prop.diagnosis}"))
    return lines


def _worth(prop: PropertyResult, result: CheckResult) -> str:
    """'[0.5/1]' for the law's properties; for a requirement, nothing when met, else the share it takes away."""
    if prop.role == "value":
        return f"[{_points(prop.points)}/{_points(prop.max_points)}]"
    if prop.passed:
        return ""
    share = prop.weight / sum(p.weight for p in result.properties)
    return f"[required: takes {share:.0%} off the points]"


def _needed_by_all(result: CheckResult) -> Needs | None:
    """The one student function every property failed for want of, if there is one."""
    needs = {prop.needs if not prop.passed else None for prop in result.properties}
    return needs.pop() if len(needs) == 1 else None


def _wanting(needs: Needs, function: str) -> str:
    """'not implemented yet', '`f` is not defined (...)', or 'needs `relu` first (`relu` is not implemented yet)'."""
    if needs.function != function:
        return f"needs `{needs.function}` first (`{needs.function}` is {needs.why})"
    if needs.why == NOT_DEFINED:
        return f"`{function}` is not defined: did you run its cell, or rename it?"
    return needs.why


def _callee_hint(result: CheckResult) -> str:
    """For a visible check of a function that calls others: where else the mistake may be."""
    callees = graded(result.function).calls if result.kind == "visible" else ()
    if not callees:
        return ""
    return f"\n(it calls {callees[0]}: when that function's check fails too, fix that one first)"


def _indent(text: str) -> str:
    return textwrap.indent(text, " " * 6)


def _points(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value else "0"
