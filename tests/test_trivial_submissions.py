"""Credit only for what is earned: trivial and in-place-attacking submissions earn 0, correct ones everything.

For every graded function of the table, graded as the grader grades (``autograder.hidden.grading()``:
visible and hidden checks, new inputs for the stored values), with every other function correct:

- a family of trivial bodies (``tests/trivial.py``) earns 0 points, as a blank submission (the
  released stub) does: zeros, ones, a constant, noise and ``np.empty`` in the right answer's shapes
  (a returned cache kept right), each argument returned unchanged, the stub, ``pass``, and a lookup
  table of the stored values. Skipped, because they are simply correct: zeros and the lookup table
  (whose stored answers are zeros) for the functions whose answer is zeros
  (``initialize_parameters_zeros``, ``initialize_velocity``, ``initialize_rmsprop``, ``initialize_adam``);
- changing any argument in place and returning the right answer for the changed inputs earns 0:
  zeroing it, or adding 1 to it where the function may change it (the update functions' states,
  which zeroing leaves alone when they are zero already); so does ``Y[...] = AL`` inside
  ``L_model_backward``. Skipped: generators (drawing from ``rng`` changes it, as the contract
  wants) and ``bn_param`` (batchnorm_forward's train-mode ``out`` does not depend on it, so the
  attack computes the right ``out`` there);
- every catalogued correct alternative (``autograder.mistakes.ALTERNATIVES``) earns full marks.

Part of it runs through a worker (``autograder.sandbox.remote.WorkerFactory``) so that remote calls are
covered: the families in an unconfined worker (a sandboxed one cannot import the ``reference`` these
bodies are built from), and hand-written attacks in a sandboxed one.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from dnn_checks.graded import TABLE, graded
from dnn_checks.registry import VISIBLE
from dnn_checks.student import Student

import reference
from autograder.hidden import HIDDEN, grading
from autograder.mistakes import ALTERNATIVES
from autograder.sandbox.bubblewrap import Limits, check_available
from autograder.sandbox.remote import WorkerFactory, WorkerSession
from tests import trivial
from tests.mistake_inputs import CASES

#: Functions whose right answer is zeros: a body of zeros (or np.empty) is correct.
ZEROS_ARE_RIGHT = ("initialize_parameters_zeros", "initialize_velocity", "initialize_rmsprop", "initialize_adam")
#: Arguments that may change: a generator is drawn from; batch norm's train-mode out ignores bn_param.
NOT_ATTACKED = ("bn_param",)


def members(function: str) -> Iterator[tuple[str, str]]:
    """(label, the expression that makes the body) of the trivial family of ``function``."""
    right = function in ZEROS_ARE_RIGHT
    for body in trivial.BODIES:
        if not (right and body == "zeros"):
            yield body, f"trivial.shaped({function!r}, {body!r})"
    for index, name in enumerate(graded(function).arguments):
        yield f"returns {name}", f"trivial.argument({function!r}, {index})"
    yield "stub", f"trivial.stub({function!r})"
    yield "pass", f"trivial.nothing({function!r})"
    if not right:
        yield "lookup", f"trivial.lookup({function!r})"


def attacks(function: str) -> Iterator[tuple[str, str]]:
    """(label, the expression that makes the body) of the in-place attacks on ``function``'s arguments."""
    example, mutable = max(CASES[function], key=lambda call: len(call.args)).args, graded(function).mutable
    for index, name in enumerate(graded(function).arguments):
        value = example[index]
        if trivial.changeable(value) and not isinstance(value, np.random.Generator) and name not in NOT_ATTACKED:
            verb, maker = ("shifts", "shifting") if name in mutable else ("zeroes", "zeroing")
            yield f"{verb} {name}", f"trivial.{maker}({function!r}, {index})"
    if function == "L_model_backward":
        yield "Y[...] = AL", "trivial.labels_become_predictions"


def made(expression: str) -> Callable[..., Any]:
    return eval(expression, {"trivial": trivial})  # noqa: S307 - the test's own expressions


def points(function: str, namespace: dict[str, Any]) -> float:
    """Visible and hidden points of ``function``'s checks, graded as the grader does."""
    student = Student(namespace)
    with grading():
        return sum(registry.run(function, student).points for registry in (VISIBLE, HIDDEN))


def notebook(**functions: Callable[..., Any]) -> dict[str, Any]:
    """A notebook where every graded function is correct but ``functions``."""
    return {**{g.name: getattr(reference, g.name) for g in TABLE}, **functions}


TRIVIAL = [(g.name, label, body) for g in TABLE for label, body in members(g.name)]
ATTACKS = [(g.name, label, body) for g in TABLE for label, body in attacks(g.name)]


