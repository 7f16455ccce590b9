"""The checks framework: results, comparison, gradient check, runner, registry, points, reports, stored data."""

import inspect
import json
from pathlib import Path

import hypothesis
import numpy as np
import pytest
from dnn_checks import expected, run_checks
from dnn_checks.compare import Failed, check_close, check_float, check_shape, mismatch
from dnn_checks.gradcheck import gradcheck
from dnn_checks.registry import VISIBLE, Registry
from dnn_checks.results import MESSAGE_CHARS, CheckResult, PropertyResult, collecting
from dnn_checks.runner import KEPT_ELEMENTS, Summary, run_property
from dnn_checks.student import Student, StudentTimeout
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.internal.conjecture import providers

import reference
from autograder.hidden import run_hidden_checks
from autograder.mistakes import alternatives_of


class AlwaysEqual:
    def __eq__(self, other):
        return True


def test_results_round_trip_through_plain_json():
    result = CheckResult("relu", "visible", 0.5, 1.0, (PropertyResult("p", 0.5, 0.5, True),
                                                      PropertyResult("q", 0.0, 0.5, False, "why", "forgot 1/m", True),
                                                      PropertyResult("r", 0.0, 0.0, False, "shape", role="gate",
                                                                     weight=0.5, failure="wrong")))
    assert CheckResult.from_json(result.to_json()) == result
    assert json.loads(result.to_json())["properties"][1]["diagnosis"] == "forgot 1/m"


def test_collecting_gathers_every_check_of_a_cell(capsys):
    namespace = {"relu": reference.relu, "relu_backward": reference.relu_backward}
    with collecting() as results:
        run_checks("relu", "relu_backward", namespace=namespace)
        run_hidden_checks("relu", namespace=namespace)
    assert [(r.function, r.kind) for r in results] == [("relu", "visible"), ("relu_backward", "visible"),
                                                         ("relu", "hidden")]
    assert all(r.passed for r in results)


@pytest.mark.parametrize(("expected_value", "got", "words"), [
    (np.zeros((3, 1)), np.zeros(3), "x has shape (3,), expected (3, 1)"),
    (np.zeros((2, 2)), np.zeros((2, 2), dtype=int), "float dtype"),
    (np.array([[1.0, 2.0]]), np.array([[1.0, 2.5]]), "index (0, 1): expected 2.0, got 2.5"),
    (np.array([[1.0]]), np.array([[np.nan]]), "index (0, 0)"),
    ({"dW1": np.ones(1)}, {"dW1": np.ones(1), "db1": np.ones(1)}, "unexpected ['db1']"),
    ((np.ones(1), np.ones(1)), (np.ones(1),), "length 2"),
    (1.5, "1.5", "should be a float"),
])
def test_mismatch_says_what_differs_and_where(expected_value, got, words):
    assert words in mismatch(expected_value, got, where="x")


def test_comparison_is_relative_with_an_absolute_part_scaled_to_the_values():
    assert mismatch(np.array([1e6]), np.array([1e6 * (1 + 5e-8)]), where="x") is None
    assert mismatch(np.array([1e-3]), np.array([1.1e-3]), where="x") is not None
    assert mismatch(np.array([1e3, 0.0]), np.array([1e3, 1e-7]), where="x") is None  # round-off next to 1e3
    assert mismatch(0.25, np.array(0.25), where="cost") is None  # 0-d costs are floats


def test_structure_helpers_refuse_wrong_shapes_and_non_finite_values():
    with pytest.raises(Failed, match=r"db has shape \(2,\), expected \(2, 1\)"):
        check_shape(np.zeros(2), (2, 1), where="db")
    with pytest.raises(Failed, match="non-finite"):
        check_shape(np.array([[np.inf]]), (1, 1), where="dZ")
    assert check_float(np.array(0.5), where="cost") == 0.5
    with pytest.raises(Failed):
        check_close(np.ones((1, 1)), AlwaysEqual(), where="A")


def test_gradcheck_names_the_wrong_entry_and_leaves_inputs_alone():
    W, dout = np.array([[1.0, 2.0], [3.0, 4.0]]), np.ones((2, 1))
    A = np.array([[0.5], [-1.0]])
    right = gradcheck(lambda A: W @ A, {"A": A}, {"dA": W.T @ dout}, dout)
    wrong = gradcheck(lambda A: W @ A, {"A": A}, {"dA": W @ dout}, dout)
    assert right.ok and right.max_error < 1e-8
    assert (wrong.mismatches[0].gradient, wrong.mismatches[0].index) == ("dA", (0, 0))
    assert wrong.mismatches[0].numerical == pytest.approx(4.0) and wrong.mismatches[0].analytical == 3.0
    np.testing.assert_array_equal(A, [[0.5], [-1.0]])


