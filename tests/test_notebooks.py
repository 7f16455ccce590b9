"""The course's notebooks: source and release agree with each other, with the checks and with the contract.

The source notebooks run top to bottom with full marks; the released ones run without
crashing, every exercise scoring 0 with "not implemented"; the release is what
``nbgrader generate_assignment`` makes of the source today; it holds no solution, no hidden
test and no import of ``reference`` or ``autograder``; every graded cell runs the checks of
the functions it names, for the points the registries give them, and every check has a
graded cell; plot and training cells (tag ``skip-grading``) define nothing a graded cell
needs, and those that run the student's functions are wrapped in ``needs_working``; each ``dnn_helpers.py`` is what ``python -m autograder.build.helpers_module`` generates.
"""

from __future__ import annotations

import ast
import symtable
from pathlib import Path

import pytest
from course_notebooks import (
    ROOT,
    assert_fails_gracefully,
    assert_full_marks,
    checked_functions,
    copy_assignment,
    execute,
    grading,
    is_skipped,
    notebook_path,
    present,
    read,
    stderr_text,
)
from dnn_checks.graded import ASSIGNMENTS, FUNCTIONS, graded, taught_in
from dnn_checks.registry import VISIBLE

from autograder.build import helpers_module
from autograder.build.helpers_module import helpers_path, render, taught_from
from autograder.hidden import HIDDEN
from autograder.staff.release import generate_release, imported_modules, release_files, release_texts, secret_lines

STUDENT_IMPORTS = {"__future__", "collections", "math", "typing", "numpy", "matplotlib", "sklearn"}
TEST_CELL = (
    "from dnn_checks import run_checks\n"
    "points = run_checks({names}, namespace=globals())\n"
    "### BEGIN HIDDEN TESTS\n"
    "from autograder.hidden import run_hidden_checks\n"
    "points = run_hidden_checks({names}, namespace=globals(), visible=points)\n"
    "### END HIDDEN TESTS\n"
    "points"
)


# --- running the notebooks ---------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("assignment", present("source"))
def test_source_notebook_runs_top_to_bottom_with_full_marks(assignment: str, tmp_path: Path) -> None:
    folder = copy_assignment(ROOT / "source" / assignment, tmp_path / assignment)
    nb = execute(read(notebook_path("source", assignment)), folder, allow_errors=False)
    assert_full_marks(nb)
    noisy = {cell.id: stderr_text(cell) for cell in nb.cells if cell.cell_type == "code" and stderr_text(cell)}
    assert not noisy, f"cells wrote to stderr: {noisy}"


@pytest.mark.slow
@pytest.mark.parametrize("assignment", present("release"))
def test_released_notebook_scores_zero_and_says_not_implemented(assignment: str, tmp_path: Path) -> None:
    folder = copy_assignment(ROOT / "release" / assignment, tmp_path / assignment)
    assert_fails_gracefully(execute(read(notebook_path("release", assignment)), folder, allow_errors=True))


# --- the release ---------------------------------------------------------------------------

@pytest.mark.parametrize("assignment", present("source"))
def test_release_is_up_to_date_with_source(assignment: str, tmp_path: Path) -> None:
    (tmp_path / "nbgrader_config.py").write_bytes((ROOT / "nbgrader_config.py").read_bytes())
    copy_assignment(ROOT / "source" / assignment, tmp_path / "source" / assignment)
    generate_release(tmp_path, assignment)
    fresh, committed = release_files(tmp_path / "release" / assignment), release_files(ROOT / "release" / assignment)
    stale = f"release/{assignment} is stale: run nbgrader generate_assignment {assignment} --force"
    assert fresh.keys() == committed.keys(), stale
    for name, path in fresh.items():
        if name.endswith(".ipynb"):
            assert read(path) == read(committed[name]), f"{stale} ({name})"
        else:
            assert path.read_bytes() == committed[name].read_bytes(), f"{stale} ({name})"


