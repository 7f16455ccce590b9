"""Visible checks of composing networks: concatenating two branches and weighting one (from the maths alone).

The caches are the student's own (the contract fixes no layout): a forward is called with
``opaque=(1,)`` and its cache goes back, untouched, to the student's backward. When the student's
forward fails, the backward gets the layout the notebook describes instead, so that it is judged
on its own. Each property states the law of its function against what the check computes from
its own inputs; the shapes are part of that law.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import strategies as st

from dnn_checks import strategies
from dnn_checks.compare import Failed, check_close, check_tuple
from dnn_checks.properties import stored_values
from dnn_checks.registry import VISIBLE, Registry
from dnn_checks.runner import RecordingStudent
from dnn_checks.student import StudentCrash, StudentFailure, StudentTimeout

Array = np.ndarray
#: The cache layouts the notebook describes, from the forward's inputs: ``(n1, n2)``, ``alpha``.
DOCUMENTED = {"concat": lambda A1, A2: (A1.shape[0], A2.shape[0]), "scale": lambda A, alpha: alpha}
#: What the diagnosis replays a backward's mistakes on in place of the student's own cache: the documented
#: contents as a tuple, ``(n1, n2)`` and ``(alpha,)``.
TRUSTED = {"concat": DOCUMENTED["concat"], "scale": lambda A, alpha: (alpha,)}
#: The names of each function's outputs in messages (the forwards' caches are not compared).
OUTPUTS = {"concat_forward": ("A",), "scale_forward": ("A_scaled",), "concat_backward": ("dA1", "dA2"),
           "scale_backward": ("dA_prev",)}


@st.composite
def branches(draw: st.DrawFn, *, max_side: int = strategies.MAX_SIDE) -> dict[str, Array]:
    """{"A1": (n1, m), "A2": (n2, m)}: two branches' activations over the same m examples."""
    n1, n2, m = (draw(st.integers(1, max_side)) for _ in range(3))
    return {"A1": draw(strategies.matrices((n1, m))), "A2": draw(strategies.matrices((n2, m)))}


def weighted(alphas: st.SearchStrategy[float]) -> st.SearchStrategy[dict[str, Any]]:
    """{"A": (n, m), "alpha"}: a branch's activations and its weight."""
    return strategies.named({"A": strategies.matrices(), "alpha": alphas})


def with_upstream(forward_inputs: st.SearchStrategy[dict[str, Any]],
                  shape: Callable[[dict[str, Any]], tuple[int, int]]) -> st.SearchStrategy[dict[str, Any]]:
    """The forward's inputs and "dA", a gradient of the shape of the forward's output."""
    return forward_inputs.flatmap(lambda d: strategies.matrices(shape(d)).map(lambda dA: {**d, "dA": dA}))


def stacked(A1: Array, A2: Array) -> Array:
    """[A1; A2]: (n1 + n2, m)."""
    return np.concatenate([A1, A2], axis=0)


def split(A1: Array, A2: Array, dA: Array) -> tuple[Array, Array]:
    """(dA[:n1], dA[n1:])."""
    return dA[:A1.shape[0]], dA[A1.shape[0]:]


def scaled(A: Array, alpha: float) -> Array:
    return alpha * A


def scaled_gradient(A: Array, alpha: float, dA: Array) -> Array:
    return alpha * dA


def check_outputs(function: str, answer: Array | tuple[Array, ...], got: Any) -> None:
    """Raise Failed unless ``got`` is ``answer`` (an array, or a tuple of them), each output by its name."""
    names = OUTPUTS[function]
    answers = answer if isinstance(answer, tuple) else (answer,)
    outputs = check_tuple(got, len(names), where=f"the result of {function}") if len(names) > 1 else (got,)
    for name, expected_output, output in zip(names, answers, outputs):
        check_close(expected_output, output, where=name)


def cache_of(student: RecordingStudent, layer: str, inputs: dict[str, Any]) -> Any:
    """The cache of the student's ``<layer>_forward`` on ``inputs`` (opaque), or the documented one when
    that forward fails (raises, is missing, returns no (output, cache) pair): its failure costs its own points."""
    try:
        _, cache = check_tuple(student.call(f"{layer}_forward", *inputs.values(), opaque=(1,)), 2,
                               where=f"the result of {layer}_forward")
    except (StudentTimeout, StudentCrash):
        raise
    except (StudentFailure, Failed):
        return DOCUMENTED[layer](*inputs.values())
    return cache


