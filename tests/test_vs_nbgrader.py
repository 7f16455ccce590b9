"""For honest submissions, `autograder grade` gives every test cell the score `nbgrader autograde` gives it,
but where a correct function calls one the student got wrong: when grading, its visible checks too run with
correct callees (``autograder.hidden.grading``), so it keeps the points nbgrader's plain run takes away."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from dnn_checks.graded import FUNCTIONS

from autograder.course import copy_assignment
from autograder.grading.gradebook import auto_scores
from autograder.sandbox.bubblewrap import check_available
from autograder.staff.classgen import make_class, submit_class

UNAVAILABLE = check_available()
pytestmark = [pytest.mark.sandbox, pytest.mark.slow,
              pytest.mark.skipif(UNAVAILABLE is not None,
                                 reason=f"needs bubblewrap (apt-get install bubblewrap): {UNAVAILABLE}")]
REPO = Path(__file__).resolve().parents[1]
ASSIGNMENT = "a1_deep_network"
BIN = Path(sys.executable).parent


def run(*command: str, cwd: Path) -> None:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    subprocess.run(command, cwd=cwd, check=True, capture_output=True, env=env, timeout=1800)


@pytest.mark.skipif(not (REPO / "release" / ASSIGNMENT).is_dir(), reason=f"{ASSIGNMENT} is not released yet")
def test_same_cell_scores_as_nbgrader_autograde(tmp_path: Path) -> None:
    students = make_class(REPO / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                          REPO / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", size=3, seed=1, special=())
    ours = copy_assignment(REPO, tmp_path / "ours", ASSIGNMENT)
    theirs = copy_assignment(REPO, tmp_path / "nbgrader", ASSIGNMENT)
    for root in (ours, theirs):
        submit_class(root, ASSIGNMENT, students)
    run(str(BIN / "autograder"), "grade", ASSIGNMENT, "--json", str(ours / "grades.json"), cwd=ours)
    run(str(BIN / "nbgrader"), "generate_assignment", ASSIGNMENT, "--force", cwd=theirs)
    run(str(BIN / "nbgrader"), "autograde", ASSIGNMENT, "--force", cwd=theirs)
    mine = json.loads((ours / "grades.json").read_text())["students"]
    expected = auto_scores(theirs, ASSIGNMENT, ASSIGNMENT, [s.name for s in students])
    for student in students:
        cells = mine[student.name]["notebooks"][ASSIGNMENT]["cells"]
        wrong = {mistake.split(".")[0] for mistake in student.what.split(", ")} if student.kind == "mistakes" else set()
        for gid, score in expected[student.name].items():
            if cells[gid]["score"] != score:
                calls = set(FUNCTIONS[gid.removeprefix("test_")].calls)
                assert cells[gid]["score"] > score and calls & wrong, (student.what, gid, cells[gid]["score"], score)
    assert {s.kind for s in students} == {"correct", "mistakes"}
