"""``autograder release``: release an assignment with nbgrader, then prove the release sound.

The steps, in order: write ``source/<assignment>/dnn_helpers.py`` (``autograder.build.helpers_module``);
run ``nbgrader generate_assignment`` with the course's config; then look for problems:

- a leak: a solution line, a hidden test or an import of ``reference``/``autograder`` in any
  file of ``release/<assignment>/``;
- a mismatch: the release's cells differ from the source's (count, ids, types, nbgrader
  metadata, points, the text of the cells students do not write);
- grading: in a scratch copy of the course (the real gradebook is never touched), the source
  notebooks, handed in as a student's, must earn every autograded point, and the released
  ones must earn zero, each test cell failing as "not implemented" (its result's notes and checks say
  so), with no other error or crash;
- the gate (``autograder.staff.gate``), graded in the same scratch course: every catalogued mistake
  of the assignment's functions, planted in an otherwise correct notebook, loses points and is named.

Each :class:`Problem` names the file, the cell (grade id or cell id) and the line.
"""

from __future__ import annotations

import ast
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import nbformat
from dnn_checks.graded import ASSIGNMENTS
from nbformat import NotebookNode
from rich.console import Console

from autograder import course
from autograder.build.helpers_module import render
from autograder.course import CourseError
from autograder.grading.batch import grade_assignment
from autograder.grading.results import CellResult, NotebookResult, StudentResult
from autograder.mistakes import mistakes_of
from autograder.staff import feedback, gate

SOLUTION_REGION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
HIDDEN_REGION = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS\n", re.S)
#: Shorter solution lines ("return A, Z") say nothing; longer ones must not be in the release.
MIN_SECRET_LINE = 20
#: Text that only the instructor's version may hold.
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "run_hidden_checks")
#: Packages a student does not have: the release must not import them.
STAFF_PACKAGES = {"reference", "autograder"}
#: The nbgrader metadata that must be the same in the source and the release.
CELL_KEYS = ("grade_id", "grade", "solution", "locked", "task", "points")
#: Notes on a released cell that no unfinished exercise explains: it raised something else than the stub's
#: NotImplementedError, took the worker down, ran out of time, or the test cell could not run.
FOREIGN_FAILURES = {"cell_raised", "cell_crashed", "cell_timeout", "test_failed"}
#: The students under which the scratch course hands in the source and the release.
AS_SOURCE, AS_RELEASE = "source-notebooks", "released-notebooks"


class ReleaseError(CourseError):
    """The release could not be made at all: nbgrader failed."""


class Problem(NamedTuple):
    """What is wrong with a release: ``where`` names the file, cell and line; ``what`` says what."""

    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


class Release(NamedTuple):
    """A release made: its folder, what is wrong with it (nothing when sound), and the autograded
    ``(score, maximum)`` of the source and of the release, by the student they were handed in as."""

    assignment: str
    folder: Path
    problems: list[Problem]
    scores: dict[str, tuple[float, float]]
    planted: tuple[int, int, int] = (0, 0, 0)
    """The gate's mistakes planted, the notebooks they were planted in, and the catalogued ones it could not plant."""


def release(*, course_dir: Path | None = None, assignment: str, insecure: bool = False,
            jobs: int | None = None) -> Release:
    """Write the helper module, run nbgrader's release and return every problem found in it."""
    root = course.find_course(course_dir)
    course.source_notebooks(root, assignment)
    write_helpers(root, assignment)
    generate_release(root, assignment)
    problems = leaks(root, assignment) + mismatches(root, assignment)
    planned = _gate_plan(root, assignment)
    scores, graded, results = grade_both(root, assignment, insecure=insecure, jobs=jobs,
                                         planted=gate.notebooks(*_notebook_pair(root, assignment), planned)
                                         if planned else {})
    failures = gate.failures(planned, results)
    problems += [Problem(f"gate: mistake {f.mistake.id}", f.what) for f in failures]
    if planned:
        source, _ = _notebook_pair(root, assignment)
        problems += [Problem("gate", what) for what in gate.wrongly_graded(source, results)]
    return Release(assignment, root / "release" / assignment, problems + graded, scores,
                   _counts(assignment, planned))


def _counts(assignment: str, planned: list[gate.Batch]) -> tuple[int, int, int]:
    """(mistakes planted, notebooks, catalogued mistakes of the assignment's functions not planted)."""
    done = sum(len(batch) for batch in planned)
    return done, len(planned), sum(len(mistakes_of(f)) for f in gate.functions_of(assignment)) - done


