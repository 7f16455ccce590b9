"""The plain-text report a test cell prints: one block per check, ✔/✘ per property.

A check whose every property failed for want of one student function (the checked one or one
it calls, not defined or not implemented yet) is one line; so is each such property of a
check that otherwise ran. A requirement (a gate) shows no points of its own: when it fails, it
says what share of the points it takes away. An error raised by the student's code is shown
once per check (so is a call stopped for time): the properties it made fail after the first say so
in a few words. The results
keep the full messages (the grader's JSON).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from dnn_checks.graded import graded
from dnn_checks.results import NOT_DEFINED, CheckResult, Needs, PropertyResult


def render(result: CheckResult, failing_callees: Sequence[str] = ()) -> str:
    """The check's function, kind and points, then each property with its points and feedback; a last line
    names the functions it calls whose own checks fail (``failing_callees``), where its failures may come from."""
    score = f"{_points(result.points)} / {_points(result.max_points)} points"
    needs = _needed_by_all(result)
    if needs:
        return f"{result.function} ({result.kind} checks): {_wanting(needs, result.function)} ({score})"
    shown: set[str] = set()
    lines = [f"{result.function} ({result.kind} checks): {score}",
             *(line for prop in result.properties for line in _property(prop, result, shown))]
    if failing_callees and not result.passed:
        names = " and ".join(f"`{name}`" for name in failing_callees)
        lines.append(f"  → {names}, which it calls, fail{'s' * (len(failing_callees) == 1)} "
                     f"{'its' if len(failing_callees) == 1 else 'their'} own check: fix that first, "
                     "these failures may come from it")
    return "\n".join(lines)


def worth(functions: Sequence[str], earned: float) -> str:
    """The line under a student's test cell: what the cell is worth, what the visible checks give of it here."""
    visible = sum(graded(f).visible for f in functions)
    total = sum(graded(f).points for f in functions)
    if total == visible:
        return f"This cell is worth {_points(total)} points; you have {_points(earned)}."
    return (f"This cell is worth {_points(total)} points: {_points(visible)} from the checks above (you have "
            f"{_points(earned)}), {_points(total - visible)} from checks run when your notebook is graded.\n"
            f"Its value below is {_points(total)} × the share of the checks above that you pass.")


def _property(prop: PropertyResult, result: CheckResult, shown: set[str]) -> list[str]:
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
    elif not prop.passed and prop.failure in _STOPS and _error(prop.message) in shown:
        return [f"{line}  fails the same way (see above)"]
    elif not prop.passed:
        shown.add(_error(prop.message))
        lines.append(_indent(prop.message))
    if prop.diagnosis:
        lines.append(_indent(f"diagnosis: {prop.diagnosis}"))
    return lines


#: Failures told once per check: the student's code raised, ran out of time, or took its process down.
_STOPS = ("error", "timeout", "crashed")


def _error(message: str) -> str:
    """What a failure message says after the input it shows (a title line, then indented ones)."""
    lines = message.splitlines()
    said = [i for i, text in enumerate(lines) if i and not text.startswith(" ")]
    return "\n".join(lines[said[0]:]) if said else message


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


def _indent(text: str) -> str:
    return textwrap.indent(text, " " * 6)


def _points(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value else "0"
