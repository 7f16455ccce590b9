"""Grade one submitted notebook: walk its planned cells in order.

Student and locked cells run in the sandboxed worker session; each test cell's source (from
the source notebook) runs here, in the trusted process, in a fresh namespace of the proxies
of the functions the worker has defined at that point, under ``dnn_checks.results.collecting()``.
The cell's score is the sum of the collected results' points, at most the cell's points; its
feedback is what the checks printed, after the notes on what went wrong before it. A crashed
worker costs only what depends on the crashing code: the session starts a new worker and
replays the cells that had succeeded (``autograder.sandbox.remote.WorkerSession``).
"""

from __future__ import annotations

import builtins
import contextlib
import dataclasses
import functools
import io
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from dnn_checks.results import CheckResult, collecting

from autograder import course
from autograder.grading.submission import SourceNotebook, Step, SubmissionError, plan, read_source
from autograder.hidden import grading

#: Seconds a student cell may run (cells that train for long are tagged skip-grading).
CELL_TIMEOUT = 60.0
#: Longest note quoted from a failing student cell.
NOTE_CHARS = 1500


class CellRun(Protocol):
    """What running one cell in the worker gave (``autograder.sandbox.remote.CellRun``)."""

    ok: bool
    output: str
    error: str | None
    crashed: bool
    timed_out: bool


class Session(Protocol):
    """A sandboxed worker that executed the submission's cells so far (``autograder.sandbox.remote.WorkerSession``)."""

    def run_cell(self, source: str, *, timeout: float) -> CellRun: ...
    def functions(self) -> Mapping[str, Any]: ...
    def close(self) -> None: ...


class CellGrade(NamedTuple):
    """One grade cell: ``checks`` are the collected CheckResults as dicts (for reports)."""

    grade_id: str
    score: float
    max_score: float
    feedback: str
    checks: tuple[dict[str, Any], ...] = ()


def grade_notebook(session: Session, steps: list[Step], source: SourceNotebook) -> dict[str, CellGrade]:
    """Every grade cell of ``source``, graded by running ``steps`` in ``session``."""
    grades: dict[str, CellGrade] = {}
    notes: list[str] = []
    for step in steps:
        if step.where == "trusted":
            grades[step.label] = _test_cell(session, step, _points(source, step.label), notes)
            notes = []
        else:
            notes += _student_cell(session, step)
    return {c.grade_id: grades.get(c.grade_id) or _ungraded(c.grade_id, c.points, c.role) for c in source.graded()}


def _student_cell(session: Session, step: Step) -> list[str]:
    """Run a student or locked cell in the worker; return the notes for the next test's feedback."""
    if not step.source.strip():
        return list(step.notes)
    run = session.run_cell(step.source, timeout=CELL_TIMEOUT)
    if run.crashed:
        return [*step.notes, f"cell {step.label} stopped the worker: {_short(run.error)} "
                "(the cells before it were run again in a new worker, without it)"]
    if not run.ok:
        return [*step.notes, f"cell {step.label} raised an error: {_short(run.error)}"]
    return list(step.notes)


def _test_cell(session: Session, step: Step, points: float, notes: list[str]) -> CellGrade:
    """Run the test cell's source here against proxies of the worker's functions.

    Student names that would shadow a builtin or a dunder (``__builtins__``) are left out.
    """
    namespace = {name: proxy for name, proxy in session.functions().items()
                 if not name.startswith("__") and not hasattr(builtins, name)}
    output = io.StringIO()
    with grading(), collecting() as results, contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        try:
            exec(compile(step.source, f"<test cell {step.label}>", "exec"), namespace)  # noqa: S102 - trusted source
            failure = ""
        except Exception as exc:  # noqa: BLE001 - a test cell that fails scores 0 and says why
            failure = f"This cell could not be graded: {type(exc).__name__}: {exc}"
    notes = [*notes, *step.notes]
    score = 0.0 if failure else _score(results, points)
    feedback = "\n".join([*(f"Note: {n}" for n in notes), output.getvalue().rstrip(), failure]).strip()
    return CellGrade(step.label, score, points, feedback, tuple(dataclasses.asdict(r) for r in results))


def _score(results: list[CheckResult], points: float) -> float:
    """Sum of the collected points, within [0, points], added as the test cell adds them.

    Each ``run_checks`` / ``run_hidden_checks`` call (one per kind) returns its points
    rounded to 9 decimals (``dnn_checks.cell.run_cell``), so nbgrader's score is that sum.
    """
    total = 0.0
    for kind in dict.fromkeys(r.kind for r in results):
        part = [r for r in results if r.kind == kind]
        total += min(round(sum(r.points for r in part), 9), sum(r.max_points for r in part))
    return min(max(total, 0.0), points)


