"""The checks of every graded function (``dnn_checks.graded.TABLE``): the reference earns full marks, known
wrong versions lose points, a mistake costs points only in its own function's cells, the stored values
are current. (Trivial bodies, in-place attacks and the correct alternatives: ``test_trivial_submissions.py``;
the mechanism: ``test_checks_framework.py`` and ``test_checks_calls.py``.)"""

from __future__ import annotations

import inspect
import json
from typing import Any

import numpy as np
import pytest
from dnn_checks import collecting, expected, run_checks
from dnn_checks.cell import earned_visible
from dnn_checks.compare import mismatch
from dnn_checks.graded import TABLE, graded
from dnn_checks.registry import VISIBLE
from dnn_checks.student import Student

import reference
from autograder.build import expected as expected_writer
from autograder.hidden import HIDDEN, grading, run_hidden_checks
from autograder.mistakes import ALTERNATIVES, alternatives_of, explain, mistakes_of
from tests import trivial

FUNCTIONS = [g.name for g in TABLE]


def notebook(**functions: Any) -> dict[str, Any]:
    """A notebook where every graded function is the reference's but ``functions``."""
    return {**{g.name: getattr(reference, g.name) for g in TABLE}, **functions}


def graded_cell(function: str, namespace: dict[str, Any]) -> tuple[float, float, list]:
    """(visible, hidden) points of ``function``'s test cell as the grader runs it, and the results."""
    with grading(), collecting() as results:
        visible = earned_visible((function,), run_checks(function, namespace=namespace))
        hidden = run_hidden_checks(function, namespace=namespace)
    return visible, hidden, results


def test_every_function_has_visible_and_hidden_checks_that_can_pay() -> None:
    for function in FUNCTIONS:
        for registry in (VISIBLE, HIDDEN):
            assert any(p.role == "value" for p in registry.properties(function)), (registry.kind, function)
        assert graded(function).visible > 0 and graded(function).hidden > 0


@pytest.mark.parametrize("function", FUNCTIONS)
def test_the_signatures_of_the_table_are_the_references(function: str) -> None:
    row = graded(function)
    parameters = tuple(inspect.signature(getattr(reference, function)).parameters)
    assert parameters[:len(row.arguments)] == row.arguments and set(row.mutable) <= set(row.arguments)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_the_reference_earns_full_marks_in_jupyter_and_when_graded(function: str,
                                                                   capsys: pytest.CaptureFixture) -> None:
    namespace = notebook()
    with collecting() as results:
        jupyter = run_checks(function, namespace=namespace)
    visible, hidden, graded_results = graded_cell(function, namespace)
    failures = [(p.name, p.message) for r in (*results, *graded_results) for p in r.properties if not p.passed]
    assert failures == [] and (jupyter, visible, hidden) == (graded(function).points, graded(function).visible,
                                                             graded(function).hidden)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_a_catalogued_mistake_loses_visible_and_hidden_points(function: str, capsys: pytest.CaptureFixture) -> None:
    visible, hidden, _ = graded_cell(function, notebook(**{function: mistakes_of(function)[0].wrong}))
    assert visible < graded(function).visible and hidden < graded(function).hidden
    assert "✘" in capsys.readouterr().out


def _notebook_of_alternatives() -> dict[str, Any]:
    """A notebook whose functions are the first alternative of each (written as a student writes them, so
    that each calls the notebook's own functions), the reference's where there is none."""
    namespace = notebook()
    for function in FUNCTIONS:
        alternatives_of(function)[0].define(namespace)
    return namespace


CALLEES = [(g.name, callee) for g in TABLE for callee in g.calls]


@pytest.mark.slow
@pytest.mark.parametrize(("function", "callee"), CALLEES, ids=[f"{f}-{c}" for f, c in CALLEES])
def test_when_graded_a_mistake_in_a_callee_costs_points_only_in_its_own_cells(function: str, callee: str,
                                                                              capsys: pytest.CaptureFixture) -> None:
    """One planted mistake (the callee's first catalogued one) in a notebook of correct functions that call
    each other: the calling function's cell keeps every point, visible and hidden; the callee's cell loses."""
    namespace = _notebook_of_alternatives()
    namespace[callee] = mistakes_of(callee)[0].wrong
    visible, hidden, _ = graded_cell(function, namespace)
    assert (visible, hidden) == (graded(function).visible, graded(function).hidden)
    assert sum(graded_cell(callee, namespace)[:2]) < graded(callee).points


@pytest.mark.slow
def test_a_callees_mistake_does_reach_the_functions_that_call_it(capsys: pytest.CaptureFixture) -> None:
    """The notebook above really propagates mistakes: L_model_backward's properties fail with a wrong
    linear_backward and pass with the correct one (``from_callee``), in the visible check too."""
    namespace = _notebook_of_alternatives()
    namespace["linear_backward"] = mistakes_of("linear_backward")[0].wrong
    _, _, results = graded_cell("L_model_backward", namespace)
    assert {r.kind for r in results if any(p.from_callee for p in r.properties)} == {"visible", "hidden"}


def test_in_jupyter_a_callees_mistake_is_hinted_where_it_fails(capsys: pytest.CaptureFixture) -> None:
    namespace = _notebook_of_alternatives()
    namespace["linear_backward"] = mistakes_of("linear_backward")[0].wrong
    assert run_checks("L_model_backward", namespace=namespace) < graded("L_model_backward").points
    out = capsys.readouterr().out
    assert "`linear_backward`, which it calls, fails its own check" in out
    assert "`linear_activation_backward`, which it calls" not in out  # it fails only through linear_backward


