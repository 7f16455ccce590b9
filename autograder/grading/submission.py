"""Read a submitted notebook and line its cells up with the source notebook.

The source notebook is the authority: cells are matched by nbgrader ``grade_id``; locked
cells and every test cell are taken from the source, never from the student's copy; only
solution cells and the student's own unmarked cells come from the submission. What the
student's copy got wrong (deleted or duplicated cells, stripped metadata, an old nbformat)
is repaired where nbgrader would repair it and said in a :class:`~autograder.grading.results.Note`;
what cannot be repaired (not JSON, the wrong assignment) raises :class:`SubmissionError` with the
file and the reason. Those messages reach the student: they name the notebook by its file name in the
student's submission, never by its path on the grading machine.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import nbformat
from nbformat import NotebookNode

from autograder.grading.results import Note, NoteKind

#: Cells with this tag only plot or train: the grader does not run them.
SKIP_TAG = "skip-grading"
#: Largest notebook file read (outputs included).
MAX_NOTEBOOK_BYTES = 64 << 20


class SubmissionError(Exception):
    """The notebook cannot be graded as a whole; ``str(self)`` is ``"<file name>: <the reason>"`` (the file's
    name only: the student reads it), ``kind`` is ``"unreadable"`` or ``"wrong_assignment"``."""

    def __init__(self, message: str, *, kind: NoteKind = "unreadable") -> None:
        super().__init__(message)
        self.kind = kind


class SourceCell(NamedTuple):
    """A cell of the source notebook that nbgrader tracks.

    ``role`` is ``"test"`` (autograded tests), ``"solution"``, ``"manual"`` (a solution cell
    graded by hand), ``"locked"`` or ``"task"``; ``points`` is 0 for ungraded roles.
    """

    grade_id: str
    role: str
    cell_type: str
    source: str
    points: float
    skip: bool


class SourceNotebook(NamedTuple):
    """``layout`` is the grade id (or None, for an untracked cell) of every code cell, in order."""

    name: str
    cells: list[SourceCell]
    layout: tuple[str | None, ...]

    def graded(self) -> list[SourceCell]:
        """The cells that carry points: tests and manually graded answers, in order."""
        return [c for c in self.cells if c.role in ("test", "manual")]


class Step(NamedTuple):
    """One cell to run: ``where`` is ``"worker"`` (student side) or ``"trusted"`` (a test cell).

    ``label`` names the cell in feedback; ``notes`` say what was repaired about it, or that it is missing.
    """

    where: str
    label: str
    source: str
    notes: tuple[Note, ...] = ()


def read_source(path: Path) -> SourceNotebook:
    """The nbgrader cells of an instructor notebook, in order."""
    nb = nbformat.read(path, as_version=4)
    cells = [_source_cell(cell) for cell in nb.cells if _grade_id(cell)]
    layout = tuple(_grade_id(cell) for cell in nb.cells if cell.cell_type == "code")
    return SourceNotebook(path.stem, cells, layout)


def _source_cell(cell: NotebookNode) -> SourceCell:
    meta = cell.metadata["nbgrader"]
    grade, solution = bool(meta.get("grade")), bool(meta.get("solution"))
    role = ("manual" if grade and solution else "test" if grade else "solution" if solution
            else "task" if meta.get("task") else "locked")
    points = float(meta.get("points", 0) or 0) if role in ("test", "manual") else 0.0
    return SourceCell(meta["grade_id"], role, cell.cell_type, cell.source, points, _skipped(cell))


def read_submitted(path: Path) -> tuple[NotebookNode, list[Note]]:
    """The submitted notebook as nbformat 4, and notes on what had to be upgraded or filled in."""
    try:
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            raise SubmissionError(f"{path.name}: is larger than {MAX_NOTEBOOK_BYTES >> 20} MiB; "
                                  "clear its outputs and resubmit")
        data = json.loads(path.read_bytes())
    except OSError as exc:
        raise SubmissionError(f"{path.name}: cannot be read ({exc.strerror})") from None
    except (ValueError, RecursionError) as exc:
        raise SubmissionError(f"{path.name}: is not valid JSON ({exc}); the file is damaged, "
                              "resubmit the notebook saved from Jupyter") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells", data.get("worksheets")), list):
        raise SubmissionError(f"{path.name}: is JSON but not a Jupyter notebook (it has no cells)")
    notes = _fill_in(data)
    if data.get("nbformat") == 3:
        notes.append(Note("repaired", None, "the notebook was in nbformat 3 and was upgraded to nbformat 4"))
    return _as_v4(path, data), notes


def _fill_in(data: dict[str, Any]) -> list[Note]:
    """Put back the keys nbformat 4 requires of every cell (metadata, outputs) where they were stripped."""
    if data.get("nbformat") != 4:
        return []
    data.setdefault("metadata", {})
    stripped = 0
    for cell in data["cells"]:
        if not isinstance(cell, dict):
            continue
        stripped += "metadata" not in cell
        cell.setdefault("metadata", {})
        if cell.get("cell_type") == "code":
            cell.setdefault("outputs", [])
            cell.setdefault("execution_count", None)
    return [Note("repaired", None, f"{stripped} cells had their metadata stripped")] if stripped else []


def _as_v4(path: Path, data: dict[str, Any]) -> NotebookNode:
    version = data.get("nbformat")
    if version not in (3, 4):
        raise SubmissionError(f"{path.name}: is in nbformat {version!r}; only nbformat 4 (and 3, upgraded) is graded")
    try:
        nb = nbformat.reads(json.dumps(data), as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # noqa: BLE001 - nbformat raises several types for broken notebooks
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        upgrade = " (it is in nbformat 3 and could not be upgraded)" if version == 3 else ""
        raise SubmissionError(f"{path.name}: is not a valid notebook{upgrade}: {first_line}") from None
    return nb


def plan(path: Path, source: SourceNotebook, *, others: Mapping[str, set[str]] | None = None) -> list[Step]:
    """The steps that grade the submitted notebook ``path`` against its ``source``.

    ``others`` maps the course's other assignments to their grade ids, to name the
    assignment of a notebook handed in for the wrong one.
    """
    nb, notes = read_submitted(path)
    cells, more = _matched_cells(path, nb, source, others or {})
    steps = _steps(cells, source)
    if steps:
        steps[0] = steps[0]._replace(notes=(*notes, *more, *steps[0].notes))
    return steps


def _matched_cells(path: Path, nb: NotebookNode, source: SourceNotebook,
                   others: Mapping[str, set[str]]) -> tuple[list[tuple[str | None, NotebookNode]], list[Note]]:
    """``(grade_id or None, cell)`` for every student cell, after duplicates and stripped ids are resolved."""
    known = {c.grade_id for c in source.cells}
    cells, notes = _deduplicated(nb.cells)
    ids = {gid for gid, _ in cells if gid}
    if ids & known:
        return [(gid if gid in known else None, cell) for gid, cell in cells], notes
    if ids:
        raise SubmissionError(f"{path.name}: is not a notebook of this assignment ({_guess(ids, others)})",
                              kind="wrong_assignment")
    return _by_position(path, nb.cells, source), [*notes, Note("repaired", None, (
        "the nbgrader metadata of the cells was stripped: they were matched to the assignment's cells by position"))]


def _deduplicated(cells: list[NotebookNode]) -> tuple[list[tuple[str | None, NotebookNode]], list[Note]]:
    """As nbgrader's DeduplicateIds: the last copy of a grade id keeps it, earlier copies become ordinary cells."""
    last = {_grade_id(cell): i for i, cell in enumerate(cells) if _grade_id(cell)}
    out, notes = [], set()
    for i, cell in enumerate(cells):
        gid = _grade_id(cell)
        if gid and last[gid] != i:
            notes.add(Note("repaired", gid, f"cell {gid!r} appears more than once: its last copy was graded, "
                                            "earlier copies ran as ordinary cells"))
            gid = None
        out.append((gid, cell))
    return out, sorted(notes, key=lambda note: note.cell or "")


