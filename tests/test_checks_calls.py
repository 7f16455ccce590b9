"""How checks call student code (``dnn_checks.student``): copies in, changes observed, never applied,
the same in Jupyter (local calls) and in the grader (calls in a worker)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from dnn_checks.calls import Call
from dnn_checks.student import ChangedArgument, Student
from dnn_checks.values import Handle

import reference
from autograder.sandbox.bubblewrap import Limits
from autograder.sandbox.remote import WorkerFactory

#: Student cells: functions that change their arguments in place, allowed to or not.
CELL = '''
import numpy as np

def relu_backward(dA, cache):
    dA[cache <= 0] = 0
    return dA

def linear_backward(dZ, linear_cache):
    A_prev, W, b = linear_cache
    W *= 2
    return W.T @ dZ, dZ @ A_prev.T, dZ.sum(axis=1, keepdims=True)

def update_parameters(parameters, grads, learning_rate):
    for key in list(parameters):
        parameters[key] -= learning_rate * grads["d" + key]
    return parameters

def dropout_forward(A, keep_prob, rng):
    D = rng.random(A.shape) < keep_prob
    return A * D / keep_prob, D

def batchnorm_forward(Z, gamma, beta, bn_param):
    bn_param["running_mean"] = Z.mean(axis=1, keepdims=True)
    return Z, {"Z": Z, "note": object()}

def batchnorm_backward(dout, cache):
    return dout * cache["Z"], dout.sum(axis=1, keepdims=True), dout.sum(axis=1, keepdims=True)
'''


def _arguments() -> dict[str, tuple]:
    rng = np.random.default_rng(0)
    parameters = {"W1": rng.standard_normal((2, 3)), "b1": rng.standard_normal((2, 1))}
    return {
        "relu_backward": (rng.standard_normal((2, 3)), np.array([[1.0, -1.0, 0.0], [2.0, -2.0, 3.0]])),
        "linear_backward": (rng.standard_normal((2, 4)),
                            tuple(rng.standard_normal(shape) for shape in ((3, 4), (2, 3), (2, 1)))),
        "update_parameters": (parameters, {"dW1": np.ones((2, 3)), "db1": np.ones((2, 1)), "dA0": np.ones((3, 1))},
                              0.1),
        "dropout_forward": (rng.standard_normal((3, 4)), 0.5, np.random.default_rng(7)),
        "batchnorm_forward": (rng.standard_normal((2, 5)), np.ones((2, 1)), np.zeros((2, 1)), {"mode": "train"}),
    }


def local() -> Student:
    namespace: dict[str, Any] = {}
    exec(CELL, namespace)  # noqa: S102 - the test's own student cell
    return Student(namespace)


@pytest.fixture(scope="module", params=["local", "worker"])
def student(request: pytest.FixtureRequest) -> Iterator[Student]:
    if request.param == "local":
        yield local()
        return
    with WorkerFactory(insecure=True, limits=Limits(call_seconds=10)) as factory, factory.session() as session:
        assert session.run_cell(CELL, timeout=30).ok
        yield Student(session.functions())


def test_a_change_to_an_argument_it_must_leave_fails_naming_it_and_the_callers_objects_stay(student: Student) -> None:
    for function, name in (("relu_backward", "dA"), ("linear_backward", "linear_cache")):
        args = _arguments()[function]
        before = copy.deepcopy(args)
        with pytest.raises(ChangedArgument, match=f"{function} changes its argument {name} in place") as raised:
            student.call(function, *args)
        assert raised.value.arguments == (name,) and raised.value.call.output is not None
        np.testing.assert_equal(args, before)


def test_an_update_may_change_parameters_the_change_is_observed(student: Student) -> None:
    args = _arguments()["update_parameters"]
    before = copy.deepcopy(args)
    record = student.record("update_parameters", *args)
    assert set(record.changed) == {0}
    np.testing.assert_allclose(record.after("parameters")["W1"], before[0]["W1"] - 0.1)
    np.testing.assert_allclose(record.output["W1"], before[0]["W1"] - 0.1)
    np.testing.assert_equal(args, before)


def test_a_generator_is_drawn_from_on_a_copy_and_its_state_after_is_in_the_record(student: Student) -> None:
    A, keep_prob, rng = _arguments()["dropout_forward"]
    record = student.record("dropout_forward", A, keep_prob, rng)
    again = student.record("dropout_forward", A, keep_prob, rng)
    later = student.record("dropout_forward", A, keep_prob, record.after("rng"))
    np.testing.assert_equal(record.output, again.output)
    assert not np.array_equal(record.output[1], later.output[1])
    assert rng.bit_generator.state == np.random.default_rng(7).bit_generator.state


def test_bn_param_is_observed_and_the_cache_stays_the_students_own(student: Student) -> None:
    Z, gamma, beta, bn_param = _arguments()["batchnorm_forward"]
    record = student.record("batchnorm_forward", Z, gamma, beta, bn_param, opaque=(1,))
    out, cache = record.output
    assert isinstance(cache, Handle) and bn_param == {"mode": "train"}
    np.testing.assert_allclose(record.after("bn_param")["running_mean"], Z.mean(axis=1, keepdims=True))
    dZ, _, _ = student.call("batchnorm_backward", np.ones_like(Z), cache)
    np.testing.assert_allclose(dZ, Z)


def test_local_and_remote_calls_record_the_same() -> None:
    with WorkerFactory(insecure=True, limits=Limits(call_seconds=10)) as factory, factory.session() as session:
        assert session.run_cell(CELL, timeout=30).ok
        students = local(), Student(session.functions())
        for function, args in _arguments().items():
            opaque = (1,) if function == "batchnorm_forward" else ()  # its cache holds an object: not a value
            records = []
            for student in students:
                try:
                    records.append(student.record(function, *args, opaque=opaque))
                except ChangedArgument as exc:
                    records.append(exc.call)
            a, b = records
            assert set(a.changed) == set(b.changed), function
            np.testing.assert_equal(a.output[:1] if opaque else a.output, b.output[:1] if opaque else b.output)
            np.testing.assert_equal(*({k: v.bit_generator.state if isinstance(v, np.random.Generator) else v
                                       for k, v in record.changed.items()} for record in (a, b)))


def test_a_call_replays_an_implementation_on_copies_as_a_student_function_is_called() -> None:
    args = _arguments()["update_parameters"]
    call = Call("update_parameters", args)
    replayed = call.replay(reference.update_parameters)
    np.testing.assert_equal(call(reference.update_parameters), replayed.output)
    np.testing.assert_equal(args, _arguments()["update_parameters"])