def test_the_diagnosis_names_a_catalogued_mistake(capsys: pytest.CaptureFixture) -> None:
    forgets_m = next(m for m in mistakes_of("linear_backward") if "divide by m" in m.message)
    _, _, results = graded_cell("linear_backward", notebook(linear_backward=forgets_m.wrong))
    diagnoses = [p.diagnosis for r in results if r.kind == "hidden" for p in r.properties if p.diagnosis]
    assert diagnoses and all("divide by m" in d for d in diagnoses)


def test_a_wrong_shape_is_said_as_one_with_the_returned_values_name(capsys: pytest.CaptureFixture) -> None:
    def linear_backward(dZ: np.ndarray, cache: tuple) -> tuple:
        A_prev, W, b = cache
        return W.T @ dZ, A_prev @ dZ.T / A_prev.shape[1], dZ.mean(axis=1, keepdims=True)
    _, _, results = graded_cell("linear_backward", notebook(linear_backward=linear_backward))
    messages = [p.message for r in results for p in r.properties if not p.passed]
    assert messages and all("nan" not in m and "linear_backward[" not in m for m in messages)
    assert any("dW has shape" in m and ", expected (" in m for m in messages)


def test_a_function_that_reads_a_notebook_global_instead_of_its_argument_loses_points(capsys) -> None:
    namespace = notebook(A_prev=np.ones((3, 2)))  # a notebook variable the student's function wrongly uses
    exec("def linear_forward(A, W, b):\n    return W @ A_prev + b, (A, W, b)\n", namespace)  # noqa: S102
    visible, hidden, _ = graded_cell("linear_forward", namespace)
    assert visible < graded("linear_forward").visible and hidden < graded("linear_forward").hidden


def test_the_stored_values_hold_only_on_the_stored_inputs_for_a_lookup_table(capsys) -> None:
    """A table of the shipped answers passes "the expected results on the example inputs" in Jupyter; when
    graded, the same property also runs on new inputs of the recipe, and fails."""
    namespace = notebook(linear_forward=trivial.lookup("linear_forward"))
    name = "gives the expected results on the example inputs"
    jupyter = VISIBLE.run("linear_forward", Student(namespace))
    with grading():
        graded_result = VISIBLE.run("linear_forward", Student(namespace))
    assert [p.passed for p in jupyter.properties if p.name == name] == [True]
    assert [p.passed for p in graded_result.properties if p.name == name] == [False]
    assert graded_result.points == 0.0


def test_drawing_the_examples_ahead_changes_no_result(capsys: pytest.CaptureFixture) -> None:
    namespace = notebook(linear_backward=mistakes_of("linear_backward")[0].wrong)
    _, _, before = graded_cell("linear_backward", namespace)
    assert VISIBLE.warm() > 0 and HIDDEN.warm() > 0
    _, _, after = graded_cell("linear_backward", namespace)
    assert [r.to_json() for r in before] == [r.to_json() for r in after]


def test_grading_twice_gives_identical_results(capsys: pytest.CaptureFixture) -> None:
    namespace = alternatives_of("update_parameters_with_adam")[0].define(notebook())
    namespace["update_parameters_with_momentum"] = mistakes_of("update_parameters_with_momentum")[0].wrong
    runs = [[r.to_json() for r in graded_cell(f, namespace)[2]] for f in ("update_parameters_with_adam",
                                                                         "update_parameters_with_momentum")
            for _ in range(2)]
    assert runs[0] == runs[1] and runs[2] == runs[3]


def _dropout_from_numpy_global(A: np.ndarray, keep_prob: float, rng: np.random.Generator) -> tuple:
    D = np.random.rand(*A.shape) < keep_prob
    return A * D / keep_prob, D


def _dropout_with_own_seed(A: np.ndarray, keep_prob: float, rng: np.random.Generator) -> tuple:
    D = np.random.default_rng(1).random(A.shape) < keep_prob
    return A * D / keep_prob, D


@pytest.mark.parametrize("dropout_forward", [_dropout_from_numpy_global, _dropout_with_own_seed])
def test_a_dropout_that_ignores_rng_loses_a_share_of_its_points(dropout_forward: Any) -> None:
    result = HIDDEN.run("dropout_forward", Student(notebook(dropout_forward=dropout_forward)))
    assert [p.name for p in result.properties if not p.passed] == [
        "draws D from rng: generators in the same state give the same mask, in different states different masks"]
    assert 0 < result.points < result.max_points == 2


def test_the_stored_values_are_what_the_reference_computes_today() -> None:
    """Equal up to round-off (another BLAS may differ in the last bits): regenerate with
    ``python -m autograder.build.expected``."""
    today = expected_writer.build()
    for concept in today:
        stored = json.loads((expected_writer.FOLDER / expected.file_name(concept)).read_text(encoding="utf-8"))
        decoded = [{f: [{k: expected.decode(v) for k, v in case.items()} for case in cases]
                    for f, cases in data.items()} for data in (stored, json.loads(json.dumps(today[concept])))]
        assert mismatch(decoded[1], decoded[0], where=f"{concept}.json", rtol=1e-12) is None
    assert sorted(p.name for p in expected_writer.FOLDER.glob("*.json")) == sorted(
        expected.file_name(concept) for concept in today)


def test_the_alternatives_are_at_least_those_the_tests_had() -> None:
    assert len(ALTERNATIVES) >= 41 and {a.function for a in ALTERNATIVES} == set(FUNCTIONS)


def test_the_diagnosis_is_a_field_never_written_into_a_message(capsys: pytest.CaptureFixture) -> None:
    namespace = notebook(batchnorm_forward=mistakes_of("batchnorm_forward")[0].wrong)
    _, _, results = graded_cell("batchnorm_forward", namespace)
    failed = [p for r in results for p in r.properties if not p.passed]
    assert failed and any(p.diagnosis for p in failed) and not any("diagnosis:" in p.message for p in failed)
    assert explain("relu", [], []) == []
