"""nbgrader's own ``validate`` on a student's notebook: a correct one passes, a blank one and one with a single
mistake fail on exactly the cells they should, and every cell runs within nbgrader's default timeouts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from course_notebooks import ROOT, copy_assignment, graded_cells, notebook_path, present, read, without_hidden_tests
from dnn_checks.graded import taught_in

pytestmark = pytest.mark.slow
NBGRADER = str(Path(sys.executable).parent / "nbgrader")


def validate(nb: nbformat.NotebookNode, assignment: str, folder: Path) -> str:
    notebook = folder / f"{assignment}.ipynb"
    nbformat.write(nb, notebook)
    run = subprocess.run([NBGRADER, "validate", str(notebook)], capture_output=True, text=True, timeout=1200,
                         cwd=folder)
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout


@pytest.mark.parametrize("assignment", present("release"))
def test_validate_passes_a_correct_notebook_and_fails_a_blank_or_wrong_one(assignment: str, tmp_path: Path) -> None:
    folder = copy_assignment(ROOT / "release" / assignment, tmp_path / assignment)
    correct = without_hidden_tests(read(notebook_path("source", assignment)))
    said = validate(correct, assignment, folder)
    assert "Success! Your notebook passes all the tests." in said, said[-3000:]
    assert "Timeout" not in said

    blank = read(notebook_path("release", assignment))
    said = validate(blank, assignment, folder)
    assert "VALIDATION FAILED ON" in said and all(cell.source.splitlines()[1] in said for cell in graded_cells(blank))

    planted = taught_in(assignment)[-1]  # the last one taught: no other graded function calls it
    for cell in correct.cells:
        if f"def {planted}(" in cell.source:
            cell.source += f"\n\n_{planted} = {planted}\n\ndef {planted}(*args):\n    return _{planted}(*args) * 0.5\n"
    said = validate(correct, assignment, folder)
    assert "VALIDATION FAILED ON 1 CELL(S)!" in said and f'run_checks("{planted}"' in said, said[-3000:]
