"""Visible checks of data augmentation by shifts (from the definition alone)."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

from dnn_checks.compare import Failed, check_close, check_shape, check_tuple, mismatch
from dnn_checks.properties import stored_values
from dnn_checks.registry import VISIBLE
from dnn_checks.runner import RecordingStudent

Array = np.ndarray


def moved(images: Array, down: int, right: int) -> Array:
    """out[j, r, c] = images[j, r - down, c - right], 0 where (r - down, c - right) is outside.   (m, h, w)"""
    h, w = images.shape[1:]
    rows, cols = np.arange(h)[:, None] - down, np.arange(w)[None, :] - right
    inside = (rows >= 0) & (rows < h) & (cols >= 0) & (cols < w)
    return np.where(inside, images[:, np.clip(rows, 0, h - 1), np.clip(cols, 0, w - 1)], 0.0)


def check_augmented(student: RecordingStudent, X: Array, Y: Array, shifts: list[tuple[int, int]],
                    image_shape: tuple[int, int]) -> None:
    """The student's (X_aug, Y_aug) against the definition, block by block, each block named by its shift."""
    X_aug, Y_aug = check_tuple(student.call("augment_shift", X, Y, shifts, image_shape), 2,
                               where="the result of augment_shift")
    m, copies = X.shape[1], 1 + len(shifts)
    check_shape(X_aug, (X.shape[0], m * copies), where=f"X_aug ({copies} blocks of the {m} images: the originals, "
                                                       "then one block per shift)")
    check_shape(Y_aug, (Y.shape[0], m * copies), where="Y_aug")
    images = X.T.reshape(m, *image_shape)
    for k, (down, right) in enumerate([(0, 0), *shifts]):
        expected, block = moved(images, down, right), X_aug[:, k * m:(k + 1) * m].T.reshape(m, *image_shape)
        if mismatch(expected, block, where="") is not None:
            name = "the originals" if k == 0 else f"the images moved by shifts[{k - 1}] = (down {down}, right {right})"
            bad = np.argwhere(expected != block)
            j, r, c = (int(i) for i in bad[0])
            raise Failed(f"{columns(k, m)} of X_aug (block {k}) should hold {name}: pixel (row {r}, column {c}) of "
                         f"image {j} should be {expected[j, r, c].item()!r}, got {block[j, r, c].item()!r} ({len(bad)} "
                         f"of {block.size} pixels differ)")
        check_close(Y, Y_aug[:, k * m:(k + 1) * m], where=f"{columns(k, m)} of Y_aug (Y again)")


def columns(k: int, m: int) -> str:
    """"columns km to km + m - 1" (block k of m columns), or "column k" when m = 1."""
    return f"column {k}" if m == 1 else f"columns {k * m} to {(k + 1) * m - 1}"


@st.composite
def augment_inputs(draw: st.DrawFn, *, max_side: int = 5, max_m: int = 4) -> dict[str, Any]:
    """{"X" (h w, m) distinct positive pixels, "Y" (n_y, m), "shifts": 1 to 4 (down, right) pairs, some moving
    an image out entirely, "image_shape": (h, w)}."""
    h, w, m, n_y = (draw(st.integers(1, side)) for side in (max_side, max_side, max_m, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    shift = st.tuples(st.integers(-h - 1, h + 1), st.integers(-w - 1, w + 1))
    return {"X": 0.5 + rng.permutation(h * w * m).reshape(h * w, m) / (h * w * m), "Y": rng.uniform(0, 1, (n_y, m)),
            "shifts": draw(st.lists(shift, min_size=1, max_size=4)), "image_shape": (h, w)}


AUGMENT = augment_inputs()


@VISIBLE.property("augment_shift", "X_aug: the originals, then every image moved by each (down, right) in order, "
                  "vacated pixels 0; Y_aug: Y repeated", role="value", given=AUGMENT, max_examples=10, weight=2)
def _(student: RecordingStudent, X: Array, Y: Array, shifts: list[tuple[int, int]],
      image_shape: tuple[int, int]) -> None:
    check_augmented(student, X, Y, shifts, image_shape)


def _inputs(rng: np.random.Generator) -> list[dict[str, Any]]:
    return [{"X": rng.uniform(0.1, 1.0, (12, 2)), "Y": np.array([[0.0, 1.0]]),
             "shifts": [(1, 0), (0, -1), (-2, 1), (0, 5)], "image_shape": (3, 4)},
            {"X": rng.uniform(0.1, 1.0, (64, 3)), "Y": np.eye(3), "shifts": [(0, 1), (0, -1), (1, 0), (-1, 0)],
             "image_shape": (8, 8)}]


stored_values(VISIBLE, "augment_shift", _inputs)
