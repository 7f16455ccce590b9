"""``autograder grade``: grade an assignment's submissions, resumably, into the gradebook.

The pipeline, in order: find the course and the assignment; refuse without a sandbox
unless ``insecure`` (probed in a thread while the students with a folder in ``submitted/`` are
split into those whose stored result is still valid and those to grade: nothing is written
before the probe answers); grade the rest in parallel while the gradebook gets
the assignment (in a background thread: nbgrader's preprocessors cost seconds, which the grading
processes would otherwise wait for); for each result as it comes, record it in the
gradebook, write the feedback, then store it (so an interrupted run loses nothing and counts
nothing twice); then the same for the gradebook's other students, and for every submission
without a notebook, here (nothing to run: no grading process); write the JSON.

The gradebook's module imports nbgrader (seconds): it is imported where it is first used, after
the grading processes have started. The command never imports the checks, which its grading
processes run (``tests/test_startup_imports.py``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from autograder import course
from autograder.course import CourseError, Submission
from autograder.grading import parallel, store

if TYPE_CHECKING:
    from autograder.grading.gradebook import Recorder
    from autograder.grading.results import StudentResult


class Outcome(NamedTuple):
    """One student: ``status`` is ``"graded"``, ``"unchanged"`` (stored result reused) or ``"failed"``
    (the grader itself failed: reported, not stored, graded again next run)."""

    student: str
    status: str
    result: StudentResult
    seconds: float


class Batch(NamedTuple):
    root: Path
    assignment: str
    version: str
    outcomes: list[Outcome]


class ToGrade(NamedTuple):
    """A submission to grade, and the content hash of it as it was when the run decided to grade it."""

    submission: Submission
    content: str


def grade_assignment(*, course_dir: Path | None = None, assignment: str, students: Sequence[str] = (),
                     jobs: int | None = None, json_path: Path | None = None, force: bool = False,
                     insecure: bool = False, dask: str | None = None, budget: float | None = None,
                     console: Console | None = None, gradebook: bool = True) -> Batch:
    """Grade ``assignment`` (every student, or ``students``), ``budget`` seconds of wall time each at most
    (None: ``Limits.submission_seconds``), into the course's gradebook unless ``gradebook`` is false (a course
    copy that is thrown away: Gradescope's); raise CourseError when nothing can be graded."""
    root = course.find_course(course_dir)
    sources = course.source_notebooks(root, assignment)
    with ThreadPoolExecutor(1, thread_name_prefix="sandbox-probe") as probing:
        # The probe runs a Python in the sandbox (half a second; and the first time, one that makes matplotlib's
        # font list); what the grading processes need is read meanwhile.
        probe = probing.submit(_prepare_sandbox, insecure=insecure, remote=dask is not None)
        from autograder.grading.submission import worker_preload

        version = store.grader_version(root, assignment)
        # The students with a folder in submitted/ are known at once: their grading processes start while the
        # gradebook is made. The gradebook's other students handed in nothing; they are graded here, after.
        names = sorted(set(students)) if students else course.students(root)
        kept, todo = _reuse(root, assignment, names, version=version, force=force)
        preload = worker_preload(sources.values())
        probe.result()
    with BackgroundGradebook(root, assignment, sources) if gradebook else NoGradebook() as book:
        tasks = [{"root": str(root), "assignment": assignment, "student": s, "insecure": insecure, "budget": budget,
                  "notebooks": {name: str(path) for name, path in t.submission.notebooks.items()}}
                 for s, t in todo.items() if t.submission.notebooks]
        results = (parallel.run_dask(tasks, address=dask) if dask
                   else parallel.run_local(tasks, jobs=jobs or parallel.default_jobs(), insecure=insecure,
                                           budget=budget, preload=preload,
                                           probed=None if insecure else _sandbox_mode()))
        graded = [_finish(book.recorder(), root, assignment, item, version=version,
                          content=todo[item["student"]].content) for item in _progress(results, len(tasks), console)]
        if not students and (recorder := book.recorder()) is not None:
            absent = sorted({s.id for s in recorder.gradebook.students} - set(names))
            kept_absent, todo_absent = _reuse(root, assignment, absent, version=version, force=force)
            kept, todo = kept | kept_absent, todo | todo_absent
        graded += [_keep(book.recorder(), root, assignment, student, _nothing_handed_in(root, assignment), 0.0,
                         version=version, content=t.content)
                   for student, t in todo.items() if not t.submission.notebooks]
        reused = _kept(book.recorder(), root, assignment, kept)
    batch = Batch(root, assignment, version, sorted(reused + graded))
    if json_path is not None:
        from autograder.grading import contract_json

        contract_json.write(json_path, assignment, {o.student: o.result for o in batch.outcomes})
    return batch


