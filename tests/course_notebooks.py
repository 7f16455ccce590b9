"""Support for the notebook tests: the course's notebooks, their cells, and running them with nbclient."""

from __future__ import annotations

import copy
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import nbformat
from dnn_checks.graded import ASSIGNMENTS
from nbclient import NotebookClient
from nbformat import NotebookNode

ROOT = Path(__file__).resolve().parent.parent
SKIP_TAG = "skip-grading"
SOLUTION_REGION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
HIDDEN_REGION = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS\n", re.S)
CELL_TIMEOUT = 300  # seconds; a stuck cell fails the test instead of hanging it


def notebook_path(folder: str, assignment: str, root: Path = ROOT) -> Path:
    """``<root>/<folder>/<assignment>/<assignment>.ipynb`` (folder: "source" or "release")."""
    return root / folder / assignment / f"{assignment}.ipynb"


def present(folder: str) -> list[str]:
    """The assignments whose notebook exists in ``folder`` (a3/a4 join as they are written)."""
    return [a for a in ASSIGNMENTS if notebook_path(folder, a).exists()]


def read(path: Path) -> NotebookNode:
    return nbformat.read(path, as_version=4)


def grading(cell: NotebookNode) -> dict:
    """The cell's nbgrader metadata ({} for an ordinary cell)."""
    return cell.metadata.get("nbgrader", {})


def graded_cells(nb: NotebookNode) -> Iterator[NotebookNode]:
    """The autograded test cells: code cells with nbgrader ``grade: true``."""
    return (c for c in nb.cells if c.cell_type == "code" and grading(c).get("grade"))


def is_skipped(cell: NotebookNode) -> bool:
    return SKIP_TAG in cell.metadata.get("tags", [])


def without_hidden_tests(nb: NotebookNode) -> NotebookNode:
    """A copy of ``nb`` whose test cells keep only their visible checks."""
    stripped = copy.deepcopy(nb)
    for cell in stripped.cells:
        cell.source = HIDDEN_REGION.sub("", cell.source)
    return stripped


def copy_assignment(source_dir: Path, destination: Path) -> Path:
    """A scratch copy of an assignment folder, so runs leave nothing (.hypothesis/) in the tree."""
    shutil.copytree(source_dir, destination, ignore=shutil.ignore_patterns(".hypothesis", "__pycache__"))
    return destination


def kernel_env(**extra: str) -> dict[str, str]:
    """The kernel's environment: one BLAS thread (the machine is shared; threads only oversubscribe)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", **extra)
    return env


def execute(nb: NotebookNode, cwd: Path, *, allow_errors: bool, km=None, env: dict[str, str] | None = None) -> NotebookNode:
    """Run every cell of ``nb`` in a fresh kernel started in ``cwd``; return it with its outputs."""
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, allow_errors=allow_errors, kernel_name="python3", km=km,
                            resources={"metadata": {"path": str(cwd)}})
    client.execute(env=env or kernel_env())
    return nb


def errors(nb: NotebookNode) -> list[tuple[str, str, str]]:
    """(cell id, exception name, message) of every error output."""
    return [(c.id, o.ename, o.evalue) for c in nb.cells if c.cell_type == "code"
            for o in c.get("outputs", []) if o.output_type == "error"]


def stderr_text(cell: NotebookNode) -> str:
    return "".join(o.text for o in cell.get("outputs", []) if o.output_type == "stream" and o.name == "stderr")


def stdout_text(cell: NotebookNode) -> str:
    return "".join(o.text for o in cell.get("outputs", []) if o.output_type == "stream" and o.name == "stdout")


def result_value(cell: NotebookNode) -> float | None:
    """The number a test cell evaluated to (its last expression), or None."""
    for output in cell.get("outputs", []):
        if output.output_type == "execute_result":
            return float(output.data["text/plain"])
    return None


def assert_full_marks(nb: NotebookNode) -> None:
    """Every test cell of an executed source notebook evaluated to its points, quietly."""
    for cell in graded_cells(nb):
        assert stderr_text(cell) == "", f"{cell.id} wrote to stderr:\n{stderr_text(cell)}"
        assert result_value(cell) == grading(cell)["points"], f"{cell.id}:\n{stdout_text(cell)}"


def assert_fails_gracefully(nb: NotebookNode) -> None:
    """An executed release: only NotImplementedError, and each test cell scores 0 saying so."""
    unexpected = [e for e in errors(nb) if e[1] != "NotImplementedError"]
    assert not unexpected, f"errors other than NotImplementedError: {unexpected}"
    for cell in graded_cells(nb):
        assert result_value(cell) == 0.0, f"{cell.id} scored {result_value(cell)} on an unimplemented exercise"
        assert "not implemented" in stdout_text(cell).lower(), f"{cell.id} does not say what is missing"
        assert stderr_text(cell) == "", f"{cell.id} wrote to stderr:\n{stderr_text(cell)}"


def checked_functions(cell: NotebookNode) -> tuple[str, ...]:
    """The functions named in a test cell's visible ``run_checks(...)`` call."""
    match = re.search(r"run_checks\(((?:\"\w+\",\s*)+)namespace=globals\(\)\)", cell.source)
    assert match, f"{cell.id} does not call run_checks(<names>, namespace=globals())"
    return tuple(re.findall(r'"(\w+)"', match.group(1)))
