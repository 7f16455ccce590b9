"""Visible checks of the L-layer network: initialization, forward, cost, backward, update, gradient check."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from dnn_checks import expected, strategies
from dnn_checks.compare import Failed, check_close, check_equal, check_float, check_shape, check_tuple
from dnn_checks.gradcheck import gradcheck
from dnn_checks.properties import gradcheck_failure, leaves_inputs_unchanged, stored_values
from dnn_checks.registry import VISIBLE
from dnn_checks.runner import EXPECTED, RecordingStudent
from dnn_checks.statistics import check_normal
from dnn_checks.values import describe

Array = np.ndarray
Params = dict[str, Array]

NETWORK = strategies.networks().map(lambda net: {"X": net[0], "parameters": net[1]})
SMALL_NETWORK = strategies.networks(max_layers=2, min_m=2, max_m=3).map(
    lambda net: dict(zip(("X", "parameters", "Y"), net)))
COST_INPUTS = {"AL": strategies.matrices(st.tuples(st.just(1), st.shared(st.integers(1, 5), key="m")),
                                         elements=strategies.probabilities()),
               "Y": strategies.labels(st.tuples(st.just(1), st.shared(st.integers(1, 5), key="m")))}
#: Layer sizes large enough to judge He initialization's statistics (30 000 and 15 000 weights).
STATISTICS_DIMS = [200, 150, 100]


def parameter_shapes(dims: list[int]) -> dict[str, tuple[int, int]]:
    """{"W1": (n1, n0), "b1": (n1, 1), ...}."""
    return {key: shape for l in range(1, len(dims))
            for key, shape in ((f"W{l}", (dims[l], dims[l - 1])), (f"b{l}", (dims[l], 1)))}


def check_parameters(value: Any, shapes: dict[str, tuple[int, ...]], *, where: str) -> Params:
    """Raise Failed unless ``value`` is a dict with exactly the keys of ``shapes``, float arrays of those shapes."""
    if not isinstance(value, dict):
        raise Failed(f"{where} should be a dict, got {describe(value)}")
    if set(value) != set(shapes):
        raise Failed(f"{where} should have exactly the keys {sorted(shapes)}, got {sorted(value)}")
    return {key: check_shape(value[key], shape, where=f"{where}[{key!r}]") for key, shape in shapes.items()}


def unpack_cache(cache: Any, *, where: str) -> tuple[Any, Any, Any, Any]:
    """(A_prev, W, b, Z) from a linear-activation cache ((A_prev, W, b), Z), or Failed."""
    linear_cache, Z = check_tuple(cache, 2, where=where)
    A_prev, W, b = check_tuple(linear_cache, 3, where=f"{where}[0]")
    return A_prev, W, b, Z


@st.composite
def update_inputs(draw: st.DrawFn) -> dict[str, Any]:
    """{"parameters", "grads" (with dA keys too), "learning_rate"}."""
    dims = draw(strategies.layer_dims())
    parameters = draw(strategies.parameters(dims))
    grads = {f"d{key}": draw(strategies.matrices(value.shape)) for key, value in parameters.items()}
    grads["dA0"] = draw(strategies.matrices((dims[0], 1)))
    return {"parameters": parameters, "grads": grads, "learning_rate": draw(strategies.floats(min_value=1e-3,
                                                                                              max_value=1.0))}


@VISIBLE.property("initialize_parameters_deep", "W_l of shape (n_l, n_{l-1}), b_l zeros of shape (n_l, 1)",
                  given={"layer_dims": strategies.layer_dims(), "seed": st.integers(0, 99)})
def _(student: RecordingStudent, layer_dims: list[int], seed: int) -> None:
    parameters = check_parameters(student.call("initialize_parameters_deep", layer_dims, seed),
                                  parameter_shapes(layer_dims), where="parameters")
    for l in range(1, len(layer_dims)):
        check_equal(np.zeros((layer_dims[l], 1)), parameters[f"b{l}"], where=f"b{l}")


@VISIBLE.property("initialize_parameters_deep", "the same seed gives the same parameters, another seed others",
                  given={"layer_dims": strategies.layer_dims(), "seed": st.integers(0, 99)}, max_examples=3)
def _(student: RecordingStudent, layer_dims: list[int], seed: int) -> None:
    shapes = parameter_shapes(layer_dims)
    first = check_parameters(student.call("initialize_parameters_deep", layer_dims, seed), shapes, where="parameters")
    check_equal(first, student.call("initialize_parameters_deep", layer_dims, seed),
                where=f"a second call with seed={seed}")
    other = check_parameters(student.call("initialize_parameters_deep", layer_dims, seed + 1), shapes,
                             where="parameters")
    if np.array_equal(other["W1"], first["W1"]):
        raise Failed(f"seeds {seed} and {seed + 1} give the same W1: use the seed argument")


@VISIBLE.property("initialize_parameters_deep", "W_l ~ N(0, 2 / n_{l-1}) (He initialization), default seed",
                  cases=lambda: [{"layer_dims": STATISTICS_DIMS}], weight=2)
def _(student: RecordingStudent, layer_dims: list[int]) -> None:
    parameters = check_parameters(student.call("initialize_parameters_deep", layer_dims),
                                  parameter_shapes(layer_dims), where="parameters")
    for l in range(1, len(layer_dims)):
        check_normal(parameters[f"W{l}"], np.sqrt(2.0 / layer_dims[l - 1]), where=f"W{l}")


@VISIBLE.property("L_model_forward", "returns (AL, caches): AL of shape (1, m), one cache ((A_prev, W, b), Z) "
                  "per layer, chained by ReLU, AL = sigmoid(Z_L)", given=NETWORK, weight=2)
def _(student: RecordingStudent, X: Array, parameters: Params) -> None:
    AL, caches = check_tuple(student.call("L_model_forward", X, parameters), 2, where="the result of L_model_forward")
    L = len(parameters) // 2
    check_shape(AL, (1, X.shape[1]), where="AL")
    A = X
    for l, cache in enumerate(check_tuple(caches, L, where="caches"), start=1):
        A_prev, W, b, Z = unpack_cache(cache, where=f"caches[{l - 1}]")
        check_equal((A, parameters[f"W{l}"], parameters[f"b{l}"]), (A_prev, W, b), where=f"caches[{l - 1}][0]")
        check_close(W @ A_prev + b, Z, where=f"Z of layer {l} (caches[{l - 1}][1])")
        A = np.where(Z > 0, Z, 0.0) if l < L else 1.0 / (1.0 + np.exp(-Z))
    check_close(A, AL, where="AL")


@VISIBLE.property("compute_cost", "returns a float (or a 0-d array)", given=COST_INPUTS)
def _(student: RecordingStudent, AL: Array, Y: Array) -> None:
    check_float(student.call("compute_cost", AL, Y), where="the cost")


@VISIBLE.property("compute_cost", "J = -1/m sum(Y log(AL) + (1 - Y) log(1 - AL))", given=COST_INPUTS, weight=2)
def _(student: RecordingStudent, AL: Array, Y: Array) -> None:
    J = -np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))
    check_close(J, check_float(student.call("compute_cost", AL, Y), where="the cost"), where="the cost")


@VISIBLE.property("L_model_backward", "grads has exactly dA0..dA{L-1}, dW1..dWL, db1..dbL of the right shapes",
                  given=SMALL_NETWORK)
def _(student: RecordingStudent, X: Array, parameters: Params, Y: Array) -> None:
    AL, caches = check_tuple(student.call("L_model_forward", X, parameters), 2, where="your L_model_forward")
    grads = student.call("L_model_backward", AL, Y, caches)
    L = len(parameters) // 2
    shapes = {f"d{key}": value.shape for key, value in parameters.items()}
    check_parameters(grads, {**shapes, **{f"dA{l}": (parameters[f"W{l + 1}"].shape[1], X.shape[1])
                                          for l in range(L)}}, where="grads")


@VISIBLE.property("L_model_backward", "gradient check of dW, db against your L_model_forward and compute_cost",
                  given=SMALL_NETWORK, max_examples=4, weight=3)
def _(student: RecordingStudent, X: Array, parameters: Params, Y: Array) -> None:
    AL, caches = check_tuple(student.call("L_model_forward", X, parameters), 2, where="your L_model_forward")
    assume(all(np.abs(np.asarray(cache[1], dtype=float)).min() > 1e-3 for cache in caches[:-1]))  # off the kink
    grads = student.call("L_model_backward", AL, Y, caches)
    if not isinstance(grads, dict):
        raise Failed(f"grads should be a dict, got {describe(grads)}")

    def cost(**params: Array) -> float:
        AL, _ = check_tuple(student.call("L_model_forward", X, params), 2, where="your L_model_forward")
        return check_float(student.call("compute_cost", AL, Y), where="your compute_cost")
    analytical = {f"d{key}": grads.get(f"d{key}") for key in parameters}
    gradcheck_failure(gradcheck(cost, parameters, analytical, 1.0, atol=1e-7), "your L_model_forward and compute_cost")


@VISIBLE.property("update_parameters", "returns parameters with exactly their keys and shapes (grads' dA ignored)",
                  given=update_inputs())
def _(student: RecordingStudent, parameters: Params, grads: Params, learning_rate: float) -> None:
    shapes = {key: value.shape for key, value in parameters.items()}
    check_parameters(student.call("update_parameters", parameters, grads, learning_rate), shapes, where="parameters")


@VISIBLE.property("update_parameters", "W = W - learning_rate * dW, b = b - learning_rate * db",
                  given=update_inputs(), weight=2)
def _(student: RecordingStudent, parameters: Params, grads: Params, learning_rate: float) -> None:
    updated = {key: value - learning_rate * grads[f"d{key}"] for key, value in parameters.items()}
    check_close(updated, student.call("update_parameters", parameters, grads, learning_rate), where="parameters")


@VISIBLE.property("gradient_check_n", "correct gradients give a difference below 1e-6 (epsilon = 1e-7)",
                  cases=lambda: [{**{k: v for k, v in case.items() if k != EXPECTED}, "epsilon": 1e-7}
                                 for case in expected.cases("gradient_check_n")[:1]])
def _(student: RecordingStudent, **inputs: Any) -> None:
    difference = check_float(student.call("gradient_check_n", *inputs.values()), where="the difference")
    if not 0 <= difference < 1e-6:
        raise Failed(f"the difference for correct gradients should be below 1e-6, got {difference!r}")


for _function in ("L_model_forward", "compute_cost", "L_model_backward", "update_parameters"):
    stored_values(VISIBLE, _function)
stored_values(VISIBLE, "gradient_check_n", rtol=1e-5, weight=2)
leaves_inputs_unchanged(VISIBLE, "L_model_forward", NETWORK)
leaves_inputs_unchanged(VISIBLE, "compute_cost", COST_INPUTS)


@VISIBLE.property("L_model_backward", "gives the same result twice and leaves AL, Y and caches unchanged",
                  given=SMALL_NETWORK, max_examples=3)
def _(student: RecordingStudent, X: Array, parameters: Params, Y: Array) -> None:
    inputs = check_tuple(student.call("L_model_forward", X, parameters), 2, where="your L_model_forward") + (Y,)
    AL, caches, Y = inputs
    before = copy.deepcopy(inputs)
    first = student.call("L_model_backward", AL, Y, caches)
    check_equal(before, (AL, caches, Y), where="L_model_backward modified its arguments in place: (AL, caches, Y)")
    check_equal(first, student.call("L_model_backward", AL, Y, caches), where="the second call of L_model_backward")


@VISIBLE.property("update_parameters", "leaves grads unchanged (only parameters may be updated in place)",
                  given=update_inputs(), weight=0.5, max_examples=3)
def _(student: RecordingStudent, parameters: Params, grads: Params, learning_rate: float) -> None:
    before = copy.deepcopy(grads)
    student.call("update_parameters", parameters, grads, learning_rate)
    check_equal(before, grads, where="update_parameters modified grads in place: grads")
