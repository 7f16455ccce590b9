"""Visible checks of L_p-regularized backward propagation, inverted dropout and early stopping (from the maths alone)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from dnn_checks import network_inputs, strategies
from dnn_checks.checks.costs import LAMBD, POWERS, lp_cost
from dnn_checks.compare import Failed, check_close, check_equal, check_parameters, check_shape, check_tuple
from dnn_checks.gradcheck import gradcheck
from dnn_checks.network_inputs import forward_caches, network_of
from dnn_checks.properties import gradcheck_failure, leaves_inputs_unchanged, stored_values, zero_upstream
from dnn_checks.registry import VISIBLE, Registry
from dnn_checks.runner import RecordingStudent
from dnn_checks.values import describe

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


def _p(inputs: dict[str, Any]) -> str:
    return f" (p = {inputs['p']})" if "p" in inputs else ""


def penalty_law(name: str, given: st.SearchStrategy[dict[str, Any]], slope: Callable[[Array, dict[str, Any]], Array], *,
                weight: float) -> None:
    """``name``: dW_l(lambd) - dW_l(0) = lambd / m * slope(W_l, inputs); db and dA do not change."""
    function = "L_model_backward_with_regularization"

    @VISIBLE.property(function, name, given=given, weight=weight)
    def _(student: RecordingStudent, **inputs: Any) -> None:
        shapes, m = gradient_keys(inputs["caches"]), inputs["Y"].shape[1]
        plain = check_parameters(student.call(function, *{**inputs, "lambd": 0.0}.values()), shapes,
                                 where=f"grads with lambd = 0{_p(inputs)}")
        grads = check_parameters(student.call(function, *inputs.values()), shapes, where=f"grads{_p(inputs)}")
        _, parameters = network_of(inputs["caches"])
        expected = {key: plain[key] + inputs["lambd"] / m * slope(parameters[key[1:]], inputs) if key.startswith("dW")
                    else plain[key] for key in shapes}
        check_close(expected, grads, where=f"grads{_p(inputs)}")


def gradients_against(registry: Registry, function: str, name: str, given: st.SearchStrategy[dict[str, Any]],
                      cost: Callable[[Array, dict[str, Array], dict[str, Any]], float], against: str, *,
                      weight: float = 1.0, dA0: bool = False) -> None:
    """``name``: the student's dW, db (and dA0, m times the gradient with respect to X, with ``dA0``) against
    central differences of ``cost(X, parameters, inputs)`` at the network of the drawn caches."""
    @registry.property(function, name, given=given, max_examples=3, weight=weight)
    def _(student: RecordingStudent, **inputs: Any) -> None:
        grads = check_parameters(student.call(function, *inputs.values()), gradient_keys(inputs["caches"]),
                                 where="grads")
        X, parameters = network_of(inputs["caches"])
        analytical = {f"d{key}": grads[f"d{key}"] for key in parameters} | ({"dX": grads["dA0"]} if dA0 else {})

        def f(X: Array = X, **params: Array) -> Array:
            return np.asarray(cost(X, params, inputs))
        result = gradcheck(f, {"X": X, **parameters} if dA0 else parameters, analytical, np.asarray(1.0), atol=1e-7,
                           scale={"dX": X.shape[1]})
        gradcheck_failure(result, against + _p(inputs))


def lp_network_cost(X: Array, parameters: dict[str, Array], inputs: dict[str, Any]) -> float:
    """The L_p-regularized cost (p = 2 without a drawn p) of the network at X."""
    return lp_cost(forward_caches(X, parameters)[0], inputs["Y"], parameters, inputs["lambd"], inputs.get("p", 2))


penalty_law("dW_l(lambd) - dW_l(0) = lambd / m * W_l; db and dA do not change", BACKWARD, lambda W, inputs: W,
            weight=2)
gradients_against(VISIBLE, "L_model_backward_with_regularization", "gradient check of dW, db against the regularized "
                  "cost", GRADCHECK, lp_network_cost, "the regularized cost", weight=2)


@st.composite
def sparse_backward(draw: st.DrawFn) -> dict[str, Any]:
    """BACKWARD's inputs with about a third of every W set to exactly 0 (where L1's gradient is 0), and p."""
    X, parameters, Y = draw(network_inputs.networks(max_layers=3))
    zeros = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    parameters = {key: np.where(zeros.random(value.shape) < 0.35, 0.0, value) if key.startswith("W") else value
                  for key, value in parameters.items()}
    AL, caches = forward_caches(X, parameters)
    assume(bool(np.all((AL > 1e-3) & (AL < 1 - 1e-3))))
    return {"AL": AL, "Y": Y, "caches": caches, "lambd": draw(LAMBD), "p": draw(POWERS)}


LP_BACKWARD = sparse_backward()


penalty_law("with p: dW_l(lambd) - dW_l(0) = lambd / m * sign(W_l) |W_l|^(p - 1), 0 where W_l = 0; db and dA do "
            "not change", LP_BACKWARD, lambda W, inputs: np.sign(W) * np.abs(W) ** (inputs["p"] - 1), weight=2)
LP_GRADCHECK = st.tuples(GRADCHECK, st.sampled_from([1.5, 3])).map(lambda drawn: {**drawn[0], "p": drawn[1]})
gradients_against(VISIBLE, "L_model_backward_with_regularization", "with p: gradient check of dW, db against the L_p "
                  "cost", LP_GRADCHECK, lp_network_cost, "the L_p cost")


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


def stopping_epochs(dev_costs: list[float], patience: int) -> tuple[int, int | None]:
    """(best, stop) by the definition: the first epoch of the lowest cost so far, the first epoch out of patience."""
    best = 0
    for epoch, cost in enumerate(dev_costs):
        best = epoch if cost < dev_costs[best] else best
        if epoch - best >= patience:
            return best, epoch
    return best, None


@st.composite
def dev_curves(draw: st.DrawFn) -> dict[str, Any]:
    """{"dev_costs": a list of 1 to 30 floats with ties (few distinct values), "patience": 1 to 5}."""
    level = st.integers(1, 9).map(lambda k: k / 10)
    return {"dev_costs": draw(st.lists(level, min_size=1, max_size=30)), "patience": draw(st.integers(1, 5))}


DEV_CURVES = dev_curves()


@VISIBLE.property("early_stopping", "(best, stop): best the first epoch of the lowest cost so far, stop the first "
                  "epoch with stop - best >= patience, else None", given=DEV_CURVES, max_examples=30, weight=2)
def _(student: RecordingStudent, dev_costs: list[float], patience: int) -> None:
    answer = check_tuple(student.call("early_stopping", dev_costs, patience), 2, where="the result of early_stopping")
    for name, expected, got in zip(("best", "stop"), stopping_epochs(dev_costs, patience), answer):
        if not (got is None if expected is None else type(got) in (int, float) and got == expected):
            raise Failed(f"for dev_costs = {dev_costs} and patience = {patience}, {name} should be {expected}, got "
                         f"{describe(got)}")


stored_values(VISIBLE, "early_stopping")
leaves_inputs_unchanged(VISIBLE, "early_stopping", DEV_CURVES)
