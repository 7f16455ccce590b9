"""A fixed class keeps its scores: the grader's redesigns change no grade unless a test says why.

``data/fixed_class.json`` holds, per assignment, thirteen students' answers (only the solution
cells that differ from the source's: correct students, students with one to three catalogued
mistakes, two hostile ones), made once with ``autograder.staff.classgen`` (seed 7);
``data/fixed_class_scores.json`` the score of every graded cell they earned then. Each student's
notebook is today's release with the source's solutions, then the student's own cells.

When a change to the grader changes scores on purpose, regenerate the scores, say why in the
commit, and review the diff: ``python -m tests.test_fixed_class`` (it prints what changed).
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


def graded_scores(assignment: str, course: Path) -> dict[str, dict[str, dict[str, float]]]:
    """{student: {notebook: {grade_id: score}}} of the fixed class, graded in a fresh ``course`` folder."""
    shutil.copy(ROOT / "nbgrader_config.py", course)
    for folder in ("source", "release"):
        shutil.copytree(ROOT / folder / assignment, course / folder / assignment)
    submit_class(course, assignment, notebooks(assignment))
    batch = grade_assignment(course_dir=course, assignment=assignment, jobs=2, console=Console(file=io.StringIO()))
    return {o.student: {nb: {gid: cell.score for gid, cell in result.cells.items()}
                        for nb, result in o.result.notebooks.items()} for o in batch.outcomes}


@pytest.mark.slow
@pytest.mark.sandbox
@pytest.mark.skipif(check_available() is not None, reason=f"needs bubblewrap: {check_available()}")
@pytest.mark.parametrize("assignment", sorted(SCORES))
def test_every_cell_scores_what_it_scored(assignment: str, tmp_path: Path) -> None:
    scores = graded_scores(assignment, tmp_path)
    changed = {(student, nb, gid): (expected, scores[student][nb][gid])
               for student, nbs in SCORES[assignment].items() for nb, cells in nbs.items()
               for gid, expected in cells.items() if abs(scores[student][nb][gid] - expected) > 1e-9}
    assert not changed, f"scores changed (was, now): {changed}"


def regenerate() -> None:
    """Grade the fixed class again, print every cell whose score changed, rewrite ``fixed_class_scores.json``."""
    import tempfile
    scores = {}
    for assignment in sorted(SCORES):
        with tempfile.TemporaryDirectory() as course:
            scores[assignment] = graded_scores(assignment, Path(course))
        for student, nbs in sorted(scores[assignment].items()):
            for nb, cells in nbs.items():
                for gid, now in sorted(cells.items()):
                    was = SCORES[assignment].get(student, {}).get(nb, {}).get(gid)
                    if was is None or abs(was - now) > 1e-9:
                        print(f"{assignment} {student} {gid}: {was} -> {now}")
    (DATA / "fixed_class_scores.json").write_text(json.dumps(scores, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    regenerate()