def _gate_plan(root: Path, assignment: str) -> list[gate.Batch]:
    """The gate's notebooks of mistakes, for an assignment of the course's table with one notebook (else none)."""
    if len(course.source_notebooks(root, assignment)) != 1:
        return []
    return gate.batches(gate.functions_of(assignment))


def _notebook_pair(root: Path, assignment: str) -> tuple[NotebookNode, NotebookNode]:
    """The assignment's (only) source notebook and its release."""
    [(name, path)] = course.source_notebooks(root, assignment).items()
    return (nbformat.read(path, as_version=4),
            nbformat.read(root / "release" / assignment / f"{name}.ipynb", as_version=4))


def write_helpers(root: Path, assignment: str) -> Path | None:
    """``source/<assignment>/dnn_helpers.py`` as ``autograder.build.helpers_module`` renders it (course assignments only)."""
    if assignment not in ASSIGNMENTS:
        return None
    path = root / "source" / assignment / "dnn_helpers.py"
    text = render(assignment)
    if not path.is_file() or path.read_text() != text:
        path.write_text(text)
    return path


def generate_release(root: Path, assignment: str) -> None:
    """``nbgrader generate_assignment <assignment> --force`` in ``root`` (nbgrader runs alembic from PATH)."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    run = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force"],
                         cwd=root, env=dict(os.environ, PATH=path), capture_output=True, text=True)
    if run.returncode != 0:
        errors = [line for line in run.stderr.splitlines() if "ERROR" in line or "Error" in line]
        raise ReleaseError(f"nbgrader generate_assignment {assignment} failed:\n"
                           + "\n".join(errors[-10:] or run.stderr.splitlines()[-10:]))


def release_files(folder: Path) -> dict[str, Path]:
    """Every file under ``folder`` by its relative path."""
    return {str(p.relative_to(folder)): p for p in sorted(folder.rglob("*")) if p.is_file()}


def nbgrader_meta(cell: NotebookNode) -> dict[str, Any]:
    """The cell's nbgrader metadata ({} for an ordinary cell)."""
    return cell.get("metadata", {}).get("nbgrader", {})


def secret_lines(nb: NotebookNode) -> set[str]:
    """Lines of the solution regions (whole manually graded answers) and of the hidden tests."""
    regions = [m for cell in nb.cells for m in HIDDEN_REGION.findall(cell.source)]
    for cell in nb.cells:
        if nbgrader_meta(cell).get("solution"):
            regions += SOLUTION_REGION.findall(cell.source) or [cell.source]
    lines = {line.strip() for region in regions for line in region.splitlines()}
    return {line for line in lines if len(line) >= MIN_SECRET_LINE}


def release_texts(folder: Path) -> dict[str, str]:
    """Every file of a release folder as text; a notebook as its cells' sources."""
    return {name: "\n".join(text for _, text in file_parts(path)) for name, path in release_files(folder).items()}


def file_parts(path: Path) -> list[tuple[str, str]]:
    """``(label, text)`` of a released file: a notebook's cells by grade id or cell id, else the whole file."""
    if path.suffix != ".ipynb":
        return [("", path.read_text(errors="replace"))]
    cells = nbformat.read(path, as_version=4).cells
    return [(f"cell {nbgrader_meta(c).get('grade_id') or c.get('id') or i}", c.source) for i, c in enumerate(cells)]


def imported_modules(source: str) -> set[str]:
    """The top-level package of every import statement in ``source``."""
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            modules.add((node.module or "").split(".")[0])
    return modules


def leaks(root: Path, assignment: str) -> list[Problem]:
    """Solution lines, hidden tests, instructor markers and staff imports in ``release/<assignment>/``."""
    secrets = set().union(*(secret_lines(nbformat.read(p, as_version=4))
                            for p in course.source_notebooks(root, assignment).values()))
    folder = root / "release" / assignment
    if not folder.is_dir():
        return [Problem(f"release/{assignment}", "there is no release folder")]
    return [problem for name, path in release_files(folder).items() if path.suffix in (".ipynb", ".py")
            for label, text in file_parts(path)
            for problem in _leaks_in(f"release/{assignment}/{name}" + (f" {label}" if label else ""), text, secrets)]


def _leaks_in(where: str, text: str, secrets: set[str]) -> Iterator[Problem]:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() in secrets:
            yield Problem(f"{where}, line {number}", f"holds a solution or hidden-test line: {line.strip()!r}")
        for marker in MARKERS:
            if marker in line:
                yield Problem(f"{where}, line {number}", f"holds {marker!r}")
    for node in _staff_imports(text):
        yield Problem(f"{where}, line {node.lineno}", f"imports {ast.unparse(node)!r}, which students do not have")


