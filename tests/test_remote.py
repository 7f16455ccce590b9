"""RemoteFunction proxies behave like direct calls: results, observed in-place changes, handles, substitutes, failures."""

from __future__ import annotations

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
)

from autograder.sandbox import bubblewrap
from autograder.sandbox.bubblewrap import Limits, check_available
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
