"""`autograder grade` end to end: the contract's JSON, the gradebook, resuming, --student, --force, Dask."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import distributed
import jsonschema
import pytest
import tiny_course as tc
from contract_schema import CONTRACT_SCHEMA

from autograder.course import CourseError, copy_assignment
from autograder.grading import store
from autograder.grading.batch import grade_assignment
from autograder.grading.submission import read_source
from autograder.sandbox.bubblewrap import check_available

UNAVAILABLE = check_available()
pytestmark = [pytest.mark.sandbox, pytest.mark.slow,
              pytest.mark.skipif(UNAVAILABLE is not None,
                                 reason=f"needs bubblewrap (apt-get install bubblewrap): {UNAVAILABLE}")]
REPO = Path(__file__).resolve().parents[1]
WRONG_AND_CRASHING = {"double": tc.WRONG["double"], "square": "import os\nos._exit(3)\n"}


def autograder(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "autograder.cli", *map(str, args)]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)


def read_json(path: Path) -> dict:
    return json.loads(path.read_text())


@pytest.fixture(scope="module")
def tiny_class(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A graded tiny class: correct, wrong and crashing, broken JSON, not submitted, an extra notebook."""
    root = tc.make_course(tmp_path_factory.mktemp("course"))
    tc.submit(root, "alice", "a1", tc.source_a1())
    tc.submit(root, "bob", "a1", tc.student_version(tc.source_a1(), WRONG_AND_CRASHING))
    tc.submit(root, "carol", "a1", '{"cells": [')
    tc.submit(root, "dave", "a2", tc.source_a2())
    tc.submit(root, "erin", "a1", tc.source_a1())
    tc.submit(root, "erin", "a1", tc.source_a2(), name="scratch")
    run = autograder("grade", "a1", "--json", root / "grades.json", "--jobs", "2", cwd=root)
    assert run.returncode == 0, run.stderr
    (root / "first_stdout.txt").write_text(run.stdout)
    return root


def test_json_has_exactly_the_contract_schema(tiny_class: Path) -> None:
    data = read_json(tiny_class / "grades.json")
    jsonschema.validate(data, CONTRACT_SCHEMA)
    assert data["assignment"] == "a1" and sorted(data["students"]) == ["alice", "bob", "carol", "dave", "erin"]
    for student in data["students"].values():
        assert student["score"] <= student["max_score"] == 6.0
        for notebook in student["notebooks"].values():
            assert all(cell["score"] <= cell["max_score"] for cell in notebook["cells"].values())


def test_scores_statuses_and_reasons(tiny_class: Path) -> None:
    students = read_json(tiny_class / "grades.json")["students"]
    assert {s: (r["score"], r["error"] is None) for s, r in students.items()} == {
        "alice": (5.0, True), "bob": (0.0, True), "carol": (0.0, False), "dave": (0.0, False), "erin": (5.0, True)}
    assert students["dave"]["error"] == "not submitted"
    assert students["carol"]["error"].startswith("a1.ipynb: is not valid JSON (")
    statuses = {s: {gid: c["status"] for gid, c in r["notebooks"]["a1"]["cells"].items()} for s, r in students.items()}
    assert statuses["alice"] == statuses["erin"] == {"test_double": "passed", "test_square": "passed", "essay": "manual"}
    assert statuses["bob"] == {"test_double": "failed", "test_square": "crashed", "essay": "manual"}
    assert set(statuses["carol"].values()) == set(statuses["dave"].values()) == {"not_run"}
    assert "double(3,) gave 5, expected 6" in students["bob"]["notebooks"]["a1"]["cells"]["test_double"]["feedback"]


def test_a_damaged_notebook_is_named_as_the_student_knows_it_wherever_they_read_why(tiny_class: Path) -> None:
    from autograder.grading.gradebook import open_gradebook

    said = "a1.ipynb: is not valid JSON ("
    shown = {"grades.json": read_json(tiny_class / "grades.json")["students"]["carol"],
             "result": read_json(store.results_dir(tiny_class, "a1") / "carol.json"),
             "feedback page": (tiny_class / "feedback" / "carol" / "a1" / "a1.html").read_text()}
    with open_gradebook(tiny_class) as gb:
        shown["comments"] = [gb.find_comment(cell, "a1", "a1", "carol").auto_comment for cell in ("double", "square")]
    for where, text in shown.items():
        text = json.dumps(text)
        assert str(tiny_class) not in text and "submitted/" not in text and said in text, where
        assert text.count("a1.ipynb:") == text.count(said), where


