"""The grader's results as values: what each cell, notebook and submission earned, and why.

A :class:`StudentResult` maps notebook names to :class:`NotebookResult`s, which map grade ids
to :class:`CellResult`s. A cell holds its score, the ``dnn_checks.results.CheckResult``s its
test cell recorded, its :class:`Note`s (what went wrong before or around it, by kind) and its
``status``, the contract's (CONTRACT.md section 4), decided from typed fields only
(:meth:`CellResult.from_checks`). No text is made here: ``autograder.staff.feedback`` renders it.

One round trip to plain JSON: ``to_json`` / ``from_json`` (text, between processes) and
``as_dict`` / ``from_dict`` (the same data as a JSON-able dict, which the store embeds).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

from dnn_checks.results import CheckResult

#: The contract's status of a graded cell.
Status = Literal["passed", "partial", "failed", "error", "timeout", "crashed", "not_run", "manual"]
#: What a note says happened. A student cell raised (``cell_raised``; ``cell_not_implemented`` when it
#: raised NotImplementedError: an exercise not done yet), took the worker down (``cell_crashed``) or ran
#: out of time (``cell_timeout``); the notebook or a cell was repaired (``repaired``) or an answer cell is
#: missing (``missing``); the test cell itself could not run (``test_failed``). A whole notebook was not
#: submitted, is unreadable, belongs to another assignment, or the grader failed on it; the submission's time
#: budget ran out before a cell (``budget_spent``); the grading process died while grading it (``process_died``).
NoteKind = Literal["cell_raised", "cell_not_implemented", "cell_crashed", "cell_timeout", "repaired", "missing",
                   "test_failed", "not_submitted", "unreadable", "wrong_assignment", "grader_failed",
                   "budget_spent", "process_died"]
STATUSES: tuple[str, ...] = get_args(Status)


@dataclass(frozen=True)
class Note:
    """Something that happened: ``cell`` the label of the cell it happened in (None for a whole notebook),
    ``detail`` the specifics (a traceback, what was repaired, why a notebook is unreadable)."""

    kind: NoteKind
    cell: str | None = None
    detail: str = ""


class _Totals:
    """``score`` and ``max_score``: the sums over the parts (a notebook's cells, a student's notebooks)."""

    def _parts(self) -> Iterable[CellResult | NotebookResult]:
        raise NotImplementedError

    @property
    def score(self) -> float:
        return sum(part.score for part in self._parts())

    @property
    def max_score(self) -> float:
        return sum(part.max_score for part in self._parts())


@dataclass(frozen=True)
class CellResult:
    """One grade cell: its score out of ``max_score``, the checks its test cell ran, the notes, the status,
    and the seconds its test cell ran (0 when it did not run)."""

    grade_id: str
    status: Status
    score: float
    max_score: float
    checks: tuple[CheckResult, ...] = ()
    notes: tuple[Note, ...] = ()
    seconds: float = 0.0

    @classmethod
    def from_checks(cls, grade_id: str, score: float, max_score: float, checks: Iterable[CheckResult],
                    notes: Iterable[Note], seconds: float = 0.0) -> CellResult:
        """A test cell that was run, with its status (:func:`status_of`)."""
        checks, notes = tuple(checks), tuple(notes)
        return cls(grade_id, status_of(score, max_score, checks, notes), score, max_score, checks, notes, seconds)


def status_of(score: float, max_score: float, checks: tuple[CheckResult, ...], notes: tuple[Note, ...]) -> Status:
    """The status of a test cell that was run.

    ``not_run`` when the test cell itself could not run; ``passed`` at full marks, ``partial``
    above 0; at 0, the first cause found: a student cell or a call that ran out of time
    (``timeout``) or took the worker down (``crashed``), a deleted answer cell (``not_run``),
    student code that raised (``error``: a cell, or a call; NotImplementedError is an exercise
    not done yet, not an error), else ``failed`` (wrong values, functions not defined or not
    implemented yet, and any failure kind not named here).
    """
    kinds = {note.kind for note in notes}
    failures = {p.failure for check in checks for p in check.properties if not p.passed}
    if "test_failed" in kinds:
        return "not_run"
    if score >= max_score:
        return "passed"
    if score > 0:
        return "partial"
    causes: tuple[tuple[Status, bool], ...] = (
        ("timeout", "cell_timeout" in kinds or "timeout" in failures),
        ("crashed", "cell_crashed" in kinds or "crashed" in failures),
        ("not_run", "missing" in kinds),
        ("error", "cell_raised" in kinds or "error" in failures))
    return next((status for status, found in causes if found), "failed")


@dataclass(frozen=True)
class NotebookResult(_Totals):
    """One notebook's grade cells by grade id, in notebook order; ``notes`` say why the notebook
    could not be graded (then every cell is ``not_run``), and are empty when it was."""

    cells: dict[str, CellResult]
    notes: tuple[Note, ...] = ()

    def _parts(self) -> Iterable[CellResult]:
        return self.cells.values()


@dataclass(frozen=True)
class StudentResult(_Totals):
    """One student's submission: every notebook of the assignment, the extra notebooks handed in
    (ignored), and the seconds its grading took."""

    notebooks: dict[str, NotebookResult]
    extra_notebooks: tuple[str, ...] = ()
    seconds: float = 0.0

    def _parts(self) -> Iterable[NotebookResult]:
        return self.notebooks.values()

    @property
    def submitted(self) -> bool:
        """Whether any notebook was handed in."""
        return not all(any(note.kind == "not_submitted" for note in nb.notes) for nb in self.notebooks.values())

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StudentResult:
        """The result ``as_dict`` gave; ValueError, KeyError or TypeError for anything else."""
        return cls({name: _notebook(nb) for name, nb in data["notebooks"].items()},
                   tuple(data["extra_notebooks"]), float(data["seconds"]))

    def to_json(self) -> str:
        return json.dumps(self.as_dict())

    @classmethod
    def from_json(cls, text: str) -> StudentResult:
        return cls.from_dict(json.loads(text))


def _notebook(data: Mapping[str, Any]) -> NotebookResult:
    return NotebookResult({gid: _cell(cell) for gid, cell in data["cells"].items()}, _notes(data["notes"]))


def _cell(data: Mapping[str, Any]) -> CellResult:
    if data["status"] not in STATUSES:
        raise ValueError(f"unknown status {data['status']!r}")
    checks = tuple(CheckResult.from_json(json.dumps(check)) for check in data["checks"])
    return CellResult(data["grade_id"], data["status"], float(data["score"]), float(data["max_score"]),
                      checks, _notes(data["notes"]), float(data.get("seconds", 0.0)))


def _notes(data: Iterable[Mapping[str, Any]]) -> tuple[Note, ...]:
    return tuple(Note(note["kind"], note["cell"], note["detail"]) for note in data)
