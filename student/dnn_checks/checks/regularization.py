"""Visible checks of L_p-regularized backward propagation, inverted dropout and early stopping (from the maths alone)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from dnn_checks import network_inputs, strategies
from dnn_checks.checks.costs import LAMBD, POWERS, lp_cost
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


def regularized_cost(X: Array, parameters: Params, Y: Array, lambd: float, p: float = 2) -> float:
    """The L_p-regularized cross-entropy (p = 2: L2) of ReLU layers then a sigmoid."""
    return lp_cost(forward_caches(X, parameters)[0], Y, parameters, lambd, p)


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


def penalty_law(name: str, given: st.SearchStrategy[dict[str, Any]],
                slope: Callable[[Array, dict[str, Any]], Array]) -> None:
    """A gate, ``name``: dW_l(lambd) - dW_l(0) = lambd / m * slope(W_l, inputs); db and dA do not change (the
    student's outputs agree with each other; the gradient checks judge their values)."""
    function = "L_model_backward_with_regularization"

    @VISIBLE.property(function, name, role="gate", given=given)
    def _(student: RecordingStudent, **inputs: Any) -> None:
        where = f" (p = {inputs['p']})" if "p" in inputs else ""
        shapes, m = gradient_shapes(inputs["caches"]), inputs["Y"].shape[1]
        plain = check_parameters(student.call(function, *{**inputs, "lambd": 0.0}.values()), shapes,
                                 where=f"grads with lambd = 0{where}")
        grads = check_parameters(student.call(function, *inputs.values()), shapes, where=f"grads{where}")
        _, parameters = network_of(inputs["caches"])
        expected = {key: plain[key] + inputs["lambd"] / m * slope(parameters[key[1:]], inputs)
                    if key.startswith("dW") else plain[key] for key in shapes}
        check_close(expected, grads, where=f"grads{where}")


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


def lp_gradients(AL: Array, Y: Array, caches: list, lambd: float, p: float = 2) -> dict[str, Array]:
    """The L_p-regularized gradients from trusted maths: the backward pass of ``caches`` plus
    lambd / m * sign(W) |W|^(p - 1) on every dW (0 where W = 0)."""
    X, parameters = network_of(caches)
    grads = network_inputs.network_gradients(X, parameters, Y)
    m = Y.shape[1]
    for key, W in parameters.items():
        if key.startswith("W"):
            grads[f"d{key}"] = grads[f"d{key}"] + lambd / m * np.sign(W) * np.abs(W) ** (p - 1)
    return grads


LP_BACKWARD = sparse_backward()
LP_GRADCHECK = st.tuples(GRADCHECK, st.sampled_from([1.5, 3])).map(lambda drawn: {**drawn[0], "p": drawn[1]})


def _inputs(rng: np.random.Generator) -> list[dict[str, Any]]:
    """Without p (Part B), then L1 with some weights exactly 0 (their gradient gets no L1 term), and p = 3."""
    X, parameters, Y = random_network(rng, [4, 3, 2, 1], 5)
    AL, caches = forward_caches(X, parameters)
    sparse = {**parameters, "W1": np.where(np.arange(12).reshape(3, 4) % 3 == 0, 0.0, parameters["W1"])}
    AL_sparse, sparse_caches = forward_caches(X, sparse)
    return [{"AL": AL, "Y": Y, "caches": caches, "lambd": 0.7},
            {"AL": AL_sparse, "Y": Y, "caches": sparse_caches, "lambd": 0.7, "p": 1},
            {"AL": AL, "Y": Y, "caches": caches, "lambd": 0.3, "p": 3}]


def _dropout_backward_inputs(rng: np.random.Generator) -> list[dict[str, Any]]:
    return [{"dA": rng.standard_normal((3, 4)), "D": rng.random((3, 4)) < 0.7, "keep_prob": 0.7}]


returns_like(VISIBLE, "L_model_backward_with_regularization", "grads has exactly dA0..dA{L-1}, dW1..dWL, db1..dbL "
             "of the right shapes", BACKWARD, zero_gradients)


penalty_law("dW_l(lambd) - dW_l(0) = lambd / m * W_l; db and dA do not change", BACKWARD, lambda W, inputs: W)
penalty_law("with p: dW_l(lambd) - dW_l(0) = lambd / m * sign(W_l) |W_l|^(p - 1), 0 where W_l = 0; db and dA do "
            "not change", LP_BACKWARD, lambda W, inputs: np.sign(W) * np.abs(W) ** (inputs["p"] - 1))
network_gradcheck(VISIBLE, "L_model_backward_with_regularization", GRADCHECK, regularized_cost,
                  "the regularized cost", weight=2)
network_gradcheck(VISIBLE, "L_model_backward_with_regularization", LP_GRADCHECK, regularized_cost,
                  "the L_p cost", weight=1, prefix="with p: ")
matches(VISIBLE, "L_model_backward_with_regularization", "with p: the backward pass plus lambd / m * sign(W_l) "
        "|W_l|^(p - 1) on every dW_l (L1 included, weights exactly 0 included)", LP_BACKWARD, lp_gradients, weight=1)
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


def _early_stopping_inputs(rng: np.random.Generator) -> list[dict[str, Any]]:
    """A U-shaped curve, a flat one (ties), then two noisy curves with ties drawn from ``rng``."""
    noisy = [{"dev_costs": (rng.integers(1, 10, size=int(rng.integers(6, 15))) / 10).tolist(),
              "patience": int(rng.integers(1, 4))} for _ in range(2)]
    return [{"dev_costs": [1.0, 0.8, 0.6, 0.65, 0.7, 0.75, 0.9], "patience": 3},
            {"dev_costs": [0.5, 0.5, 0.5, 0.5], "patience": 2}, *noisy]


DEV_CURVES = dev_curves()
matches(VISIBLE, "early_stopping", "(best, stop): best the first epoch of the lowest cost so far, stop the first "
        "epoch with stop - best >= patience, else None", DEV_CURVES, stopping_epochs, max_examples=30)
stored_values(VISIBLE, "early_stopping", _early_stopping_inputs)