def _staff_imports(text: str) -> list[ast.stmt]:
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return []  # markdown, or a notebook cell with IPython magics: it imports nothing that runs here
    return [node for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)
            and imported_modules(ast.unparse(node)) & STAFF_PACKAGES]


def mismatches(root: Path, assignment: str) -> list[Problem]:
    """Where the released notebooks differ from the source's in cells, ids, types, metadata or points."""
    problems = []
    for name, source_path in course.source_notebooks(root, assignment).items():
        where = f"release/{assignment}/{name}.ipynb"
        released = root / "release" / assignment / f"{name}.ipynb"
        if not released.is_file():
            problems.append(Problem(where, "is missing"))
            continue
        source, rel = nbformat.read(source_path, as_version=4), nbformat.read(released, as_version=4)
        if len(source.cells) != len(rel.cells):
            problems.append(Problem(where, f"has {len(rel.cells)} cells, the source {len(source.cells)}"))
        problems += [p for i, (a, b) in enumerate(zip(source.cells, rel.cells)) for p in _cell_mismatch(where, i, a, b)]
    return problems


def _cell_mismatch(where: str, index: int, source: NotebookNode, released: NotebookNode) -> list[Problem]:
    meta = nbgrader_meta(source)
    at = f"{where} cell {meta.get('grade_id') or source.get('id') or index} (#{index + 1})"
    if (source.get("id"), source.cell_type) != (released.get("id"), released.cell_type):
        return [Problem(at, f"is the {released.cell_type} cell {released.get('id')!r} in the release, "
                            f"the {source.cell_type} cell {source.get('id')!r} in the source")]
    other = nbgrader_meta(released)
    problems = [Problem(at, f"nbgrader {key} is {other.get(key)!r} in the release, {meta.get(key)!r} in the source")
                for key in CELL_KEYS if meta.get(key) != other.get(key)]
    if not meta.get("solution") and HIDDEN_REGION.sub("", source.source) != released.source:
        problems.append(Problem(at, "its text differs from the source's (the students' copy is not the one checked)"))
    return problems


def grade_both(root: Path, assignment: str, *, insecure: bool, jobs: int | None,
               planted: Mapping[str, str] | None = None) -> tuple[dict[str, tuple[float, float]], list[Problem],
                                                                 dict[str, StudentResult]]:
    """Grade the source and the release as two students of a scratch copy of the course, with the
    ``planted`` notebooks (``{student: notebook text}``) as more students.

    Returns each one's autograded ``(score, maximum)``, the problems found, and every student's result.
    """
    with tempfile.TemporaryDirectory(prefix=f"release-{assignment}-") as scratch:
        copy = scratch_course(root, assignment, Path(scratch))
        for student, text in (planted or {}).items():
            [name] = course.source_notebooks(root, assignment)
            handed_in = copy / "submitted" / student / assignment
            handed_in.mkdir(parents=True)
            (handed_in / f"{name}.ipynb").write_text(text)
        batch = grade_assignment(course_dir=copy, assignment=assignment, jobs=jobs, insecure=insecure,
                                 console=Console(file=io.StringIO()))
    results = {o.student: o.result for o in batch.outcomes}
    sources = {name: nbformat.read(p, as_version=4) for name, p in course.source_notebooks(root, assignment).items()}
    autograded = {name: _autograded(nb) for name, nb in sources.items()}
    scores = {s: _autograded_scores(r, autograded) for s, r in results.items() if s in (AS_SOURCE, AS_RELEASE)}
    return scores, (_source_problems(assignment, results[AS_SOURCE], autograded)
                    + _release_problems(assignment, results[AS_RELEASE])), results


def _autograded(nb: NotebookNode) -> set[str]:
    """The grade ids of the notebook's autograded (test) cells."""
    return {nbgrader_meta(c)["grade_id"] for c in nb.cells
            if nbgrader_meta(c).get("grade") and not nbgrader_meta(c).get("solution")}


def _autograded_scores(result: StudentResult, autograded: dict[str, set[str]]) -> tuple[float, float]:
    """The score and maximum of the autograded cells only (cells graded by hand earn nothing here)."""
    cells = [cell for name, nb in result.notebooks.items() for gid, cell in nb.cells.items()
             if gid in autograded[name]]
    return sum(c.score for c in cells), sum(c.max_score for c in cells)