def bad_relus():
    yield "raises", lambda Z: 1 / 0
    yield "NaN", lambda Z: (np.full_like(Z, np.nan), Z)
    yield "wrong type", lambda Z: ([[0.0]], Z)
    yield "wrong shape", lambda Z: (np.maximum(Z, 0).ravel(), Z)
    yield "__eq__ always True", lambda Z: (AlwaysEqual(), Z)
    yield "prints to stderr and warns", _noisy_relu


def _noisy_relu(Z):
    import sys
    import warnings
    print("oops", file=sys.stderr)
    warnings.warn("careful")
    return np.log(Z - 10), Z


@pytest.mark.parametrize(("label", "relu"), list(bad_relus()))
def test_broken_functions_lose_points_with_a_message_and_nothing_on_stderr(label, relu, capfd):
    points = run_checks("relu", namespace={"relu": relu}) + run_hidden_checks("relu", namespace={"relu": relu})
    out, err = capfd.readouterr()
    assert type(points) is float and points < 3
    assert err == ""
    assert "✘" in out and "smallest failing input:" in out


def report_lines(out: str) -> list[str]:
    """The report's lines about the checks: without blank lines and what a student's test cell says it is worth."""
    return [line for line in out.splitlines() if line and not line.startswith(("This cell is worth", "Its value"))]


def test_a_missing_function_is_a_clean_failure(capfd):
    assert run_checks("relu_backward", namespace={}) == 0.0
    assert "`relu_backward` is not defined" in capfd.readouterr().out


def test_the_report_shows_the_smallest_failing_input(capsys):
    def relu_backward(dA, cache):  # masks only Z < 0
        return np.where(cache < 0, 0.0, dA)
    run_hidden_checks("relu_backward", namespace={"relu_backward": relu_backward})
    out = capsys.readouterr().out
    assert "dA = [[1.]]  (shape (1, 1))" in out and "cache = [[0.]]  (shape (1, 1))" in out
    assert "dZ differs at index (0, 0): expected 0.0, got 1.0" in out


def test_repeated_grading_gives_identical_results(capsys):
    def relu(Z):  # wrong at Z < -1
        return np.where(Z > -1, np.maximum(Z, 0), Z), Z
    runs = []
    for _ in range(2):
        with collecting() as results:
            run_checks("relu", namespace={"relu": relu})
            run_hidden_checks("relu", namespace={"relu": relu})
        runs.append([r.to_json() for r in results])
    assert runs[0] == runs[1] and not all(CheckResult.from_json(r).passed for r in runs[0])


def test_a_timeout_stops_the_check_without_more_calls():
    calls = []

    def relu(Z):
        calls.append(Z)
        raise StudentTimeout("relu ran longer than 10 s")

    class TimingOut(Student):
        def record(self, name, *args, **kwargs):
            try:
                return super().record(name, *args, **kwargs)
            except Exception as exc:
                raise StudentTimeout(str(exc)) from None

    registry = Registry("visible")
    for name in ("one", "two"):
        registry.property("relu", name, role="value", given={"Z": st.just(np.ones((1, 1)))})(
            lambda student, Z: student.call("relu", Z))
    result = registry.run("relu", TimingOut({"relu": relu}))
    assert len(calls) == 1 and result.points == 0
    assert all("longer than 10 s" in p.message for p in result.properties)


def test_stored_values_decode_to_what_was_encoded():
    value = {"a": (np.arange(6.0).reshape(2, 3), [1.5, None]), "b": np.zeros((0, 2))}
    decoded = expected.decode(json.loads(json.dumps(expected.encode(value))))
    assert decoded["a"][1] == [1.5, None] and decoded["b"].shape == (0, 2)
    np.testing.assert_array_equal(decoded["a"][0], value["a"][0])


