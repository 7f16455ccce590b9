"""Where a grading process's time goes, notebook by notebook: each phase's wall and CPU seconds.

``profile(root, assignment, students)`` grades the students one after another in this process,
as one grading process of ``autograder grade`` does (``grader_process.grade_task``, then the
batch's gradebook, feedback and store writes), timing each phase by wrapping the function that
does it (:data:`PHASES`). Phases nest: the calls of a test cell are inside the test cell, so
"the checks" are the test cells' time less their calls'. CPU time is this process's: a worker's
own CPU (the student code) is not in it, the wire's encoding and decoding on this side is.
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from autograder.grading import batch, cells, gradebook, grader_process, store
from autograder.grading.results import StudentResult
from autograder.sandbox import remote
from autograder.staff import feedback

#: Each phase: the object and the name of the function whose calls are that phase.
PHASES: dict[str, tuple[Any, str]] = {
    "read and validate the notebook": (cells, "plan"),
    "fork and enter the sandbox": (remote.WorkerFactory, "session"),
    "student cells": (remote.WorkerSession, "run_cell"),
    "test cells": (cells, "_test_cell"),
    "calls: the wire and the student code": (remote.WorkerSession, "call"),
    "end the worker": (remote.WorkerSession, "close"),
    "result to JSON and back": (StudentResult, "from_json"),
    "gradebook": (gradebook.Recorder, "record"),
    "feedback pages": (feedback, "write"),
    "store": (store, "save"),
}


class Spent(NamedTuple):
    wall: float
    cpu: float
    count: int


class Timers:
    """Seconds (wall, CPU) and counts per phase, since the last :meth:`reset`."""

    def __init__(self) -> None:
        self.totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])

    def reset(self) -> dict[str, Spent]:
        """The totals so far, then zero."""
        spent = {phase: Spent(*self.totals[phase]) for phase in PHASES}
        self.totals.clear()
        return spent

    def wrap(self, phase: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                total = self.totals[phase]
                total[0] += time.perf_counter() - wall
                total[1] += time.process_time() - cpu
                total[2] += 1
        return timed


@contextlib.contextmanager
def timed_phases() -> Iterator[Timers]:
    """Wrap every function of :data:`PHASES` while inside; restore them after."""
    timers = Timers()
    saved = {phase: owner.__dict__[name] for phase, (owner, name) in PHASES.items()}
    try:
        for phase, (owner, name) in PHASES.items():
            original = saved[phase]
            wrapped = timers.wrap(phase, original.__func__ if isinstance(original, classmethod) else original)
            setattr(owner, name, classmethod(wrapped) if isinstance(original, classmethod) else wrapped)
        yield timers
    finally:
        for phase, (owner, name) in PHASES.items():
            setattr(owner, name, saved[phase])


class Notebook(NamedTuple):
    """One graded notebook: its student, its total wall and CPU seconds, its phases and its score."""

    student: str
    wall: float
    cpu: float
    phases: dict[str, Spent]
    score: float


def profile(root: Path, assignment: str, students: list[str]) -> tuple[float, list[Notebook]]:
    """Start a grading process's sandbox (its seconds returned first), then grade ``students`` in turn."""
    began = time.perf_counter()
    grader_process.start(insecure=False)
    started = time.perf_counter() - began
    gradebook.ensure_assignment(root, assignment, batch.course.source_notebooks(root, assignment))
    version = store.grader_version(root, assignment)
    graded = []
    with gradebook.Recorder(root) as recorder, timed_phases() as timers:
        for student in students:
            submitted = batch.course.submission(root, student, assignment)
            content = store.content_hash(submitted)
            task = {"root": str(root), "assignment": assignment, "student": student, "insecure": False,
                    "budget": None, "notebooks": {name: str(path) for name, path in submitted.notebooks.items()}}
            wall, cpu = time.perf_counter(), time.process_time()
            item = grader_process.grade_task(task)
            outcome = batch._finish(recorder, root, assignment, item, version=version, content=content)
            graded.append(Notebook(student, time.perf_counter() - wall, time.process_time() - cpu, timers.reset(),
                                   outcome.result.score))
    return started, graded


def table(notebooks: list[Notebook]) -> list[dict[str, float | str]]:
    """Mean milliseconds (wall, CPU) and calls per notebook of each phase, the checks apart, and the rest."""
    n = len(notebooks)
    mean = {phase: Spent(*(sum(nb.phases[phase][i] for nb in notebooks) / n for i in range(3))) for phase in PHASES}
    calls, tests = mean["calls: the wire and the student code"], mean["test cells"]
    rows = [{"phase": phase, "wall_ms": 1e3 * s.wall, "cpu_ms": 1e3 * s.cpu, "count": s.count}
            for phase, s in mean.items() if phase != "test cells"]
    rows.append({"phase": "the checks (test cells less their calls)", "wall_ms": 1e3 * (tests.wall - calls.wall),
                 "cpu_ms": 1e3 * (tests.cpu - calls.cpu), "count": tests.count})
    total = Spent(sum(nb.wall for nb in notebooks) / n, sum(nb.cpu for nb in notebooks) / n, 1)
    timed = [mean[p] for p in PHASES if p not in ("calls: the wire and the student code",)]
    rows.append({"phase": "the rest (task, imports, results)", "wall_ms": 1e3 * (total.wall - sum(s.wall for s in timed)),
                 "cpu_ms": 1e3 * (total.cpu - sum(s.cpu for s in timed)), "count": 1})
    rows.append({"phase": "a notebook, in all", "wall_ms": 1e3 * total.wall, "cpu_ms": 1e3 * total.cpu, "count": 1})
    return rows
