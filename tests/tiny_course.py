"""A tiny nbgrader course for the grader's tests: two assignments, a helper module, one manual cell.

Its test cells record CheckResults by hand (no registry needed), calling the student's
functions through ``dnn_checks.student.Student``, so they run against sandbox proxies too; a
failed property says why, as the registry's do (``PropertyResult.failure``).
"""

from __future__ import annotations

import datetime
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

CHECK = '''from dnn_checks.results import CheckResult, PropertyResult, record
from dnn_checks.student import Student, StudentFailure
failure = "wrong"
try:
    got = Student(globals()).call({name!r}, *{args!r})
    ok, message = got == {expected!r}, f"{name}{args} gave {{got!r}}, expected {expected!r}"
except StudentFailure as exc:
    ok, message = False, str(exc)
    failure = {{"MissingFunction": "missing", "StudentError": "error", "StudentTimeout": "timeout",
               "StudentCrash": "crashed", "BadValue": "bad_value"}}[type(exc).__name__]
print({name!r}, "passed" if ok else "failed: " + message)
### BEGIN HIDDEN TESTS
earned = {points} * ok
record(CheckResult({name!r}, "hidden", earned, {points},
                   (PropertyResult("value", earned, {points}, ok, message, failure=None if ok else failure),)))
### END HIDDEN TESTS
'''
#: The solutions of assignment a1; a wrong version of each is in WRONG.
SOLUTIONS = {"double": "def double(x):\n    return x * SCALE\n",
             "square": "def square(x):\n    return helpers.power(x, 2)\n"}
WRONG = {"double": "def double(x):\n    return x + SCALE\n", "square": "def square(x):\n    return x * 3\n"}
POINTS = {"double": 2.0, "square": 3.0}


def nbgrader(grade_id: str, **flags: object) -> dict:
    return {"nbgrader": {"grade_id": grade_id, "schema_version": 3, "grade": False, "solution": False,
                         "locked": False, **flags}}


def source_a1() -> nbformat.NotebookNode:
    """Two exercises with a test cell each, a locked setup cell, a skipped plot cell and a manual answer."""
    cells = [new_markdown_cell("# Tiny assignment"),
             new_code_cell("import helpers"),
             new_code_cell("SCALE = 2", metadata=nbgrader("setup", locked=True)),
             new_code_cell("raise RuntimeError('plots are not graded')", metadata={"tags": ["skip-grading"]})]
    for name in ("double", "square"):
        cells.append(new_code_cell(f"### BEGIN SOLUTION\n{SOLUTIONS[name]}### END SOLUTION",
                                   metadata=nbgrader(name, solution=True)))
        cells.append(new_code_cell(CHECK.format(name=name, args=(3,), expected=6 if name == "double" else 9,
                                                points=POINTS[name]),
                                   metadata=nbgrader(f"test_{name}", grade=True, locked=True, points=POINTS[name])))
    cells.append(new_markdown_cell("YOUR ANSWER HERE", metadata=nbgrader("essay", grade=True, solution=True,
                                                                           points=1.0)))
    return new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                              "language": "python"}})


def source_a2() -> nbformat.NotebookNode:
    cells = [new_code_cell("### BEGIN SOLUTION\ndef half(x):\n    return x / 2\n### END SOLUTION",
                           metadata=nbgrader("half", solution=True)),
             new_code_cell(CHECK.format(name="half", args=(3,), expected=1.5, points=1.0),
                           metadata=nbgrader("test_half", grade=True, locked=True, points=1.0))]
    return new_notebook(cells=cells)


def make_course(root: Path) -> Path:
    """Write the course (source only: no release, no gradebook) under ``root``."""
    (root / "source" / "a1").mkdir(parents=True)
    (root / "source" / "a2").mkdir(parents=True)
    nbformat.write(source_a1(), root / "source" / "a1" / "a1.ipynb")
    nbformat.write(source_a2(), root / "source" / "a2" / "a2.ipynb")
    (root / "source" / "a1" / "helpers.py").write_text("def power(x, n):\n    return x ** n\n")
    (root / "nbgrader_config.py").write_text('c = get_config()\nc.CourseDirectory.course_id = "tiny"\n')
    return root


def student_version(nb: nbformat.NotebookNode, answers: dict[str, str]) -> nbformat.NotebookNode:
    """The source notebook with the given solution cells replaced (others kept as in the source)."""
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
    return nb


def submit(root: Path, student: str, assignment: str, content: nbformat.NotebookNode | str | bytes,
           *, timestamp: datetime.datetime | None = None, name: str | None = None) -> Path:
    """Put a submission in ``submitted/<student>/<assignment>/``; ``content`` may be raw text or bytes."""
    folder = root / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name or assignment}.ipynb"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content)
    else:
        nbformat.write(content, path)
    stamp = timestamp or datetime.datetime(2026, 1, 1, 12, 0, 0)
    (folder / "timestamp.txt").write_text(stamp.strftime("%Y-%m-%d %H:%M:%S.%f UTC"))
    return path
