"""`autograder grade --dask`: workers that cannot see the course grade a class from what the tasks ship."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import tiny_course as tc

from autograder.grading import grader_process
from autograder.grading.batch import grade_assignment
from autograder.grading.parallel import course_files, fingerprint
from autograder.sandbox.bubblewrap import check_available

UNAVAILABLE = check_available()
DASK = Path(sys.executable).with_name("dask")
WRONG_AND_CRASHING = {"double": tc.WRONG["double"], "square": "import os\nos._exit(3)\n"}


@pytest.fixture
def course(tmp_path: Path) -> Path:
    root = tc.make_course(tmp_path / "course")
    tc.submit(root, "alice", "a1", tc.source_a1())
    tc.submit(root, "bob", "a1", tc.student_version(tc.source_a1(), WRONG_AND_CRASHING))
    tc.submit(root, "carol", "a1", '{"cells": [')
    tc.submit(root, "dave", "a1", tc.source_a2(), name="a1")
    return root


def test_the_course_files_shipped_are_the_sources_and_the_helpers(course: Path) -> None:
    files = course_files(course, "a1")
    assert sorted(files) == ["release/a1/helpers.py", "source/a1/a1.ipynb", "source/a2/a2.ipynb"]
    assert fingerprint(files) == fingerprint(dict(reversed(files.items())))
    assert fingerprint(files) != fingerprint({**files, "release/a1/helpers.py": b"changed"})


def test_a_worker_unpacks_the_files_once_under_their_hash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(grader_process, "CACHE", tmp_path / "cache")
    root = grader_process.unpack("abc", {"source/a1/a1.ipynb": b"{}"})
    assert root == tmp_path / "cache" / "abc" and (root / "source" / "a1" / "a1.ipynb").read_bytes() == b"{}"
    assert grader_process.unpack("abc", {"source/a1/a1.ipynb": b"other"}) == root
    assert (root / "source" / "a1" / "a1.ipynb").read_bytes() == b"{}"
    with pytest.raises(ValueError, match="outside the course"):
        grader_process.unpack("evil", {"../escape.py": b""})


@contextlib.contextmanager
def cluster(workdir: Path, hidden: Path) -> Iterator[str]:
    """A scheduler and one worker started as a user would (``dask scheduler``, ``dask worker``), the worker in
    ``workdir`` with ``hidden`` (the course) out of its sight: a mount namespace lays an empty folder over it."""
    workdir.mkdir()
    address_file = workdir / "scheduler.json"
    common = ["--no-dashboard"]
    scheduler = subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port", "0",
                                  "--scheduler-file", address_file, *common], cwd=workdir,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = {**os.environ, "AUTOGRADER_CACHE": str(workdir / "cache")}
    worker = subprocess.Popen(["bwrap", "--dev-bind", "/", "/", "--tmpfs", hidden, "--chdir", workdir, "--",
                               DASK, "worker", "--scheduler-file", address_file, "--nworkers", "1",
                               "--nthreads", "1", "--local-directory", workdir / "dask", *common], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not address_file.is_file() and time.monotonic() < deadline:
            time.sleep(0.5)
        yield json.loads(address_file.read_text())["address"]
    finally:
        for process in (worker, scheduler):
            process.terminate()
        for process in (worker, scheduler):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.mark.sandbox
@pytest.mark.slow
@pytest.mark.skipif(UNAVAILABLE is not None, reason=f"needs bubblewrap (apt-get install bubblewrap): {UNAVAILABLE}")
@pytest.mark.skipif(not DASK.exists(), reason="needs dask[distributed] (pip install '.[dask]')")
def test_workers_that_cannot_see_the_course_grade_as_the_local_pool_does(course: Path, tmp_path: Path) -> None:
    with cluster(tmp_path / "elsewhere", hidden=course) as address:
        run = subprocess.run([sys.executable, "-m", "autograder.cli", "grade", "a1", "--dask", address,
                              "--json", tmp_path / "dask.json"], cwd=course, capture_output=True, text=True,
                             timeout=600)
    assert run.returncode == 0, run.stderr
    grade_assignment(course_dir=course, assignment="a1", json_path=tmp_path / "local.json", jobs=2, force=True)
    assert json.loads((tmp_path / "dask.json").read_text()) == json.loads((tmp_path / "local.json").read_text())
    scores = {s: r["score"] for s, r in json.loads((tmp_path / "dask.json").read_text())["students"].items()}
    assert scores == {"alice": 5.0, "bob": 0.0, "carol": 0.0, "dave": 0.0}
    cached = list((tmp_path / "elsewhere" / "cache" / "autograder-courses").iterdir())
    assert [p.name for p in cached] == [fingerprint(course_files(course, "a1"))]
    assert not list(cached[0].glob("submitted/*/*/*.ipynb"))  # a submission is not kept once graded
