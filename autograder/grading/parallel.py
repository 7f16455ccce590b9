"""Grading processes for a batch of submissions: a local process pool, or a Dask cluster.

Each grading process (a fresh interpreter, so nothing of the caller is inherited) starts
its sandbox fork server before it imports anything secret, then grades one submission after
another (:mod:`autograder.grading.grader_process`). Tasks and results are JSON-able values. On a
Dask cluster every worker runs the same sandbox and must see the course directory at the
same path (a shared file system); give the workers one thread each, or they grade in turn.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

from autograder.grading import grader_process


def default_jobs() -> int:
    return os.cpu_count() or 1


def run_local(tasks: Sequence[dict[str, Any]], *, jobs: int, insecure: bool) -> Iterator[dict[str, Any]]:
    """Grade ``tasks`` in ``jobs`` spawned processes; yield each result as it comes."""
    if not tasks:
        return
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=max(1, min(jobs, len(tasks))), mp_context=context,
                               initializer=grader_process.start, initargs=(insecure,))
    try:
        futures = {pool.submit(grader_process.grade_task, task): task for task in tasks}
        for future in as_completed(futures):
            yield _outcome(future, futures[future])
    finally:  # interrupted: the submissions not started yet are dropped, not graded in the background
        pool.shutdown(wait=True, cancel_futures=True)


def run_dask(tasks: Sequence[dict[str, Any]], *, address: str) -> Iterator[dict[str, Any]]:
    """Grade ``tasks`` on the Dask cluster at ``address``; yield each result as it comes."""
    from distributed import Client
    from distributed import as_completed as dask_completed

    with Client(address) as client:
        futures = client.map(grader_process.grade_task, list(tasks), pure=False)
        by_key = {f.key: task for f, task in zip(futures, tasks)}
        for future in dask_completed(futures):
            yield _outcome(future, by_key[future.key])


def _outcome(future: Any, task: dict[str, Any]) -> dict[str, Any]:
    """The task's result, or a failure naming what went wrong in the grading process itself."""
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 - a lost process loses one submission, not the batch
        return {"student": task["student"], "failure": f"the grading process failed: {type(exc).__name__}: {exc}"}
