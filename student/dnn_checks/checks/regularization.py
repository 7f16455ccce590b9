"""Visible checks of L2-regularized backward propagation and inverted dropout (from the maths alone)."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
from hypothesis import strategies as st

from dnn_checks import network_inputs, strategies
from dnn_checks.checks.costs import LAMBD, l2_cost
from dnn_checks.compare import Failed, check_close, check_equal, check_parameters, check_shape, check_tuple
from dnn_checks.gradcheck import gradcheck
from dnn_checks.network_inputs import forward_caches, network_of
from dnn_checks.properties import gradcheck_failure, leaves_inputs_unchanged, stored_values, zero_upstream
from dnn_checks.registry import VISIBLE
from dnn_checks.runner import RecordingStudent

Array = np.ndarray


BACKWARD = st.tuples(network_inputs.networks_with_caches(), LAMBD).map(lambda drawn: {**drawn[0], "lambd": drawn[1]})


GRADCHECK = st.tuples(network_inputs.networks_with_caches(max_layers=2, gap=1e-3), LAMBD).map(
    lambda drawn: {**drawn[0], "lambd": drawn[1]})


def gradient_keys(caches: list) -> dict[str, tuple[int, ...]]:
    """The shapes of dA0..dA{L-1}, dW1..dWL, db1..dbL for these caches."""
    shapes: dict[str, tuple[int, ...]] = {}
    for l, ((A_prev, W, b), _) in enumerate(caches, start=1):
        shapes.update({f"dA{l - 1}": A_prev.shape, f"dW{l}": W.shape, f"db{l}": b.shape})
    return shapes


@VISIBLE.property("L_model_backward_with_regularization", "grads has exactly dA0..dA{L-1}, dW1..dWL, db1..dbL "
                  "of the right shapes", given=BACKWARD)
def _(student: RecordingStudent, AL: Array, Y: Array, caches: list, lambd: float) -> None:
    grads = student.call("L_model_backward_with_regularization", AL, Y, caches, lambd)
    check_parameters(grads, gradient_keys(caches), where="grads")


@VISIBLE.property("L_model_backward_with_regularization", "dW_l(lambd) - dW_l(0) = lambd / m * W_l; "
                  "db and dA do not change", given=BACKWARD, weight=2)
def _(student: RecordingStudent, AL: Array, Y: Array, caches: list, lambd: float) -> None:
    shapes = gradient_keys(caches)
    plain = check_parameters(student.call("L_model_backward_with_regularization", AL, Y, caches, 0.0), shapes,
                             where="grads with lambd = 0")
    grads = check_parameters(student.call("L_model_backward_with_regularization", AL, Y, caches, lambd), shapes,
                             where="grads")
    _, parameters = network_of(caches)
    expected = {key: plain[key] + lambd / Y.shape[1] * parameters[key[1:]] if key.startswith("dW") else plain[key]
                for key in shapes}
    check_close(expected, grads, where="grads")


@VISIBLE.property("L_model_backward_with_regularization", "gradient check of dW, db against the regularized cost",
                  given=GRADCHECK, max_examples=3, weight=2)
def _(student: RecordingStudent, AL: Array, Y: Array, caches: list, lambd: float) -> None:
    grads = check_parameters(student.call("L_model_backward_with_regularization", AL, Y, caches, lambd),
                             gradient_keys(caches), where="grads")
    X, parameters = network_of(caches)

    def cost(**params: Array) -> Array:
        return np.asarray(l2_cost(forward_caches(X, params)[0], Y, params, lambd))
    analytical = {f"d{key}": grads[f"d{key}"] for key in parameters}
    gradcheck_failure(gradcheck(cost, parameters, analytical, np.asarray(1.0), atol=1e-7), "the regularized cost")


stored_values(VISIBLE, "L_model_backward_with_regularization")


@st.composite
def dropout_inputs(draw: st.DrawFn) -> dict[str, Any]:
    """{"A", "keep_prob", "rng"}: a small A, keep_prob in [0.5, 1], a seeded Generator."""
    A = draw(strategies.matrices())
    keep_prob = draw(st.sampled_from([0.5, 0.7, 0.8, 0.95, 1.0]))
    return {"A": A, "keep_prob": keep_prob, "rng": np.random.default_rng(draw(st.integers(0, 2**32 - 1)))}


def dropout_result(student: RecordingStudent, A: Array, keep_prob: float,
                   rng: np.random.Generator) -> tuple[Array, Array]:
    """(A_drop, D as floats), both of A's shape; D made of 0 and 1 (or booleans)."""
    A_drop, D = check_tuple(student.call("dropout_forward", A, keep_prob, rng), 2, where="the result of "
                                                                                         "dropout_forward")
    check_shape(A_drop, A.shape, where="A_drop")
    if not isinstance(D, np.ndarray) or D.shape != A.shape:
        raise Failed(f"D should be an array of shape {A.shape}, got {getattr(D, 'shape', type(D).__name__)}")
    if not np.isin(D, (0, 1)).all():
        raise Failed("D should hold only 0 and 1 (or False and True): the keep-mask, rng.random(A.shape) < keep_prob")
    return A_drop, D.astype(np.float64)