def scratch_course(root: Path, assignment: str, scratch: Path) -> Path:
    """A course in ``scratch`` with the assignment, its config, and the source and release handed in."""
    shutil.copy(root / "nbgrader_config.py", scratch / "nbgrader_config.py")
    for folder in ("source", "release"):
        shutil.copytree(root / folder / assignment, scratch / folder / assignment,
                        ignore=shutil.ignore_patterns(".hypothesis", "__pycache__", ".ipynb_checkpoints"))
    for student, folder in ((AS_SOURCE, "source"), (AS_RELEASE, "release")):
        handed_in = scratch / "submitted" / student / assignment
        handed_in.mkdir(parents=True)
        for notebook in (scratch / folder / assignment).glob("*.ipynb"):
            shutil.copy(notebook, handed_in / notebook.name)
    return scratch


def _source_problems(assignment: str, result: StudentResult, autograded: dict[str, set[str]]) -> list[Problem]:
    """Every autograded cell of the source that lost points, with the first lines of its feedback."""
    problems = []
    for name, notebook in result.notebooks.items():
        where = f"source/{assignment}/{name}.ipynb"
        problems += _ungraded(where, notebook)
        problems += [Problem(f"{where} cell {gid}", f"the source earns {cell.score:g} of {cell.max_score:g}:\n"
                             + _excerpt(feedback.cell_text(cell, notebook)))
                     for gid, cell in notebook.cells.items()
                     if gid in autograded[name] and cell.score < cell.max_score and not notebook.notes]
    return problems


def _release_problems(assignment: str, result: StudentResult) -> list[Problem]:
    """Released cells that earn points, crash, raise something else than the stub's error, or are not
    failed as not implemented."""
    problems = []
    for name, notebook in result.notebooks.items():
        where = f"release/{assignment}/{name}.ipynb"
        problems += _ungraded(where, notebook)
        problems += [Problem(f"{where} cell {gid}", what) for gid, cell in notebook.cells.items()
                     if not notebook.notes for what in _release_cell(cell, notebook)]
    return problems


def _ungraded(where: str, notebook: NotebookResult) -> list[Problem]:
    why = feedback.notebook_error(notebook)
    return [Problem(where, f"could not be graded: {why}")] if why else []


def _release_cell(cell: CellResult, notebook: NotebookResult) -> list[str]:
    """What is wrong with one graded cell of the release (nothing for a cell graded by hand)."""
    if cell.status == "manual":
        return []
    found = [f"the release earns {cell.score:g} of {cell.max_score:g}: a solution was left in"] if cell.score else []
    found += [f"a cell before it failed otherwise than 'not implemented':\n{_excerpt(feedback.note_text(note), 4)}"
              for note in cell.notes if note.kind in FOREIGN_FAILURES]
    if not _unfinished(cell):
        found.append(f"it does not fail as 'not implemented':\n{_excerpt(feedback.cell_text(cell, notebook))}")
    return found


def _unfinished(cell: CellResult) -> bool:
    """Whether the cell fails as a released exercise does: a student cell raised NotImplementedError,
    or a check failed because a function is not implemented yet."""
    return (any(note.kind == "cell_not_implemented" for note in cell.notes)
            or any(prop.failure == "not_implemented" for check in cell.checks for prop in check.properties))


def _excerpt(text: str, lines: int = 12) -> str:
    """The first ``lines`` lines of ``text`` and its last one, indented."""
    kept = text.strip().splitlines()
    shown = kept if len(kept) <= lines + 1 else [*kept[:lines], "[...]", kept[-1]]
    return "\n".join("    " + line for line in shown)


def summary(made: Release) -> str:
    """What the command prints: the scores, then every problem, or that the release is sound."""
    scores = ", ".join(f"{who.split('-')[0]} {score:g}/{top:g}" for who, (score, top) in sorted(made.scores.items(),
                                                                                              reverse=True))
    scores += " autograded points"
    mistakes, notebooks, unplanted = made.planted
    gated = (f"; the {mistakes} catalogued mistakes planted in {notebooks} notebooks each lose points and are named"
             + (f" ({unplanted} more have no source to plant)" if unplanted else "")
             + "; every correct alternative earns full marks; trivial submissions earn 0") if mistakes else ""
    if not made.problems:
        return (f"release/{made.assignment}: sound ({scores}; no solution, hidden test or staff import leaked; "
                f"cells, ids and points match the source{gated})")
    listed = "\n".join(f"- {problem}" for problem in made.problems)
    return f"release/{made.assignment}: {len(made.problems)} problems ({scores}):\n{listed}"
