"""``autograder export``: the stored grades as a per-cell CSV, or as Gradescope's ``results.json`` per student.

``nbgrader export`` gives one total per student and assignment; the CSV has one row per graded
cell (student, notebook, cell, whether it is autograded or graded by hand, its score, and the
notebook's and the assignment's totals on every row, so a spreadsheet can pivot either way).

The Gradescope export writes ``DIR/<student>/results.json`` in the format of Gradescope's
autograder specification: one test per autograded cell (``name``, ``score``, ``max_score``,
``output`` = the feedback ``autograder.staff.feedback`` renders, ``visibility``), ``score`` the
autograded total, and ``output`` the reason when a notebook could not be graded. Cells graded by hand are left to Gradescope's
manual grading. On Gradescope, ``run_autograder`` puts the submission in
``submitted/<student>/<assignment>/`` of a course copy, runs ``autograder grade`` then
``autograder export --gradescope``, and copies ``<student>/results.json`` to ``/autograder/results/``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from autograder.grading.cells import assignment_inputs
from autograder.grading.results import CellResult, StudentResult
from autograder.grading.store import load_all, write_atomic
from autograder.staff.feedback import notebook_error, texts

CSV_COLUMNS = ("student", "notebook", "cell", "kind", "score", "max_score", "notebook_score",
               "notebook_max_score", "total_score", "total_max_score", "error")
#: Gradescope shows a test's output to the student at once; the feedback never holds test code or solutions.
VISIBILITY = "visible"


def cell_kinds(root: Path, assignment: str) -> dict[tuple[str, str], str]:
    """``(notebook, grade_id) -> "autograded" | "manual"`` for every graded cell of the source notebooks."""
    return {(name, cell.grade_id): "manual" if cell.role == "manual" else "autograded"
            for name, source in assignment_inputs(root, assignment).sources.items() for cell in source.graded()}


def csv_rows(results: Mapping[str, StudentResult], kinds: Mapping[tuple[str, str], str]) -> list[dict[str, Any]]:
    """One row per student and graded cell, students in order, cells in notebook order."""
    return [{"student": student, "notebook": name, "cell": gid, "kind": kinds.get((name, gid), "autograded"),
             "score": cell.score, "max_score": cell.max_score, "notebook_score": notebook.score,
             "notebook_max_score": notebook.max_score, "total_score": result.score,
             "total_max_score": result.max_score, "error": notebook_error(notebook) or ""}
            for student, result in sorted(results.items()) for name, notebook in result.notebooks.items()
            for gid, cell in notebook.cells.items()]


def write_csv(root: Path, assignment: str, path: Path) -> int:
    """Write the per-cell CSV of the stored grades; return the number of rows."""
    rows = csv_rows(load_all(root, assignment), cell_kinds(root, assignment))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_atomic(Path(path), buffer.getvalue())
    return len(rows)


def gradescope_result(result: StudentResult, kinds: Mapping[tuple[str, str], str]) -> dict[str, Any]:
    """Gradescope's results.json for one student: a test per autograded cell; the reasons in ``output``."""
    feedback = texts(result)
    tests = [{"name": f"{name}: {gid}" if len(result.notebooks) > 1 else gid, "number": str(number),
              "score": cell.score, "max_score": cell.max_score, "output": feedback[name][gid],
              "visibility": VISIBILITY}
             for number, (name, gid, cell) in enumerate(_autograded(result, kinds), start=1)]
    errors = [f"{name}.ipynb: {why}" for name, nb in result.notebooks.items() if (why := notebook_error(nb))]
    return {"score": sum(t["score"] for t in tests),
            "output": "\n".join(errors) or "Graded by the course's autograder.",
            "visibility": VISIBILITY, "stdout_visibility": "hidden", "tests": tests}


def _autograded(result: StudentResult, kinds: Mapping[tuple[str, str], str]) -> list[tuple[str, str, CellResult]]:
    return [(name, gid, cell) for name, notebook in result.notebooks.items()
            for gid, cell in notebook.cells.items() if kinds.get((name, gid), "autograded") == "autograded"]


def write_gradescope(root: Path, assignment: str, folder: Path) -> list[Path]:
    """Write ``folder/<student>/results.json`` for every student with stored grades; return the paths."""
    kinds, paths = cell_kinds(root, assignment), []
    for student, result in sorted(load_all(root, assignment).items()):
        path = Path(folder) / student / "results.json"
        write_atomic(path, json.dumps(gradescope_result(result, kinds), indent=1))
        paths.append(path)
    return paths
