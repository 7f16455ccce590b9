"""Hidden checks of composing networks against the reference, on inputs the visible checks do not draw:
single rows and examples, wider branches, tiny, large and integer weights; gradient checks against
the reference forward. The student's own cache goes from the student's forward to the student's
backward (the documented layout when that forward fails).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from dnn_checks.checks.composition import (
    backward_output,
    backward_property,
    branches,
    forward_property,
    weighted,
    with_upstream,
)
from dnn_checks.compare import check_tuple
from dnn_checks.properties import check_gradients
from dnn_checks.runner import RecordingStudent
from hypothesis import strategies as st

import reference
from autograder.hidden.registry import HIDDEN

Array = np.ndarray
BRANCHES = st.one_of(branches(max_side=1), branches(max_side=7))
BRANCHES_BACKWARD = with_upstream(BRANCHES, lambda d: (d["A1"].shape[0] + d["A2"].shape[0], d["A1"].shape[1]))
WEIGHTED = weighted(st.sampled_from([1e-3, 0.5, 50.0, 2, -3, 0.0]))
WEIGHTED_BACKWARD = with_upstream(WEIGHTED, lambda d: d["A"].shape)
#: Weights whose central differences stay exact to the gradient check's tolerance.
GRADCHECK_WEIGHTED = with_upstream(weighted(st.sampled_from([2, -3, 0.25, 1e-3, 0.0])), lambda d: d["A"].shape)


def _reference_backward(layer: str) -> Callable[..., Any]:
    """law(*forward inputs, dA): the reference's backward from the reference forward's cache."""
    forward, backward = getattr(reference, f"{layer}_forward"), getattr(reference, f"{layer}_backward")
    return lambda *args: backward(args[-1], forward(*args[:-1])[1])


def gradient_check(layer: str, given: st.SearchStrategy, inputs: tuple[str, ...]) -> None:
    """A value property: ``<layer>_backward`` from the student's own cache against central differences of the
    reference forward."""
    forward = getattr(reference, f"{layer}_forward")

    @HIDDEN.property(f"{layer}_backward", f"gradient check against the correct {layer}_forward", role="value",
                     given=given, max_examples=3)
    def _(student: RecordingStudent, **example: Any) -> None:
        dA = example["dA"]
        got = backward_output(student, layer, **example)
        gradients = (got,) if len(inputs) == 1 else check_tuple(got, len(inputs),
                                                                where=f"the result of {layer}_backward")
        fixed = {name: value for name, value in example.items() if name not in (*inputs, "dA")}
        check_gradients(lambda **x: forward(**x, **fixed)[0], {name: example[name] for name in inputs},
                        {f"d{name}": gradient for name, gradient in zip(inputs, gradients)}, dA,
                        against=f"the correct {layer}_forward")


forward_property(HIDDEN, "concat_forward", "A matches the reference (single rows or examples, wider branches)",
                 lambda A1, A2: reference.concat_forward(A1, A2)[0], given=BRANCHES, weight=2)
backward_property(HIDDEN, "concat", "(dA1, dA2) match the reference, from your own concat_forward's cache",
                  _reference_backward("concat"), given=BRANCHES_BACKWARD, weight=2)
gradient_check("concat", BRANCHES_BACKWARD, ("A1", "A2"))

forward_property(HIDDEN, "scale_forward", "A_scaled matches the reference (tiny, large, integer and zero weights)",
                 lambda A, alpha: reference.scale_forward(A, alpha)[0], given=WEIGHTED, weight=2)
backward_property(HIDDEN, "scale", "dA_prev matches the reference, from your own scale_forward's cache",
                  _reference_backward("scale"), given=WEIGHTED_BACKWARD, weight=2)
gradient_check("scale", GRADCHECK_WEIGHTED, ("A",))
