"""RemoteFunction proxies behave like direct calls: results, observed in-place changes, handles, substitutes, failures."""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np
import pytest
from dnn_checks.student import (
    BadValue,
    ChangedArgument,
    MissingFunction,
    RemoteFunction,
    Student,
    StudentCrash,
    StudentError,
    StudentTimeout,
)

from autograder.sandbox import bubblewrap
from autograder.sandbox.bubblewrap import Limits, check_available
from autograder.sandbox.budget import Budget
from autograder.sandbox.remote import WorkerFactory, WorkerSession

UNAVAILABLE = check_available()
LIMITS = Limits(call_seconds=5, restarts=2)

CELLS = [
    "%matplotlib inline\nimport numpy as np\nfrom helper import SCALE",
    "def scale(x, factor=2.0):\n    return x * factor * SCALE",
    "def relu_forward(Z):\n    return np.maximum(Z, 0), {'Z': Z, 'note': object()}\n"
    "def relu_backward(dA, cache):\n    return dA * (cache['Z'] > 0)",
    "def batchnorm_stats(bn_param, Z):\n"
    "    bn_param['running_mean'] = bn_param.get('running_mean', 0) + Z.mean(axis=1, keepdims=True)\n"
    "    bn_param['calls'] = bn_param.get('calls', 0) + 1\n    Z += 1\n    return None",
    "def draw(rng, n):\n    return rng.random(n)",
    "def step(x):\n    return helper_step(x) + 1\n",
    "def fails(x):\n    return x['missing']\n",
    "def weird():\n    return {1, 2}",
    "def crash():\n    import os\n    os._exit(3)",
    "def zeros(x, n):\n    return np.zeros(n)",
    "def inflate(x, n):\n    try:\n        helper_step(np.ones((n, 1)))\n    except RuntimeError:\n        pass\n    return x",
    "def many(x, n):\n    for _ in range(n):\n        helper_step(x)\n    return x",
]


@pytest.fixture(scope="module", params=["nested", "flat", "insecure"])
def factory(request: pytest.FixtureRequest) -> Iterator[WorkerFactory]:
    if request.param != "insecure" and UNAVAILABLE:
        pytest.skip(f"needs bubblewrap (apt-get install bubblewrap): {UNAVAILABLE}")
    with pytest.MonkeyPatch.context() as patch:
        if request.param == "flat":
            patch.setattr(bubblewrap, "nested_available", lambda: False)
        made = WorkerFactory(insecure=request.param == "insecure", limits=LIMITS)
    assert made.mode == request.param
    with made:
        yield made


@pytest.fixture
def session(factory: WorkerFactory) -> Iterator[WorkerSession]:
    with factory.session({"helper.py": b"SCALE = 10\n"}) as opened:
        for cell in CELLS:
            assert opened.run_cell(cell, timeout=10).ok, cell
        yield opened


@pytest.fixture
def student(session: WorkerSession) -> Student:
    return Student(session.functions())


pytestmark = pytest.mark.sandbox


def test_functions_are_remote_proxies(session: WorkerSession) -> None:
    functions = session.functions()
    assert {"scale", "relu_forward", "draw", "step"} <= set(functions)
    assert all(isinstance(f, RemoteFunction) for f in functions.values())
    assert "np" not in functions and "SCALE" not in functions


def test_a_call_returns_plain_arrays(student: Student) -> None:
    result = student.call("scale", np.arange(3.0), factor=0.5)
    assert type(result) is np.ndarray
    np.testing.assert_array_equal(result, np.arange(3.0) * 5)


def test_in_place_updates_are_observed_not_applied(student: Student) -> None:
    bn_param, Z = {"mode": "train"}, np.ones((2, 3))
    with pytest.raises(ChangedArgument, match="argument 1 and argument 2") as raised:
        student.call("batchnorm_stats", bn_param, Z)
    changed = raised.value.call.changed
    assert changed[0]["calls"] == 1 and changed[0]["mode"] == "train"
    np.testing.assert_array_equal(changed[0]["running_mean"], np.ones((2, 1)))
    np.testing.assert_array_equal(changed[1], np.full((2, 3), 2.0))
    assert bn_param == {"mode": "train"}
    np.testing.assert_array_equal(Z, np.ones((2, 3)))


