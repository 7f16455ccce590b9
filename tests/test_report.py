"""`autograder report`: flags, pass rates, diagnoses, and a page that renders with its plots in a real browser."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import tiny_course as tc
from PIL import Image

from dnn_checks.results import CheckResult, PropertyResult

from autograder.grading import store
from autograder.sandbox.bubblewrap import check_available
from autograder.grading.results import CellResult, NotebookResult, Note, StudentResult
from autograder.staff.class_report import check_rates, diagnoses, exercises, flags, groups, page, write

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars")
TRACEBACK = 'File "<cell 2>", line 3, in <module>\n    hog.append(x)\n{error}'
MANUAL = CellResult("essay", "manual", 0.0, 2.0)
UNAVAILABLE = check_available()


def autograder(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600)


def check(function: str, *, passed: bool, diagnosis: str | None = None, failure: str = "wrong") -> CheckResult:
    prop = PropertyResult("matches the reference", float(passed), 1.0, passed, "", diagnosis,
                          failure=None if passed else failure)
    return CheckResult(function, "hidden", float(passed), 1.0, (prop,))


def cell(score: float, checks: tuple = (), notes: tuple = ()) -> CellResult:
    return CellResult.from_checks("", score, 2.0, checks, notes)


def result(cells: dict[str, CellResult], *, notes: tuple = (), seconds: float = 1.0) -> StudentResult:
    return StudentResult({"nb": NotebookResult(cells, notes)}, seconds=seconds)


def ungraded(note: Note) -> StudentResult:
    cells = {gid: CellResult(gid, "not_run", 0.0, 2.0) for gid in ("test_relu", "test_tanh", "essay")}
    return result(cells, notes=(note,))


CLASS = {
    "ann": result({"test_relu": cell(2, [check("relu", passed=True)]), "test_tanh": cell(2), "essay": MANUAL},
                  seconds=3),
    "bob": result({"test_relu": cell(1, [check("relu", passed=False, diagnosis="your relu is leaky")]),
                   "test_tanh": cell(0, [check("tanh", passed=False, diagnosis="your tanh is sigmoid")],
                                     [Note("cell_raised", "tanh", TRACEBACK.format(error="MemoryError:"))]),
                   "essay": MANUAL}, seconds=5),
    "cat": result({"test_relu": cell(1, [check("relu", passed=False, diagnosis="your relu is leaky")],
                                     [Note("cell_timeout", "relu", "The cell did not finish: it ran for more than "
                                                                   "60 s and was stopped.")]),
                   "test_tanh": cell(0, [check("tanh", passed=False, failure="bad_value")],
                                     [Note("cell_not_implemented", "tanh",
                                           TRACEBACK.format(error="NotImplementedError: not implemented yet"))]),
                   "essay": MANUAL}, seconds=61),
    "dan": ungraded(Note("not_submitted")),
    "eve": ungraded(Note("unreadable", None, "nb.ipynb: is not valid JSON")),
}


def test_flags_say_what_to_look_at_and_ignore_unfinished_exercises() -> None:
    assert flags(CLASS["ann"]) == []
    assert [(f.kind, f.detail) for f in flags(CLASS["bob"])] == [("error", "test_tanh: cell tanh raised MemoryError")]
    assert [(f.kind, f.detail) for f in flags(CLASS["cat"])] == [
        ("timeout", "test_relu: cell relu stopped the worker: The cell did not finish: it ran for more than 60 s "
                    "and was stopped."),
        ("bad value", "test_tanh: tanh returned something that is not a number, an array or a container")]
    assert [(f.kind, f.detail) for f in flags(CLASS["dan"])] == [("not submitted", "nb.ipynb: not submitted")]
    assert [(f.kind, f.detail) for f in flags(CLASS["eve"])] == [("unreadable", "nb.ipynb: is not valid JSON")]


@pytest.mark.parametrize(("failure", "flagged"), [
    ("bad_value", ["bad value"]), ("timeout", ["timeout"]), ("crashed", ["crash"]), ("error", []), ("wrong", []),
    ("missing", []), ("not_implemented", []), ("a kind added later", []),
])
def test_failed_properties_flag_only_what_is_worth_a_look(failure: str, flagged: list[str]) -> None:
    graded = result({"test_relu": cell(0, [check("relu", passed=False, failure=failure)])})
    assert [f.kind for f in flags(graded)] == flagged


def test_a_test_cell_that_could_not_run_is_flagged() -> None:
    graded = result({"test_relu": cell(0, (), [Note("test_failed", "test_relu", "Traceback\nKeyError: 'x'")])})
    assert [(f.kind, f.detail) for f in flags(graded)] == [
        ("grader failed", "test_relu: test cell test_relu could not run: KeyError: 'x'")]


def test_pass_rates_count_only_graded_notebooks_and_autograded_cells() -> None:
    rates = {e.grade_id: (e.full, e.graded, e.mean) for e in exercises(CLASS)}
    assert rates == {"test_relu": (1, 3, 4 / 3), "test_tanh": (1, 3, 2 / 3)}


def test_diagnoses_are_counted_once_per_student_most_frequent_first() -> None:
    found = [(d.function, d.message, d.students, d.example[0]) for d in diagnoses(CLASS)]
    assert found == [("relu", "your relu is leaky", ["bob", "cat"], "bob"),
                     ("tanh", "your tanh is sigmoid", ["bob"], "bob")]


def test_item_analysis_gives_each_checks_pass_share_among_graded_notebooks() -> None:
    assert [tuple(r) for r in check_rates(CLASS)] == [("relu", "hidden", 3, 1), ("tanh", "hidden", 2, 0)]


def test_students_are_grouped_by_the_checks_they_fail_with_the_shared_diagnosis() -> None:
    fred = result({"test_relu": cell(1, [check("relu", passed=False, diagnosis="your relu is leaky")]),
                   "test_tanh": cell(2, [check("tanh", passed=True)]), "essay": MANUAL})
    found = [tuple(g) for g in groups({**CLASS, "fred": fred})]
    assert found == [(("relu (hidden)", "tanh (hidden)"), ["relu: your relu is leaky", "tanh: your tanh is sigmoid"],
                      ["bob", "cat"]),
                     (("relu (hidden)",), ["relu: your relu is leaky"], ["fred"])]


def test_the_page_is_self_contained_with_three_plots_and_escaped_text() -> None:
    html = page("a1", {**CLASS, "<script>x</script>": CLASS["ann"]}, feedback_base="../feedback")
    assert html.count("<svg") == 3
    assert not re.search(r"<(script|link|img|iframe)\b", html)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert '<a href="../feedback/bob/a1/nb.html">bob</a>' in html
    assert "your relu is leaky" in html and "timeout" in html and "not submitted" in html
    assert "Item analysis" in html and "relu (hidden), tanh (hidden)" in html


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
    assert store.load_all(stored_class(tmp_path), "a1") == CLASS
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


@pytest.mark.sandbox
@pytest.mark.slow
@pytest.mark.skipif(UNAVAILABLE is not None, reason=f"needs bubblewrap (apt-get install bubblewrap): {UNAVAILABLE}")
def test_regrading_one_student_updates_the_report(tmp_path: Path) -> None:
    root = tc.make_course(tmp_path)
    tc.submit(root, "alice", "a1", tc.source_a1())
    tc.submit(root, "bob", "a1", tc.source_a1())
    for command in (["grade", "a1"], ["report", "a1"]):
        assert autograder(*command, cwd=root).returncode == 0
    assert "Every graded submission passes every check." in (root / "reports" / "a1.html").read_text()
    tc.submit(root, "bob", "a1", tc.student_version(tc.source_a1(), {"double": tc.WRONG["double"]}))
    run = autograder("grade", "a1", "--student", "bob", cwd=root)
    assert run.returncode == 0 and "a1.html: updated" in run.stdout and "1 graded" in run.stdout
    html = (root / "reports" / "a1.html").read_text()
    assert "<td>double (hidden)</td>" in html and '<td class=who>bob</td>' in html
    assert "<td><code>double</code></td><td>hidden</td><td class=num>1/2</td>" in html
