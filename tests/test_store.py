"""Resumability: a stored result is reused only for the same submission and the same grader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import tiny_course as tc

from autograder import course
from autograder.grading import store
from autograder.grading.results import CellResult, NotebookResult, Note, StudentResult


def result(score: float) -> StudentResult:
    return StudentResult({"a1": NotebookResult({"test_double": CellResult("test_double", "partial", score, 2.0)})})


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tc.make_course(tmp_path)
    tc.submit(root, "alice", "a1", tc.source_a1())
    return root


def test_saved_result_is_loaded_for_the_same_content_and_version(root: Path) -> None:
    content = store.content_hash(course.submission(root, "alice", "a1"))
    store.save(root, "a1", "alice", result(1.0), version="v1", content=content)
    assert store.load(root, "a1", "alice", version="v1", content=content) == result(1.0)
    assert store.load(root, "a1", "alice", version="v2", content=content) is None
    assert store.load(root, "a1", "alice", version="v1", content="other") is None
    assert store.load(root, "a1", "bob", version="v1", content=content) is None


def test_content_hash_follows_the_notebook_and_the_timestamp(root: Path) -> None:
    before = store.content_hash(course.submission(root, "alice", "a1"))
    assert store.content_hash(course.submission(root, "alice", "a1")) == before
    tc.submit(root, "alice", "a1", tc.student_version(tc.source_a1(), {"double": tc.WRONG["double"]}))
    changed = store.content_hash(course.submission(root, "alice", "a1"))
    assert changed != before
    (root / "submitted" / "alice" / "a1" / "timestamp.txt").write_text("2027-01-01 00:00:00 UTC")
    assert store.content_hash(course.submission(root, "alice", "a1")) != changed


def test_grader_version_follows_the_assignment_source(root: Path) -> None:
    before = store.grader_version(root, "a1")
    assert store.grader_version(root, "a1") == before
    (root / "source" / "a1" / "helpers.py").write_text("def power(x, n):\n    return x * n\n")
    assert store.grader_version(root, "a1") != before


def test_grader_version_covers_the_checks_code() -> None:
    files = {p.name for package in store.GRADING_PACKAGES for p in store._package_files(package)}
    assert {"cells.py", "results.py", "student.py", "graded.py"} <= files


def test_corrupt_or_half_written_files_are_ignored(root: Path) -> None:
    folder = store.results_dir(root, "a1")
    folder.mkdir(parents=True)
    (folder / "alice.json").write_text('{"version": "v1", "content": "c", "res')
    assert store.load(root, "a1", "alice", version="v1", content="c") is None
    (folder / "alice.json").write_text("[]")
    assert store.load(root, "a1", "alice", version="v1", content="c") is None
    (folder / "alice.json").write_text('{"version": "v1", "content": "c", "result": {"score": 1.0}}')
    assert store.load(root, "a1", "alice", version="v1", content="c") is None
    assert store.load_all(root, "a1") == {}


def test_atomic_write_leaves_no_temporary_file(root: Path) -> None:
    store.save(root, "a1", "alice", result(1.0), version="v", content="c")
    store.save(root, "a1", "alice", result(1.5), version="v", content="c")
    assert [p.name for p in store.results_dir(root, "a1").iterdir()] == ["alice.json"]
    assert json.loads((store.results_dir(root, "a1") / "alice.json").read_text())["result"] == json.loads(
        result(1.5).to_json())
    assert store.load_all(root, "a1") == {"alice": result(1.5)}


def test_written_files_are_readable_by_others(root: Path) -> None:
    """Feedback pages and reports are served to students and staff: not the 0600 of a temporary file."""
    path = root / "feedback" / "alice" / "a1" / "a1.html"
    store.write_atomic(path, "<p>feedback</p>")
    assert path.stat().st_mode & 0o777 == 0o644


def test_a_grader_failure_is_reported_and_not_stored(root: Path) -> None:
    from autograder.grading import batch, gradebook

    gradebook.ensure_assignment(root, "a1", course.source_notebooks(root, "a1"))
    with gradebook.Recorder(root) as recorder:
        outcome = batch._finish(recorder, root, "a1", {"student": "alice", "failure": "the pool broke"},
                                version="v", content="c")
        assert recorder.gradebook.find_assignment("a1").submissions == []
    assert outcome.status == "failed" and outcome.result.score == 0.0 and outcome.result.max_score == 6.0
    [notebook] = outcome.result.notebooks.values()
    assert notebook.notes == (Note("grader_failed", None, "the pool broke"),)
    assert {cell.status for cell in notebook.cells.values()} == {"not_run"}
    assert not store.results_dir(root, "a1").exists()