@pytest.mark.parametrize(("function", "label", "body"), TRIVIAL, ids=[f"{f}-{label}" for f, label, _ in TRIVIAL])
def test_a_trivial_body_earns_nothing(function: str, label: str, body: str) -> None:
    assert points(function, notebook(**{function: made(body)})) == 0.0


@pytest.mark.parametrize(("function", "label", "body"), ATTACKS, ids=[f"{f}-{label}" for f, label, _ in ATTACKS])
def test_an_in_place_attack_earns_nothing(function: str, label: str, body: str) -> None:
    assert points(function, notebook(**{function: made(body)})) == 0.0


def test_every_function_is_attacked_and_trivialized() -> None:
    assert {f for f, _, _ in TRIVIAL} == {g.name for g in TABLE}
    assert {f for f, _, _ in ATTACKS} >= {g.name for g in TABLE if g.name not in (
        "update_lr", "schedule_lr_decay", "exponential_lr_decay",  # numbers only: nothing to change in place
        "sample_hyperparameters")}  # a space of tuples and a generator, drawn from as the contract wants


@pytest.mark.parametrize("alternative", ALTERNATIVES, ids=lambda a: a.id)
def test_a_correct_alternative_earns_full_marks(alternative: Any) -> None:
    row = graded(alternative.function)
    assert points(alternative.function, alternative.define(notebook())) == row.points


# Through a worker: the same checks on proxies, in-place changes reported by the worker.

REMOTE = ("relu_backward", "linear_backward", "L_model_backward", "update_parameters_with_momentum",
          "dropout_forward", "batchnorm_forward", "batchnorm_backward")


@pytest.fixture(scope="module")
def unconfined() -> Iterator[WorkerFactory]:
    with WorkerFactory(insecure=True, limits=Limits(call_seconds=20)) as factory:
        yield factory


def remote_points(session: WorkerSession, function: str, definition: str) -> float:
    assert session.run_cell(definition, timeout=30).ok, definition
    return points(function, dict(session.functions()))


@pytest.mark.parametrize("function", REMOTE)
def test_through_a_worker_trivial_bodies_and_attacks_earn_nothing(unconfined: WorkerFactory, function: str) -> None:
    source = {"trivial.py": Path(trivial.__file__).read_bytes()}
    with unconfined.session(source) as session:
        assert session.run_cell(f"from reference import {', '.join(g.name for g in TABLE)}\nimport trivial",
                                timeout=30).ok
        makers = [body for label, body in members(function) if label in ("zeros", "noise", "stub")] + [
            body for _, body in attacks(function)]
        earned = {maker: remote_points(session, function, f"{function} = {maker}") for maker in makers}
    assert earned == dict.fromkeys(makers, 0.0)


@pytest.mark.parametrize("alternative", [a for a in ALTERNATIVES if a.function in REMOTE + (
    "random_mini_batches", "update_parameters_with_adam", "L_model_backward_with_regularization")], ids=lambda a: a.id)
def test_through_a_worker_a_correct_alternative_earns_full_marks(unconfined: WorkerFactory, alternative: Any) -> None:
    with unconfined.session() as session:
        assert session.run_cell(f"from reference import {', '.join(g.name for g in TABLE)}", timeout=30).ok
        earned = remote_points(session, alternative.function, alternative.cell())
    assert earned == graded(alternative.function).points


SELF_CONTAINED = {
    "relu_backward": "def relu_backward(dA, cache):\n    dA[...] = 0\n    return dA * (cache > 0)\n",
    "linear_forward": ("def linear_forward(A_prev, W, b):\n    A_prev[...] = 0\n"
                       "    return W @ A_prev + b, (A_prev, W, b)\n"),
    "L_model_backward": ("def L_model_backward(AL, Y, caches):\n    Y[...] = AL\n    grads = {}\n"
                         "    for l, ((A_prev, W, b), Z) in enumerate(caches, start=1):\n"
                         "        grads[f'dA{l - 1}'], grads[f'dW{l}'], grads[f'db{l}'] = (np.zeros_like(A_prev), "
                         "np.zeros_like(W), np.zeros_like(b))\n    return grads\n"),
    "update_parameters": ("def update_parameters(parameters, grads, learning_rate):\n"
                          "    for key in grads:\n        grads[key][...] = 0\n    return parameters\n"),
}


@pytest.mark.sandbox
@pytest.mark.skipif(check_available() is not None, reason=f"needs bubblewrap: {check_available()}")
def test_in_a_sandboxed_worker_in_place_attacks_earn_nothing() -> None:
    with WorkerFactory(limits=Limits(call_seconds=20)) as factory, factory.session() as session:
        assert session.run_cell("import numpy as np", timeout=30).ok
        earned = {f: remote_points(session, f, source) for f, source in SELF_CONTAINED.items()}
    assert earned == dict.fromkeys(SELF_CONTAINED, 0.0), inspect.cleandoc(str(earned))
