"""For honest submissions, `autograder grade` gives every test cell the score `nbgrader autograde` gives it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.gradebook import open_gradebook
from autograder.sample_class import make_class, submit_class
from autograder.sandbox import check_available

UNAVAILABLE = check_available()
pytestmark = [pytest.mark.sandbox, pytest.mark.slow,
              pytest.mark.skipif(UNAVAILABLE is not None,
                                 reason=f"needs bubblewrap (apt-get install bubblewrap): {UNAVAILABLE}")]
REPO = Path(__file__).resolve().parents[1]
ASSIGNMENT = "a1_deep_network"
BIN = Path(sys.executable).parent


def course(root: Path) -> Path:
    for folder in ("source", "release"):
        shutil.copytree(REPO / folder / ASSIGNMENT, root / folder / ASSIGNMENT)
    shutil.copy(REPO / "nbgrader_config.py", root)
    return root


def run(*command: str, cwd: Path) -> None:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    subprocess.run(command, cwd=cwd, check=True, capture_output=True, env=env, timeout=1800)


@pytest.mark.skipif(not (REPO / "release" / ASSIGNMENT).is_dir(), reason=f"{ASSIGNMENT} is not released yet")
def test_same_cell_scores_as_nbgrader_autograde(tmp_path: Path) -> None:
    students = make_class(REPO / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                          REPO / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", size=3, seed=1)
    ours, theirs = course(tmp_path / "ours"), course(tmp_path / "nbgrader")
    for root in (ours, theirs):
        submit_class(root, ASSIGNMENT, students, notebook=ASSIGNMENT)
    run(str(BIN / "autograder"), "grade", ASSIGNMENT, "--json", str(ours / "grades.json"), cwd=ours)
    run(str(BIN / "nbgrader"), "generate_assignment", ASSIGNMENT, "--force", cwd=theirs)
    run(str(BIN / "nbgrader"), "autograde", ASSIGNMENT, "--force", cwd=theirs)
    mine = json.loads((ours / "grades.json").read_text())["students"]
    with open_gradebook(theirs) as gb:
        for student in students:
            grades = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student.name).grades
            expected = {g.name: g.auto_score for g in grades if g.auto_score is not None and g.cell_type == "code"}
            cells = mine[student.name]["notebooks"][ASSIGNMENT]["cells"]
            assert {gid: cells[gid]["score"] for gid in expected} == expected, student.mistakes
    assert any(s.mistakes for s in students) and any(not s.mistakes for s in students)