def test_a_generator_state_is_observed(student: Student) -> None:
    rng, twin = np.random.default_rng(5), np.random.default_rng(5)
    record = student.record("draw", rng, 4)
    np.testing.assert_array_equal(record.output, twin.random(4))
    assert record.changed[0].random() == twin.random()
    assert rng.random() == np.random.default_rng(5).random()


def test_an_opaque_output_makes_a_handle_round_trip(student: Student) -> None:
    Z = np.array([[-1.0, 2.0]])
    A, cache = student.call("relu_forward", Z, opaque=[1])
    np.testing.assert_array_equal(A, [[0.0, 2.0]])
    np.testing.assert_array_equal(student.call("relu_backward", np.ones_like(Z), cache), [[0.0, 1.0]])


def test_substitutes_are_called_back_for_one_call(student: Student) -> None:
    seen = []

    def helper_step(x: np.ndarray) -> np.ndarray:
        seen.append(x.copy())
        return x * 100

    result = student.call("step", np.ones(2), substitutes={"helper_step": helper_step})
    np.testing.assert_array_equal(result, [101, 101])
    np.testing.assert_array_equal(seen[0], np.ones(2))
    with pytest.raises(StudentError, match="NameError"):
        student.call("step", np.ones(2))


def test_a_failing_substitute_raises_inside_the_student_code(student: Student) -> None:
    def helper_step(x: np.ndarray) -> np.ndarray:
        raise ValueError("shapes do not align")

    with pytest.raises(StudentError, match="shapes do not align"):
        student.call("step", np.ones(2), substitutes={"helper_step": helper_step})


def test_student_exceptions_carry_type_message_and_student_frames(student: Student) -> None:
    with pytest.raises(StudentError) as raised:
        student.call("fails", {"present": 1})
    assert raised.value.exc_type == "KeyError" and "missing" in raised.value.message
    assert "<cell" in raised.value.tb and "x['missing']" in raised.value.tb and "worker.py" not in raised.value.tb


def test_non_base_results_and_unknown_names_are_refused(student: Student) -> None:
    with pytest.raises(BadValue, match="set"):
        student.call("weird")
    with pytest.raises(BadValue, match="tuple"):
        student.call("scale", np.ones(1), opaque=[0])
    with pytest.raises(MissingFunction):
        Student({"gone": session_function_of(student, "scale", "gone")}).call("gone")


def session_function_of(student: Student, existing: str, name: str) -> RemoteFunction:
    proxy = student._namespace[existing]
    return type(proxy)(proxy.session, name)


def test_a_crash_restarts_the_worker_and_replays_the_cells(session: WorkerSession) -> None:
    with pytest.raises(StudentCrash, match="died|exited with status 3"):
        Student(session.functions()).call("crash")
    np.testing.assert_array_equal(Student(session.functions()).call("scale", np.ones(1)), [20.0])


def test_after_the_restart_budget_every_call_fails_fast(session: WorkerSession) -> None:
    for _ in range(LIMITS.restarts + 1):
        with pytest.raises(StudentCrash):
            Student(session.functions()).call("crash")
    with pytest.raises(StudentCrash, match="restarted 2 times"):
        Student(session.functions()).call("scale", np.ones(1))
    run = session.run_cell("x = 1", timeout=5)
    assert run.crashed and "restarted" in run.error


def test_killing_the_parent_spares_the_next_session(factory: WorkerFactory) -> None:
    with factory.session() as doomed:
        doomed.run_cell("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)", timeout=5)
    with factory.session() as next_one:
        assert next_one.run_cell("x = 1", timeout=30).ok


def test_a_closed_factory_refuses_new_sessions() -> None:
    with WorkerFactory(insecure=True, limits=LIMITS) as closed:
        pass
    with pytest.raises(RuntimeError, match="closed"):
        closed.session()


def test_a_cell_that_raised_names_its_exception_class(session: WorkerSession) -> None:
    raised = session.run_cell("raise NotImplementedError('ValueError: not yet')", timeout=5)
    assert (raised.ok, raised.exc_type) == (False, "NotImplementedError") and "not yet" in raised.error
    assert session.run_cell("import sys\nsys.exit(3)", timeout=5).exc_type == "SystemExit"
    assert session.run_cell("x = 1", timeout=5).exc_type is None


