"""The release gate (``autograder.staff.gate``): how it batches the catalog's mistakes, and what it calls a failure.

That it runs, as part of ``autograder release``, is in ``tests/test_release_command.py``.
"""

from __future__ import annotations

import nbformat
import pytest
from dnn_checks.graded import ASSIGNMENTS
from dnn_checks.results import CheckResult, PropertyResult

from autograder.grading.results import CellResult, NotebookResult, StudentResult
from autograder.mistakes import mistakes_of
from autograder.staff.classgen import inlinable
from autograder.staff.gate import PREFIX, _related, batches, failures, functions_of, planted
from test_demo import notebook_paths


def mistake(mistake_id: str):  # noqa: ANN201 - a Mistake
    function = mistake_id.split(".")[0]
    return next(m for m in mistakes_of(function) if m.id == mistake_id)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_plantable_mistake_is_planted_once_and_batches_hold_no_related_functions(assignment: str) -> None:
    planned = batches(functions_of(assignment))
    ids = [m.id for batch in planned for m in batch.values()]
    assert sorted(ids) == sorted(m.id for f in functions_of(assignment) for m in inlinable(f))
    assert all(m.function == f for batch in planned for f, m in batch.items())
    assert not any(_related(a, b) for batch in planned for a in batch for b in batch if a != b)
    longest = max(len(inlinable(f)) for f in functions_of(assignment))
    assert longest <= len(planned) <= len(ids)


def test_a_planted_notebook_is_the_solved_one_with_the_mistakes_appended_to_their_cells() -> None:
    leaky, minus_b = mistake("relu.relu_leaky"), mistake("linear_forward.linear_forward_minus_b")
    nb = planted(*(nbformat.read(p, as_version=4) for p in notebook_paths("a1_deep_network")),
                 {"relu": leaky, "linear_forward": minus_b})
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "raise NotImplementedError" not in text
    assert text.count("# (a planted mistake: ") == 2 and "relu.relu_leaky" in text and "linear_forward_minus_b" in text


def graded(*checks: CheckResult) -> StudentResult:
    return StudentResult({"nb": NotebookResult({"test": CellResult.from_checks("test", 0.0, 9.0, checks, [])})})


def check(function: str, points: float, diagnosis: str | None = None) -> CheckResult:
    prop = PropertyResult("value", points, 1.0, points == 1.0, "", diagnosis, failure=None if points else "wrong")
    return CheckResult(function, "hidden", points, 1.0, (prop,))


def test_a_mistake_that_earns_full_marks_or_is_not_named_fails_the_gate() -> None:
    leaky, tanh, bn = (mistake(i) for i in ("relu.relu_leaky", "tanh.tanh_is_sigmoid",
                                            "batchnorm_backward.dZ_times_std"))
    silent = next(m for m in inlinable("sigmoid"))
    planned = [{"relu": leaky, "tanh": tanh, "batchnorm_backward": bn, "sigmoid": silent}]
    results = {f"{PREFIX}01": graded(check("relu", 0.0, f"one of these: {leaky.message}; or another"),
                                     check("tanh", 1.0), check("batchnorm_backward", 0.0))}
    found = {f.mistake.id for f in failures(planned, results)}
    assert found == {tanh.id, bn.id, silent.id}
    whats = {f.mistake.id: f.what for f in failures(planned, results)}
    assert whats[tanh.id].startswith("earns full marks") and whats[silent.id] == "the checks of sigmoid did not run"