def test_the_normal_check_accepts_normal_draws_and_refuses_wrong_scales_and_shapes():
    from dnn_checks.statistics import check_normal
    for seed in range(200):
        check_normal(np.random.default_rng(seed).standard_normal(8000) * 0.1, 0.1, where="W")
    rng = np.random.default_rng(0)
    wrong = {"sqrt(1/n) scale": rng.standard_normal(8000) * 0.1 / np.sqrt(2),
             "uniform": (rng.random(8000) - 0.5) * np.sqrt(12) * 0.1,
             "shifted": rng.standard_normal(8000) * 0.1 + 0.02}
    for label, sample in wrong.items():
        with pytest.raises(Failed):
            check_normal(sample, 0.1, where=label)


DRAW = """
import sys
sys.path.insert(0, ".")
if len(sys.argv) > 1:
    import local_constants  # a module of the student's own, full of constants
import numpy as np
from dnn_checks.registry import VISIBLE
from dnn_checks.runner import draw_examples
drawn = [draw_examples(prop.given, key="visible/relu_backward/" + prop.name, max_examples=prop.max_examples)
         for prop in VISIBLE.properties("relu_backward") if prop.given is not None]
with np.printoptions(precision=17, threshold=10**6):
    print(repr(drawn))
"""


def test_the_examples_depend_on_nothing_local_and_nothing_is_written(tmp_path):
    import subprocess
    import sys
    (tmp_path / "local_constants.py").write_text("A = 0.123456789\nB = -3.75\nC = 4.999\nD = 1e-3\n")
    runs = [subprocess.run([sys.executable, "-c", DRAW, *extra], cwd=tmp_path, capture_output=True, text=True,
                           check=True) for extra in ([], ["with-constants"])]
    assert runs[0].stdout == runs[1].stdout and "array" in runs[0].stdout
    assert runs[0].stderr == runs[1].stderr == ""
    assert not (tmp_path / ".hypothesis").exists()


# A function not there yet (not defined, or the released stub) is said once, in one line.

STUB_MESSAGE = "not implemented yet: replace this line with your code"


def _stub(*args):
    raise NotImplementedError(STUB_MESSAGE)


def _raises_value_error(*args):
    raise ValueError("a real bug")


def test_a_stub_is_one_line_and_its_results_keep_the_reason(capsys):
    with collecting() as results:
        points = run_checks("relu", namespace={"relu": _stub}) + run_hidden_checks("relu", namespace={"relu": _stub})
    assert report_lines(capsys.readouterr().out) == ["relu (visible checks): not implemented yet (0 / 1 points)",
                                                    "relu (hidden checks): not implemented yet (0 / 2 points)"]
    assert points == 0.0
    for prop in (p for r in results for p in r.properties):
        assert prop.needs == ("relu", "not implemented yet") and STUB_MESSAGE in prop.message
    assert CheckResult.from_json(results[0].to_json()) == results[0]


def test_a_check_that_needs_a_stub_says_so_once_per_property_and_scores_as_before(capsys):
    """sigmoid_backward written as a student does (it calls the notebook's sigmoid), over a stub."""
    def sigmoid(Z):
        raise NotImplementedError(STUB_MESSAGE)
    namespace = alternatives_of("sigmoid_backward")[0].define({"sigmoid": sigmoid})
    with collecting() as stubbed:
        points = run_checks("sigmoid_backward", namespace=namespace)
    out = capsys.readouterr().out
    with collecting() as broken:
        assert run_checks("sigmoid_backward", namespace={**namespace, "sigmoid": _raises_value_error}) == points
    assert [p.points for p in stubbed[0].properties] == [p.points for p in broken[0].properties]
    assert report_lines(out) == ["sigmoid_backward (visible checks): needs `sigmoid` first "
                                "(`sigmoid` is not implemented yet) (0 / 1 points)"]
    assert "NotImplementedError" not in out and "failing input" not in out


def test_a_function_calling_a_stub_needs_that_one_first(capsys):
    def relu(Z):
        raise NotImplementedError(STUB_MESSAGE)

    def linear_activation_forward(A_prev, W, b, activation):
        Z, linear_cache = reference.linear_forward(A_prev, W, b)
        A, Z = relu(Z)
        return A, (linear_cache, Z)
    run_checks("linear_activation_forward", namespace={"linear_activation_forward": linear_activation_forward,
                                                       "relu": relu})
    assert capsys.readouterr().out.startswith(
        "linear_activation_forward (visible checks): needs `relu` first (`relu` is not implemented yet)")


