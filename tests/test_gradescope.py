"""`autograder gradescope`: the zip's scripts run in a simulated /autograder, and results.json against the spec."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import tiny_course as tc
from dnn_checks.graded import taught_in
from dnn_checks.registry import VISIBLE
from dnn_checks.results import CheckResult, PropertyResult

from autograder.grading import examples
from autograder.grading.results import CellResult, NotebookResult, Note, StudentResult
from autograder.hidden import HIDDEN
from autograder.mistakes import mistakes_of
from autograder.sandbox.bubblewrap import check_available, mode
from autograder.staff.gradescope import pin, results_json

REPO = Path(__file__).resolve().parents[1]
UNAVAILABLE = check_available()
NEEDS_SANDBOX = (pytest.mark.sandbox, pytest.mark.slow,
                 pytest.mark.skipif(UNAVAILABLE is not None,
                                    reason=f"needs bubblewrap (apt-get install bubblewrap): {UNAVAILABLE}"))


def sandboxed(test):  # noqa: ANN001, ANN201 - a decorator
    for mark in NEEDS_SANDBOX:
        test = mark(test)
    return test

#: Gradescope's autograder specification (gradescope-autograders.readthedocs.io, "Output format"): every field
#: of results.json and of a test, with its type; ``execution_time`` of a test is ours (Gradescope has it on top).
TOP_FIELDS = {"score": float, "execution_time": float, "output": str, "output_format": str,
              "test_output_format": str, "test_name_format": str, "visibility": str, "stdout_visibility": str,
              "extra_data": dict, "tests": list, "leaderboard": list}
TEST_FIELDS = {"score": float, "max_score": float, "status": str, "name": str, "name_format": str, "number": str,
               "output": str, "output_format": str, "tags": list, "visibility": str, "extra_data": dict,
               "execution_time": float}
VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}
FORMATS = {"text", "html", "simple_format", "md", "ansi"}
STATUSES = {"passed", "failed"}
#: A solution cell that tries to cheat: forge the results, read the hidden tests, write outside its folder.
HOSTILE = '''import pathlib
for target in ("{home}/results/results.json", "{home}/pwned"):
    try:
        pathlib.Path(target).write_text('{{"score": 100}}')
    except OSError:
        pass
try:
    print(pathlib.Path("{home}/source/course/source/a1/a1.ipynb").read_text())
except OSError:
    pass
def double(x):
    return x * SCALE
'''


def validate(data: dict) -> None:
    """``data`` holds only the spec's fields, with their types and allowed values."""
    def fields(item: dict, table: dict) -> None:
        assert set(item) <= set(table), set(item) - set(table)
        for key, value in item.items():
            assert isinstance(value, (int, float) if table[key] is float else table[key]), (key, value)
        for key in ("visibility", "stdout_visibility"):
            assert item.get(key, "visible") in VISIBILITIES
        assert item.get("output_format", "text") in FORMATS
    fields(data, TOP_FIELDS)
    assert "score" in data or all("score" in t for t in data["tests"])
    for test in data["tests"]:
        fields(test, TEST_FIELDS)
        assert test["status"] in STATUSES and 0 <= test["score"] <= test["max_score"]
        assert all(isinstance(tag, str) for tag in test["tags"])
    assert data["stdout_visibility"] == "hidden"


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny course's zip, built with the command and unpacked where Gradescope unpacks it."""
    root = tc.make_course(tmp_path_factory.mktemp("course"))
    archive = root / "autograder.zip"
    run = subprocess.run([sys.executable, "-m", "autograder.cli", "gradescope", "a1", "-o", str(archive),
                          "--course", str(root), "--hidden-visibility", "hidden"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    source = tmp_path_factory.mktemp("unpacked")
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(source)
        modes = {info.filename: info.external_attr >> 16 for info in opened.infolist()}
    for script in ("setup.sh", "run_autograder"):  # extractall drops the modes: Gradescope keeps them
        assert modes[script] & 0o111
        (source / script).chmod(0o755)
    return source


def test_the_zip_holds_the_scripts_the_pinned_kit_and_the_source_notebooks(unpacked: Path) -> None:
    names = {p.relative_to(unpacked).as_posix() for p in unpacked.rglob("*") if p.is_file()}
    assert {"setup.sh", "run_autograder", "constraints.txt", "settings.json", "kit/pyproject.toml",
            "kit/autograder/cli.py", "kit/student/dnn_checks/graded.py", "course/nbgrader_config.py",
            "course/source/a1/a1.ipynb", "course/source/a2/a2.ipynb", "course/release/a1/helpers.py"} <= names
    assert not any("__pycache__" in name for name in names)
    pins = [line for line in (unpacked / "constraints.txt").read_text().splitlines() if not line.startswith("#")]
    assert "hypothesis==6.155.2" in pins and all("==" in line for line in pins)
    assert subprocess.run(["bash", "-n", str(unpacked / "setup.sh")]).returncode == 0
    assert "bubblewrap" in (unpacked / "setup.sh").read_text()
    assert json.loads((unpacked / "settings.json").read_text())["hidden_visibility"] == "hidden"


@pytest.mark.parametrize("python", ["3.11.0", "3.11.2", "3.11.7", "3.12.3"])
def test_a_pin_applies_only_on_the_pythons_its_version_installs_on(python: str) -> None:
    from packaging.requirements import Requirement

    assert pin("numpy", "2.4.6", ">=3.11") == "numpy==2.4.6\n" and pin("six", "1.17.0", None) == "six==1.17.0\n"
    comment, line = pin("soupsieve", "4.1.4", ">=3.11.5").splitlines()  # Debian 12's Python is 3.11.2
    assert comment.startswith("# soupsieve==4.1.4 needs Python >=3.11.5")
    requirement = Requirement(line)
    assert str(requirement.specifier) == "==4.1.4"
    assert requirement.marker.evaluate({"python_full_version": python}) == (python >= "3.11.5")


def autograde(unpacked: Path, home: Path, files: dict[str, str | bytes]) -> dict:
    """Run the zip's run_autograder in a simulated /autograder (``home``) on the handed-in ``files``."""
    (home / "submission").mkdir(parents=True)
    (home / "results").mkdir()
    (home / "source").symlink_to(unpacked)
    for name, content in files.items():
        path = home / "submission" / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    env = {**os.environ, "AUTOGRADER_HOME": str(home), "AUTOGRADER_PYTHON": sys.executable}
    run = subprocess.run([str(unpacked / "run_autograder")], cwd=home, env=env, capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stderr
    data = json.loads((home / "results" / "results.json").read_text())
    validate(data)
    return data


def notebook(answers: dict[str, str]) -> str:
    import nbformat

    return nbformat.writes(tc.student_version(tc.source_a1(), answers))


@sandboxed
def test_a_correct_submission_under_another_name_earns_every_autograded_point(unpacked: Path, tmp_path: Path) -> None:
    data = autograde(unpacked, tmp_path / "autograder", {"a1 (3).ipynb": notebook({})})
    assert data["score"] == 5.0 and [t["name"] for t in data["tests"]] == ["test_double", "test_square"]
    assert data["output"].splitlines()[0] == "Your notebook a1 (3).ipynb is read as a1.ipynb, the assignment's notebook."
    assert all(t["status"] == "passed" and t["visibility"] == "hidden" for t in data["tests"])
    assert all(t["extra_data"]["grader_version"] == data["extra_data"]["grader_version"] for t in data["tests"])
    assert data["extra_data"]["sandbox"] == mode() != "insecure"  # what graded it: the sandbox, not the bare machine


@sandboxed
def test_a_wrong_submission_loses_the_points_and_says_why(unpacked: Path, tmp_path: Path) -> None:
    data = autograde(unpacked, tmp_path / "autograder", {"a1.ipynb": notebook({"double": tc.WRONG["double"]})})
    assert data["score"] == 3.0 and [t["status"] for t in data["tests"]] == ["failed", "passed"]
    assert "expected 6" in data["tests"][0]["output"] and data["tests"][0]["output_format"] == "html"


@sandboxed
def test_a_hostile_submission_forges_nothing_and_reads_no_test(unpacked: Path, tmp_path: Path) -> None:
    home = tmp_path / "autograder"
    data = autograde(unpacked, home, {"a1.ipynb": notebook({"double": HOSTILE.format(home=home),
                                                            "square": "import os\nos._exit(3)\n"})})
    assert data["score"] == 2.0 and not (home / "pwned").exists()
    assert "BEGIN HIDDEN TESTS" not in json.dumps(data) and "record(CheckResult" not in json.dumps(data)
    assert data["tests"][1]["extra_data"]["cell_status"] == "crashed"


@sandboxed
@pytest.mark.parametrize(("files", "says"), [
    ({"a1.ipynb": '{"cells": ['}, "graded: a1.ipynb: is not valid JSON"),
    ({"a2.ipynb": None}, "its cells belong to assignment 'a2'"),
    ({"notes.txt": "my answers"}, "it holds no notebook (.ipynb)")],
    ids=["malformed", "another-assignment", "no-notebook"])
def test_what_cannot_be_graded_is_refused_with_the_reason(unpacked: Path, tmp_path: Path, files: dict, says: str) -> None:
    import nbformat

    files = {name: content if content is not None else nbformat.writes(tc.source_a2()) for name, content in files.items()}
    data = autograde(unpacked, tmp_path / "autograder", files)
    assert data["tests"] == [] and data["extra_data"] == {"refused": True} and says in data["output"]
    *renamed, refused = data["output"].split("\n")
    assert renamed == (["Your notebook a2.ipynb is read as a1.ipynb, the assignment's notebook."]
                       if "a2.ipynb" in files else [])
    assert refused.startswith("Your submission was not graded: ")
    assert refused.endswith("This assignment takes a1.ipynb.") and "/tmp" not in data["output"]


def test_without_the_sandbox_the_student_is_told_it_is_not_their_fault(unpacked: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from autograder.staff import gradescope

    monkeypatch.setattr("autograder.sandbox.bubblewrap.check_available", lambda: "bwrap: No permissions")
    home = tmp_path / "autograder"
    (home / "submission").mkdir(parents=True)
    (home / "source").symlink_to(unpacked)
    (home / "submission" / "a1.ipynb").write_text(notebook({}))
    assert gradescope.sandbox_check(home).startswith("WARNING: the sandbox cannot start in this image (bwrap: No perm")
    data = gradescope.run(home)
    assert data == json.loads((home / "results" / "results.json").read_text()) and data["tests"] == []
    validate(data)
    assert "not of your work: please tell your instructor" in data["output"] and "--insecure" not in data["output"]
    assert data["extra_data"] == {"refused": True, "sandbox": "unavailable: bwrap: No permissions"}
    insecure = tmp_path / "insecure"
    (insecure / "source").mkdir(parents=True)
    settings = json.loads((unpacked / "settings.json").read_text())
    (insecure / "source" / "settings.json").write_text(json.dumps({**settings, "insecure": True}))
    assert gradescope.sandbox_check(insecure) == "sandbox not used: the zip was built with --insecure"


def test_setup_draws_the_examples_into_the_image_so_no_submission_draws_them(monkeypatch: pytest.MonkeyPatch,
                                                                            tmp_path: Path) -> None:
    from autograder.sandbox import fonts
    from autograder.staff import gradescope

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    home = tmp_path / "autograder"
    (home / "source" / "course" / "source").mkdir(parents=True)
    shutil.copytree(REPO / "source" / "a1_deep_network", home / "source" / "course" / "source" / "a1_deep_network")
    (home / "source" / "settings.json").write_text(json.dumps({"assignment": "a1_deep_network", "insecure": True}))
    assert gradescope.setup(home) == "sandbox not used: the zip was built with --insecure"
    scratch = Path(shutil.copytree(home / "source" / "course", tmp_path / "scratch"))  # where run() grades
    cached = examples.cache_file(scratch, "a1_deep_network")
    assert cached.is_file() and cached.stat().st_size > 10_000
    kept = cached.stat().st_mtime_ns
    assert examples.warm((VISIBLE, HIDDEN), tuple(taught_in("a1_deep_network")), cached) > 0
    assert cached.stat().st_mtime_ns == kept  # replayed, not drawn and written again
    assert list(fonts.font_lists()) and fonts.cache_dir().is_relative_to(tmp_path / "cache")  # and the font list made


def split_cell() -> CellResult:
    """A cell whose visible check passed (1 of 1) and whose hidden check named a catalogued mistake (0 of 2)."""
    leaky = next(m for m in mistakes_of("relu") if m.id == "relu.relu_leaky")
    visible = CheckResult("relu", "visible", 1.0, 1.0, (PropertyResult("shape", 1.0, 1.0, True),))
    hidden = CheckResult("relu", "hidden", 0.0, 2.0, (
        PropertyResult("value", 0.0, 2.0, False, "relu(-1) gave -0.01", diagnosis=leaky.message, failure="wrong"),))
    return CellResult.from_checks("test_relu", 1.0, 3.0, [visible, hidden], [], seconds=0.25)


def test_visible_and_hidden_checks_are_separate_tests_with_the_mistakes_as_tags() -> None:
    result = StudentResult({"a1": NotebookResult({"test_relu": split_cell(),
                                                  "essay": CellResult("essay", "manual", 0.0, 1.0)})}, seconds=2.0)
    data = results_json(result, {("a1", "essay"): "manual"}, version="v1", hidden="after_due_date")
    validate(data)
    visible, hidden = data["tests"]
    assert (visible["name"], visible["number"], visible["score"], visible["max_score"], visible["status"],
            visible["visibility"], visible["tags"]) == ("test_relu (visible checks)", "1.1", 1.0, 1.0, "passed",
                                                       "visible", [])
    assert (hidden["name"], hidden["number"], hidden["score"], hidden["max_score"], hidden["status"],
            hidden["visibility"], hidden["tags"]) == ("test_relu (hidden checks)", "1.2", 0.0, 2.0, "failed",
                                                     "after_due_date", ["relu.relu_leaky"])
    assert "relu(-1) gave -0.01" in hidden["output"] and "relu(-1)" not in visible["output"]
    assert data["score"] == 1.0 and data["execution_time"] == 2.0 and hidden["execution_time"] == 0.25
    assert hidden["extra_data"]["grader_version"] == "v1" and "hypothesis_seed" in hidden["extra_data"]


def test_a_submission_of_another_assignment_is_refused_not_graded() -> None:
    note = Note("wrong_assignment", None, "a1.ipynb: is not a notebook of this assignment (its cells belong to 'a2')")
    result = StudentResult({"a1": NotebookResult({"test_relu": CellResult("test_relu", "not_run", 0.0, 3.0)},
                                                 (note,))})
    data = results_json(result, {}, version="v1")
    validate(data)
    assert data["tests"] == [] and "its cells belong to 'a2'" in data["output"]


def test_a_notebook_that_could_not_be_graded_beside_one_that_was_is_named_once() -> None:
    from autograder.staff.feedback import error

    ungraded = {"test_x": CellResult("test_x", "not_run", 0.0, 1.0)}
    result = StudentResult({"a": NotebookResult({"test_relu": split_cell()}),
                            "b": NotebookResult(ungraded, (Note("unreadable", None, "b.ipynb: is not valid JSON"),)),
                            "c": NotebookResult(ungraded, (Note("not_submitted"),))})
    data = results_json(result, {}, version="v1")
    validate(data)
    assert data["output"] == "b.ipynb: is not valid JSON\nc.ipynb: not submitted"
    assert error(result) == "b.ipynb: is not valid JSON; c.ipynb: not submitted"