def forward_property(registry: Registry, function: str, name: str, law: Callable[..., Array], *,
                     given: st.SearchStrategy, weight: float = 1.0) -> None:
    """A value property: ``function``'s output (its cache left aside) equals ``law`` of the inputs."""
    @registry.property(function, name, role="value", given=given, weight=weight)
    def _(student: RecordingStudent, **inputs: Any) -> None:
        check_outputs(function, law(*inputs.values()), forward_output(student, function, **inputs))


def forward_output(student: RecordingStudent, function: str, **inputs: Any) -> Any:
    """The output of the student's forward ``function`` on ``inputs``, its cache left aside (not compared)."""
    out, _ = check_tuple(student.call(function, *inputs.values(), opaque=(1,)), 2, where=f"the result of {function}")
    return out


def backward_output(student: RecordingStudent, layer: str, **inputs: Any) -> Any:
    """``<layer>_backward(dA, cache)`` with the cache of the student's ``<layer>_forward`` on the same inputs."""
    dA = inputs.pop("dA")
    got = student.call(f"{layer}_backward", dA, cache_of(student, layer, inputs))
    student.stands_for(dA, TRUSTED[layer](*inputs.values()))
    return got


def backward_property(registry: Registry, layer: str, name: str, law: Callable[..., Any], *,
                      given: st.SearchStrategy, weight: float = 1.0) -> None:
    """A value property: ``<layer>_backward(dA, cache)``, with the cache of the student's ``<layer>_forward`` on
    the same inputs, equals ``law(*inputs, dA)``."""
    function = f"{layer}_backward"

    @registry.property(function, name, role="value", given=given, weight=weight)
    def _(student: RecordingStudent, **inputs: Any) -> None:
        got = backward_output(student, layer, **inputs)
        check_outputs(function, law(*inputs.values()), got)


def _stored(layer: str, forward_inputs: Callable[[np.random.Generator], list[dict[str, Any]]]) -> None:
    """The stored values of ``<layer>_forward`` (its output) and ``<layer>_backward`` (its gradients, inputs: the
    forward's and ``dA``, a gradient of the output's shape)."""
    def backward_inputs(rng: np.random.Generator) -> list[dict[str, Any]]:
        cases = forward_inputs(rng)
        shapes = [stacked(**c).shape if layer == "concat" else c["A"].shape for c in cases]
        return [{**case, "dA": rng.standard_normal(shape)} for case, shape in zip(cases, shapes)]

    stored_values(VISIBLE, f"{layer}_forward", forward_inputs, names=OUTPUTS[f"{layer}_forward"],
                  observe=lambda student, **inputs: forward_output(student, f"{layer}_forward", **inputs))
    stored_values(VISIBLE, f"{layer}_backward", backward_inputs, names=OUTPUTS[f"{layer}_backward"],
                  observe=lambda student, **inputs: backward_output(student, layer, **inputs))


BRANCHES = branches()
BRANCHES_BACKWARD = with_upstream(BRANCHES, lambda d: (d["A1"].shape[0] + d["A2"].shape[0], d["A1"].shape[1]))
WEIGHTED = weighted(st.one_of(st.sampled_from([0.0, -1.5, 2.0]), strategies.floats(min_value=-3.0, max_value=3.0)))
WEIGHTED_BACKWARD = with_upstream(WEIGHTED, lambda d: d["A"].shape)

forward_property(VISIBLE, "concat_forward", "A = [A1; A2]: A1's rows, then A2's, shape (n1 + n2, m)", stacked,
                 given=BRANCHES, weight=2)
backward_property(VISIBLE, "concat", "dA1 = dA[:n1], dA2 = dA[n1:], from your concat_forward's cache", split,
                  given=BRANCHES_BACKWARD, weight=2)
_stored("concat", lambda rng: [{"A1": rng.standard_normal((3, 4)), "A2": rng.standard_normal((2, 4))},
                               {"A1": rng.standard_normal((1, 2)), "A2": rng.standard_normal((3, 2))}])

forward_property(VISIBLE, "scale_forward", "A_scaled = alpha * A (alpha = 0 and negative alphas included)", scaled,
                 given=WEIGHTED, weight=2)
backward_property(VISIBLE, "scale", "dA_prev = alpha * dA, from your scale_forward's cache", scaled_gradient,
                  given=WEIGHTED_BACKWARD, weight=2)
_stored("scale", lambda rng: [{"A": rng.standard_normal((3, 4)), "alpha": alpha} for alpha in (0.3, -2.0)])
