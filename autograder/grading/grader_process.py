"""The trusted grading process: one sandbox fork server, then one submission after another.

This module imports nothing at its top but the standard library: a grading process starts
its :class:`~autograder.sandbox.remote.WorkerFactory` first, and only then imports the grading
pipeline (the checks, the hidden checks and the reference come in with the test cells).
It serves a local process pool and Dask workers alike; a lock makes sure one process grades
one submission at a time (a test cell captures the process's stdout). When the sandbox
cannot start, every task says why instead of grading.

A task is ``{"root", "assignment", "student", "notebooks", "insecure", "budget"}`` (``notebooks``:
the submitted notebooks' paths by name; ``budget``: the submission's wall time in seconds, None for
``Limits.submission_seconds``). A task shipped to a machine without the course (:func:`grade_shipped`,
Dask) has no ``root``: its ``notebooks`` are the submission's bytes by name, and it carries the hash of
the course files it needs (``"course"``), which come beside it once per worker and are kept on the
worker's disk under that hash (:func:`unpack`).
"""

from __future__ import annotations

import multiprocessing.util
import os
import resource
import shutil
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

_factory: Any = None
_startup_error: str | None = None
_lock = threading.RLock()
#: Where a worker keeps the course files shipped to it, by their hash.
CACHE = Path(os.environ.get("AUTOGRADER_CACHE", tempfile.gettempdir())) / "autograder-courses"


def start(insecure: bool, budget: float | None = None, preload: Sequence[str] | None = None,
          probed: str | None = None) -> None:
    """Start this process's fork server (once), before anything secret is imported; it imports ``preload`` for
    its workers (None: ``bubblewrap.PRELOAD``); ``probed``: the sandbox's mode as the caller found it (None: probe)."""
    global _factory, _startup_error
    if _factory is not None or _startup_error is not None:
        return
    try:
        from autograder.sandbox.bubblewrap import PRELOAD
        from autograder.sandbox.remote import WorkerFactory

        _factory = WorkerFactory(insecure=insecure, limits=limits(budget), probed=probed,
                                 preload=PRELOAD if preload is None else preload)
        # Closed at exit, and also when a process pool stops this process (pebble runs these finalizers then).
        multiprocessing.util.Finalize(_factory, _factory.close, exitpriority=10)
    except Exception as exc:  # noqa: BLE001 - reported by every task of this process
        _startup_error = f"{type(exc).__name__}: {exc}"


def limits(budget: float | None) -> Any:
    """The sandbox's limits, with a submission's wall time of ``budget`` seconds (None: the default)."""
    from autograder.sandbox.bubblewrap import Limits

    return Limits() if budget is None else Limits(submission_seconds=budget)


def start_in_pool(insecure: bool, budget: float | None, preload: Sequence[str] | None = None,
                  probed: str | None = None) -> None:
    """A local pool's grading process: :func:`start`, then its address space capped at
    ``Limits.grader_memory`` (an allocation past it is a MemoryError, not the machine's memory)."""
    start(insecure, budget, preload, probed)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = min(n for n in (soft, hard, limits(budget).grader_memory) if n != resource.RLIM_INFINITY)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def grade_task(task: dict[str, Any]) -> dict[str, Any]:
    """Grade ``task``; JSON-able values come back."""
    with _lock:
        start(task["insecure"], task.get("budget"))
        if _startup_error is not None:
            return {"student": task["student"], "failure": f"the sandbox did not start: {_startup_error}"}
        from autograder.grading.cells import grade_student

        began = time.perf_counter()
        try:
            result = grade_student(_factory, task["root"], task["assignment"], task["notebooks"])
        except Exception as exc:  # noqa: BLE001 - the batch goes on; this submission is reported, not stored
            return {"student": task["student"], "failure": f"{type(exc).__name__}: {exc}"}
        return {"student": task["student"], "result": result.to_json(), "seconds": time.perf_counter() - began}


def grade_shipped(task: dict[str, Any], files: Mapping[str, bytes]) -> dict[str, Any]:
    """Grade a task that carries its submission, with the course ``files`` (``{path in the course: bytes}``,
    hashed as ``task["course"]``) unpacked on this machine; JSON-able values come back, as the local pool's
    results do (their notes name no folder of either machine)."""
    with _lock:
        root = unpack(task["course"], files)
        folder = root / "submitted" / task["student"] / task["assignment"]
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        try:
            paths = {name: folder / f"{PurePosixPath(name).name}.ipynb" for name in task["notebooks"]}
            for name, content in task["notebooks"].items():
                paths[name].write_bytes(content)
            return grade_task({**task, "root": str(root), "notebooks": {n: str(p) for n, p in paths.items()}})
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def unpack(digest: str, files: Mapping[str, bytes]) -> Path:
    """The course folder of ``files`` on this machine: ``CACHE/<digest>``, written once (atomically)."""
    root = CACHE / digest
    if root.is_dir():
        return root
    CACHE.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=CACHE, prefix=".unpacking-"))
    for name, content in files.items():
        path = PurePosixPath(name)
        if path.is_absolute() or ".." in path.parts:
            raise ValueError(f"refusing to unpack {name!r} outside the course")
        (staging / path).parent.mkdir(parents=True, exist_ok=True)
        (staging / path).write_bytes(content)
    try:
        staging.rename(root)
    except OSError:  # another process unpacked the same files first
        shutil.rmtree(staging, ignore_errors=True)
    return root
