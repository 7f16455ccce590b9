"""`autograder report`: flags, pass rates, diagnoses, and a page that renders with its plots in a real browser."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from autograder.grading import store
from autograder.staff.class_report import diagnoses, exercises, flags, load_results, page, write

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars")
TRACEBACK = 'File "<cell 2>", line 3, in <module>\n    hog.append(x)\n{error}'


def check(function: str, *, passed: bool, diagnosis: str | None = None, message: str = "") -> dict:
    prop = {"name": "matches the reference", "points": float(passed), "max_points": 1.0, "passed": passed,
            "message": message, "diagnosis": diagnosis, "from_callee": False}
    return {"function": function, "kind": "hidden", "points": float(passed), "max_points": 1.0, "properties": [prop]}


def cell(score: float, feedback: str = "", checks: tuple = (), max_score: float = 2.0) -> dict:
    return {"grade_id": "", "score": score, "max_score": max_score, "feedback": feedback, "checks": list(checks)}


def result(cells: dict[str, dict], *, error: str | None = None, seconds: float = 1.0) -> dict:
    score = sum(c["score"] for c in cells.values())
    notebook = {"score": score, "max_score": 6.0, "error": error, "cells": cells}
    return {"score": score, "max_score": 6.0, "error": error, "notebooks": {"nb": notebook}, "extra_notebooks": [],
            "seconds": seconds}


def ungraded(why: str) -> dict[str, dict]:
    return {"test_relu": cell(0, why), "test_tanh": cell(0, why), "essay": cell(0, "This answer is graded by hand.")}


CLASS = {
    "ann": result({"test_relu": cell(2, "relu passed", [check("relu", passed=True)]),
                   "test_tanh": cell(2, "tanh passed"), "essay": cell(0, "This answer is graded by hand.")}, seconds=3),
    "bob": result({"test_relu": cell(1, "relu failed", [check("relu", passed=False, diagnosis="your relu is leaky")]),
                   "test_tanh": cell(0, "Note: cell tanh raised an error: " + TRACEBACK.format(error="MemoryError:")
                                     + "\ntanh failed",
                                     [check("tanh", passed=False, diagnosis="your tanh is sigmoid")]),
                   "essay": cell(0, "This answer is graded by hand.")}, seconds=5),
    "cat": result({"test_relu": cell(1, "Note: cell relu stopped the worker: The cell did not finish: it ran for "
                                        "more than 60 s and was stopped. (the cells before it were run again)",
                                     [check("relu", passed=False, diagnosis="your relu is leaky")]),
                   "test_tanh": cell(0, "Note: cell tanh raised an error: "
                                        + TRACEBACK.format(error="NotImplementedError: not implemented yet"),
                                     [check("tanh", passed=False, message="tanh: the result is a __main__.Forged, "
                                                                          "not a numpy array, number, string")]),
                   "essay": cell(0, "This answer is graded by hand.")}, seconds=61),
    "dan": result(ungraded("Not submitted."), error="not submitted", seconds=0.1),
    "eve": result(ungraded("Not graded: nb.ipynb: is not valid JSON"), error="nb.ipynb: is not valid JSON"),
}


def test_flags_say_what_to_look_at_and_ignore_unfinished_exercises() -> None:
    assert flags(CLASS["ann"]) == []
    assert [(f.kind, f.detail) for f in flags(CLASS["bob"])] == [("error", "test_tanh: cell tanh raised MemoryError")]
    assert [(f.kind, f.detail) for f in flags(CLASS["cat"])] == [
        ("timeout", "test_relu: cell relu stopped the worker: The cell did not finish: it ran for more than 60 s "
                    "and was stopped."),
        ("bad value", "test_tanh: tanh: the result is a __main__.Forged, not a numpy array, number, string")]
    assert [f.kind for f in flags(CLASS["dan"])] == ["not submitted"]
    assert [f.kind for f in flags(CLASS["eve"])] == ["unreadable"]


def test_pass_rates_count_only_graded_notebooks_and_autograded_cells() -> None:
    rates = {e.grade_id: (e.full, e.graded, e.mean) for e in exercises(CLASS)}
    assert rates == {"test_relu": (1, 3, 4 / 3), "test_tanh": (1, 3, 2 / 3)}


def test_diagnoses_are_counted_once_per_student_most_frequent_first() -> None:
    found = [(d.function, d.message, d.students) for d in diagnoses(CLASS)]
    assert found == [("relu", "your relu is leaky", ["bob", "cat"]), ("tanh", "your tanh is sigmoid", ["bob"])]


def test_the_page_is_self_contained_with_three_plots_and_escaped_text() -> None:
    html = page("a1", {**CLASS, "<script>x</script>": CLASS["ann"]}, feedback_base="../feedback")
    assert html.count("<svg") == 3
    assert not re.search(r"<(script|link|img|iframe)\b", html)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert '<a href="../feedback/bob/a1/nb.html">bob</a>' in html
    assert "your relu is leaky" in html and "timeout" in html and "not submitted" in html


def test_a_course_without_grades_says_to_grade_first(tmp_path: Path) -> None:
    html = write(tmp_path, "a1").read_text()
    assert "No graded submission yet" in html and "autograder grade a1" in html


def stored_class(root: Path) -> Path:
    """Store CLASS as the grading command does; a half-written result file is skipped."""
    for student, graded in CLASS.items():
        store.save(root, "a1", student, graded, version="v", content="c")
    (store.results_dir(root, "a1") / "zed.json").write_text('{"result": {"sco')
    return root


def test_the_report_reads_what_the_grading_command_stored(tmp_path: Path) -> None:
    assert load_results(stored_class(tmp_path), "a1") == CLASS
    path = write(tmp_path, "a1")
    assert path == tmp_path / "reports" / "a1.html" and path.read_text() == page("a1", CLASS,
                                                                              feedback_base="../feedback")


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="needs a headless chromium: apt-get install chromium")
def test_the_report_renders_with_its_plots_in_a_headless_browser(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "autograder.cli", "report", "a1", "--course", str(tmp_path),
                          "--output", str(tmp_path / "report.html")],
                         capture_output=True, text=True, timeout=120, cwd=stored_class(tmp_path / "course").parent)
    assert run.returncode == 2 and "not an nbgrader course" in run.stderr  # no source/: refused
    (tmp_path / "course" / "source" / "a1").mkdir(parents=True)
    (tmp_path / "course" / "source" / "a1" / "nb.ipynb").write_text("{}")
    run = subprocess.run([sys.executable, "-m", "autograder.cli", "report", "a1", "--course", str(tmp_path / "course"),
                          "--output", str(tmp_path / "report.html")], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    url = (tmp_path / "report.html").as_uri()
    dom = chromium("--dump-dom", url, profile=tmp_path / "profile").stdout
    assert len(re.findall(r"<svg\b", dom)) == 3 and len(re.findall(r"<(path|rect)\b", dom)) > 20
    assert "Most frequent diagnosed mistakes" in dom
    shot = tmp_path / "report.png"
    chromium(f"--screenshot={shot}", "--window-size=1200,2400", url, profile=tmp_path / "profile")
    image = Image.open(shot).convert("RGB")
    assert image.size == (1200, 2400)
    assert len(image.getcolors(maxcolors=1 << 20) or []) > 50  # text, bars, badges: far from a blank page


@pytest.mark.parametrize(("message", "flagged"), [
    ("batchnorm_forward: the result should be a tuple, not a Forged", True),
    ("relu: the result is a __main__.Forged, not a numpy array, number, string, list, tuple or dict", True),
    ("relu should return a tuple, not a list", False),
    ("the result should be a tuple, not a NoneType", False),
])
def test_only_objects_that_are_no_value_at_all_are_bad_values(message: str, flagged: bool) -> None:
    graded = result({"test_relu": cell(0, "relu failed", [check("relu", passed=False, message=message)])})
    assert [f.kind for f in flags(graded)] == (["bad value"] if flagged else [])


def test_a_diagnosis_written_into_the_message_counts_too() -> None:
    graded = result({"test_relu": cell(0, "relu failed", [check(
        "relu", passed=False, message="got 1, expected 2\ndiagnosis: your relu is leaky")])})
    assert [(d.function, d.message, d.students) for d in diagnoses({"fay": graded})] == [
        ("relu", "your relu is leaky", ["fay"])]
