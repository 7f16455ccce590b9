"""Typed results: the JSON round trip, the contract's status, the rendered and capped feedback, and
that nothing downstream of a result reads prose."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import jsonschema
import pytest
from contract_schema import CONTRACT_SCHEMA
from dnn_checks.render import render
from dnn_checks.results import NOT_DEFINED, NOT_IMPLEMENTED, CheckResult, Needs, PropertyResult

from autograder.grading.contract_json import contract_json
from autograder.grading.results import CellResult, NotebookResult, Note, StudentResult, status_of
from autograder.staff import feedback

ROOT = Path(__file__).resolve().parents[1]


def prop(passed: bool, failure: str | None = None, **more: object) -> PropertyResult:
    return PropertyResult("value", float(passed), 1.0, passed, "" if passed else "got 1, expected 2",
                          failure=None if passed else failure, **more)


def check(*properties: PropertyResult, function: str = "relu") -> CheckResult:
    earned = sum(p.points for p in properties)
    return CheckResult(function, "hidden", earned, float(len(properties)), properties)


def sample() -> StudentResult:
    """A student with a graded notebook (every kind of cell) and one not submitted."""
    cells = {"test_relu": CellResult.from_checks("test_relu", 1.0, 2.0, [check(prop(True), prop(False, "wrong",
                                                 diagnosis="your relu is leaky"))], [Note("repaired", None, "fixed")]),
             "test_tanh": CellResult.from_checks("test_tanh", 0.0, 1.0, [check(prop(
                 False, "not_implemented", needs=Needs("tanh", NOT_IMPLEMENTED)), function="tanh")],
                 [Note("cell_raised", "tanh", "Traceback\nZeroDivisionError: division by zero")]),
             "essay": CellResult("essay", "manual", 0.0, 1.0)}
    missing = {"test_x": CellResult("test_x", "not_run", 0.0, 1.0)}
    return StudentResult({"a1": NotebookResult(cells), "b1": NotebookResult(missing, (Note("not_submitted"),))},
                         ("scratch",), 1.5)


def test_a_result_makes_one_json_round_trip() -> None:
    result = sample()
    assert StudentResult.from_json(result.to_json()) == result == StudentResult.from_dict(result.as_dict())
    assert (result.score, result.max_score, result.submitted) == (1.0, 5.0, True)


def test_an_unknown_status_is_refused() -> None:
    data = sample().as_dict()
    data["notebooks"]["a1"]["cells"]["essay"]["status"] = "fine"
    with pytest.raises(ValueError, match="unknown status 'fine'"):
        StudentResult.from_dict(data)


@pytest.mark.parametrize(("score", "failures", "notes", "status"), [
    (2.0, [], [], "passed"),
    (1.0, ["wrong"], ["cell_crashed"], "partial"),
    (0.0, ["wrong"], [], "failed"),
    (0.0, ["not_implemented"], [], "failed"),  # an exercise not implemented yet
    (0.0, ["missing"], ["cell_not_implemented"], "failed"),
    (0.0, ["a kind added later"], [], "failed"),
    (0.0, ["error"], [], "error"),
    (0.0, ["missing"], ["cell_raised"], "error"),
    (0.0, ["timeout"], [], "timeout"),
    (0.0, ["missing"], ["cell_timeout"], "timeout"),
    (0.0, ["crashed", "error"], [], "crashed"),
    (0.0, ["missing"], ["cell_crashed", "cell_raised"], "crashed"),
    (0.0, ["missing"], ["missing"], "not_run"),  # the answer cell was deleted
    (2.0, [], ["test_failed"], "not_run"),
])
def test_the_status_comes_from_typed_fields(score: float, failures: list[str], notes: list[str], status: str) -> None:
    checks = (check(*(prop(False, failure) for failure in failures)),) if failures else ()
    assert status_of(score, 2.0, checks, tuple(Note(kind, "c") for kind in notes)) == status  # type: ignore[arg-type]


def test_feedback_is_the_notes_then_the_checks_report() -> None:
    result = sample()
    notebook = result.notebooks["a1"]
    relu = notebook.cells["test_relu"]
    assert feedback.cell_text(relu, notebook) == "Note: fixed\n" + render(relu.checks[0])
    tanh = feedback.cell_text(notebook.cells["test_tanh"], notebook)
    assert tanh.startswith("Note: cell tanh raised an error: Traceback\nZeroDivisionError") and NOT_IMPLEMENTED in tanh
    assert feedback.cell_text(notebook.cells["essay"], notebook) == feedback.MANUAL
    assert feedback.texts(result)["b1"] == {"test_x": "Not submitted."}
    assert feedback.error(result) == "b1.ipynb: not submitted"


def test_a_test_cell_that_could_not_run_says_so_last() -> None:
    cell = CellResult.from_checks("t", 0.0, 1.0, [], [Note("missing", "f", "f is gone"),
                                                      Note("test_failed", "t", "KeyError: 'x'")])
    assert feedback.cell_text(cell, NotebookResult({"t": cell})) == (
        "Note: f is gone\nThis cell could not be graded: KeyError: 'x'")


def flooded(cells: int, *, notes: int = 40) -> StudentResult:
    """A notebook whose cells each follow ``notes`` raising cells with long tracebacks, and fail long checks."""
    failing = check(*(PropertyResult(f"p{i}", 0.0, 1.0, False, "é" * 3000, failure="wrong") for i in range(5)))
    graded = {f"t{i}": CellResult.from_checks(f"t{i}", 0.0, 5.0, [failing],
                                              [Note("cell_raised", f"c{j}", "x" * 1500) for j in range(notes)])
              for i in range(cells)}
    return StudentResult({"nb": NotebookResult(graded)})


@pytest.mark.parametrize("cells", [1, 7, 40])
def test_a_flood_of_feedback_is_capped_per_cell_and_per_submission(cells: int) -> None:
    texts = feedback.texts(flooded(cells))["nb"]
    sizes = [len(text.encode()) for text in texts.values()]
    assert max(sizes) <= feedback.CELL_BYTES and sum(sizes) <= feedback.SUBMISSION_BYTES
    assert all(text.startswith("Note: cell c0 raised an error: xxx") for text in texts.values())
    assert all(text.endswith(("limited to 8 KB per cell)", "limited to 64 KB per submission)")) and "\n… truncated"
               in text for text in texts.values())
    assert len(set(sizes)) == 1  # every cell keeps the same share
    assert texts == feedback.texts(flooded(cells))["nb"]


def test_short_feedback_is_not_touched() -> None:
    result = flooded(3, notes=1)
    result = StudentResult({"nb": NotebookResult({gid: CellResult.from_checks(gid, 0.0, 5.0, [], cell.notes)
                                                  for gid, cell in result.notebooks["nb"].cells.items()})})
    assert all("truncated" not in text for text in feedback.texts(result)["nb"].values())


def test_the_contract_json_has_exactly_the_contract_keys_and_each_cell_its_status() -> None:
    data = contract_json("a1", {"ann": sample()})
    jsonschema.validate(data, CONTRACT_SCHEMA)
    cells = data["students"]["ann"]["notebooks"]["a1"]["cells"]
    assert {gid: c["status"] for gid, c in cells.items()} == {"test_relu": "partial", "test_tanh": "error",
                                                              "essay": "manual"}
    assert data["students"]["ann"]["error"] == "b1.ipynb: not submitted"
    assert cells["test_relu"]["feedback"] == feedback.texts(sample())["a1"]["test_relu"]


#: Where typed results are consumed: no module here but a renderer reads or matches their text.
DOWNSTREAM = [*sorted((ROOT / "autograder" / "grading").glob("*.py")), *sorted((ROOT / "autograder" / "staff").glob("*.py")),
              ROOT / "autograder" / "cli.py", ROOT / "autograder" / "course.py", *sorted((ROOT / "benchmarks").glob("*.py"))]
RENDERERS = {ROOT / "autograder" / "staff" / name for name in ("feedback.py", "class_report.py", "exports.py")} | {
    ROOT / "autograder" / "grading" / "contract_json.py"}
#: The wording of the renderers and of the checks' messages: to match prose, a module would spell some of it.
PHRASES = sorted({part.strip() for template in (*feedback.NOTES.values(), feedback.MANUAL)
                  for part in re.split(r"\{[^}]*\}", template) if len(part.split()) >= 2}
                 | {NOT_DEFINED, NOT_IMPLEMENTED, "Note: ", "diagnosis:", "ran for more than", "not a numpy array"})


def text_reads(path: Path) -> list[str]:
    """Where ``path`` reads a result's text (``x.message``, ``x["feedback"]``) or spells a renderer's phrase."""
    tree = ast.parse(path.read_text())
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef) and ast.get_docstring(node)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("message", "feedback"):
            found.append(f"line {node.lineno}: .{node.attr}")
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) \
                and node.slice.value in ("message", "feedback"):
            found.append(f"line {node.lineno}: [{node.slice.value!r}]")
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings \
                and any(_overlap(node.value, phrase) for phrase in PHRASES):
            found.append(f"line {node.lineno}: {node.value!r}")
    return sorted(found)


def _overlap(text: str, phrase: str) -> bool:
    """``text`` holds ``phrase``, or is a part of it of two words or more (what a match would look for)."""
    return phrase in text or (len(text.split()) >= 2 and text in phrase)


def test_the_phrases_are_the_renderers_wording() -> None:
    assert {"raised an error:", "stopped the worker:", "This answer is graded by hand.", "not implemented yet"} <= set(
        PHRASES)


@pytest.mark.parametrize("path", [p for p in DOWNSTREAM if p not in RENDERERS], ids=lambda p: p.name)
def test_no_module_downstream_of_the_results_reads_their_text(path: Path) -> None:
    assert text_reads(path) == []


def test_the_grep_finds_what_it_looks_for(tmp_path: Path) -> None:
    sample_code = tmp_path / "parser.py"
    sample_code.write_text('"""Docs may say: This answer is graded by hand."""\n'
                           'def f(cell, prop):\n    return "graded by hand" in cell["feedback"] or prop.message\n')
    assert text_reads(sample_code) == ["line 3: 'graded by hand'", "line 3: .message", "line 3: ['feedback']"]
