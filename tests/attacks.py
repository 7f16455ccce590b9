"""Submissions that attack what the trusted side spends on a student, one family each, and a way to grade them.

Each family rewrites every solution cell of a course notebook (the functions it defines), so
that it attacks the mechanism through every graded function, not one payload:

- ``oversized callbacks``: each function calls every reference function the grader may bind
  for it with arrays of shape (16384, 1) and (1, 16384) (broadcast together, 2 GB), then raises;
- ``oversized outputs``: each correct function returns its result with every value a 64 MB array;
- ``broadcast-shaped outputs``: the same with (16384, 1) and (1, 16384) arrays, small enough to cross;
- ``slow calls``: each function sleeps 1 s per call, then raises;
- ``slow cells``: each solution cell sleeps 2 s (or as told);
- ``slow cells, then crashes``: the first two solution cells sleep 3 s (or as told), every later
  function kills the worker, so that replays would run the slow cells again and again.

The families built on the blank (released) notebook are blank but for the attack; those built on
the solved notebook must earn nothing because of the bounds. :func:`grade` grades one notebook in
this process, the grading process, and measures its seconds and its peak memory growth.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import nbformat
from dnn_checks.graded import TABLE, graded
from nbformat import NotebookNode

from autograder.course import copy_assignment, submission
from autograder.grading.assignment import assignment_inputs
from autograder.grading.cells import grade_submission
from autograder.grading.results import StudentResult
from autograder.sandbox.budget import Budget
from autograder.sandbox.remote import WorkerFactory
from autograder.staff.classgen import defined, solution_cells, solved

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENT = "a1_deep_network"
#: Every function the grader may call back for a student function, with oversized arguments.
BIG_CALLS = {
    **dict.fromkeys(["sigmoid", "relu", "tanh", "softmax"], "(_COL,)"),
    **dict.fromkeys(["sigmoid_backward", "relu_backward", "tanh_backward", "compute_cost"], "(_COL, _ROW)"),
    "linear_forward": "(_ROW, _COL, _COL)",
    "linear_activation_forward": "(_ROW, _COL, _COL, 'relu')",
    "linear_backward": "(_COL, (_ROW, _COL, _COL))",
    "linear_activation_backward": "(_COL, ((_ROW, _COL, _COL), _ROW), 'relu')",
    "L_model_forward": "(_ROW, {'W1': _COL, 'b1': _COL})",
    "L_model_backward": "(_COL, _ROW, [((_ROW, _COL, _COL), _ROW)])",
    **dict.fromkeys(["initialize_velocity", "initialize_rmsprop"], "({'W1': _COL, 'b1': _ROW},)"),
}
PRELUDE = f'''
import os as _os, time as _time, itertools as _itertools
import numpy as _np
_COL, _ROW = _np.ones((16384, 1)), _np.ones((1, 16384))
_BIG_CALLS = {{{", ".join(f"{name!r}: {arguments}" for name, arguments in BIG_CALLS.items())}}}

def _swap(value, leaves):
    """``value`` with every number and array replaced by the next of ``leaves``."""
    if isinstance(value, (list, tuple)):
        items = [_swap(v, leaves) for v in value]
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, dict):
        return {{k: _swap(v, leaves) for k, v in value.items()}}
    return next(leaves) if isinstance(value, (int, float, _np.ndarray, _np.generic)) else value

def _inflated(function, *leaves):
    def inflated(*args, **kwargs):
        return _swap(function(*args, **kwargs), _itertools.cycle(leaves))
    return inflated

def _slowed(function):
    def slowed(*args, **kwargs):
        _time.sleep(1)
        return function(*args, **kwargs)
    return slowed
'''


def _calling_big(name: str) -> str:
    """``name`` calling each function it may call with oversized arguments (the grader binds the reference's)."""
    return (f"def {name}(*args, **kwargs):\n    for callee in {graded(name).calls!r}:\n"
            "        try:\n            globals()[callee](*_BIG_CALLS[callee])\n"
            "        except Exception:\n            pass\n    raise NotImplementedError\n")


#: name -> (built on the solved notebook?, the lines after each solution cell for each function it defines).
FAMILIES: dict[str, tuple[bool, Callable[[str], str]]] = {
    "oversized callbacks": (False, _calling_big),
    "oversized outputs": (True, lambda name: f"{name} = _inflated({name}, _np.zeros(8_000_000))\n"),
    "broadcast-shaped outputs": (True, lambda name: f"{name} = _inflated({name}, _COL, _ROW)\n"),
    "slow calls": (False, lambda name: f"def {name}(*args, **kwargs):\n    _time.sleep(1)\n    raise NotImplementedError\n"),
}
#: Not an attack: correct functions that take 1 s a call (what the budget does to honest slow code).
SLOW_HONEST = {"honest, 1 s per call": (True, lambda name: f"{name} = _slowed({name})\n")}


def attacked(family: str, *, assignment: str = ASSIGNMENT, seconds: float | None = None) -> NotebookNode:
    """The course's notebook with every solution cell rewritten by ``family`` (a key of FAMILIES, SLOW_HONEST
    or CELL_FAMILIES; ``seconds``: the sleep of a cell family's slow cells, if not its default)."""
    if family in CELL_FAMILIES:
        slow, default = CELL_FAMILIES[family]
        return slow(blank(assignment), default if seconds is None else seconds)
    on_solved, rewrite = (FAMILIES | SLOW_HONEST)[family]
    nb = solved(*(notebook(folder, assignment) for folder in ("source", "release"))) if on_solved else blank(assignment)
    for cell in solution_cells(nb):
        cell.source += PRELUDE + "".join(rewrite(name) for name in defined(cell.source))
    return nb


def _slow_cells(nb: NotebookNode, seconds: float) -> NotebookNode:
    for cell in solution_cells(nb):
        cell.source += f"\nimport time\ntime.sleep({seconds})\n"
    return nb


def _slow_cells_then_crashes(nb: NotebookNode, seconds: float) -> NotebookNode:
    cells = solution_cells(nb)
    for cell in cells[:2]:
        cell.source += f"\nimport time\ntime.sleep({seconds})\n"
    for cell in cells[2:]:
        cell.source += "".join(f"\ndef {name}(*args, **kwargs):\n    import os\n    os._exit(1)\n"
                               for name in defined(cell.source))
    return nb


#: name -> (the rewrite of a blank notebook, given the seconds of its slow cells; those seconds by default).
CELL_FAMILIES: dict[str, tuple[Callable[[NotebookNode, float], NotebookNode], float]] = {
    "slow cells": (_slow_cells, 2.0), "slow cells, then crashes": (_slow_cells_then_crashes, 3.0)}


def notebook(folder: str, assignment: str = ASSIGNMENT) -> NotebookNode:
    return nbformat.read(REPO / folder / assignment / f"{assignment}.ipynb", as_version=4)


def blank(assignment: str = ASSIGNMENT) -> NotebookNode:
    """The released notebook, as a student gets it."""
    return notebook("release", assignment)


def honest(assignment: str = ASSIGNMENT) -> NotebookNode:
    """The released notebook with the source's solutions."""
    return solved(notebook("source", assignment), blank(assignment))


def course(root: Path, assignment: str = ASSIGNMENT) -> Path:
    """A course at ``root`` with the repository's ``assignment``."""
    return copy_assignment(REPO, root, assignment)


class Graded(NamedTuple):
    """A graded notebook: its score, the grading's seconds and peak memory growth (MB), the result."""

    score: float
    seconds: float
    peak_mb: float
    result: StudentResult


def grade(factory: WorkerFactory, root: Path, student: str, nb: NotebookNode, *, budget: Budget | None = None,
          assignment: str = ASSIGNMENT) -> Graded:
    """Submit ``nb`` as ``student`` and grade it here, as a grading process does, within ``budget``."""
    folder = root / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{assignment}.ipynb")
    inputs = assignment_inputs(root, assignment)
    budget = budget or factory.budget()
    base = _memory_kb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # the peak (VmHWM) starts again from here
    began = time.perf_counter()
    result = grade_submission(lambda: factory.session(inputs.files, budget=budget),
                              submission(root, student, assignment).notebooks, inputs.sources, inputs.others)
    seconds = time.perf_counter() - began
    return Graded(result.score, seconds, (_memory_kb("VmHWM") - base) / 1024, result)


def _memory_kb(field: str) -> int:
    """A memory figure of this process from /proc/self/status, in kB."""
    line = next(line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith(field + ":"))
    return int(line.split()[1])


def callees() -> set[str]:
    """Every function the grader may call back for a student function (all must be in BIG_CALLS)."""
    return {name for row in TABLE for name in row.calls}