def test_ipython_syntax_runs_as_it_would_in_jupyter(factory: WorkerFactory) -> None:
    cells = ["%time a = 1 + 1", "%%time\nb = a * 3", "%timeit -n 1 -r 1 c = 5", "%%writefile extra.py\nVALUE = 42\n",
             "!pip install numpy\n%load_ext autoreload\nlen?", "%%bash\nexit 1",
             "import extra\ndisplay(a)\nprint(a, b, c, extra.VALUE, get_ipython().system('ls'))"]
    with factory.session() as session:
        runs = [session.run_cell(cell, timeout=10) for cell in cells]
    assert [run.ok for run in runs] == [True] * len(cells), runs
    assert runs[-1].output == "2 6 5 42 None\n"


def test_a_flat_factory_runs_one_session_at_a_time(factory: WorkerFactory) -> None:
    if factory.mode != "flat":
        pytest.skip("nested and insecure factories allow overlapping sessions")
    with factory.session():
        with pytest.raises(RuntimeError, match="one session at a time"):
            factory.session()
    factory.session().close()


def test_a_result_far_larger_than_the_inputs_is_refused_unread(student: Student) -> None:
    np.testing.assert_array_equal(student.call("zeros", np.ones(2), 1000), np.zeros(1000))
    with pytest.raises(BadValue, match=r"sent back 61\.0 MB, far more than its inputs imply"):
        student.call("zeros", np.ones(2), 8_000_000)
    np.testing.assert_array_equal(student.call("scale", np.ones(1)), [20.0])


def test_a_callback_on_arrays_larger_than_the_inputs_is_not_run(student: Student) -> None:
    seen = []
    with pytest.raises(BadValue, match=r"called helper_step with an array of shape \(100, 1\), larger than its own"):
        student.call("inflate", np.ones((2, 3)), 100, substitutes={"helper_step": seen.append})
    assert not seen
    assert student.call("inflate", np.ones((2, 3)), 3, substitutes={"helper_step": seen.append}).shape == (2, 3)
    assert [a.shape for a in seen] == [(3, 1)]


def test_callbacks_run_within_the_calls_time_limit(session: WorkerSession) -> None:
    def helper_step(x: np.ndarray) -> np.ndarray:
        time.sleep(0.05)
        return x

    began = time.monotonic()
    with pytest.raises(StudentTimeout, match="ran for more than 1 s"):
        session.call("many", (np.ones(2), 1000), {}, substitutes={"helper_step": helper_step}, opaque=(), timeout=1)
    assert time.monotonic() - began < 5


def test_the_submission_budget_stops_cells_and_calls_across_sessions(factory: WorkerFactory) -> None:
    budget = Budget(2, replay_seconds=1)
    with factory.session(budget=budget) as first:
        assert first.run_cell("def one():\n    return 1", timeout=10).ok
        stopped = first.run_cell("import time\ntime.sleep(30)", timeout=10)
        assert stopped.timed_out and "stopped when the submission's time budget of 2 s ran out" in stopped.error
        assert first.budget_spent() == "the submission's time budget of 2 s ran out"
        with pytest.raises(StudentTimeout, match="not run: the submission's time budget of 2 s had run out"):
            Student(first.functions()).call("one")
    with factory.session(budget=budget) as second:
        assert second.run_cell("x = 1", timeout=10).timed_out


def test_replays_stop_when_they_would_outrun_their_allowance(factory: WorkerFactory) -> None:
    with factory.session(budget=Budget(60, replay_seconds=0.5)) as session:
        assert session.run_cell("import time\ntime.sleep(1)\ndef crash():\n    import os\n    os._exit(3)",
                                timeout=10).ok
        with pytest.raises(StudentCrash, match="exited with status 3|died"):
            Student(session.functions()).call("crash")
        with pytest.raises(StudentCrash, match=r"would take 1(\.\d)? s, more than the 0.5 s left for that"):
            Student(session.functions()).call("crash")