class BackgroundGradebook:
    """The course's gradebook, made ready in a background thread (the assignment created from its source notebooks by
    nbgrader's preprocessors: seconds of CPU, spent while the grading processes start), then opened in this thread
    on first use: ``with BackgroundGradebook(root, assignment, sources) as book: book.recorder()``."""

    def __init__(self, root: Path, assignment: str, sources: Mapping[str, Path]) -> None:
        self._root, self._recorder = root, None
        self._background = ThreadPoolExecutor(1, thread_name_prefix="gradebook")
        self._created = self._background.submit(_create_assignment, root, assignment, sources)

    def recorder(self) -> Recorder:
        """The open gradebook, once the assignment is in it (waits for that; raises what creating it raised)."""
        if self._recorder is None:
            self._created.result()
            from autograder.grading.gradebook import Recorder

            self._recorder = Recorder(self._root)
        return self._recorder

    def __enter__(self) -> BackgroundGradebook:
        return self

    def __exit__(self, *exc: object) -> None:
        self._background.shutdown(cancel_futures=True)
        if self._recorder is not None:
            self._recorder.__exit__(*exc)


class NoGradebook:
    """No gradebook: results go to the feedback pages and the store only (``book.recorder()`` is None)."""

    def recorder(self) -> None:
        return None

    def __enter__(self) -> NoGradebook:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def _create_assignment(root: Path, assignment: str, sources: Mapping[str, Path]) -> None:
    """In the background thread, which so imports nbgrader (seconds) while the grading processes start. Its modules
    import each other in a cycle: no other thread imports nbgrader until this one is done (``recorder`` waits)."""
    from autograder.grading import gradebook

    gradebook.ensure_assignment(root, assignment, sources)


def _sandbox_mode() -> str:
    """The sandbox's mode, as ``_prepare_sandbox`` found it (probed once per process)."""
    from autograder.sandbox.bubblewrap import mode

    return mode()


def _prepare_sandbox(*, insecure: bool, remote: bool) -> None:
    """Refuse to run student code unsandboxed unless told to (Dask workers check for themselves); then make
    matplotlib's font list for the local workers' fork servers, once per machine (``autograder.sandbox.fonts``)."""
    from autograder.sandbox import fonts
    from autograder.sandbox.bubblewrap import check_available, environment

    reason = None if insecure or remote else check_available()
    if reason:
        raise CourseError(f"the sandbox is not available: {reason}. Student code would run unconfined; "
                          "pass --insecure to grade anyway (only for submissions you trust)")
    if not remote:
        fonts.prime(environment())


def _reuse(root: Path, assignment: str, names: Sequence[str], *, version: str,
           force: bool) -> tuple[dict[str, StudentResult], dict[str, ToGrade]]:
    """Stored results still valid for the submission as it is now, and the submissions to grade with their
    content hash as it is now (a file changed while it is graded is graded again)."""
    kept: dict[str, StudentResult] = {}
    todo: dict[str, ToGrade] = {}
    for student in names:
        submission = course.submission(root, student, assignment)
        content = store.content_hash(submission)
        result = None if force else store.load(root, assignment, student, version=version, content=content)
        if result is None:
            todo[student] = ToGrade(submission, content)
        else:
            kept[student] = result
    return kept, todo