def _guess(ids: set[str], others: Mapping[str, set[str]]) -> str:
    best = max(others, key=lambda name: len(ids & others[name]), default=None)
    if best is not None and ids & others[best]:
        return f"its cells belong to assignment {best!r}"
    return "none of its cell ids is one of the assignment's"


def _by_position(path: Path, cells: list[NotebookNode],
                 source: SourceNotebook) -> list[tuple[str | None, NotebookNode]]:
    """Match a notebook stripped of nbgrader metadata when its code cells line up one to one with the source's."""
    code = [cell for cell in cells if cell.cell_type == "code"]
    if len(code) != len(source.layout) or not any(source.layout):
        raise SubmissionError(f"{path.name}: its cells carry no nbgrader metadata (it was stripped, or the notebook "
                              "was not made from the released one) and they do not line up with the "
                              "assignment's; resubmit the released notebook with your answers in it")
    ids = iter(source.layout)
    return [(next(ids) if cell.cell_type == "code" else None, cell) for cell in cells]


def _steps(cells: list[tuple[str | None, NotebookNode]], source: SourceNotebook) -> list[Step]:
    """The cells to run in notebook order, with deleted tracked cells put back where the source has them."""
    order = {c.grade_id: i for i, c in enumerate(source.cells)}
    present = {gid for gid, _ in cells if gid}
    deleted = [c for c in source.cells if c.grade_id not in present]
    steps: list[Step] = []
    for number, (gid, cell) in enumerate(cells, start=1):
        while gid and deleted and order[deleted[0].grade_id] < order[gid]:
            steps += _restored(deleted.pop(0))
        steps += _step(number, gid, cell, source.cells[order[gid]] if gid else None)
    for cell in deleted:
        steps += _restored(cell)
    return steps


