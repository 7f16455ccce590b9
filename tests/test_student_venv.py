"""The notebooks in a fresh virtual environment holding only what students install (``pip install ./student``).

Each released notebook runs there without crashing (every exercise "not implemented"), and
each source notebook, its hidden tests stripped, shows every point: the visible checks work
where neither ``reference`` nor ``autograder`` exists. ``dnn-check`` (what the student package
installs) passes a correct notebook, and on one with a known mistake planted in each exercise it
exits 1, names each mistake, states each cell's points, shows no traceback, and names a
failing callee only in the cells of the functions that call it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from course_notebooks import (
    ROOT,
    assert_fails_gracefully,
    copy_assignment,
    execute,
    graded_cells,
    grading,
    notebook_path,
    present,
    read,
    result_value,
    stdout_text,
    without_hidden_tests,
)
from dnn_checks import expected
from dnn_checks.graded import graded, taught_in
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
        assert result_value(cell) == grading(cell)["points"], f"{cell.id}:\n{stdout_text(cell)}"
        assert "This cell is worth" in stdout_text(cell)


#: A cell that plants, in place of a correct ``{name}``, one known mistake: on each stored input of its visible
#: check it gives what the first catalogued mistake there gives (shipped as data), elsewhere the correct output.
PLANTED = '''
import numpy as _np
from dnn_checks import expected as _expected

def _equal(a, b):
    if isinstance(a, _np.ndarray) or isinstance(b, _np.ndarray):
        return _np.shape(a) == _np.shape(b) and _np.array_equal(a, b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b

def _plant(correct, name):
    stored = [(case, wrong) for case, wrong in zip(_expected.cases(name), _expected.mistakes(name)) if wrong]
    def planted(*args):
        for case, wrong in stored:
            if _equal(list(args), [v for k, v in case.items() if k != "expected"]):
                return next(iter(wrong.values()))
        return correct(*args)
    return planted

{name} = _plant({name}, "{name}")
'''
#: Functions whose stored case compares more than their output (a forward pass followed by its backward pass).
OBSERVED = {"batchnorm_forward", "batchnorm_backward", "concat_forward", "concat_backward", "scale_forward",
            "scale_backward"}


def planted_notebook(assignment: str):
    """The source notebook without its hidden tests, one known mistake planted in each exercise that has one."""
    nb = without_hidden_tests(read(notebook_path("source", assignment)))
    cells, planted = [], []
    for cell in nb.cells:
        cells.append(cell)
        defined = [name for name in taught_in(assignment) if f"def {name}(" in cell.source
                   and name not in OBSERVED and any(expected.mistakes(name))] if cell.cell_type == "code" else []
        for name in defined:
            cells.append(nbformat.v4.new_code_cell(PLANTED.format(name=name)))
            planted.append(name)
    nb.cells = cells
    return nb, planted


#: The planted functions answer a mistake's shipped outputs on the stored inputs only (they are made from data,
#: not written as code), so beyond a1 some of them pass the visible checks' own inputs: a1 alone until the planted
#: mistakes are real code (the release gate plants real code, graded, for every assignment).
@pytest.mark.parametrize("assignment", ["a1_deep_network"])
def test_dnn_check_passes_the_correct_notebook_and_names_each_planted_mistake(student_venv: Path, assignment: str,
                                                                            tmp_path: Path) -> None:
    folder = copy_assignment(ROOT / "release" / assignment, tmp_path / assignment)
    notebook = folder / f"{assignment}.ipynb"
    nbformat.write(without_hidden_tests(read(notebook_path("source", assignment))), notebook)
    correct = subprocess.run([str(student_venv / "bin" / "dnn-check"), str(notebook)], capture_output=True,
                             text=True, timeout=600)
    assert correct.returncode == 0 and "Traceback" not in correct.stdout, correct.stdout[-3000:]
    assert "This cell is worth" in correct.stdout and correct.stderr == ""

    nb, planted = planted_notebook(assignment)
    nbformat.write(nb, notebook)
    wrong = subprocess.run([str(student_venv / "bin" / "dnn-check"), str(notebook)], capture_output=True,
                           text=True, timeout=600)
    assert wrong.returncode == 1 and "Traceback" not in wrong.stdout and wrong.stderr == ""
    reports = dict(re.findall(r"── test_(\w+) \(cell \d+\) ──\n(.*?)(?=\n── )", wrong.stdout, re.S))
    for name in planted:
        report = reports[name]
        hinted = "which it calls" in report
        # A failure that may come from a failing callee says so instead of naming a mistake of its own.
        assert "This cell is worth" in report and ("diagnosis: " in report or hinted), report
        assert not hinted or set(graded(name).calls) & set(planted), f"{name}: a hint, though no callee is wrong"


def test_dnn_check_hints_at_a_failing_callee_only_where_it_fails(student_venv: Path, tmp_path: Path) -> None:
    assignment = "a1_deep_network"
    folder = copy_assignment(ROOT / "release" / assignment, tmp_path / assignment)
    nb = without_hidden_tests(read(notebook_path("source", assignment)))
    for cell in nb.cells:
        if "def linear_backward(" in cell.source:
            cell.source += "\n\n_correct_linear_backward = linear_backward\n\ndef linear_backward(dZ, linear_cache):\n" \
                           "    dA_prev, dW, db = _correct_linear_backward(dZ, linear_cache)\n" \
                           "    return dA_prev, dW, db * dZ.shape[1]\n"
    nbformat.write(nb, folder / f"{assignment}.ipynb")
    run = subprocess.run([str(student_venv / "bin" / "dnn-check"), str(folder / f"{assignment}.ipynb")],
                         capture_output=True, text=True, timeout=600)
    reports = dict(re.findall(r"── test_(\w+) \(cell \d+\) ──\n(.*?)(?=\n── )", run.stdout, re.S))
    assert run.returncode == 1
    assert "forget to divide by m" in reports["linear_backward"]
    hint = "`linear_backward`, which it calls, fails its own check"
    assert hint in reports["linear_activation_backward"] and hint in reports["L_model_backward"]
    assert "which it calls" not in reports["linear_forward"] + reports["update_parameters"]