def _kept(recorder: Recorder | None, root: Path, assignment: str,
          stored: Mapping[str, StudentResult]) -> list[Outcome]:
    """The stored results reused, each recorded again where the gradebook lacks it (a gradebook made anew)."""
    if recorder is not None:
        recorded = {s.student.id for s in recorder.gradebook.find_assignment(assignment).submissions}
        for student in stored.keys() - recorded:
            _record(recorder, root, assignment, student, stored[student])
    return [Outcome(student, "unchanged", result, 0.0) for student, result in stored.items()]


def _finish(recorder: Recorder | None, root: Path, assignment: str, item: dict[str, Any], *,
            version: str, content: str) -> Outcome:
    """Record a fresh result in the gradebook and the feedback, then store it (stored last: see module doc)."""
    from autograder.grading.assignment import assignment_inputs, ungraded_result
    from autograder.grading.results import Note, StudentResult

    student = item["student"]
    if "failure" in item:
        note = Note("grader_failed", None, item["failure"])
        return Outcome(student, "failed", ungraded_result(assignment_inputs(root, assignment).sources, note), 0.0)
    if "lost" in item:  # its grading process died or was stopped: every cell at 0, with the reason
        result = ungraded_result(assignment_inputs(root, assignment).sources, Note("process_died", None, item["lost"]),
                                 item["status"])
    else:
        result = StudentResult.from_json(item["result"])
    return _keep(recorder, root, assignment, student, result, item["seconds"], version=version, content=content)


def _keep(recorder: Recorder | None, root: Path, assignment: str, student: str, result: StudentResult,
          seconds: float, *, version: str, content: str) -> Outcome:
    """Record a graded result, graded in ``seconds``, in the gradebook and the feedback, then store it."""
    result = dataclasses.replace(result, seconds=seconds)
    _record(recorder, root, assignment, student, result)
    store.save(root, assignment, student, result, version=version, content=content)
    return Outcome(student, "graded", result, seconds)


def _nothing_handed_in(root: Path, assignment: str) -> StudentResult:
    """The result of a submission without a notebook: nothing to run, so made here, without a grading process."""
    from autograder.grading.assignment import assignment_inputs, ungraded_result
    from autograder.grading.results import Note

    return ungraded_result(assignment_inputs(root, assignment).sources, Note("not_submitted"))


def _record(recorder: Recorder | None, root: Path, assignment: str, student: str, result: StudentResult) -> None:
    """The result in the gradebook (if there is one) and the feedback pages."""
    from autograder.grading.assignment import assignment_inputs
    from autograder.staff import feedback

    if recorder is not None:
        submitted = course.submission(root, student, assignment)
        recorder.record(assignment, student, submitted.timestamp, result, assignment_inputs(root, assignment).sources)
    feedback.write(root, assignment, student, result)


def _progress(results: Iterator[dict[str, Any]], total: int, console: Console | None) -> Iterator[dict[str, Any]]:
    """Pass the results through, advancing a progress bar."""
    columns = (TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console or Console(stderr=True), transient=True) as bar:
        task = bar.add_task("grading", total=total)
        for item in results:
            bar.advance(task)
            yield item


def summary(batch: Batch) -> Table:
    """The table printed at the end: one row per student, then the totals."""
    table = Table(title=f"{batch.assignment}: {len(batch.outcomes)} students")
    for column in ("student", "score", "max", "status", "seconds", "note"):
        table.add_column(column, justify="right" if column in ("score", "max", "seconds") else "left")
    for o in batch.outcomes:
        table.add_row(o.student, f"{o.result.score:g}", f"{o.result.max_score:g}", o.status,
                      f"{o.seconds:.1f}" if o.status == "graded" else "", _note(o.result))
    counts = {status: sum(o.status == status for o in batch.outcomes) for status in ("graded", "unchanged", "failed")}
    table.caption = ", ".join(f"{n} {status}" for status, n in counts.items())
    return table


def _note(result: StudentResult) -> str:
    """Why a submission could not be graded as a whole, and the extra notebooks it holds (ignored)."""
    from autograder.staff import feedback

    extra = result.extra_notebooks
    ignored = f"ignored: {', '.join(n + '.ipynb' for n in extra)}" if extra else ""
    return "; ".join(filter(None, [feedback.error(result), ignored]))
