"""What grading any submission of an assignment needs, read once per process, and the result of a submission
that was not run.

A light module (nbformat, no checks): the grading command reads the source notebooks here to record results and
to grade, without a grading process, the submissions that hand in nothing; its grading processes import the
checks (``autograder.grading.cells``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from autograder import course
from autograder.grading.results import CellResult, NotebookResult, Note, Status, StudentResult
from autograder.grading.submission import SourceNotebook, read_source


class AssignmentInputs(NamedTuple):
    """What grading any submission of an assignment needs, read once per process."""

    sources: dict[str, SourceNotebook]
    files: dict[str, bytes]
    others: dict[str, set[str]]


@functools.cache
def assignment_inputs(root: Path, assignment: str) -> AssignmentInputs:
    """The source notebooks, the helper files and the other assignments' grade ids."""
    sources = {name: read_source(path) for name, path in course.source_notebooks(root, assignment).items()}
    others = {other: {c.grade_id for path in course.source_notebooks(root, other).values()
                      for c in read_source(path).cells}
              for other in course.assignments(root) if other != assignment}
    return AssignmentInputs(sources, course.helper_files(root, assignment), others)


def cell_kinds(root: Path, assignment: str) -> dict[tuple[str, str], str]:
    """``(notebook, grade_id) -> "autograded" | "manual"`` for every graded cell of the source notebooks."""
    return {(name, cell.grade_id): "manual" if cell.role == "manual" else "autograded"
            for name, source in assignment_inputs(root, assignment).sources.items() for cell in source.graded()}


def ungraded_result(sources: Mapping[str, SourceNotebook], note: Note, status: Status = "not_run") -> StudentResult:
    """A result with every cell of every notebook at 0 and ``status``, for the reason ``note`` gives."""
    return StudentResult({name: not_run(source, note, status) for name, source in sources.items()})


def not_run(source: SourceNotebook, note: Note, status: Status = "not_run") -> NotebookResult:
    """A notebook's every graded cell at 0 and ``status``, for the reason ``note`` gives."""
    return NotebookResult({c.grade_id: CellResult(c.grade_id, status, 0.0, c.points) for c in source.graded()},
                          (note,))
