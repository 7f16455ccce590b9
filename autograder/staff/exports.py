"""``autograder export``: the stored grades as a per-cell CSV, as Gradescope's ``results.json`` per student, or
the gradebook as Canvas imports it (one row per student, one column per assignment).

``nbgrader export`` gives one total per student and assignment; the CSV has one row per graded
cell (student, notebook, cell, whether it is autograded or graded by hand, its score, and the
notebook's and the assignment's totals on every row, so a spreadsheet can pivot either way).

The Gradescope export writes ``DIR/<student>/results.json`` as the Gradescope autograder would
(``autograder.staff.gradescope.results_json``; cells graded by hand are left to Gradescope's manual grading).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from nbgrader.api import MissingEntry

from autograder.grading.assignment import cell_kinds
from autograder.grading.gradebook import open_gradebook
from autograder.grading.results import StudentResult
from autograder.grading.store import grader_version, load_all, write_atomic
from autograder.staff.feedback import notebook_error
from autograder.staff.gradescope import results_json

CSV_COLUMNS = ("student", "notebook", "cell", "kind", "score", "max_score", "notebook_score",
               "notebook_max_score", "total_score", "total_max_score", "error")


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


def write_gradescope(root: Path, assignment: str, folder: Path) -> list[Path]:
    """Write ``folder/<student>/results.json`` for every student with stored grades; return the paths."""
    kinds, version, paths = cell_kinds(root, assignment), grader_version(root, assignment), []
    for student, result in sorted(load_all(root, assignment).items()):
        path = Path(folder) / student / "results.json"
        write_atomic(path, json.dumps(results_json(result, kinds, version=version), indent=1))
        paths.append(path)
    return paths


# --- Canvas ---------------------------------------------------------------------------------

#: Canvas's gradebook import: these student columns, then one column per assignment, and a points row.
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
POINTS_ROW = "Points Possible"


def canvas_rows(root: Path) -> list[list[str]]:
    """The header, the points row, then one row per student of the gradebook: each assignment's score as
    nbgrader's gradebook has it (hand-graded cells in, late penalty out), blank where nothing was submitted.

    Canvas matches students by ``SIS User ID`` (the gradebook's ``lms_user_id``, else the nbgrader id) or
    ``SIS Login ID`` (the nbgrader id); ``ID`` (Canvas's own) is left blank.
    """
    gb = open_gradebook(root)
    try:
        names = sorted(a.name for a in gb.assignments)
        header = [*CANVAS_COLUMNS, *names]
        points = [POINTS_ROW, "", "", "", "", *(_number(gb.find_assignment(a).max_score) for a in names)]
        rows = [[_full_name(s), "", s.lms_user_id or s.id, s.id, "", *(_score(gb, a, s.id) for a in names)]
                for s in sorted(gb.students, key=lambda s: s.id)]
    finally:
        gb.close()
    return [header, points, *rows]


def _full_name(student: Any) -> str:
    return ", ".join(filter(None, [student.last_name, student.first_name])) or student.id


def _score(gb: Any, assignment: str, student: str) -> str:
    try:
        submission = gb.find_submission(assignment, student)
    except MissingEntry:
        return ""
    return _number(max(submission.score - (submission.late_submission_penalty or 0.0), 0.0))


def _number(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")


def write_canvas(root: Path, path: Path) -> int:
    """Write the Canvas gradebook CSV of every assignment in the gradebook; return the number of students."""
    rows = canvas_rows(root)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    write_atomic(Path(path), buffer.getvalue())
    return len(rows) - 2
