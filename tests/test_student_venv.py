"""The notebooks in a fresh virtual environment holding only what students install (``pip install ./student``).

Each released notebook runs there without crashing (every exercise "not implemented"), and
each source notebook, its hidden tests stripped, earns every visible point: the visible
checks work where neither ``reference`` nor ``autograder`` exists.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from course_notebooks import (
    ROOT,
    assert_fails_gracefully,
    checked_functions,
    copy_assignment,
    execute,
    graded_cells,
    notebook_path,
    present,
    read,
    result_value,
    stdout_text,
    without_hidden_tests,
)
from dnn_checks.graded import graded
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

pytestmark = pytest.mark.slow
KERNEL = "dnn-student"


@pytest.fixture(scope="module")
def student_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv with ``pip install ./student`` and a kernel spec of its own (pip's cache is reused)."""
    venv = tmp_path_factory.mktemp("student") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    subprocess.run([python, "-m", "pip", "install", "--quiet", str(ROOT / "student")], check=True, timeout=1200)
    subprocess.run([python, "-m", "ipykernel", "install", "--prefix", str(venv), "--name", KERNEL],
                   check=True, capture_output=True)
    return venv


def student_kernel(venv: Path) -> KernelManager:
    specs = KernelSpecManager(kernel_dirs=[str(venv / "share" / "jupyter" / "kernels")])
    return KernelManager(kernel_name=KERNEL, kernel_spec_manager=specs)


@pytest.mark.parametrize("package", ["reference", "autograder", "nbgrader"])
def test_student_venv_lacks_the_staff_packages(student_venv: Path, package: str, tmp_path: Path) -> None:
    found = subprocess.run([str(student_venv / "bin" / "python"), "-c", f"import {package}"], cwd=tmp_path,
                           capture_output=True)
    assert found.returncode != 0, f"{package} is importable in the student venv"


@pytest.mark.parametrize("assignment", present("release"))
def test_released_notebook_runs_in_the_student_venv(student_venv: Path, assignment: str, tmp_path: Path) -> None:
    folder = copy_assignment(ROOT / "release" / assignment, tmp_path / assignment)
    nb = execute(read(notebook_path("release", assignment)), folder, allow_errors=True,
                 km=student_kernel(student_venv))
    assert_fails_gracefully(nb)


@pytest.mark.parametrize("assignment", present("source"))
def test_visible_checks_give_full_visible_marks_without_reference(student_venv: Path, assignment: str,
                                                                  tmp_path: Path) -> None:
    folder = copy_assignment(ROOT / "source" / assignment, tmp_path / assignment)
    nb = without_hidden_tests(read(notebook_path("source", assignment)))
    execute(nb, folder, allow_errors=False, km=student_kernel(student_venv))
    for cell in graded_cells(nb):
        visible = sum(graded(name).visible for name in checked_functions(cell))
        assert result_value(cell) == visible, f"{cell.id}:\n{stdout_text(cell)}"