def test_the_table_lists_every_student(tiny_class: Path) -> None:
    table = (tiny_class / "first_stdout.txt").read_text()
    assert all(name in table for name in ("alice", "bob", "carol", "dave", "erin", "ignored: scratch.ipynb"))
    assert "5 graded, 0 unchanged, 0 failed" in table


def test_feedback_pages_never_show_test_code(tiny_class: Path) -> None:
    page = (tiny_class / "feedback" / "bob" / "a1" / "a1.html").read_text()
    assert "double(3,) gave 5, expected 6" in page
    assert "HIDDEN TESTS" not in page and "record(CheckResult" not in page
    assert not (tiny_class / "feedback" / "erin" / "a1" / "scratch.html").exists()


def test_feedback_pages_read_well() -> None:
    from autograder.grading.results import CellResult, NotebookResult
    from autograder.staff import feedback

    cells = {"test_sigmoid": CellResult("test_sigmoid", "partial", 5 / 9, 3.0),
             "test_relu": CellResult("test_relu", "passed", 48.5626, 55.0)}
    page = feedback.page("a1", "bob", "a1", NotebookResult(cells), {"test_sigmoid": "<b>", "test_relu": ""})
    assert "<h1>a1: feedback for bob</h1>" in page and "<b>49.12</b> out of 58<" in page
    assert "test_sigmoid: 0.56 / 3</h2><pre>&lt;b&gt;</pre>" in page


def test_nbgrader_export_reports_the_scores(tiny_class: Path) -> None:
    subprocess.run([sys.executable, "-m", "nbgrader", "export"], cwd=tiny_class, check=True, capture_output=True)
    rows = (tiny_class / "grades.csv").read_text().splitlines()
    assert any(row.startswith("a1,,") and ",alice," in row and ",5.0,0.0,5.0,6.0" in row for row in rows)


def test_a_rerun_grades_nothing_again_until_forced(tiny_class: Path) -> None:
    again = autograder("grade", "a1", "--course", tiny_class, "--json", tiny_class / "again.json")
    assert again.returncode == 0 and "0 graded, 5 unchanged" in again.stdout
    assert read_json(tiny_class / "again.json") == read_json(tiny_class / "grades.json")
    forced = autograder("grade", "a1", "--course", tiny_class, "--student", "bob", "--force")
    assert forced.returncode == 0 and "1 graded, 0 unchanged" in forced.stdout


def test_a_changed_submission_is_graded_again(tiny_class: Path) -> None:
    tc.submit(tiny_class, "bob", "a1", tc.source_a1())
    run = autograder("grade", "a1", "--course", tiny_class, "--json", tiny_class / "changed.json")
    assert run.returncode == 0 and "1 graded, 4 unchanged" in run.stdout
    assert read_json(tiny_class / "changed.json")["students"]["bob"]["score"] == 5.0


@pytest.mark.parametrize("args, message", [
    (("grade", "a1", "--course", "/nonexistent"), "is not an nbgrader course"),
    (("grade", "a9"), "no assignment 'a9'"),
])
def test_cannot_grade_at_all_exits_non_zero(tiny_class: Path, args: tuple, message: str) -> None:
    run = autograder(*args, cwd=tiny_class)
    assert run.returncode != 0 and message in run.stderr