@pytest.mark.parametrize("assignment", present("release"))
def test_release_holds_no_solution_and_no_hidden_test(assignment: str) -> None:
    secrets = secret_lines(read(notebook_path("source", assignment)))
    assert secrets, "the source notebook has no solution lines to look for"
    for name, text in release_texts(ROOT / "release" / assignment).items():
        leaked = secrets & {line.strip() for line in text.splitlines()}
        assert not leaked, f"release/{assignment}/{name} holds solution or hidden-test lines: {sorted(leaked)}"
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "run_hidden_checks"):
            assert marker not in text, f"release/{assignment}/{name} holds {marker!r}"


@pytest.mark.parametrize("assignment", present("release"))
def test_release_imports_only_what_students_have(assignment: str) -> None:
    folder = ROOT / "release" / assignment
    code = "\n".join(c.source for c in read(notebook_path("release", assignment)).cells if c.cell_type == "code")
    modules = imported_modules(code) | imported_modules((folder / "dnn_helpers.py").read_text())
    assert modules <= STUDENT_IMPORTS | {"dnn_checks", "dnn_helpers"}, sorted(modules)
    assert not modules & {"reference", "autograder"}


@pytest.mark.parametrize("assignment", present("release"))
def test_released_helpers_define_nothing_this_or_a_later_assignment_teaches(assignment: str) -> None:
    tree = ast.parse((ROOT / "release" / assignment / "dnn_helpers.py").read_text())
    defined = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert not defined & set(taught_from(assignment))


@pytest.mark.parametrize("assignment", present("source"))
def test_source_notebook_is_committed_without_outputs(assignment: str) -> None:
    ran = [c.id for c in read(notebook_path("source", assignment)).cells
           if c.cell_type == "code" and (c.outputs or c.execution_count is not None)]
    assert not ran, f"clear the outputs of {ran} (the tests run the notebook)"


# --- graded cells and checks -----------------------------------------------------------

@pytest.mark.parametrize("assignment", present("source"))
def test_every_graded_cell_runs_the_checks_of_its_functions_for_their_points(assignment: str) -> None:
    for cell in read(notebook_path("source", assignment)).cells:
        meta = grading(cell)
        if cell.cell_type == "markdown" and meta.get("grade"):
            assert meta["solution"] and meta["points"] > 0, f"{cell.id}: a hand-graded answer needs points"
            continue
        if not meta.get("grade"):
            continue
        names = checked_functions(cell)
        assert cell.source == TEST_CELL.format(names=", ".join(f'"{n}"' for n in names)), cell.id
        assert meta["grade_id"] == f"test_{names[0]}" and meta["locked"] and not meta["solution"]
        assert meta["points"] == sum(graded(name).points for name in names), f"{cell.id}: points"
        for name in names:
            assert name in VISIBLE.functions() and name in HIDDEN.functions(), f"{name} lacks a check"


def solution_definitions(nb) -> dict[str, int]:
    """Function name -> index of the solution cell that defines it."""
    return {node.name: index for index, cell in enumerate(nb.cells) if grading(cell).get("solution")
            and cell.cell_type == "code" for node in ast.parse(cell.source).body if isinstance(node, ast.FunctionDef)}


@pytest.mark.parametrize("assignment", present("source"))
def test_each_assignment_defines_and_grades_exactly_what_it_teaches(assignment: str) -> None:
    nb = read(notebook_path("source", assignment))
    defined = solution_definitions(nb)
    tested = {name: index for index, cell in enumerate(nb.cells) if grading(cell).get("grade")
              and cell.cell_type == "code" for name in checked_functions(cell)}
    assert set(defined) == set(taught_in(assignment)) == set(tested)
    late = [name for name in tested if tested[name] < defined[name]]
    assert not late, f"test cells before the solution they check: {late}"


def test_every_check_has_a_graded_cell() -> None:
    taught = [name for a in ASSIGNMENTS for name in taught_in(a)]
    assert len(taught) == len(set(taught)), "a function is taught twice"
    assert set(taught) == set(FUNCTIONS) >= set(VISIBLE.functions()) | set(HIDDEN.functions())
    missing = sorted(set(ASSIGNMENTS) - set(present("source")))
    if missing:
        pytest.skip(f"source notebooks not written yet: {missing}")