def _points(source: SourceNotebook, grade_id: str) -> float:
    return next(c.points for c in source.cells if c.grade_id == grade_id)


def _ungraded(grade_id: str, points: float, role: str) -> CellGrade:
    why = ("This answer is graded by hand." if role == "manual"
           else "This test cell was not run, so it earns no points.")
    return CellGrade(grade_id, 0.0, points, why)


def _short(text: str) -> str:
    text = (text or "").strip()
    return text if len(text) <= NOTE_CHARS else text[:NOTE_CHARS] + " [...]"


def grade_submission(start: Callable[[], Session], notebooks: Mapping[str, Any],
                     sources: Mapping[str, SourceNotebook], others: Mapping[str, set[str]]) -> dict[str, Any]:
    """One student's result as JSON-able values: every source notebook graded or given its reason.

    ``notebooks`` maps notebook names to the submitted paths; ``others`` the other
    assignments' grade ids (to name a notebook of the wrong assignment).
    """
    graded = {name: _notebook_result(start, notebooks.get(name), source, others) for name, source in sources.items()}
    return _student_result(graded, extra=sorted(set(notebooks) - set(sources)))


def ungraded_result(sources: Mapping[str, SourceNotebook], why: str) -> dict[str, Any]:
    """A result with every cell of every notebook at 0, saying ``why`` (the grader itself failed)."""
    return _student_result({name: _notebook_dict(_all_ungraded(source, why), why)
                            for name, source in sources.items()}, extra=[])


def _student_result(graded: Mapping[str, dict[str, Any]], *, extra: list[str]) -> dict[str, Any]:
    errors = [f"{name}: {nb['error']}" if len(graded) > 1 else nb["error"]
              for name, nb in graded.items() if nb["error"]]
    return {"score": sum(nb["score"] for nb in graded.values()),
            "max_score": sum(nb["max_score"] for nb in graded.values()),
            "error": "; ".join(errors) or None, "notebooks": dict(graded), "extra_notebooks": extra}


def _notebook_result(start: Callable[[], Session], path: Path | None, source: SourceNotebook,
                     others: Mapping[str, set[str]]) -> dict[str, Any]:
    """A notebook's score, cells and error (``"not submitted"`` or why it could not be read)."""
    if path is None:
        return _notebook_dict(_all_ungraded(source, "Not submitted."), "not submitted")
    try:
        steps = plan(path, source, others=others)
    except SubmissionError as exc:
        return _notebook_dict(_all_ungraded(source, f"Not graded: {exc}"), str(exc))
    with contextlib.closing(start()) as session:
        return _notebook_dict(grade_notebook(session, steps, source), None)


def _notebook_dict(cells: Mapping[str, CellGrade], error: str | None) -> dict[str, Any]:
    return {"score": sum(c.score for c in cells.values()), "max_score": sum(c.max_score for c in cells.values()),
            "error": error, "cells": {gid: c._asdict() for gid, c in cells.items()}}


def _all_ungraded(source: SourceNotebook, why: str) -> dict[str, CellGrade]:
    return {c.grade_id: CellGrade(c.grade_id, 0.0, c.points, why) for c in source.graded()}


class AssignmentInputs(NamedTuple):
    """What grading any submission of an assignment needs, read once per process."""

    sources: dict[str, SourceNotebook]
    files: dict[str, bytes]
    others: dict[str, set[str]]


@functools.cache
def assignment_inputs(root: Path, assignment: str) -> AssignmentInputs:
    """The source notebooks, the helper files and the other assignments' grade ids."""
    sources = {name: read_source(path) for name, path in course.source_notebooks(root, assignment).items()}
    others = {other: {c.grade_id for path in course.source_notebooks(root, other).values()
                      for c in read_source(path).cells}
              for other in course.assignments(root) if other != assignment}
    return AssignmentInputs(sources, course.helper_files(root, assignment), others)


def grade_student(factory: Any, root: str | Path, assignment: str, student: str) -> dict[str, Any]:
    """Grade one student's submission in fresh sessions of ``factory`` (a WorkerFactory)."""
    inputs = assignment_inputs(Path(root), assignment)
    submitted = course.submission(Path(root), student, assignment)
    return grade_submission(lambda: factory.session(inputs.files), submitted.notebooks, inputs.sources, inputs.others)
