"""The feedback a student reads, rendered from the typed results (``autograder.grading.results``).

A cell's feedback is its notes (what went wrong in the cells before it), then the console
report of each check (``dnn_checks.render``, the very text the test cell prints), then why the
test cell could not run, if it could not; a cell that was not graded says why. It is capped at
:data:`CELL_BYTES` per cell and :data:`SUBMISSION_BYTES` per submission (UTF-8), cut with a
visible "… truncated" line. The grading command's JSON, Gradescope's results, the gradebook's
comments and the HTML pages (``feedback/<student>/<assignment>/<notebook>.html``, where
``nbgrader generate_feedback`` puts them) all show this text: scores and check messages, never
the test code (hidden or visible) nor the reference.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping
from html import escape
from pathlib import Path
from typing import TypeVar

from dnn_checks.render import render
from dnn_checks.results import Kind

from autograder.grading.results import CellResult, NotebookResult, Note, StudentResult
from autograder.grading.store import write_atomic

#: Longest feedback of one cell, and of one submission (its cells together), in bytes of UTF-8.
CELL_BYTES = 8 << 10
SUBMISSION_BYTES = 64 << 10
RAISED = "cell {cell} raised an error: {detail}"
STOPPED = "cell {cell} stopped the worker: {detail} (the cells before it were run again in a new worker, without it)"
#: What a note says, by kind (``{cell}``: the cell's label; ``{detail}``: the note's specifics); a note of
#: another kind (repaired, missing, unreadable, wrong_assignment) says its detail, written where it was found.
NOTES = {
    "cell_raised": RAISED,
    "cell_not_implemented": RAISED,
    "cell_crashed": STOPPED,
    "cell_timeout": STOPPED,
    "test_failed": "This cell could not be graded: {detail}",
    "not_submitted": "not submitted",
    "grader_failed": "the grader failed on this submission ({detail}); run the command again to grade it",
    "budget_spent": "Not run: {detail} before this cell.",
}
#: The notes whose detail starts with the notebook's file name (a ``SubmissionError``'s: "a1.ipynb: is not valid JSON").
NAMING = frozenset({"unreadable", "wrong_assignment"})
MANUAL = "This answer is graded by hand."
#: The kinds of checks a test cell runs.
KINDS: tuple[Kind, ...] = ("visible", "hidden")
K = TypeVar("K", bound=Hashable)
STYLE = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
.cell{border:1px solid #ccc;border-radius:6px;margin:1rem 0;padding:.5rem 1rem}
.full{border-left:6px solid #2a7}.part{border-left:6px solid #e90}.none{border-left:6px solid #c33}
pre{white-space:pre-wrap;background:#f6f6f6;padding:.5rem;border-radius:4px}.error{color:#c33}"""


def note_text(note: Note) -> str:
    """One note in a line or a few (a traceback)."""
    return NOTES.get(note.kind, "{detail}").format(cell=note.cell, detail=note.detail)


def notebook_error(notebook: NotebookResult, name: str | None = None) -> str | None:
    """Why the notebook could not be graded as a whole (None when it was); with its ``name``, each reason
    starts with the notebook's file name, once (a note of the :data:`NAMING` kinds says it already)."""
    return "; ".join(note_text(note) if name is None or note.kind in NAMING else f"{name}.ipynb: {note_text(note)}"
                     for note in notebook.notes) or None


def error(result: StudentResult) -> str | None:
    """Why the submission could not be graded as a whole: its notebooks' errors (named when several)."""
    named = len(result.notebooks) > 1
    errors = [why for name, notebook in result.notebooks.items()
              if (why := notebook_error(notebook, name if named else None))]
    return "; ".join(errors) or None


def cell_text(cell: CellResult, notebook: NotebookResult, kinds: Collection[Kind] = KINDS) -> str:
    """A cell's whole feedback (uncapped: :func:`texts` caps it); with ``kinds=("hidden",)`` only the
    hidden checks' reports (the notes and why the test cell could not run go with the visible part)."""
    if notebook.notes:
        return " ".join(_not_graded(note) for note in notebook.notes)
    if cell.status == "manual":
        return MANUAL
    if not cell.checks and any(note.kind == "budget_spent" for note in cell.notes):  # never reached
        return "\n".join(note_text(note) for note in cell.notes)
    reports = "\n\n".join(render(check) for check in cell.checks if check.kind in kinds)
    if "visible" not in kinds:
        return reports
    notes = [f"Note: {note_text(note)}" for note in cell.notes if note.kind != "test_failed"]
    failed = [note_text(note) for note in cell.notes if note.kind == "test_failed"]
    return "\n".join(part for part in [*notes, reports, *failed] if part)