def global_reads(source: str) -> set[str]:
    """Global names a cell reads: at its top level, or from inside the functions it defines."""
    def walk(table: symtable.SymbolTable) -> set[str]:
        reads = {sym.get_name() for sym in table.get_symbols() if sym.is_referenced()
                 and (table.get_type() == "module" or sym.is_global())}
        return reads.union(*(walk(child) for child in table.get_children()))
    return walk(symtable.symtable(source, "cell", "exec"))


def global_writes(source: str) -> set[str]:
    """Global names a cell binds (assignments, loop targets, defs, imports)."""
    return {sym.get_name() for sym in symtable.symtable(source, "cell", "exec").get_symbols() if sym.is_assigned()
            or sym.is_imported() or sym.is_namespace()}


@pytest.mark.parametrize("assignment", present("source"))
def test_skipped_cells_define_nothing_that_other_cells_read(assignment: str) -> None:
    cells = [c for c in read(notebook_path("source", assignment)).cells if c.cell_type == "code"]
    needed = set().union(*(global_reads(c.source) for c in cells if not is_skipped(c)))
    for cell in filter(is_skipped, cells):
        assert not grading(cell), f"{cell.id}: a skip-grading cell carries nbgrader metadata"
        shared = global_writes(cell.source) & (needed | set(FUNCTIONS))
        assert not shared, f"{cell.id} (skip-grading) defines {sorted(shared)}, which other cells read"


def runs_student_code(source: str, dependent: set[str]) -> bool:
    """Whether the cell's top level runs code (not only ``def``, ``class`` and imports) and it reads one of the
    ``dependent`` names."""
    definitions = (ast.FunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)
    runs = any(not isinstance(node, definitions) for node in ast.parse(source).body)
    return runs and bool(global_reads(source) & dependent)


def is_wrapped(source: str) -> bool:
    """The cell's code, but for its imports, is one ``with needs_working(globals()):``."""
    body = [node for node in ast.parse(source).body if not isinstance(node, (ast.Import, ast.ImportFrom))]
    return (len(body) == 1 and isinstance(body[0], ast.With)
            and [ast.unparse(item.context_expr) for item in body[0].items] == ["needs_working(globals())"])


@pytest.mark.parametrize("assignment", present("source"))
def test_plot_cells_that_run_student_code_name_the_function_to_fix(assignment: str) -> None:
    """Every cell outside nbgrader's (plots, demonstrations) whose code runs the functions the notebook teaches,
    or what the notebook built from them (a training loop, its parameters), is wrapped in needs_working."""
    dependent, unwrapped = set(taught_in(assignment)), []
    for index, cell in enumerate(read(notebook_path("source", assignment)).cells):
        if cell.cell_type != "code" or grading(cell).get("solution") or grading(cell).get("grade"):
            continue
        if global_reads(cell.source) & dependent:
            dependent |= global_writes(cell.source)
        if not grading(cell) and runs_student_code(cell.source, dependent) and not is_wrapped(cell.source):
            unwrapped.append(f"cell {index} ({cell.source.splitlines()[0]!r})")
    assert not unwrapped, f"wrap in `with needs_working(globals()):` {unwrapped}"


# --- dnn_helpers.py ------------------------------------------------------------------

@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_helpers_module_is_up_to_date(assignment: str) -> None:
    assert helpers_path(assignment).read_text() == render(assignment), "run python -m autograder.build.helpers_module"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_helpers_module_imports_only_what_students_have(assignment: str) -> None:
    assert imported_modules(render(assignment)) <= STUDENT_IMPORTS


@pytest.mark.parametrize(("assignment", "extra"), [
    ("a2_practical_aspects", "reference:dropout_forward"),         # its own exercise
    ("a1_deep_network", "reference:update_parameters_with_adam"),  # a later assignment's
])
def test_helpers_module_refuses_a_function_taught_now_or_later(assignment: str, extra: str,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(helpers_module.EXTRA, assignment, (extra,))
    with pytest.raises(ValueError, match=extra.split(":")[1]):
        render(assignment)