def _step(number: int, gid: str | None, cell: NotebookNode, src: SourceCell | None) -> list[Step]:
    """How one student cell runs: tests and locked cells from the source, the rest as the student wrote it."""
    if src is None:
        runs = cell.cell_type == "code" and not _skipped(cell)
        return [Step("worker", f"cell {number}", cell.source)] if runs else []
    if src.role == "test":
        return [Step("trusted", src.grade_id, src.source)]
    if src.role == "locked":
        return [Step("worker", src.grade_id, src.source)] if src.cell_type == "code" and not src.skip else []
    runs = src.role in ("solution", "manual") and cell.cell_type == "code" and not src.skip
    return [Step("worker", src.grade_id, cell.source)] if runs else []


def _restored(src: SourceCell) -> list[Step]:
    """A tracked cell the student deleted: tests and locked cells come back from the source, answers do not."""
    if src.role == "test":
        note = f"test cell {src.grade_id!r} was deleted from the notebook; it was put back from the assignment"
        return [Step("trusted", src.grade_id, src.source, (Note("repaired", src.grade_id, note),))]
    if src.role == "locked" and src.cell_type == "code" and not src.skip:
        note = f"cell {src.grade_id!r} was deleted from the notebook; it was put back from the assignment"
        return [Step("worker", src.grade_id, src.source, (Note("repaired", src.grade_id, note),))]
    if src.role in ("solution", "manual"):
        note = f"answer cell {src.grade_id!r} was deleted from the notebook"
        return [Step("worker", src.grade_id, "", (Note("missing", src.grade_id, note),))]
    return []


def _grade_id(cell: NotebookNode) -> str | None:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    tracked = any(meta.get(flag) for flag in ("grade", "solution", "locked", "task"))
    gid = meta.get("grade_id")
    return gid if tracked and isinstance(gid, str) and gid else None


def _skipped(cell: NotebookNode) -> bool:
    return SKIP_TAG in cell.get("metadata", {}).get("tags", [])


#: The modules a grading sandbox may import for its workers up front, and what shows that a cell uses one.
PRELOADABLE: dict[str, re.Pattern[str]] = {"sklearn.datasets": re.compile(r"\bsklearn\b|\bload_digits\w*\s*\(")}


def worker_preload(sources: Iterable[Path]) -> tuple[str, ...]:
    """The :data:`PRELOADABLE` modules that the code cells of the ``sources`` notebooks that grading runs (those
    not tagged ``skip-grading``) mention: a grading sandbox imports them once, for all its workers, and no other
    (scikit-learn takes seconds of CPU to import). A student cell that imports one anyway only takes longer."""
    text = "\n".join(cell.source for path in sources for cell in nbformat.read(path, as_version=4).cells
                     if cell.cell_type == "code" and not _skipped(cell))
    return tuple(module for module, used in PRELOADABLE.items() if used.search(text))