def _not_graded(note: Note) -> str:
    if note.kind == "not_submitted":
        return "Not submitted."
    return note_text(note) if note.kind == "grader_failed" else f"Not graded: {note_text(note)}"


def texts(result: StudentResult) -> dict[str, dict[str, str]]:
    """``{notebook: {grade_id: feedback}}``, each cell's at most CELL_BYTES, all together at most SUBMISSION_BYTES."""
    full = {(name, gid): cell_text(cell, notebook)
            for name, notebook in result.notebooks.items() for gid, cell in notebook.cells.items()}
    shown = capped(full)
    return {name: {gid: shown[name, gid] for gid in notebook.cells} for name, notebook in result.notebooks.items()}


def capped(full: Mapping[K, str]) -> dict[K, str]:
    """Each text at most CELL_BYTES, all together at most SUBMISSION_BYTES.

    When the texts together are too long, every one keeps the same share (the longest ones are
    cut), so that no cell loses its feedback to the cells before it.
    """
    share = _fair_share([min(_size(text), CELL_BYTES) for text in full.values()], SUBMISSION_BYTES)
    return {key: _capped(text, share) for key, text in full.items()}


def _fair_share(sizes: list[int], total: int) -> int:
    """The largest ``share`` with ``sum(min(size, share)) <= total``."""
    left = total
    for i, size in enumerate(sorted(sizes)):
        share = left // (len(sizes) - i)
        if size > share:
            return share
        left -= size
    return total


def _capped(text: str, share: int) -> str:
    """``text`` within ``min(CELL_BYTES, share)`` bytes, its end replaced by a line saying it was cut."""
    limit = min(CELL_BYTES, share)
    if _size(text) <= limit:
        return text
    why = "8 KB per cell" if limit == CELL_BYTES else "64 KB per submission"
    marker = f"\n… truncated (the feedback is limited to {why})"
    return text.encode()[:max(limit - _size(marker), 0)].decode(errors="ignore") + marker


def _size(text: str) -> int:
    return len(text.encode())


def write(root: Path, assignment: str, student: str, result: StudentResult) -> list[Path]:
    """Write one HTML page per notebook of the result; return their paths."""
    folder = root / "feedback" / student / assignment
    paths = []
    for name, cells in texts(result).items():
        path = folder / f"{name}.html"
        write_atomic(path, page(assignment, student, name, result.notebooks[name], cells))
        paths.append(path)
    return paths


def page(assignment: str, student: str, name: str, notebook: NotebookResult, feedback: Mapping[str, str]) -> str:
    """The feedback page of one notebook; ``feedback`` is each cell's text (:func:`texts`)."""
    where = assignment if name == assignment else f"{assignment} / {name}"
    title = f"{escape(where)}: feedback for {escape(student)}"
    why = notebook_error(notebook)
    error_line = f'<p class="error">{escape(why)}</p>' if why else ""
    cells = "\n".join(_cell(cell, feedback[gid]) for gid, cell in notebook.cells.items())
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>"
            f"<style>{STYLE}</style></head>\n<body><h1>{title}</h1>\n"
            f"<p>Score: <b>{_points(notebook.score)}</b> out of {_points(notebook.max_score)}</p>{error_line}\n"
            f"{cells}\n</body></html>\n")


def _cell(cell: CellResult, text: str) -> str:
    kind = {"passed": "full", "partial": "part"}.get(cell.status, "none")
    return (f'<div class="cell {kind}"><h2>{escape(cell.grade_id)}: {_points(cell.score)} / '
            f"{_points(cell.max_score)}</h2><pre>{escape(text)}</pre></div>")


def _points(value: float) -> str:
    """Points as a reader wants them: 3, 0.56, 49.12 (the JSON and the gradebook keep every digit)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")