def test_no_sandbox_refuses_unless_insecure(tiny_class: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("autograder.sandbox.bubblewrap.check_available", lambda: "bwrap is missing")
    with pytest.raises(CourseError, match="bwrap is missing.*--insecure"):
        grade_assignment(course_dir=tiny_class, assignment="a1")


def test_who_handed_in_nothing_is_graded_without_a_grading_process(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from autograder.grading import gradebook, parallel

    root = tc.make_course(tmp_path)
    tc.submit(root, "dave", "a2", tc.source_a2())  # a folder in submitted/, but no notebook of a1
    with gradebook.Recorder(root) as recorder:  # on the roster only: no folder at all
        recorder.gradebook.update_or_create_student("frank")
    started = []
    monkeypatch.setattr(parallel, "run_local", lambda tasks, **kwargs: started.extend(tasks) or iter(()))
    batch = grade_assignment(course_dir=root, assignment="a1", json_path=root / "grades.json")
    assert started == [] and [(o.student, o.status) for o in batch.outcomes] == [("dave", "graded"), ("frank", "graded")]
    students = read_json(root / "grades.json")["students"]
    assert {s: (r["score"], r["error"]) for s, r in students.items()} == {"dave": (0.0, "not submitted"),
                                                                          "frank": (0.0, "not submitted")}
    again = grade_assignment(course_dir=root, assignment="a1")
    assert [(o.student, o.status) for o in again.outcomes] == [("dave", "unchanged"), ("frank", "unchanged")]


def test_without_a_gradebook_the_results_go_to_the_feedback_and_the_store_only(tmp_path: Path) -> None:
    root = tc.make_course(tmp_path)
    tc.submit(root, "alice", "a1", tc.source_a1())
    batch = grade_assignment(course_dir=root, assignment="a1", students=["alice"], gradebook=False)
    assert [(o.student, o.status, o.result.score) for o in batch.outcomes] == [("alice", "graded", 5.0)]
    assert not (root / "gradebook.db").exists()
    assert (root / "feedback" / "alice" / "a1" / "a1.html").is_file()
    again = grade_assignment(course_dir=root, assignment="a1", students=["alice"], gradebook=False)
    assert [(o.student, o.status) for o in again.outcomes] == [("alice", "unchanged")]


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGKILL])
def test_stopped_halfway_then_restarted_grades_each_once(tmp_path: Path, stop: signal.Signals) -> None:
    root = tc.make_course(tmp_path)
    slow = tc.student_version(tc.source_a1(), {"double": "import time\ntime.sleep(1.5)\n" + tc.SOLUTIONS["double"]})
    names = [f"s{i}" for i in range(6)]
    for name in names:
        tc.submit(root, name, "a1", slow)
    command = [sys.executable, "-m", "autograder.cli", "grade", "a1", "--jobs", "1"]
    first = subprocess.Popen(command, cwd=root, start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results = store.results_dir(root, "a1")
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not (results.is_dir() and any(results.glob("*.json"))):
        time.sleep(0.2)
    os.killpg(first.pid, stop)
    assert first.wait(timeout=120) != 0
    done = len(list(results.glob("*.json")))
    assert 1 <= done < len(names)
    rerun = autograder("grade", "a1", "--json", root / "grades.json", cwd=root)
    assert rerun.returncode == 0 and f"{done} unchanged" in rerun.stdout
    assert {s: r["score"] for s, r in read_json(root / "grades.json")["students"].items()} == dict.fromkeys(names, 5.0)
    subprocess.run([sys.executable, "-m", "nbgrader", "export"], cwd=root, check=True, capture_output=True)
    rows = (root / "grades.csv").read_text().splitlines()[1:]
    assert sorted(row.split(",")[3] for row in rows) == names


def test_a_local_dask_cluster_gives_the_same_grades(tiny_class: Path, tmp_path: Path) -> None:
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        grade_assignment(course_dir=tiny_class, assignment="a1", force=True, dask=cluster.scheduler_address,
                         json_path=tmp_path / "dask.json")
    grade_assignment(course_dir=tiny_class, assignment="a1", force=True, json_path=tmp_path / "local.json")
    assert read_json(tmp_path / "dask.json") == read_json(tmp_path / "local.json")


def real_assignments() -> list[str]:
    """The repository's assignments that have a release."""
    return [p.name for p in sorted((REPO / "source").iterdir())
            if p.is_dir() and (REPO / "release" / p.name / f"{p.name}.ipynb").is_file()]


@pytest.mark.parametrize("assignment", real_assignments())
def test_real_course_source_earns_full_marks_and_release_zero(assignment: str, tmp_path: Path) -> None:
    copy_assignment(REPO, tmp_path, assignment)
    for who in ("source", "release"):
        target = tmp_path / "submitted" / who / assignment
        target.mkdir(parents=True)
        shutil.copy(tmp_path / who / assignment / f"{assignment}.ipynb", target)
    run = autograder("grade", assignment, "--json", tmp_path / "grades.json", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    students = read_json(tmp_path / "grades.json")["students"]
    autograded = sum(c.points for c in read_source(tmp_path / "source" / assignment / f"{assignment}.ipynb").graded()
                     if c.role == "test")
    assert students["source"]["score"] == autograded > 0, students["source"]
    assert students["release"]["score"] == 0.0 and students["release"]["error"] is None
