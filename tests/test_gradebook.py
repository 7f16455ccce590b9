"""Grades go into nbgrader's own gradebook, so that `nbgrader export` and formgrader see them."""

from __future__ import annotations

import csv
import datetime
import subprocess
import sys
from pathlib import Path

import pytest
import tiny_course as tc
from local_session import LocalSession

from autograder import course
from autograder.grading import gradebook
from autograder.grading.assignment import assignment_inputs
from autograder.grading.cells import grade_submission

pytestmark = pytest.mark.slow

DUE = datetime.datetime(2026, 1, 10, 12, 0, 0)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tc.make_course(tmp_path)
    gradebook.ensure_assignment(root, "a1", course.source_notebooks(root, "a1"))
    return root


def graded(root: Path, student: str, nb, *, timestamp: datetime.datetime = DUE) -> None:
    """Grade ``nb`` as ``student``'s submission (in process) and record it."""
    path = tc.submit(root, student, "a1", nb, timestamp=timestamp)
    inputs = assignment_inputs(root, "a1")
    result = grade_submission(lambda: LocalSession(inputs.files), {"a1": path}, inputs.sources, {})
    with gradebook.Recorder(root) as recorder:
        recorder.record("a1", student, course.read_timestamp(path.parent), result, inputs.sources)


def export(root: Path) -> dict[str, dict[str, str]]:
    """``nbgrader export`` run in the course: its CSV rows by student."""
    subprocess.run([sys.executable, "-m", "nbgrader", "export"], cwd=root, check=True, capture_output=True)
    with open(root / "grades.csv") as rows:
        return {row["student_id"]: row for row in csv.DictReader(rows)}


def test_a_fresh_course_gets_its_cells_from_the_source(root: Path) -> None:
    with gradebook.open_gradebook(root) as gb:
        notebook = gb.find_notebook("a1", "a1")
        assert {c.name: c.max_score for c in notebook.grade_cells} == {
            "test_double": 2.0, "test_square": 3.0, "essay": 1.0}
        assert {c.name for c in notebook.solution_cells} == {"double", "square", "essay"}
        assert "### BEGIN HIDDEN TESTS" in gb.find_source_cell("test_double", "a1", "a1").source


def test_ensure_assignment_twice_keeps_the_gradebook(root: Path) -> None:
    graded(root, "alice", tc.source_a1())
    gradebook.ensure_assignment(root, "a1", course.source_notebooks(root, "a1"))
    assert export(root)["alice"]["score"] == "5.0"


def test_nbgrader_export_reports_the_scores(root: Path) -> None:
    graded(root, "alice", tc.source_a1())
    graded(root, "bob", tc.student_version(tc.source_a1(), {"double": tc.WRONG["double"]}))
    rows = export(root)
    assert {s: (r["raw_score"], r["max_score"]) for s, r in rows.items()} == {
        "alice": ("5.0", "6.0"), "bob": ("3.0", "6.0")}


def test_recording_again_counts_once(root: Path) -> None:
    graded(root, "alice", tc.student_version(tc.source_a1(), {"double": tc.WRONG["double"]}))
    graded(root, "alice", tc.source_a1())
    with gradebook.open_gradebook(root) as gb:
        assert len(gb.find_assignment("a1").submissions) == 1
        assert gb.find_submission("a1", "alice").score == 5.0


def test_manual_cells_are_left_for_formgrader_and_feedback_becomes_comments(root: Path) -> None:
    graded(root, "bob", tc.student_version(tc.source_a1(), {"double": tc.WRONG["double"]}))
    with gradebook.open_gradebook(root) as gb:
        essay = gb.find_grade("essay", "a1", "a1", "bob")
        assert (essay.auto_score, essay.needs_manual_grade) == (None, True)
        test = gb.find_grade("test_double", "a1", "a1", "bob")
        assert (test.auto_score, test.needs_manual_grade) == (0.0, False)
        assert "double(3,) gave 5, expected 6" in gb.find_comment("double", "a1", "a1", "bob").auto_comment


def test_late_submissions_keep_their_timestamp_and_nbgrader_penalty(root: Path) -> None:
    with open(root / "nbgrader_config.py", "a") as config:
        config.write('c.LateSubmissionPlugin.penalty_method = "zero"\n')
    with gradebook.open_gradebook(root) as gb:
        gb.update_or_create_assignment("a1", duedate=DUE)
    graded(root, "alice", tc.source_a1(), timestamp=DUE - datetime.timedelta(hours=1))
    graded(root, "bob", tc.source_a1(), timestamp=DUE + datetime.timedelta(hours=1))
    rows = export(root)
    assert rows["bob"]["timestamp"].startswith("2026-01-10 13:00:00")
    assert (rows["alice"]["score"], rows["bob"]["raw_score"], rows["bob"]["score"]) == ("5.0", "5.0", "0.0")


def test_not_submitted_creates_no_submission(root: Path) -> None:
    inputs = assignment_inputs(root, "a1")
    result = grade_submission(lambda: LocalSession({}), {}, inputs.sources, {})
    with gradebook.Recorder(root) as recorder:
        recorder.record("a1", "carol", None, result, inputs.sources)
        assert recorder.gradebook.find_assignment("a1").submissions == []
