"""Visible checks of L2-regularized backward propagation and inverted dropout (from the maths alone)."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

from dnn_checks import network_inputs, strategies
from dnn_checks.checks.costs import LAMBD, l2_cost
from dnn_checks.checks.layers import network_gradcheck, zero_gradients
from dnn_checks.compare import Failed, check_close, check_equal, check_parameters, check_shape, returned
from dnn_checks.network_inputs import forward_caches, gradient_shapes, network_of, random_network
from dnn_checks.properties import matches, returns_like, stored_values, zero_upstream
from dnn_checks.registry import VISIBLE, Registry
from dnn_checks.runner import RecordingStudent

Array = np.ndarray
Params = dict[str, Array]


def _with_lambd(inputs: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.tuples(inputs, LAMBD).map(lambda drawn: {**drawn[0], "lambd": drawn[1]})


BACKWARD = _with_lambd(network_inputs.networks_with_caches())
GRADCHECK = _with_lambd(network_inputs.networks_with_caches(min_layers=2, max_layers=3, gap=1e-3))
DROPOUT_BACKWARD = network_inputs.dropout_gradients()


def regularized_cost(X: Array, parameters: Params, Y: Array, lambd: float) -> float:
    """The L2-regularized cross-entropy of ReLU layers then a sigmoid."""
    return l2_cost(forward_caches(X, parameters)[0], Y, parameters, lambd)


def dropout_mask(student: RecordingStudent, A: Array, keep_prob: float,
                 rng: np.random.Generator) -> tuple[Array, Array, np.random.Generator]:
    """(A_drop, D as floats, rng after the call): both of A's shape, D made of 0 and 1 (or booleans)."""
    record = student.record("dropout_forward", A, keep_prob, rng)
    A_drop, D = returned("dropout_forward", record.output)
    check_shape(A_drop, A.shape, where="A_drop")
    if not isinstance(D, np.ndarray) or D.shape != A.shape:
        raise Failed(f"D should be an array of shape {A.shape}, got {getattr(D, 'shape', type(D).__name__)}")
    if not np.isin(D, (0, 1)).all():
        raise Failed("D should hold only 0 and 1 (or False and True): the keep-mask, rng.random(A.shape) < keep_prob")
    return A_drop, D.astype(np.float64), record.after("rng")


def inverted_dropout(registry: Registry, given: Any, *, weight: float = 1.0, max_examples: int | None = None) -> None:
    """A gate: A_drop = A * D / keep_prob, D a 0/1 mask of A's shape (the outputs agree with each other)."""
    @registry.property("dropout_forward", "returns (A_drop, D): D a 0/1 mask of A's shape, A_drop = A * D / keep_prob",
                       role="gate", given=given, weight=weight, max_examples=max_examples)
    def _(student: RecordingStudent, A: Array, keep_prob: float, rng: np.random.Generator) -> None:
        A_drop, D, _ = dropout_mask(student, A, keep_prob, rng)
        check_close(A * D / keep_prob, A_drop, where="A_drop")


def kept_fraction(D: Array, keep_prob: float) -> None:
    """Raise Failed unless D keeps about keep_prob of the units (8 standard errors over its 50 000 draws)."""
    kept, bound = float(D.mean()), 8 * np.sqrt(keep_prob * (1 - keep_prob) / D.size)
    if abs(kept - keep_prob) > bound:
        raise Failed(f"D keeps {kept:.4f} of the units, keep_prob is {keep_prob}: keep a unit where "
                     "rng.random(A.shape) < keep_prob")


def _inputs(rng: np.random.Generator) -> list[dict[str, Any]]:
    X, parameters, Y = random_network(rng, [4, 3, 2, 1], 5)
    AL, caches = forward_caches(X, parameters)
    return [{"AL": AL, "Y": Y, "caches": caches, "lambd": 0.7}]


def _dropout_backward_inputs(rng: np.random.Generator) -> list[dict[str, Any]]:
    return [{"dA": rng.standard_normal((3, 4)), "D": rng.random((3, 4)) < 0.7, "keep_prob": 0.7}]


returns_like(VISIBLE, "L_model_backward_with_regularization", "grads has exactly dA0..dA{L-1}, dW1..dWL, db1..dbL "
             "of the right shapes", BACKWARD, zero_gradients)


@VISIBLE.property("L_model_backward_with_regularization", "dW_l(lambd) - dW_l(0) = lambd / m * W_l; "
                  "db and dA do not change", role="gate", given=BACKWARD)
def _(student: RecordingStudent, AL: Array, Y: Array, caches: list, lambd: float) -> None:
    shapes = gradient_shapes(caches)
    plain = check_parameters(student.call("L_model_backward_with_regularization", AL, Y, caches, 0.0), shapes,
                             where="grads with lambd = 0")
    grads = check_parameters(student.call("L_model_backward_with_regularization", AL, Y, caches, lambd), shapes,
                             where="grads")
    _, parameters = network_of(caches)
    expected = {key: plain[key] + lambd / Y.shape[1] * parameters[key[1:]] if key.startswith("dW") else plain[key]
                for key in shapes}
    check_close(expected, grads, where="grads")


network_gradcheck(VISIBLE, "L_model_backward_with_regularization", GRADCHECK, regularized_cost,
                  "the regularized cost", weight=2)
stored_values(VISIBLE, "L_model_backward_with_regularization", _inputs)


@st.composite
def dropout_inputs(draw: st.DrawFn) -> dict[str, Any]:
    """{"A", "keep_prob", "rng"}: a small A, keep_prob in [0.5, 1], a seeded Generator."""
    A = draw(strategies.matrices())
    keep_prob = draw(st.sampled_from([0.5, 0.7, 0.8, 0.95, 1.0]))
    return {"A": A, "keep_prob": keep_prob, "rng": np.random.default_rng(draw(st.integers(0, 2**32 - 1)))}


inverted_dropout(VISIBLE, dropout_inputs(), weight=2)


@VISIBLE.property("dropout_forward", "keeps about keep_prob of the units (each one independently), "
                  "A_drop = A * D / keep_prob", role="value", given=network_inputs.large_activations(),
                  max_examples=2, weight=2)
def _(student: RecordingStudent, A: Array, keep_prob: float, rng: np.random.Generator) -> None:
    A_drop, D, _ = dropout_mask(student, A, keep_prob, rng)
    kept_fraction(D, keep_prob)
    check_close(A * D / keep_prob, A_drop, where="A_drop")


@VISIBLE.property("dropout_forward", "draws from rng: the same generator state gives the same mask, the next "
                  "call another one", role="gate", given=network_inputs.large_activations(), max_examples=1)
def _(student: RecordingStudent, A: Array, keep_prob: float, rng: np.random.Generator) -> None:
    _, first, after = dropout_mask(student, A, keep_prob, rng)
    _, again, _ = dropout_mask(student, A, keep_prob, rng)
    _, second, _ = dropout_mask(student, A, keep_prob, after)
    if np.array_equal(first, second):
        raise Failed("a call with the generator as the first call left it gave the same mask: draw the mask "
                     "from rng (rng.random(A.shape))")
    check_equal(first, again, where="D from a generator in the same state as the first call's")


matches(VISIBLE, "dropout_backward", "dA_prev = dA * D / keep_prob (D boolean or 0/1)", DROPOUT_BACKWARD,
        lambda dA, D, keep_prob: dA * D / keep_prob)
stored_values(VISIBLE, "dropout_backward", _dropout_backward_inputs)
zero_upstream(VISIBLE, "dropout_backward", DROPOUT_BACKWARD, "dA")
