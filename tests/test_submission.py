"""Reading submitted notebooks: the source is the authority, and malformed input gets a clear message."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
import tiny_course as tc
from local_session import LocalSession

from autograder.grading.cells import grade_submission
from autograder.grading.results import CellResult, Note, StudentResult
from autograder.grading.submission import SubmissionError, plan, read_source
from autograder.staff import feedback


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tc.make_course(tmp_path)


@pytest.fixture
def source(root: Path):
    return read_source(root / "source" / "a1" / "a1.ipynb")


def grade(root: Path, path: Path) -> StudentResult:
    sources = {"a1": read_source(root / "source" / "a1" / "a1.ipynb")}
    others = {"a2": {c.grade_id for c in read_source(root / "source" / "a2" / "a2.ipynb").cells}}
    files = {"helpers.py": (root / "source" / "a1" / "helpers.py").read_bytes()}
    return grade_submission(lambda: LocalSession(files), {"a1": path}, sources, others)


def cells(result: StudentResult) -> dict[str, CellResult]:
    return result.notebooks["a1"].cells


def cell_scores(result: StudentResult) -> dict[str, float]:
    return {gid: c.score for gid, c in cells(result).items()}


def statuses(result: StudentResult) -> dict[str, str]:
    return {gid: c.status for gid, c in cells(result).items()}


def note_kinds(cell: CellResult) -> list[tuple[str, str | None]]:
    return [(note.kind, note.cell) for note in cell.notes]


def failures(cell: CellResult) -> list[str | None]:
    return [p.failure for check in cell.checks for p in check.properties if not p.passed]


def test_source_cells_have_roles_and_points(source) -> None:
    roles = {c.grade_id: (c.role, c.points) for c in source.cells}
    assert roles == {"setup": ("locked", 0.0), "double": ("solution", 0.0), "test_double": ("test", 2.0),
                     "square": ("solution", 0.0), "test_square": ("test", 3.0), "essay": ("manual", 1.0)}


def test_skipped_cells_are_not_run(root: Path, source) -> None:
    steps = plan(tc.submit(root, "s", "a1", tc.source_a1()), source)
    assert all("plots are not graded" not in s.source for s in steps)
    assert [s.label for s in steps if s.where == "trusted"] == ["test_double", "test_square"]


def test_tests_and_locked_cells_come_from_the_source(root: Path, source) -> None:
    forged = tc.student_version(tc.source_a1(), {"test_double": "points = 100", "setup": "SCALE = 1"})
    steps = {s.label: s for s in plan(tc.submit(root, "s", "a1", forged), source)}
    assert steps["test_double"].source == next(c.source for c in source.cells if c.grade_id == "test_double")
    assert steps["setup"].source == "SCALE = 2"
    assert cell_scores(grade(root, tc.submit(root, "s", "a1", forged))) == {
        "test_double": 2.0, "test_square": 3.0, "essay": 0.0}


def test_wrong_answers_lose_their_own_points(root: Path) -> None:
    nb = tc.student_version(tc.source_a1(), {"double": tc.WRONG["double"]})
    result = grade(root, tc.submit(root, "s", "a1", nb))
    assert cell_scores(result) == {"test_double": 0.0, "test_square": 3.0, "essay": 0.0}
    assert statuses(result) == {"test_double": "failed", "test_square": "passed", "essay": "manual"}
    assert failures(cells(result)["test_double"]) == ["wrong"] and cells(result)["test_double"].notes == ()


def test_invalid_json_names_the_file(root: Path, source) -> None:
    path = tc.submit(root, "s", "a1", '{"cells": [')
    with pytest.raises(SubmissionError, match=r"a1\.ipynb: is not valid JSON"):
        plan(path, source)
    notes = grade(root, path).notebooks["a1"].notes
    assert [n.kind for n in notes] == ["unreadable"] and notes[0].detail.startswith("a1.ipynb: is not valid JSON")
    assert set(statuses(grade(root, path)).values()) == {"not_run"}


def stripped_and_cut() -> nbformat.NotebookNode:
    """a1 with its nbgrader metadata stripped and its untracked code cells deleted: no longer lined up with it."""
    nb = tc.source_a1()
    nb.cells = [cell for cell in nb.cells if cell.cell_type == "markdown" or "solution" in str(cell.metadata)]
    for cell in nb.cells:
        cell.metadata = {}
    return nb


def nbformat_2() -> str:
    data = json.loads(nbformat.writes(tc.source_a1()))
    data["nbformat"] = 2
    return json.dumps(data)


@pytest.mark.parametrize(("content", "says"), [
    ('{"cells": [', "is not valid JSON"),
    ("[1, 2, 3]", "is JSON but not a Jupyter notebook"),
    (nbformat_2(), "is in nbformat 2"),
    (json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                 "cells": [{"id": "x", "cell_type": "bogus", "source": "", "metadata": {}}]}), "is not a valid notebook"),
    (tc.source_a2(), "is not a notebook of this assignment"),
    (stripped_and_cut(), "its cells carry no nbgrader metadata"),
], ids=["not-json", "not-a-notebook", "nbformat-2", "invalid", "another-assignment", "no-nbgrader-metadata"])
def test_what_cannot_be_graded_names_the_file_as_the_student_knows_it(root: Path, content, says: str) -> None:
    result = grade(root, tc.submit(root, "alice", "a1", content))
    [note] = result.notebooks["a1"].notes
    assert note.detail.startswith(f"a1.ipynb: {says}")
    shown = [feedback.error(result), *feedback.texts(result)["a1"].values()]
    assert all("alice" not in text and text.count("a1.ipynb") == 1 for text in shown), shown
    page = feedback.page("a1", "alice", "a1", result.notebooks["a1"], feedback.texts(result)["a1"])
    assert str(root) not in page and "a1.ipynb: " + says in page


def test_json_that_is_not_a_notebook(root: Path, source) -> None:
    with pytest.raises(SubmissionError, match="not a Jupyter notebook"):
        plan(tc.submit(root, "s", "a1", "[1, 2, 3]"), source)


def test_nbformat_3_is_upgraded(root: Path, source) -> None:
    path = tc.submit(root, "s", "a1", nbformat.writes(nbformat.convert(tc.source_a1(), 3)))
    first = plan(path, source)[0]
    assert any(note.kind == "repaired" and "nbformat 3" in note.detail for note in first.notes)
    assert grade(root, path).score == 5.0


def test_unsupported_nbformat_is_rejected(root: Path, source) -> None:
    data = json.loads(nbformat.writes(tc.source_a1()))
    data["nbformat"] = 2
    with pytest.raises(SubmissionError, match="nbformat 2"):
        plan(tc.submit(root, "s", "a1", json.dumps(data)), source)


def test_deleted_test_and_locked_cells_are_put_back(root: Path) -> None:
    nb = tc.source_a1()
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") not in ("setup", "test_double")]
    result = grade(root, tc.submit(root, "s", "a1", nb))
    assert cell_scores(result) == {"test_double": 2.0, "test_square": 3.0, "essay": 0.0}
    assert note_kinds(cells(result)["test_double"]) == [("repaired", "setup"), ("repaired", "test_double")]


def test_deleted_solution_cell_costs_its_points_and_says_so(root: Path) -> None:
    nb = tc.source_a1()
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "double"]
    result = grade(root, tc.submit(root, "s", "a1", nb))
    assert cell_scores(result) == {"test_double": 0.0, "test_square": 3.0, "essay": 0.0}
    assert statuses(result)["test_double"] == "not_run"
    assert note_kinds(cells(result)["test_double"]) == [("missing", "double")]
    assert failures(cells(result)["test_double"]) == ["missing"]


def test_duplicated_cells_keep_the_last_copy(root: Path) -> None:
    nb = tc.source_a1()
    index = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == "double")
    copy = nbformat.from_dict(nb.cells[index])
    nb.cells[index].source = tc.WRONG["double"]
    nb.cells.insert(index + 1, copy)
    result = grade(root, tc.submit(root, "s", "a1", nb))
    assert cell_scores(result)["test_double"] == 2.0
    assert note_kinds(cells(result)["test_double"]) == [("repaired", "double")]


def test_stripped_nbgrader_metadata_is_matched_by_position(root: Path) -> None:
    nb = tc.student_version(tc.source_a1(), {"double": tc.WRONG["double"]})
    for cell in nb.cells:
        cell.metadata = {}
    result = grade(root, tc.submit(root, "s", "a1", nb))
    assert cell_scores(result) == {"test_double": 0.0, "test_square": 3.0, "essay": 0.0}
    assert any(n.kind == "repaired" and "by position" in n.detail for n in cells(result)["test_double"].notes)


def test_missing_metadata_keys_are_filled_in(root: Path) -> None:
    data = json.loads(nbformat.writes(tc.source_a1()))
    for cell in data["cells"]:
        del cell["metadata"]
    assert grade(root, tc.submit(root, "s", "a1", json.dumps(data))).score == 5.0


def test_stripped_metadata_that_does_not_line_up_is_rejected(root: Path, source) -> None:
    with pytest.raises(SubmissionError, match="carry no nbgrader metadata"):
        plan(tc.submit(root, "s", "a1", stripped_and_cut()), source)


def test_renamed_function_is_a_missing_function(root: Path) -> None:
    nb = tc.student_version(tc.source_a1(), {"square": tc.SOLUTIONS["square"].replace("def square", "def sqr")})
    result = grade(root, tc.submit(root, "s", "a1", nb))
    assert cell_scores(result) == {"test_double": 2.0, "test_square": 0.0, "essay": 0.0}
    assert statuses(result)["test_square"] == "failed" and failures(cells(result)["test_square"]) == ["missing"]


def test_notebook_of_another_assignment_is_named(root: Path) -> None:
    path = tc.submit(root, "s", "a1", tc.source_a2())
    result = grade(root, path)
    assert result.score == 0.0
    [note] = result.notebooks["a1"].notes
    assert note.kind == "wrong_assignment" and "(its cells belong to assignment 'a2')" in note.detail


def test_student_cell_errors_reach_the_next_test_feedback(root: Path) -> None:
    nb = tc.student_version(tc.source_a1(), {"double": "def double(x):\n    return x * SCALE\n1 / 0\n"})
    result = grade(root, tc.submit(root, "s", "a1", nb))
    assert cell_scores(result)["test_double"] == 2.0
    [note] = cells(result)["test_double"].notes
    assert (note.kind, note.cell, note.detail) == ("cell_raised", "double", "ZeroDivisionError: division by zero")


def test_a_cell_that_raises_before_its_function_is_an_error_and_a_stub_is_unfinished(root: Path) -> None:
    nb = tc.student_version(tc.source_a1(), {"double": "1 / 0\n" + tc.SOLUTIONS["double"],
                                             "square": "raise NotImplementedError('not implemented yet')"})
    result = grade(root, tc.submit(root, "s", "a1", nb))
    assert statuses(result) == {"test_double": "error", "test_square": "failed", "essay": "manual"}
    assert note_kinds(cells(result)["test_square"]) == [("cell_not_implemented", "square")]


def test_a_crash_costs_only_what_depends_on_it(root: Path) -> None:
    nb = tc.student_version(tc.source_a1(), {"square": "import os\nos._exit(1)\ndef square(x):\n    return x * x\n"})
    result = grade(root, tc.submit(root, "s", "a1", nb))
    assert cell_scores(result) == {"test_double": 2.0, "test_square": 0.0, "essay": 0.0}
    assert statuses(result)["test_square"] == "crashed"
    assert note_kinds(cells(result)["test_square"]) == [("cell_crashed", "square")]


def test_missing_notebook_is_not_submitted(root: Path) -> None:
    sources = {"a1": read_source(root / "source" / "a1" / "a1.ipynb")}
    result = grade_submission(lambda: LocalSession({}), {"other": root}, sources, {})
    assert (result.score, result.max_score, result.notebooks["a1"].notes) == (0.0, 6.0, (Note("not_submitted"),))
    assert result.extra_notebooks == ("other",) and not result.submitted
    assert set(statuses(result).values()) == {"not_run"}


def test_student_names_cannot_shadow_builtins_in_test_cells(root: Path) -> None:
    forged = tc.SOLUTIONS["double"] + "def __builtins__():\n    pass\ndef print(*args):\n    pass\n"
    result = grade(root, tc.submit(root, "s", "a1", tc.student_version(tc.source_a1(), {"double": forged})))
    assert cell_scores(result)["test_double"] == 2.0 and statuses(result)["test_double"] == "passed"


def test_cell_score_adds_the_points_as_the_test_cell_does() -> None:
    from dnn_checks.results import CheckResult

    from autograder.grading.cells import _score

    results = [CheckResult("f", "visible", 5 / 9, 1.0, ()), CheckResult("f", "hidden", 0.5, 2.0, ())]
    assert _score(results, 3.0) == round(5 / 9, 9) + 0.5 == 1.0555555559999998
    assert _score(results, 1.0) == 1.0


def test_deeply_nested_or_huge_json_is_rejected(root: Path, source, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SubmissionError, match="is not valid JSON"):
        plan(tc.submit(root, "s", "a1", "[" * 100_000 + "]" * 100_000), source)
    monkeypatch.setattr("autograder.grading.submission.MAX_NOTEBOOK_BYTES", 1000)
    with pytest.raises(SubmissionError, match="larger than"):
        plan(tc.submit(root, "s", "a1", tc.source_a1()), source)


def test_the_sandbox_preloads_scikit_learn_only_where_graded_cells_load_the_digits(tmp_path: Path) -> None:
    from autograder.grading.submission import SKIP_TAG, worker_preload

    repo = Path(__file__).resolve().parents[1]
    # a1 imports the digits loader in its setup cell but calls it only in cells grading skips; a3 calls it
    assert worker_preload([repo / "source/a1_deep_network/a1_deep_network.ipynb"]) == ()
    assert worker_preload([repo / "source/a3_optimization/a3_optimization.ipynb"]) == ("sklearn.datasets",)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("digits = load_digits_binary()")])
    nbformat.write(nb, tmp_path / "run.ipynb")
    nb.cells[0].metadata["tags"] = [SKIP_TAG]
    nbformat.write(nb, tmp_path / "skipped.ipynb")
    assert worker_preload([tmp_path / "run.ipynb"]) == ("sklearn.datasets",)
    assert worker_preload([tmp_path / "skipped.ipynb"]) == ()
