"""Hidden checks of data augmentation by shifts, against the reference and the definition."""

from __future__ import annotations

from typing import Any

import numpy as np
from dnn_checks.checks.data import augment_inputs
from dnn_checks.compare import Failed, check_shape, check_tuple
from dnn_checks.runner import RecordingStudent
from hypothesis import strategies as st

from autograder.hidden.registry import HIDDEN, matches_reference

Array = np.ndarray

matches_reference("augment_shift", augment_inputs(max_side=8, max_m=6), weight=2)


@st.composite
def lit_pixels(draw: st.DrawFn) -> dict[str, Any]:
    """One image (h w, 1), 0 but for one pixel, and shifts that keep it inside or move it out."""
    h, w = draw(st.integers(2, 8)), draw(st.integers(2, 8))
    X = np.zeros((h * w, 1))
    X[draw(st.integers(0, h * w - 1)), 0] = 1.0
    shift = st.tuples(st.integers(-h, h), st.integers(-w, w))
    return {"X": X, "Y": np.ones((1, 1)), "shifts": draw(st.lists(shift, min_size=1, max_size=5)),
            "image_shape": (h, w)}


@HIDDEN.property("augment_shift", "a lit pixel at (row r, column c) moves to (r + down, c + right), or leaves the "
                 "image", role="value", given=lit_pixels(), max_examples=10)
def _(student: RecordingStudent, X: Array, Y: Array, shifts: list[tuple[int, int]], image_shape: tuple[int, int]) -> None:
    X_aug, _ = check_tuple(student.call("augment_shift", X, Y, shifts, image_shape), 2,
                           where="the result of augment_shift")
    check_shape(X_aug, (X.shape[0], 1 + len(shifts)), where="X_aug")
    h, w = image_shape
    r, c = divmod(int(np.argmax(X[:, 0])), w)
    for k, (down, right) in enumerate(shifts, start=1):
        image = X_aug[:, k].reshape(h, w)
        expected = np.zeros((h, w))
        if 0 <= r + down < h and 0 <= c + right < w:
            expected[r + down, c + right] = 1.0
        if not np.array_equal(image, expected):
            lit = [tuple(int(i) for i in index) for index in np.argwhere(image != 0)]
            where = "nowhere (it leaves the image)" if not expected.any() else f"(row {r + down}, column {c + right})"
            raise Failed(f"the pixel at (row {r}, column {c}) of a {h}x{w} image, moved by shifts[{k - 1}] = "
                         f"(down {down}, right {right}), should land {where}; X_aug column {k} is non-zero at "
                         f"(row, column) {lit[:4]}")
