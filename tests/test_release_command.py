"""`autograder release`: nbgrader's release, proven sound, and precise about what is wrong when it is not."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import tiny_course as tc

from autograder.sandbox.bubblewrap import check_available
from autograder.staff.release import generate_release, grade_both, leaks, mismatches, write_helpers

REPO = Path(__file__).resolve().parents[1]
UNAVAILABLE = check_available()
NEEDS_SANDBOX = (pytest.mark.sandbox, pytest.mark.slow,
                 pytest.mark.skipif(UNAVAILABLE is not None,
                                    reason=f"needs bubblewrap (apt-get install bubblewrap): {UNAVAILABLE}"))
LEAKED_LINE = "    return x * SCALE  # the answer, in full"


def tiny_released(root: Path) -> Path:
    """The tiny course with the real course's nbgrader config, released by nbgrader."""
    tc.make_course(root)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    generate_release(root, "a1")
    return root


def edit_cell(path: Path, grade_id: str, /, **changes: object) -> None:
    """Change a cell's source (``source=``) or nbgrader metadata (other keys) in a notebook file."""
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    if "source" in changes:
        cell.source = changes.pop("source")
    cell.metadata.nbgrader.update(changes)
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def released_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_released(tmp_path_factory.mktemp("released"))


@pytest.fixture
def course(released_once: Path, tmp_path: Path) -> Path:
    """A fresh copy of the released tiny course (nbgrader runs once per module)."""
    return Path(shutil.copytree(released_once, tmp_path / "course"))


def test_a_fresh_release_has_no_leak_and_matches_its_source(course: Path) -> None:
    assert leaks(course, "a1") == [] and mismatches(course, "a1") == []


def test_a_leaked_solution_line_is_named_by_file_cell_and_line(course: Path) -> None:
    source = course / "source" / "a1" / "a1.ipynb"
    edit_cell(source, "double", source=f"### BEGIN SOLUTION\ndef double(x):\n{LEAKED_LINE}\n### END SOLUTION")
    released = course / "release" / "a1" / "a1.ipynb"
    edit_cell(released, "setup", source=f"SCALE = 2\n{LEAKED_LINE}")
    found = [str(p) for p in leaks(course, "a1")]
    assert found == [f"release/a1/a1.ipynb cell setup, line 2: holds a solution or hidden-test line: "
                     f"{LEAKED_LINE.strip()!r}"]


def test_a_hidden_test_or_a_staff_import_in_the_helper_file_is_a_leak(course: Path) -> None:
    (course / "release" / "a1" / "helpers.py").write_text(
        "from autograder.hidden import run_hidden_checks\nimport reference.layers as layers\n")
    found = [str(p) for p in leaks(course, "a1")]
    assert found == [
        "release/a1/helpers.py, line 1: holds 'run_hidden_checks'",
        "release/a1/helpers.py, line 1: imports 'from autograder.hidden import run_hidden_checks', "
        "which students do not have",
        "release/a1/helpers.py, line 2: imports 'import reference.layers as layers', which students do not have"]


def test_changed_points_ids_and_text_are_mismatches(course: Path) -> None:
    released = course / "release" / "a1" / "a1.ipynb"
    edit_cell(released, "test_double", points=7.0)
    edit_cell(released, "setup", source="SCALE = 3")
    edit_cell(released, "square", grade_id="cube")
    found = [str(p) for p in mismatches(course, "a1")]
    assert found == [
        "release/a1/a1.ipynb cell setup (#3): its text differs from the source's (the students' copy is not "
        "the one checked)",
        "release/a1/a1.ipynb cell test_double (#6): nbgrader points is 7.0 in the release, 2.0 in the source",
        "release/a1/a1.ipynb cell square (#7): nbgrader grade_id is 'cube' in the release, 'square' in the source"]


def test_a_missing_or_shorter_release_notebook_is_named(course: Path) -> None:
    released = course / "release" / "a1" / "a1.ipynb"
    nb = nbformat.read(released, as_version=4)
    nb.cells = nb.cells[:-1]
    nbformat.write(nb, released)
    assert [str(p) for p in mismatches(course, "a1")] == ["release/a1/a1.ipynb: has 8 cells, the source 9"]
    released.unlink()
    assert [str(p) for p in mismatches(course, "a1")] == ["release/a1/a1.ipynb: is missing"]


def test_helpers_are_written_only_for_the_course_assignments(tmp_path: Path) -> None:
    tc.make_course(tmp_path)
    assert write_helpers(tmp_path, "a1") is None
    (tmp_path / "source" / "a4_batch_norm").mkdir()
    written = write_helpers(tmp_path, "a4_batch_norm")
    assert written is not None
    assert written.read_text() == (REPO / "source" / "a4_batch_norm" / "dnn_helpers.py").read_text()


def sandboxed(test):
    """Mark a test that grades: slow, and skipped where bubblewrap is missing."""
    for mark in NEEDS_SANDBOX:
        test = mark(test)
    return test


@sandboxed
def test_a_wrong_source_and_a_release_with_a_solution_are_named_by_cell(course: Path) -> None:
    edit_cell(course / "source" / "a1" / "a1.ipynb", "double", source=tc.WRONG["double"])
    edit_cell(course / "release" / "a1" / "a1.ipynb", "square", source=tc.SOLUTIONS["square"])
    scores, problems, _ = grade_both(course, "a1", insecure=False, jobs=1)
    assert scores == {"source-notebooks": (3.0, 5.0), "released-notebooks": (3.0, 5.0)}
    released_square = "release/a1/a1.ipynb cell test_square"
    assert [p.where for p in problems] == ["source/a1/a1.ipynb cell test_double", released_square, released_square]
    assert problems[0].what.startswith("the source earns 0 of 2:\n")
    assert "double(3,) gave 5, expected 6" in problems[0].what
    assert problems[1].what == "the release earns 3 of 3: a solution was left in"
    assert problems[2].what.startswith("it does not fail as 'not implemented':\n    square (hidden checks): 3 / 3")


@sandboxed
def test_the_command_releases_a_course_assignment_soundly_without_touching_its_gradebook(tmp_path: Path) -> None:
    shutil.copy(REPO / "nbgrader_config.py", tmp_path)
    shutil.copytree(REPO / "source" / "a4_batch_norm", tmp_path / "source" / "a4_batch_norm")
    run = subprocess.run([sys.executable, "-m", "autograder.cli", "release", "a4_batch_norm"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("release/a4_batch_norm: sound (source 12/12, released 0/12 autograded points;")
    assert "the 10 catalogued mistakes planted in 10 notebooks each lose points" in run.stdout
    assert (tmp_path / "release" / "a4_batch_norm" / "a4_batch_norm.ipynb").is_file()
    assert not (tmp_path / ".autograder").exists() and not (tmp_path / "submitted").exists()
