"""The example class (``autograder.staff.classgen``) and ``autograder demo`` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import numpy as np
import pytest
from dnn_checks.graded import ASSIGNMENTS, TABLE
from dnn_checks.results import CheckResult, PropertyResult
from mistake_inputs import CASES

from autograder.course import CourseError
from autograder.grading import store
from autograder.grading.results import CellResult, NotebookResult, StudentResult
from autograder.mistakes import Call, same
from autograder.sandbox.bubblewrap import check_available
from autograder.staff import classgen
from autograder.staff.classgen import HOSTILE, SPECIAL, inlinable, make_class, mistake_source
from autograder.staff.demo import demo, diagnosed, make_course

REPO = Path(__file__).resolve().parents[1]
UNAVAILABLE = check_available()
INLINABLE = [m for g in TABLE for m in inlinable(g.name)]


def notebook_paths(assignment: str) -> tuple[Path, Path]:
    return (REPO / "source" / assignment / f"{assignment}.ipynb", REPO / "release" / assignment / f"{assignment}.ipynb")


def run_seeded(call: Call, function: object) -> object:
    np.random.seed(0)
    try:
        return call(function)
    except Exception as exc:  # noqa: BLE001 - a variant that raises must raise the same way inlined
        return type(exc).__name__


def test_most_catalogued_mistakes_can_be_inlined() -> None:
    assert len(INLINABLE) >= 200


@pytest.mark.parametrize("mistake", INLINABLE, ids=lambda m: m.id)
def test_an_inlined_mistake_computes_what_the_catalogued_variant_computes(mistake) -> None:
    namespace: dict = {}
    exec(compile(mistake_source(mistake), mistake.id, "exec"), namespace)  # noqa: S102 - our own catalog
    inlined = namespace[mistake.function]
    assert "reference" not in mistake_source(mistake) and "autograder" not in mistake_source(mistake)
    for case in [c for c in CASES[mistake.function] if isinstance(c, Call)]:
        assert same(run_seeded(case, inlined), run_seeded(case, mistake.wrong)), mistake.id


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_class_has_every_kind_and_is_the_same_for_the_same_seed(assignment: str) -> None:
    students = make_class(*notebook_paths(assignment), size=16, seed=3)
    kinds = [s.kind for s in students]
    assert [(s.kind, s.name.split("-", 1)[1]) for s in students[:len(SPECIAL)]] == list(SPECIAL)
    assert kinds.count("correct") == 3 and kinds.count("mistakes") == 6
    assert students == make_class(*notebook_paths(assignment), size=16, seed=3)
    for student in students:
        if student.kind == "mistakes":
            source = nbformat.reads(student.files[f"{assignment}.ipynb"].decode(), as_version=4)
            text = "\n".join(c.source for c in source.cells)
            assert all(f"# (a common mistake: {m})" in text for m in student.what.split(", "))


def test_hostile_tricks_go_in_the_first_solution_cell_and_broken_files_are_broken(tmp_path: Path) -> None:
    students = {s.name: s for s in make_class(*notebook_paths("a1_deep_network"), size=14,
                                              gradebook=tmp_path / "gradebook.db")}
    first = classgen.solution_cells(nbformat.read(notebook_paths("a1_deep_network")[1], as_version=4))[0]
    for trick in HOSTILE:
        nb = nbformat.reads(students[f"hostile-{trick}"].files["a1_deep_network.ipynb"].decode(), as_version=4)
        cell = next(c for c in nb.cells if c.get("id") == first.get("id"))
        assert cell.source.rstrip().endswith(HOSTILE[trick].format(
            functions="sigmoid,", count=1, gradebook=str(tmp_path / "gradebook.db")).rstrip())
    with pytest.raises(json.JSONDecodeError):
        json.loads(students["broken-invalid-json"].files["a1_deep_network.ipynb"])
    assert list(students["broken-missing-notebook"].files) == ["Untitled.ipynb"]


def test_a_small_class_leaves_out_the_slow_infinite_loop() -> None:
    students = make_class(*notebook_paths("a4_batch_norm"), size=12)
    assert "hostile-infinite-loop" not in {s.name for s in students} and len(students) == 12


def test_the_demo_counts_the_put_in_mistakes_the_diagnosis_named() -> None:
    leaky, swapped = (m for m in INLINABLE if m.id in ("relu.relu_leaky", "linear_forward.linear_forward_minus_b"))
    students = [classgen.Student("ann", "mistakes", f"{leaky.id}, {swapped.id}", {}),
                classgen.Student("bob", "correct", "every answer right", {})]
    prop = PropertyResult("value", 0.0, 1.0, False, diagnosis=f"one of these: {leaky.message}; or another")

    def results(function: str) -> dict[str, StudentResult]:
        check = CheckResult(function, "hidden", 0.0, 1.0, (prop,))
        cell = CellResult.from_checks("test_relu", 0.0, 1.0, [check], [])
        return {"ann": StudentResult({"nb": NotebookResult({"test_relu": cell})})}
    assert diagnosed(students, results("relu")) == (1, 2)
    assert diagnosed(students, results("tanh")) == (0, 2)  # the same words about another function name nothing


def test_the_demo_refuses_a_folder_that_holds_something_else(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(CourseError, match="is not empty and holds no earlier demo"):
        make_course(tmp_path)


def test_the_demo_resumes_in_an_earlier_demos_folder(tmp_path: Path) -> None:
    root = make_course(tmp_path / "demo")
    (root / "submitted").mkdir()
    assert make_course(tmp_path / "demo") == root and (root / "submitted").is_dir()


@pytest.mark.sandbox
@pytest.mark.slow
@pytest.mark.skipif(UNAVAILABLE is not None, reason=f"needs bubblewrap (apt-get install bubblewrap): {UNAVAILABLE}")
def test_the_demo_releases_grades_reports_and_exports(tmp_path: Path) -> None:
    said: list[str] = []
    root, steps = demo(folder=tmp_path / "demo", students=6, assignments=["a4_batch_norm"], say=said.append)
    assert [(s.assignment, s.sound, s.students) for s in steps] == [("a4_batch_norm", True, 6)]
    manifest = json.loads((root / "class" / "a4_batch_norm.json").read_text())
    assert sorted(manifest) == ["correct-03", "hostile-forged-equality", "hostile-memory-bomb", "hostile-os-exit",
                                "mistakes-01", "mistakes-02"]
    grades = json.loads((root / "grades" / "a4_batch_norm.json").read_text())["students"]
    assert grades["correct-03"]["score"] == grades["correct-03"]["max_score"] > grades["mistakes-01"]["score"]
    assert (root / "feedback" / "mistakes-01" / "a4_batch_norm" / "a4_batch_norm.html").is_file()
    assert "<svg" in (root / "reports" / "a4_batch_norm.html").read_text()
    assert (root / "exports" / "gradescope" / "a4_batch_norm" / "correct-03" / "results.json").is_file()
    assert len((root / "exports" / "a4_batch_norm.csv").read_text().splitlines()) > 6
    assert said[0] == f"Demo course: {root}" and "Every release is sound." in said[-1]
    assert any("mistakes put in the class were named by the hidden checks" in line for line in said)
    stored = sorted(store.results_dir(root, "a4_batch_norm").glob("*.json"))
    written = [path.stat().st_mtime_ns for path in stored]
    said.clear()  # run again in the same folder: it resumes, and grades nothing again
    assert demo(folder=root, students=6, assignments=["a4_batch_norm"], say=said.append)[0] == root
    assert "Every release is sound." in said[-1] and [path.stat().st_mtime_ns for path in stored] == written
