"""A fixed class keeps its scores: the grader's redesigns change no grade unless a test says why.

``data/fixed_class.json`` holds, per assignment, thirteen students' answers (only the solution
cells that differ from the source's: correct students, students with one to three catalogued
mistakes, two hostile ones), made once with ``autograder.staff.classgen`` (seed 7);
``data/fixed_class_scores.json`` the score of every graded cell they earned then. Each student's
notebook is today's release with the source's solutions, then the student's own cells.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import nbformat
import pytest
from rich.console import Console

from autograder.grading.batch import grade_assignment
from autograder.sandbox.bubblewrap import check_available
from autograder.staff.classgen import Student, solved, submit_class

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
ANSWERS = json.loads((DATA / "fixed_class.json").read_text())
SCORES = json.loads((DATA / "fixed_class_scores.json").read_text())


def notebooks(assignment: str) -> list[Student]:
    """The class's notebooks: the solved release with each student's own cells."""
    name = f"{assignment}.ipynb"
    source, release = (nbformat.read(ROOT / folder / assignment / name, as_version=4) for folder in ("source", "release"))
    students = []
    for student, answer in sorted(ANSWERS[assignment].items()):
        nb = solved(source, release)
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in answer["cells"]:
                cell.source = answer["cells"][grade_id]
        students.append(Student(student, "fixed", answer["what"], {name: nbformat.writes(nb).encode()}))
    return students


@pytest.mark.slow
@pytest.mark.sandbox
@pytest.mark.skipif(check_available() is not None, reason=f"needs bubblewrap: {check_available()}")
@pytest.mark.parametrize("assignment", sorted(SCORES))
def test_every_cell_scores_what_it_scored(assignment: str, tmp_path: Path) -> None:
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    for folder in ("source", "release"):
        shutil.copytree(ROOT / folder / assignment, tmp_path / folder / assignment)
    submit_class(tmp_path, assignment, notebooks(assignment))
    batch = grade_assignment(course_dir=tmp_path, assignment=assignment, jobs=2, console=Console(file=io.StringIO()))
    scores = {o.student: {nb: {gid: cell.score for gid, cell in result.cells.items()}
                          for nb, result in o.result.notebooks.items()} for o in batch.outcomes}
    changed = {(student, nb, gid): (expected, scores[student][nb][gid])
               for student, nbs in SCORES[assignment].items() for nb, cells in nbs.items()
               for gid, expected in cells.items() if abs(scores[student][nb][gid] - expected) > 1e-9}
    assert not changed, f"scores changed (was, now): {changed}"
