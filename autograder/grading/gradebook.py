"""Grades into nbgrader's gradebook, through nbgrader's own API, so that ``nbgrader export`` and formgrader see them.

On a course with no gradebook yet, the assignment and its notebooks' cells are created
from the source notebooks by the preprocessors ``nbgrader generate_assignment`` uses. Each
submission is recorded with its timestamp, so nbgrader's late-penalty plugin applies;
each test cell gets its ``auto_score``, and the feedback of a solution's test cells becomes
that solution cell's comment; manually graded cells are left for formgrader.
"""

from __future__ import annotations

import datetime
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import nbformat
import nbgrader.api
from alembic.script import ScriptDirectory
from nbgrader.api import Comment, Grade, Gradebook, MissingEntry, SubmittedNotebook
from nbgrader.dbutil import ALEMBIC_DIR
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearOutput,
    ClearSolutions,
    ComputeChecksums,
    LockCells,
    SaveCells,
)
from sqlalchemy.exc import SAWarning
from sqlalchemy.orm import joinedload
from traitlets.config import Config

from autograder.course import nbgrader_config
from autograder.grading.results import NotebookResult, StudentResult
from autograder.grading.submission import SourceNotebook
from autograder.staff import feedback

#: What ``nbgrader generate_assignment`` runs before it saves a notebook's cells.
SAVE_CELLS = (LockCells, ClearSolutions, ClearOutput, CheckCellMetadata, ComputeChecksums, SaveCells)


def open_gradebook(root: Path) -> Gradebook:
    """The course's gradebook (``gradebook.db`` at the root unless the config says otherwise)."""
    config = nbgrader_config(root)
    return Gradebook(db_url(root, config), course_id=config.CourseDirectory.get("course_id", "default_course"))


def alembic_head() -> str:
    """The schema revision nbgrader stamps a new gradebook with, read in this process."""
    return ScriptDirectory(ALEMBIC_DIR).get_current_head()


# nbgrader reads that revision by running the ``alembic heads`` command, a new Python (1-5 s for each new
# gradebook, most of a single submission's grading on Gradescope): the same answer, read here.
nbgrader.api.get_alembic_version = alembic_head


def db_url(root: Path, config: Config) -> str:
    return config.CourseDirectory.get("db_url", f"sqlite:///{root / 'gradebook.db'}")


def ensure_assignment(root: Path, assignment: str, sources: Mapping[str, Path]) -> None:
    """Create the assignment and every notebook the gradebook does not know yet, from the source notebooks."""
    config = nbgrader_config(root)
    with open_gradebook(root) as gb:
        gb.update_or_create_assignment(assignment)
        missing = [name for name in sources if not _has_notebook(gb, name, assignment)]
    for name in missing:
        resources = {"nbgrader": {"notebook": name, "assignment": assignment, "db_url": db_url(root, config)}}
        nb = nbformat.read(sources[name], as_version=4)
        for step in SAVE_CELLS:
            nb, resources = step(config=config).preprocess(nb, resources)


def _has_notebook(gb: Gradebook, name: str, assignment: str) -> bool:
    try:
        gb.find_notebook(name, assignment)
    except MissingEntry:
        return False
    return True


class Recorder:
    """An open gradebook that records results: ``with Recorder(root) as r: r.record(...)``."""

    def __init__(self, root: Path) -> None:
        self.gradebook = open_gradebook(root)
        self.late = AssignLatePenalties(config=nbgrader_config(root))
        self.late.init_plugin()

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.gradebook.close()

    def record(self, assignment: str, student: str, timestamp: datetime.datetime | None,
               result: StudentResult, sources: Mapping[str, SourceNotebook]) -> None:
        """Record one student's result and its late penalty (nothing when no notebook was submitted), in one
        transaction of ours (nbgrader's ``update_or_create_*`` commit their own)."""
        if not result.submitted:
            return
        texts = feedback.texts(result)
        gb = self.gradebook
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SAWarning)  # nbgrader's own add_submission raises these
            gb.update_or_create_student(student)
            submission = gb.update_or_create_submission(assignment, student, timestamp=timestamp)
            for name, notebook in result.notebooks.items():
                _record_notebook(gb, assignment, student, name, notebook, texts[name], sources[name])
            gb.db.flush()  # the notebooks' scores, which the late penalty reads, are computed by the database
            for name in result.notebooks:
                self._late_penalty(submission, gb.find_submission_notebook(name, assignment, student))
            gb.db.commit()

    def _late_penalty(self, submission: Any, notebook: Any) -> None:
        """As nbgrader's AssignLatePenalties: the course's configured plugin decides the penalty."""
        notebook.late_submission_penalty = None
        if submission.total_seconds_late > 0:
            penalty = self.late.plugin_inst.late_submission_penalty(
                submission.student.id, notebook.score, submission.total_seconds_late)
            if penalty is not None:
                notebook.late_submission_penalty = self.late._check_late_penalty(notebook, penalty)


def _record_notebook(gb: Gradebook, assignment: str, student: str, name: str, notebook: NotebookResult,
                     texts: Mapping[str, str], source: SourceNotebook) -> None:
    """Auto scores of the test cells (None for manual ones) and the comments of the solution cells
    (the feedback ``texts`` of their test cells)."""
    submitted = gb.find_submission_notebook(name, assignment, student)
    grades, comments = _by_cell_name(gb, Grade, submitted), _by_cell_name(gb, Comment, submitted)
    for cell in source.graded():
        grade = grades[cell.grade_id]
        grade.auto_score = notebook.cells[cell.grade_id].score if cell.role == "test" else None
        grade.needs_manual_grade = grade.manual_score is not None or grade.auto_score is None
    for solution, tests in _tests_of_solutions(source).items():
        comments[solution].auto_comment = "\n\n".join(texts[t] for t in tests) or None


def _by_cell_name(gb: Gradebook, kind: type[Grade] | type[Comment], notebook: SubmittedNotebook) -> dict[str, Any]:
    """The notebook's grades (or comments) by their cell's name, the cells loaded in the same query: ``g.name``
    loads each one's cell on its own (a query per cell, again for every student: a commit expires them)."""
    rows = gb.db.query(kind).options(joinedload(kind.cell)).filter(kind.notebook_id == notebook.id)
    return {row.cell.name: row for row in rows}


def _tests_of_solutions(source: SourceNotebook) -> dict[str, list[str]]:
    """Each solution cell with the test cells that follow it, up to the next solution cell."""
    owners: dict[str, list[str]] = {}
    current = None
    for cell in source.cells:
        if cell.role in ("solution", "manual"):
            current = owners.setdefault(cell.grade_id, [])
        elif cell.role == "test" and current is not None:
            current.append(cell.grade_id)
    return owners


def auto_scores(root: Path, assignment: str, notebook: str, students: list[str]) -> dict[str, dict[str, float]]:
    """``{student: {grade cell: auto score}}`` of the autograded code cells, as the gradebook holds them."""
    with open_gradebook(root) as gb:
        return {s: {g.name: g.auto_score for g in gb.find_submission_notebook(notebook, assignment, s).grades
                    if g.auto_score is not None and g.cell_type == "code"} for s in students}