def test_a_function_calling_an_undefined_name_needs_that_one_first(capsys):
    def sigmoid_backward(dA, cache):  # the student's sigmoid cell did not run (or crashed the worker)
        s, _ = sigmoid(cache)  # noqa: F821 - the point of the test
        return dA * s * (1 - s)
    with collecting() as results:
        assert run_checks("sigmoid_backward", namespace={"sigmoid_backward": sigmoid_backward}) == 0.0
    assert capsys.readouterr().out.splitlines()[0] == (
        "sigmoid_backward (visible checks): needs `sigmoid` first (`sigmoid` is not defined) (0 / 1 points)")
    assert all(p.needs == ("sigmoid", "not defined") and "NameError" in p.message for p in results[0].properties)


def test_a_missing_function_is_said_once_and_costs_no_other_function(capfd):
    points = run_checks("linear_forward", "linear_backward", namespace={"linear_backward": reference.linear_backward})
    out = capfd.readouterr().out
    assert out.count("did you run its cell") == 1 and points == 3.5  # half the visible points: half of the cell's 7


def test_the_diagnosis_uses_every_failing_input_not_only_the_smallest(capsys):
    def relu_backward(dA, cache):  # masks only Z < 0: on dA = [[1.]], Z = [[0.]] alone, four mistakes fit
        return np.where(cache < 0, 0.0, dA)
    with collecting() as results:
        run_hidden_checks("relu_backward", namespace={"relu_backward": relu_backward})
    diagnoses = {p.diagnosis for p in results[0].properties if p.diagnosis}
    assert diagnoses == {"your dZ is dA where Z = 0: the gradient is 0 wherever Z <= 0 (you masked only Z < 0)"}
    assert "one of these" not in capsys.readouterr().out


# Points: value properties pay, gates only take away; a property that tried nothing fails.

def _toy(roles_weights: list[tuple[str, float, bool]]) -> CheckResult:
    """A check of relu (1 visible point) with properties of these (role, weight, passes)."""
    registry = Registry("visible")
    for i, (role, weight, passes) in enumerate(roles_weights):
        def test(student, Z, passes=passes):
            if not passes:
                raise Failed("no")
        registry.property("relu", f"p{i}", role=role, given={"Z": st.just(np.ones((1, 1)))}, weight=weight)(test)
    return registry.run("relu", Student({"relu": reference.relu}))


@pytest.mark.parametrize(("properties", "points"), [
    ([("value", 2, True), ("gate", 1, True)], 1.0),
    ([("value", 2, False), ("gate", 1, True)], 0.0),  # gates never pay alone
    ([("value", 2, True), ("value", 1, False), ("gate", 1, False)], 2 / 3 * (1 - 1 / 4)),
    ([("value", 1, True), ("gate", 0.5, False), ("gate", 0.5, False)], 1 - 1 / 2),
])
def test_points_are_the_passed_value_share_times_one_minus_the_failed_gate_share(properties, points):
    result = _toy(properties)
    assert result.points == pytest.approx(points)
    assert sum(p.points for p in result.properties) == pytest.approx(points)
    assert all(p.points == p.max_points == 0 for p in result.properties if p.role == "gate")


def test_a_check_without_a_value_property_is_refused():
    with pytest.raises(ValueError, match="no value property"):
        _toy([("gate", 1, True)])


@pytest.mark.filterwarnings("ignore:Using `assume` outside")
def test_a_property_that_tried_no_example_fails():
    def test(student, Z):
        assume(False)
    for given in ({"Z": st.just(np.ones((1, 1)))}, {"Z": st.just(np.ones((1, 1))).filter(lambda Z: False)}):
        outcome = run_property(test, Student({}), key="nothing/tried", given_=st.fixed_dictionaries(given))
        assert not outcome.passed and outcome.failure == "no_example"
    assert run_property(test, Student({}), key="nothing/given").failure == "no_example"


def test_a_failure_keeps_a_bounded_summary_of_a_huge_output_and_a_bounded_message():
    def relu(Z):
        return np.zeros(KEPT_ELEMENTS + 1), "x" * (10 * MESSAGE_CHARS)

    def test(student, Z):
        output = student.call("relu", Z)
        raise Failed(f"the cache is {output[1]}")
    outcome = run_property(test, Student({"relu": relu}), key="huge", given_=st.fixed_dictionaries(
        {"Z": st.just(np.ones((1, 1)))}))
    assert isinstance(outcome.calls[0].output, Summary) and "50" not in outcome.calls[0].output.text[:5]
    assert len(outcome.message) <= MESSAGE_CHARS and outcome.message.endswith("(truncated)")


