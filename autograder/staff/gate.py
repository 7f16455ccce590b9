"""The release gate: the mistake catalog proves that an assignment's checks tell wrong from right.

Three halves, each graded as students of the release's scratch course: the catalogued mistakes
(below) lose points and are named; every correct alternative of the catalog
(``autograder.mistakes.alternatives_of``), put into an otherwise correct notebook, earns its
function's full marks; and trivial notebooks, in which every graded function does no work
(:data:`TRIVIAL`: a body of ``pass``, a constant, an echo of the first argument), earn 0 points.

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
from autograder.mistakes import Alternative, Mistake, alternatives_of
from autograder.staff.class_report import named_mistakes
from autograder.staff.classgen import defined, inlinable, mistake_source, solution_cells, solved

#: The students of the scratch course that hand in the planted notebooks.
PREFIX = "gate-mistakes-"
ALTERNATIVES_PREFIX = "gate-alternatives-"
TRIVIAL_PREFIX = "gate-trivial-"
#: Bodies that do no work, by the student's name that hands them in: every graded function of a notebook gets one.
TRIVIAL = {f"{TRIVIAL_PREFIX}pass": "pass", f"{TRIVIAL_PREFIX}constant": "return 0.0",
           f"{TRIVIAL_PREFIX}echo": "return args[0]"}
Batch = dict[str, Mistake]


class Failure(NamedTuple):
    """A mistake the checks let through, and what went wrong: its checks did not run, earned full marks, or no
    diagnosis named it."""

    mistake: Mistake
    what: str


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


def alternative_batches(functions: Iterable[str]) -> list[dict[str, Alternative]]:
    """The correct alternatives of ``functions``, at most one per function in a notebook (nor one of a function
    that another's alternative needs beside it: a backward reads its own forward's cache)."""
    queues = {f: list(alternatives_of(f)) for f in functions}
    planned: list[dict[str, Alternative]] = []
    while any(queues.values()):
        batch: dict[str, Alternative] = {}
        for function, queue in queues.items():
            taken = set(batch) | {n.function for a in batch.values() for n in a.needs}
            if queue and function not in taken and not {n.function for n in queue[0].needs} & taken:
                batch[function] = queue.pop(0)
        planned.append(batch)
    return planned


def _appended(source: NotebookNode, release: NotebookNode, code: Mapping[str, str]) -> NotebookNode:
    """The released notebook with every answer filled in from ``source``, then ``code[f]`` appended to the
    solution cell that defines ``f``."""
    nb = solved(source, release)
    for cell in solution_cells(nb):
        cell.source += "".join(f"\n\n\n{code[f]}\n" for f in defined(cell.source) if f in code)
    return nb


def notebooks(source: NotebookNode, release: NotebookNode, planned: list[Batch]) -> dict[str, str]:
    """``{student: notebook text}`` of every notebook of the gate: the planted mistakes, the alternatives, the
    trivial submissions."""
    functions = graded_functions(source)
    texts = {f"{PREFIX}{number:02d}": nbformat.writes(planted(source, release, batch))
             for number, batch in enumerate(planned, start=1)}
    for number, batch in enumerate(alternative_batches(functions), start=1):
        code = {f: f"# (a correct alternative: {a.id})\n{a.cell()}" for f, a in batch.items()}
        texts[f"{ALTERNATIVES_PREFIX}{number:02d}"] = nbformat.writes(_appended(source, release, code))
    for student, body in TRIVIAL.items():
        code = {f: f"def {f}(*args, **kwargs):\n    {body}" for f in functions}
        texts[student] = nbformat.writes(_appended(source, release, code))
    return texts


def graded_functions(nb: NotebookNode) -> list[str]:
    """The graded functions the notebook's solution cells define."""
    graded_names = {g.name for g in TABLE}
    return [f for cell in solution_cells(nb) for f in defined(cell.source) if f in graded_names]


def _checks(result: StudentResult) -> list:
    return [check for notebook in result.notebooks.values() for cell in notebook.cells.values()
            for check in cell.checks]


def wrongly_graded(source: NotebookNode, results: Mapping[str, StudentResult]) -> list[str]:
    """The alternatives that lost points, and the trivial submissions that earned some, each said in one line."""
    functions = graded_functions(source)
    found = []
    for number, batch in enumerate(alternative_batches(functions), start=1):
        checks = _checks(results[f"{ALTERNATIVES_PREFIX}{number:02d}"])
        for function, alternative in batch.items():
            own = [c for c in checks if c.function == function]
            earned, most = sum(c.points for c in own), sum(c.max_points for c in own)
            if not own or earned < most:
                found.append(f"the correct alternative {alternative.id} earns {earned:g} of {most:g} points")
    for student in TRIVIAL:
        paid = {c.function: c.points for c in _checks(results[student]) if c.points > 0}
        if paid:
            found.append(f"a trivial submission ({student}) earns points: {paid}")
    return found


def failures(planned: list[Batch], results: Mapping[str, StudentResult]) -> list[Failure]:
    """Every planted mistake that earned its function's full marks, or that no diagnosis named."""
    found = []
    for number, batch in enumerate(planned, start=1):
        checks = _checks(results[f"{PREFIX}{number:02d}"])
        for function, mistake in batch.items():
            own = [check for check in checks if check.function == function]
            if not own:
                found.append(Failure(mistake, f"the checks of {function} did not run"))
            elif sum(c.points for c in own) >= sum(c.max_points for c in own):
                found.append(Failure(mistake, f"earns full marks: no check of {function} tells it from right"))
            elif not any(mistake in named_mistakes(function, p.diagnosis) for c in own for p in c.properties):
                found.append(Failure(mistake, f"loses points, but no diagnosis of {function} names it"))
    return found
