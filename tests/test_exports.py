"""`autograder export`: a per-cell CSV and Gradescope's results.json, from the grades the grading command stored."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from html import escape
from pathlib import Path

import pytest
import tiny_course as tc
from dnn_checks.results import CheckResult, PropertyResult
from test_gradescope import validate

from autograder.grading import gradebook, store
from autograder.grading.assignment import assignment_inputs, cell_kinds
from autograder.grading.results import CellResult, Note, NotebookResult, StudentResult
from autograder.staff.exports import CSV_COLUMNS
from autograder.staff.feedback import texts
from autograder.staff.gradescope import results_json


def cell_result(function: str, score: float, max_score: float) -> CellResult:
    check = CheckResult(function, "hidden", score, max_score,
                        (PropertyResult("value", score, max_score, score == max_score, f"{function} is off"),))
    return CellResult.from_checks(f"test_{function}", score, max_score, [check], [])


def graded(double: float, square: float, *, submitted: bool = True) -> StudentResult:
    cells = {"test_double": cell_result("double", double, 2.0), "test_square": cell_result("square", square, 3.0),
             "essay": CellResult("essay", "manual" if submitted else "not_run", 0.0, 1.0)}
    return StudentResult({"a1": NotebookResult(cells, () if submitted else (Note("not_submitted"),))}, seconds=1.0)


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """The tiny course with two students' grades stored as the grading command stores them."""
    root = tc.make_course(tmp_path)
    store.save(root, "a1", "alice", graded(2.0, 1.5), version="v", content="c")
    store.save(root, "a1", "bob", graded(0.0, 0.0, submitted=False), version="v", content="c")
    return root


def export(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder.cli", "export", "a1", "--course", str(root), *args],
                          capture_output=True, text=True, timeout=120)


def test_cells_graded_by_hand_are_told_apart(course: Path) -> None:
    assert cell_kinds(course, "a1") == {("a1", "test_double"): "autograded", ("a1", "test_square"): "autograded",
                                        ("a1", "essay"): "manual"}


def test_the_csv_has_a_row_per_cell_with_the_totals(course: Path, tmp_path: Path) -> None:
    run = export(course, "--csv", str(tmp_path / "cells.csv"))
    assert run.returncode == 0 and run.stdout.strip() == f"{tmp_path / 'cells.csv'}: 6 rows"
    rows = list(csv.DictReader((tmp_path / "cells.csv").open()))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [(r["student"], r["cell"], r["kind"], float(r["score"]), float(r["max_score"])) for r in rows] == [
        ("alice", "test_double", "autograded", 2.0, 2.0), ("alice", "test_square", "autograded", 1.5, 3.0),
        ("alice", "essay", "manual", 0.0, 1.0), ("bob", "test_double", "autograded", 0.0, 2.0),
        ("bob", "test_square", "autograded", 0.0, 3.0), ("bob", "essay", "manual", 0.0, 1.0)]
    assert {(r["student"], r["notebook_score"], r["total_score"], r["total_max_score"], r["error"]) for r in rows} == {
        ("alice", "3.5", "3.5", "6.0", ""), ("bob", "0.0", "0.0", "6.0", "not submitted")}


def test_gradescope_gets_a_test_per_autograded_cell(course: Path, tmp_path: Path) -> None:
    run = export(course, "--gradescope", str(tmp_path / "gs"))
    assert run.returncode == 0 and run.stdout.strip() == f"{tmp_path / 'gs'}: 2 results.json"
    alice = json.loads((tmp_path / "gs" / "alice" / "results.json").read_text())
    validate(alice)
    assert alice["score"] == 3.5 == sum(t["score"] for t in alice["tests"])
    feedback = texts(graded(2.0, 1.5))["a1"]
    assert [(t["name"], t["number"], t["score"], t["max_score"], t["output"]) for t in alice["tests"]] == [
        ("test_double", "1", 2.0, 2.0, f"<pre>{escape(feedback['test_double'])}</pre>"),
        ("test_square", "2", 1.5, 3.0, f"<pre>{escape(feedback['test_square'])}</pre>")]
    bob = json.loads((tmp_path / "gs" / "bob" / "results.json").read_text())
    validate(bob)
    assert bob["score"] == 0 and bob["tests"] == [] and "not graded: not submitted" in bob["output"]


def test_several_notebooks_name_their_tests_by_notebook() -> None:
    result = graded(1.0, 1.0)
    result.notebooks["b1"] = result.notebooks["a1"]
    names = [t["name"] for t in results_json(result, {}, version="v")["tests"]]
    assert names == ["a1: test_double", "a1: test_square", "a1: essay", "b1: test_double", "b1: test_square",
                     "b1: essay"]


def test_export_needs_a_destination_and_a_course(course: Path, tmp_path: Path) -> None:
    assert export(course).returncode == 2
    run = export(tmp_path / "nowhere", "--csv", str(tmp_path / "x.csv"))
    assert run.returncode == 2 and "not an nbgrader course" in run.stderr


def test_the_canvas_csv_has_a_column_per_assignment_and_students_by_sis_id(course: Path, tmp_path: Path) -> None:
    sources = assignment_inputs(course, "a1").sources
    with gradebook.Recorder(course) as recorder:
        gradebook.ensure_assignment(course, "a1", {"a1": course / "source" / "a1" / "a1.ipynb"})
        gradebook.ensure_assignment(course, "a2", {"a2": course / "source" / "a2" / "a2.ipynb"})
        recorder.gradebook.update_or_create_student("alice", first_name="Alice", last_name="Liddell",
                                                    lms_user_id="S-1001")
        recorder.gradebook.update_or_create_student("bob")
        recorder.record("a1", "alice", None, graded(2.0, 1.5), sources)
    run = export(course, "--canvas", str(tmp_path / "canvas.csv"))
    assert run.returncode == 0 and run.stdout.strip() == f"{tmp_path / 'canvas.csv'}: 2 students"
    rows = list(csv.reader((tmp_path / "canvas.csv").open()))
    assert rows == [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "a1", "a2"],
                    ["Points Possible", "", "", "", "", "6", "1"],
                    ["Liddell, Alice", "", "S-1001", "alice", "", "3.5", ""],
                    ["bob", "", "bob", "bob", "", "", ""]]
    everyone = subprocess.run([sys.executable, "-m", "autograder.cli", "export", "--course", str(course),
                               "--canvas", str(tmp_path / "all.csv")], capture_output=True, text=True, timeout=120)
    assert everyone.returncode == 0 and (tmp_path / "all.csv").read_text() == (tmp_path / "canvas.csv").read_text()
