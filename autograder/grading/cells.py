"""Grade one submitted notebook: walk its planned cells in order.

Student and locked cells run in the sandboxed worker session; each test cell's source (from
the source notebook) runs here, in the trusted process, in a fresh namespace of the proxies
of the functions the worker has defined at that point, under ``dnn_checks.results.collecting()``.
The cell's score is the sum of the collected results' points, at most the cell's points; its
result holds those CheckResults and the notes on what went wrong before it (typed results:
``autograder.grading.results``; the feedback text is rendered from them). A crashed
worker costs only what depends on the crashing code: the session starts a new worker and
replays the cells that had succeeded (``autograder.sandbox.remote.WorkerSession``).
"""

from __future__ import annotations

import builtins
import contextlib
import functools
import io
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

from dnn_checks.graded import ASSIGNMENTS, taught_in
from dnn_checks.registry import VISIBLE
from dnn_checks.results import CheckResult, collecting

from autograder.grading import examples
from autograder.grading.assignment import assignment_inputs, not_run
from autograder.grading.results import CellResult, NotebookResult, Note, NoteKind, StudentResult
from autograder.grading.submission import SourceNotebook, Step, SubmissionError, plan
from autograder.hidden import HIDDEN, grading

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
    exc_type: str | None


class Session(Protocol):
    """A sandboxed worker that executed the submission's cells so far (``autograder.sandbox.remote.WorkerSession``)."""

    def run_cell(self, source: str, *, timeout: float) -> CellRun: ...
    def functions(self) -> Mapping[str, Any]: ...
    def budget_spent(self) -> str | None: ...
    def close(self) -> None: ...


def grade_notebook(session: Session, steps: list[Step], source: SourceNotebook) -> dict[str, CellResult]:
    """Every grade cell of ``source``, graded by running ``steps`` in ``session``: test cells with the notes
    of the student cells since the previous test cell, manually graded cells ``manual``."""
    grades: dict[str, CellResult] = {}
    notes: list[Note] = []
    for step in steps:
        if session.budget_spent():  # the cells not reached are not run, and say so once each
            break
        if step.where == "trusted":
            grades[step.label] = _test_cell(session, step, _points(source, step.label), notes)
            notes = []
        else:
            notes += _student_cell(session, step)
    spent = session.budget_spent()
    return {c.grade_id: grades.get(c.grade_id) or _not_reached(c.grade_id, c.points, c.role, spent)
            for c in source.graded()}


def _student_cell(session: Session, step: Step) -> list[Note]:
    """Run a student or locked cell in the worker; return the notes for the next test cell."""
    if not step.source.strip():
        return list(step.notes)
    run = session.run_cell(step.source, timeout=CELL_TIMEOUT)
    if run.crashed:
        return [*step.notes, Note("cell_timeout" if run.timed_out else "cell_crashed", step.label, _short(run.error))]
    if not run.ok:
        kind: NoteKind = "cell_not_implemented" if run.exc_type == "NotImplementedError" else "cell_raised"
        return [*step.notes, Note(kind, step.label, _short(run.error))]
    return list(step.notes)


def _test_cell(session: Session, step: Step, points: float, notes: list[Note]) -> CellResult:
    """Run the test cell's source here against proxies of the worker's functions.

    What it prints is dropped (the feedback is rendered from the results). Student names that
    would shadow a builtin or a dunder (``__builtins__``) are left out.
    """
    namespace = {name: proxy for name, proxy in session.functions().items()
                 if not name.startswith("__") and not hasattr(builtins, name)}
    printed = io.StringIO()
    failure: list[Note] = []
    began = time.perf_counter()
    with grading(), collecting() as results, contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        try:
            exec(compile(step.source, f"<test cell {step.label}>", "exec"), namespace)  # noqa: S102 - trusted source
        except Exception as exc:  # noqa: BLE001 - a test cell that fails scores 0 and says why
            failure.append(Note("test_failed", step.label, f"{type(exc).__name__}: {exc}"))
    score = 0.0 if failure else _score(results, points)
    return CellResult.from_checks(step.label, score, points, results, [*notes, *step.notes, *failure],
                                  time.perf_counter() - began)


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


def _not_reached(grade_id: str, points: float, role: str, spent: str | None) -> CellResult:
    """A grade cell the walk did not reach: graded by hand, or a test cell after the budget ran out."""
    if role == "manual":
        return CellResult(grade_id, "manual", 0.0, points)
    return CellResult(grade_id, "timeout", 0.0, points, notes=(Note("budget_spent", None, spent or ""),))


def _short(text: str | None) -> str:
    text = (text or "").strip()
    return text if len(text) <= NOTE_CHARS else text[:NOTE_CHARS] + " [...]"


def grade_submission(start: Callable[[], Session], notebooks: Mapping[str, Any],
                     sources: Mapping[str, SourceNotebook], others: Mapping[str, set[str]]) -> StudentResult:
    """One student's result: every source notebook graded or given its reason.

    ``notebooks`` maps notebook names to the submitted paths; ``others`` the other
    assignments' grade ids (to name a notebook of the wrong assignment).
    """
    graded = {name: _notebook_result(start, notebooks.get(name), source, others) for name, source in sources.items()}
    return StudentResult(graded, tuple(sorted(set(notebooks) - set(sources))))


def _notebook_result(start: Callable[[], Session], path: Path | None, source: SourceNotebook,
                     others: Mapping[str, set[str]]) -> NotebookResult:
    """A notebook's cells, or every cell not run and why (not submitted, or why it could not be read)."""
    if path is None:
        return not_run(source, Note("not_submitted"))
    try:
        steps = plan(path, source, others=others)
    except SubmissionError as exc:
        return not_run(source, Note(exc.kind, None, str(exc)))
    with contextlib.closing(start()) as session:
        return NotebookResult(grade_notebook(session, steps, source))


@functools.cache
def warm_checks(root: Path, assignment: str) -> int:
    """Make the examples of the checks of the functions ``assignment`` teaches ready (once per process, from the
    examples cache when it holds them; a grading process does it while its sandbox starts); return how many."""
    functions = tuple(taught_in(assignment)) if assignment in ASSIGNMENTS else ()
    return examples.warm((VISIBLE, HIDDEN), functions, examples.cache_file(root, assignment))


def grade_student(factory: Any, root: str | Path, assignment: str, notebooks: Mapping[str, str]) -> StudentResult:
    """Grade one student's submitted ``notebooks`` (name: path) in fresh sessions of ``factory`` (a WorkerFactory)."""
    warm_checks(Path(root), assignment)
    inputs = assignment_inputs(Path(root), assignment)
    budget = factory.budget()  # one wall-time budget for all the submission's notebooks
    return grade_submission(lambda: factory.session(inputs.files, budget=budget),
                            {name: Path(path) for name, path in notebooks.items()}, inputs.sources, inputs.others)