def test_the_patched_private_hypothesis_hook_is_still_there():
    """runner._no_local_constants replaces hypothesis's private ``_get_local_constants``: a new pinned
    version must still have it, called without arguments and returning ``Constants`` (else fix the runner)."""
    project = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text()
    pinned = next(word.split("==")[1].strip('",') for word in project.split() if word.startswith('"hypothesis=='))
    assert hypothesis.__version__ == pinned
    assert callable(providers._get_local_constants)
    assert not [p for p in inspect.signature(providers._get_local_constants).parameters.values()
                if p.default is p.empty]
    assert isinstance(providers._get_local_constants(), providers.Constants)
    assert isinstance(providers.Constants(), providers.Constants)


def test_the_visible_stored_values_recipes_cover_what_is_stored():
    assert set(VISIBLE.stored()) == set(expected.functions())


def test_a_kept_shrink_search_is_replayed_only_while_every_step_agrees(monkeypatch):
    """Shrinking a failure replays a search hypothesis made for another function that gave the same verdicts,
    step for step, and searches anew at the first step that differs: either way, the very report a search
    from scratch gives."""
    from dnn_checks import runner

    def masks_below_zero(dA, cache):  # wrong at Z = 0
        return np.where(cache < 0, 0.0, dA)

    def masks_below_zero_too(dA, cache):  # the same mistake, written otherwise
        return dA * (cache >= 0)

    def wrong_above_one(dA, cache):  # another mistake: its search goes elsewhere
        return np.where(cache > 1, 2 * dA, np.where(cache > 0, dA, 0.0))

    def report(function):
        with collecting() as results:
            run_hidden_checks("relu_backward", namespace={"relu_backward": function})
        return [r.to_json() for r in results]

    monkeypatch.setattr(runner, "_SEARCHES", {})
    monkeypatch.setattr(runner, "_kept_steps", [0])
    from_scratch = {}
    for function in (masks_below_zero, masks_below_zero_too, wrong_above_one):
        runner._SEARCHES.clear()
        from_scratch[function] = report(function)
    runner._SEARCHES.clear()
    steps = runner._kept_steps[0]
    assert report(masks_below_zero) == from_scratch[masks_below_zero]
    searched = runner._kept_steps[0]
    assert searched > steps  # a search was made and kept
    assert report(masks_below_zero_too) == from_scratch[masks_below_zero_too]
    assert runner._kept_steps[0] == searched  # replayed: no step was new
    assert report(wrong_above_one) == from_scratch[wrong_above_one]
    assert runner._kept_steps[0] > searched  # searched anew from the first step that differed


def test_a_replayed_shrink_search_stops_at_a_timeout(monkeypatch):
    """A function that times out while a kept search is replayed is called no more (hypothesis would have stopped
    there too), even where the kept search went on."""
    from dnn_checks import runner
    from autograder.hidden import HIDDEN

    def masks_below_zero(dA, cache):  # wrong at Z = 0
        return np.where(cache < 0, 0.0, dA)

    class Timing(Student):
        """Times out at its call number ``after`` + 1 (the grader's worker, stopped after 10 s)."""
        after = None

        def record(self, name, *args, **kwargs):
            calls.append(name)
            if self.after is not None and len(calls) > self.after:
                raise StudentTimeout(f"{name} ran for more than 10 s")
            return super().record(name, *args, **kwargs)

    monkeypatch.setattr(runner, "_SEARCHES", {})
    monkeypatch.setattr(runner, "_kept_steps", [0])
    shrinks, original = [], runner._Search.shrink

    def shrink(self, test, recorder):
        shrinks.append(len(calls))
        return original(self, test, recorder)

    monkeypatch.setattr(runner._Search, "shrink", shrink)
    calls = []
    HIDDEN.run("relu_backward", Timing({"relu_backward": masks_below_zero}))
    assert shrinks and runner._kept_steps[0] > 1  # a search was made and kept
    calls, Timing.after = [], shrinks[0] + 1  # the same calls up to the search, whose second step times out
    result = HIDDEN.run("relu_backward", Timing({"relu_backward": masks_below_zero}))
    assert len(calls) == shrinks[0] + 2 and result.points == 0
    assert any("more than 10 s" in p.message for p in result.properties)
