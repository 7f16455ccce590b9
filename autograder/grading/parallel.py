"""Grading processes for a batch of submissions: a local process pool, or a Dask cluster.

Each grading process (a fresh interpreter, so nothing of the caller is inherited) starts
its sandbox fork server before it imports anything secret, then grades one submission after
another (:mod:`autograder.grading.grader_process`). Tasks and results are JSON-able values.

The local pool (``pebble``) replaces a grading process that dies (its memory limit, a signal)
or outlives its submission's time budget by ``GRACE`` seconds: only the submission it was
grading is lost, reported with every cell at 0 and the reason, and the rest of the batch is
graded. On a Dask cluster the workers need only the kit installed (and bubblewrap): each task
carries its submission's notebooks, and the course files grading needs (every assignment's source
notebooks, the assignment's helper files) go to each worker once, where they are kept under their
hash (:func:`grader_process.grade_shipped`); results come back as JSON. Give the workers one
thread each, or they grade in turn; Dask's nanny, not this module, bounds their memory.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import signal
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import as_completed
from pathlib import Path
from typing import Any

from pebble import ProcessExpired, ProcessPool

from autograder import course
from autograder.grading import grader_process

#: Seconds a grading process may run past its submission's budget (its start and the imports of its first task).
GRACE = 60.0


def default_jobs() -> int:
    return os.cpu_count() or 1


def run_local(tasks: Sequence[dict[str, Any]], *, jobs: int, insecure: bool, budget: float | None = None,
              preload: Sequence[str] | None = None, probed: str | None = None) -> Iterator[dict[str, Any]]:
    """Grade ``tasks`` in ``jobs`` spawned processes, ``budget`` seconds each, their sandboxes importing ``preload``
    for the workers, in the mode ``probed`` found (``grader_process.start``); yield each result as it comes."""
    if not tasks:
        return
    timeout = grader_process.limits(budget).submission_seconds + GRACE
    pool = ProcessPool(max_workers=max(1, min(jobs, len(tasks))), context=multiprocessing.get_context("spawn"),
                       initializer=grader_process.start_in_pool, initargs=(insecure, budget, preload, probed))
    finished = False
    try:
        scheduled = time.monotonic()
        futures = {pool.schedule(grader_process.grade_task, args=(task,), timeout=timeout): task for task in tasks}
        for future in as_completed(futures):
            yield _outcome(future, futures[future], time.monotonic() - scheduled)
        finished = True
    finally:  # interrupted: the submissions not finished are dropped, not graded in the background
        if finished:
            pool.close()
        else:
            pool.stop()
        pool.join()


def run_dask(tasks: Sequence[dict[str, Any]], *, address: str) -> Iterator[dict[str, Any]]:
    """Grade ``tasks`` on the Dask cluster at ``address``, shipping what they need; yield each result as it comes."""
    from distributed import Client
    from distributed import as_completed as dask_completed

    if not tasks:
        return
    files = course_files(Path(tasks[0]["root"]), tasks[0]["assignment"])
    digest = fingerprint(files)
    with Client(address) as client:
        [shipped] = client.scatter([files], broadcast=True)
        futures = [client.submit(grader_process.grade_shipped, _shipped_task(task, digest), shipped, pure=False)
                   for task in tasks]
        by_key = {f.key: task for f, task in zip(futures, tasks)}
        for future in dask_completed(futures):
            yield _outcome(future, by_key[future.key], 0.0)


def course_files(root: Path, assignment: str) -> dict[str, bytes]:
    """What grading the assignment needs of the course, by path in it: every assignment's source notebooks
    (to name a notebook handed in for another) and the assignment's helper files."""
    files = {f"source/{other}/{path.name}": path.read_bytes() for other in course.assignments(root)
             for path in course.source_notebooks(root, other).values()}
    return files | {f"release/{assignment}/{name}": data for name, data in course.helper_files(root, assignment).items()}


def fingerprint(files: Mapping[str, bytes]) -> str:
    """A hash of the files' paths and contents."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return digest.hexdigest()


def _shipped_task(task: dict[str, Any], digest: str) -> dict[str, Any]:
    """The task with the submission's notebooks and the hash of the course files instead of the course's path
    (the worker reads nothing there)."""
    submitted = course.submission(Path(task["root"]), task["student"], task["assignment"])
    return {**{k: v for k, v in task.items() if k != "root"}, "course": digest,
            "notebooks": {name: path.read_bytes() for name, path in submitted.notebooks.items()}}


def _outcome(future: Any, task: dict[str, Any], seconds: float) -> dict[str, Any]:
    """The task's result; a dead grading process's submission at 0 with the reason (``seconds``: since it
    was scheduled); or a failure naming what went wrong in the grading process itself."""
    try:
        return future.result()
    except ProcessExpired as exc:
        return _lost(task, f"the grading process died while grading this submission ({_ending(exc.exitcode)})",
                     "crashed", seconds)
    except TimeoutError:
        return _lost(task, "the grading process ran past the submission's time budget and was stopped", "timeout",
                     seconds)
    except Exception as exc:  # noqa: BLE001 - a lost process loses one submission, not the batch
        return {"student": task["student"], "failure": f"the grading process failed: {type(exc).__name__}: {exc}"}


def _lost(task: dict[str, Any], why: str, status: str, seconds: float) -> dict[str, Any]:
    """A submission whose grading process was lost: ``status`` (``crashed`` or ``timeout``) and why, for the batch."""
    return {"student": task["student"], "lost": why, "status": status, "seconds": seconds}


def _ending(exitcode: int | None) -> str:
    """How a process ended, from its exit code (negative: the signal that killed it)."""
    if exitcode is None or exitcode >= 0:
        return f"exit status {exitcode}"
    name = signal.Signals(-exitcode).name if -exitcode in set(signal.Signals) else f"signal {-exitcode}"
    return f"killed by {name}" + (": out of memory, or a limit" if name == "SIGKILL" else "")
