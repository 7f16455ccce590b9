"""The release gate: the mistake catalog proves that an assignment's checks tell wrong from right.

Every catalogued mistake of the assignment's functions that has a source to plant
(``classgen.inlinable``) is put into an otherwise correct notebook (the released notebook with the
source's answers, as a student who solved everything would hand it in, the wrong variant appended
to the solution cell that defines its function). Graded, it must lose points (its function's checks
earn less than their maximum) and be named (a diagnosis of that function quotes its message).

Many mistakes share a notebook, so that the gate grades a handful of notebooks, not hundreds: a
notebook holds at most one mistake per function, and never mistakes in two functions of which one
calls the other (``graded(f).calls``, transitively), so what a function's checks earn and what its
diagnosis says are its own mistake's doing (its callees are correct).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

import nbformat
from dnn_checks.graded import TABLE, graded
from nbformat import NotebookNode

from autograder.grading.results import StudentResult
from autograder.mistakes import Mistake
from autograder.staff.class_report import named_mistakes
from autograder.staff.classgen import PAIRED, defined, inlinable, mistake_source, solution_cells, solved

#: The students of the scratch course that hand in the planted notebooks.
PREFIX = "gate-mistakes-"
#: Functions that take a cache of the student's own making (it reaches the check as an opaque handle): their
#: diagnosis cannot run a catalogued mistake on it, so the gate requires their mistakes to lose points only.
OWN_CACHE = tuple(PAIRED)

Batch = dict[str, Mistake]


class Failure(NamedTuple):
    """A mistake the checks let through, and what went wrong: its checks did not run, earned full marks, or no
    diagnosis named it (``unnamed``)."""

    mistake: Mistake
    what: str
    unnamed: bool = False

    @property
    def excused(self) -> bool:
        """Not named, in a function whose diagnosis cannot replay a mistake (:data:`OWN_CACHE`)."""
        return self.unnamed and self.mistake.function in OWN_CACHE


def functions_of(assignment: str) -> list[str]:
    """The graded functions the assignment teaches, in the table's order."""
    return [g.name for g in TABLE if g.assignment == assignment]


def batches(functions: Iterable[str]) -> list[Batch]:
    """The plantable mistakes of ``functions``, in as few notebooks as the rules above allow."""
    queues = {f: list(inlinable(f)) for f in functions}
    planned: list[Batch] = []
    while any(queues.values()):
        batch: Batch = {}
        for function in sorted(queues, key=lambda f: -len(queues[f])):  # the longest queues first
            if queues[function] and not any(_related(function, other) for other in batch):
                batch[function] = queues[function].pop(0)
        planned.append(batch)
    return planned


def _callees(function: str) -> set[str]:
    """The functions ``function`` may call, directly or through others."""
    found: set[str] = set()
    todo = list(graded(function).calls)
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo += graded(name).calls
    return found


def _related(a: str, b: str) -> bool:
    return a in _callees(b) or b in _callees(a)


def planted(source: NotebookNode, release: NotebookNode, batch: Batch) -> NotebookNode:
    """The released notebook with every answer filled in from ``source``, then ``batch``'s mistakes appended
    to the solution cells that define their functions."""
    nb = solved(source, release)
    for cell in solution_cells(nb):
        for function in defined(cell.source):
            if function in batch:
                cell.source += f"\n\n\n# (a planted mistake: {batch[function].id})\n{mistake_source(batch[function])}\n"
    return nb


def notebooks(source: NotebookNode, release: NotebookNode, planned: list[Batch]) -> dict[str, str]:
    """``{student: notebook text}`` of the planted notebooks."""
    return {f"{PREFIX}{number:02d}": nbformat.writes(planted(source, release, batch))
            for number, batch in enumerate(planned, start=1)}


def failures(planned: list[Batch], results: Mapping[str, StudentResult]) -> list[Failure]:
    """Every planted mistake that earned its function's full marks, or that no diagnosis named."""
    found = []
    for number, batch in enumerate(planned, start=1):
        checks = [check for notebook in results[f"{PREFIX}{number:02d}"].notebooks.values()
                  for cell in notebook.cells.values() for check in cell.checks]
        for function, mistake in batch.items():
            own = [check for check in checks if check.function == function]
            if not own:
                found.append(Failure(mistake, f"the checks of {function} did not run"))
            elif sum(c.points for c in own) >= sum(c.max_points for c in own):
                found.append(Failure(mistake, f"earns full marks: no check of {function} tells it from right"))
            elif not any(mistake in named_mistakes(function, p.diagnosis) for c in own for p in c.properties):
                found.append(Failure(mistake, f"loses points, but no diagnosis of {function} names it", unnamed=True))
    return found
