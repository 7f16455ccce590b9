"""``dnn-check a1_deep_network.ipynb``: a notebook's visible checks outside Jupyter, and an exit status.

Runs the notebook's code cells top to bottom in one namespace, in the notebook's folder, as
the grader does: the cells that only plot or train (tag ``skip-grading``) are left out, what
the student's cells print is not shown, a student cell that raises is one line (where, and the
error) and the run goes on. Each test cell prints the report it prints in Jupyter. A summary
follows; the exit status is 1 when a test cell has not all of its visible points (nbgrader's
``validate`` exits 0 even then), 2 when the notebook cannot be read.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import json
import linecache
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from dnn_checks.student import student_line, time_limit

#: How long one of the student's cells may run, in seconds (the grader's limit).
CELL_SECONDS = 60.0
SKIP_TAG = "skip-grading"


class TestCell(NamedTuple):
    """A test cell's grade id, the value it gave (None: it raised) and its points."""

    grade_id: str
    value: float | None
    points: float

    @property
    def passed(self) -> bool:
        return self.value is not None and self.value >= self.points


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dnn-check", description="Run a notebook's visible checks, as the "
                                     "test cells do in Jupyter; exit 1 when one fails.")
    parser.add_argument("notebook", type=Path, help="the notebook, e.g. a1_deep_network.ipynb")
    notebook = parser.parse_args(argv).notebook
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError) as exc:
        print(f"dnn-check: cannot read {notebook} as a notebook ({exc})", file=sys.stderr)
        return 2
    with _in_folder(notebook.resolve().parent):
        tests = run_notebook(cells)
    return _summary(tests)


def run_notebook(cells: list[dict[str, Any]]) -> list[TestCell]:
    """Run the code cells (test cells printing their reports); the test cells' values."""
    namespace: dict[str, Any] = {"__name__": "__main__"}
    tests = []
    for number, cell in enumerate(cells, 1):
        if cell.get("cell_type") != "code" or SKIP_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        source = "".join(cell.get("source", ""))
        grading = cell.get("metadata", {}).get("nbgrader", {})
        if grading.get("grade"):
            print(f"\n── {grading['grade_id']} (cell {number}) ──", flush=True)
            value = _run(source, namespace, f"cell [{number}]", report=True)
            tests.append(TestCell(grading["grade_id"], value if isinstance(value, float) else None,
                                  float(grading.get("points", 0))))
        else:
            _run(source, namespace, f"cell [{number}]", report=False)
    return tests


def _run(source: str, namespace: dict[str, Any], name: str, *, report: bool) -> Any:
    """Run a cell's ``source``; the value of its last line when that is an expression. A test cell (``report``)
    prints; another cell's output is dropped, and when it raises, one line says where and what."""
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    text = "\n".join(lines) + "\n"
    linecache.cache[name] = (len(text), None, text.splitlines(keepends=True), name)
    output = contextlib.nullcontext() if report else contextlib.redirect_stdout(io.StringIO())
    try:
        tree = ast.parse(text, filename=name)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        with output, contextlib.redirect_stderr(io.StringIO()), \
                time_limit(CELL_SECONDS, f"{name} ran for more than {CELL_SECONDS:g} s and was stopped"):
            exec(compile(tree, name, "exec"), namespace)  # noqa: S102 - the student's own notebook, on their machine
            return eval(compile(ast.Expression(last.value), name, "eval"), namespace) if last else None  # noqa: S307
    except Exception as exc:  # noqa: BLE001 - a student's cell that fails is reported, and the run goes on
        where = student_line(exc)
        print(f"{name} raised {type(exc).__name__}: {exc}" + (f"\n{where}" if where else ""), flush=True)
        return None


def _summary(tests: list[TestCell]) -> int:
    failed = [test for test in tests if not test.passed]
    print("\n── summary ──")
    for test in tests:
        value = "raised an error" if test.value is None else f"{test.value:g} / {test.points:g}"
        print(f"  {'✔' if test.passed else '✘'} {test.grade_id}: {value}")
    if failed:
        print(f"{len(failed)} of {len(tests)} test cells fail their visible checks: "
              + ", ".join(test.grade_id for test in failed))
        return 1
    print(f"all {len(tests)} test cells pass their visible checks (hidden checks run when your notebook is graded)")
    return 0


@contextlib.contextmanager
def _in_folder(folder: Path) -> Iterator[None]:
    """Work in the notebook's folder, where its helper module is (plots to no window)."""
    saved = os.getcwd()
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.chdir(folder)
    sys.path.insert(0, str(folder))
    try:
        yield
    finally:
        sys.path.remove(str(folder))
        os.chdir(saved)


if __name__ == "__main__":
    sys.exit(main())