@VISIBLE.property("dropout_forward", "returns (A_drop, D): D a 0/1 mask of A's shape, A_drop = A * D / keep_prob",
                  given=dropout_inputs(), weight=2)
def _(student: RecordingStudent, A: Array, keep_prob: float, rng: np.random.Generator) -> None:
    A_drop, D = dropout_result(student, A, keep_prob, rng)
    check_close(A * D / keep_prob, A_drop, where="A_drop")


@VISIBLE.property("dropout_forward", "keeps about keep_prob of the units (each one independently)",
                  given=network_inputs.large_activations(), max_examples=2, weight=2)
def _(student: RecordingStudent, A: Array, keep_prob: float, rng: np.random.Generator) -> None:
    _, D = dropout_result(student, A, keep_prob, rng)
    kept, bound = float(D.mean()), 8 * np.sqrt(keep_prob * (1 - keep_prob) / D.size)
    if abs(kept - keep_prob) > bound:
        raise Failed(f"D keeps {kept:.4f} of the units, keep_prob is {keep_prob}: keep a unit where "
                     "rng.random(A.shape) < keep_prob")


@VISIBLE.property("dropout_forward", "draws from rng: the same generator state gives the same mask, the next "
                  "call another one", given=network_inputs.large_activations(), max_examples=1)
def _(student: RecordingStudent, A: Array, keep_prob: float, rng: np.random.Generator) -> None:
    twin = copy.deepcopy(rng)
    _, first = dropout_result(student, A, keep_prob, rng)
    _, second = dropout_result(student, A, keep_prob, rng)
    _, again = dropout_result(student, A, keep_prob, twin)
    if np.array_equal(first, second):
        raise Failed("two calls with the same rng gave the same mask: draw it from rng (rng.random(A.shape))")
    check_equal(first, again, where="D from a generator in the same state as the first call's")


DROPOUT_BACKWARD = network_inputs.dropout_gradients()


@VISIBLE.property("dropout_backward", "dA_prev = dA * D / keep_prob (D boolean or 0/1)", given=DROPOUT_BACKWARD,
                  weight=2)
def _(student: RecordingStudent, dA: Array, D: Array, keep_prob: float) -> None:
    dA_prev = check_shape(student.call("dropout_backward", dA, D, keep_prob), dA.shape, where="dA_prev")
    check_close(dA * D / keep_prob, dA_prev, where="dA_prev")


stored_values(VISIBLE, "dropout_backward")
zero_upstream(VISIBLE, "dropout_backward", DROPOUT_BACKWARD, "dA")


leaves_inputs_unchanged(VISIBLE, "dropout_backward", DROPOUT_BACKWARD)
