"""Naming a known mistake in a student's Jupyter, from data: what the catalogued mistakes give on the stored inputs.

The grader names mistakes by running the catalog (``autograder.mistakes``); a student's Jupyter has
only what ``python -m autograder.build.expected`` stored: for each stored input, the outputs of the
known mistakes that differ there from the expected one. A mistake is named when the student's
outputs on the stored inputs are the mistake's on every one of them (the expected output where the
mistake gives it too) and it differs on at least one.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from dnn_checks import expected
from dnn_checks.calls import Call
from dnn_checks.compare import mismatch
from dnn_checks.expected import EXPECTED
from dnn_checks.registry import VISIBLE, Diagnose
from dnn_checks.runner import RecordingStudent
from dnn_checks.student import Student, StudentFailure


def stored_diagnosis(student: Student) -> Diagnose:
    """A ``Diagnose`` for the visible checks of ``student``'s functions: the known mistake their outputs on the
    stored inputs show, told once, at the check's first failed property."""
    def diagnose(function: str, properties: Sequence[Sequence[Call]], evidence: Sequence[Call]) -> list[str | None]:
        return [named_mistake(function, student), *[None] * (len(properties) - 1)]
    return diagnose


def named_mistake(function: str, student: Student) -> str | None:
    """The plain-words name of the known mistakes whose stored outputs are ``student``'s (several: "one of these")."""
    stored = VISIBLE.stored().get(function)
    if stored is None or function not in expected.functions():
        return None
    cases, mistakes = expected.cases(function), expected.mistakes(function)
    observed = []
    for case in cases:
        try:
            observed.append(stored.observe(RecordingStudent(student), **copy.deepcopy(_inputs(case))))
        except StudentFailure:
            break
    found = [message for message in dict.fromkeys(m for outputs in mistakes for m in outputs)
             if _fits(message, observed, cases, mistakes)]
    if len(found) < 2:
        return found[0] if found else None
    return "one of these: " + "; or ".join(found)


def _fits(message: str, observed: list[Any], cases: list[dict[str, Any]], mistakes: list[dict[str, Any]]) -> bool:
    """Whether the mistake ``message`` gives every output observed, and differs from the expected one on one."""
    wrong = [m.get(message, case[EXPECTED]) for case, m in zip(cases, mistakes)]
    return (any(message in m for m in mistakes[:len(observed)])
            and all(_same(w, o) for w, o in zip(wrong, observed)))


def _same(wanted: Any, got: Any) -> bool:
    try:
        return mismatch(wanted, got, where="output") is None
    except Exception:  # noqa: BLE001 - a student's output the comparison cannot read is no match
        return False


def _inputs(case: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in case.items() if k != EXPECTED}
