"""Data augmentation by shifts: the originals, then each shift's moved images, vacated pixels 0."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from reference import augment_shift

SIDES = st.integers(1, 5)


@st.composite
def images(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int]], tuple[int, int]]:
    """(X (h w, m) distinct positive pixels, Y (2, m), shifts up to one beyond the image, (h, w))."""
    h, w, m = draw(SIDES), draw(SIDES), draw(st.integers(1, 4))
    X = 1.0 + np.random.default_rng(draw(st.integers(0, 2**32 - 1))).permutation(h * w * m).reshape(h * w, m)
    shift = st.tuples(st.integers(-h - 1, h + 1), st.integers(-w - 1, w + 1))
    return X, np.arange(2.0 * m).reshape(2, m), draw(st.lists(shift, max_size=4)), (h, w)


@given(images())
def test_every_pixel_moves_by_its_shift_or_leaves_and_zeros_fill_in(drawn) -> None:
    X, Y, shifts, (h, w) = drawn
    m = X.shape[1]
    X_aug, Y_aug = augment_shift(X, Y, shifts, (h, w))
    assert X_aug.shape == (h * w, m * (1 + len(shifts))) and Y_aug.shape == (2, m * (1 + len(shifts)))
    assert_array_equal(X_aug[:, :m], X)
    for k, (down, right) in enumerate(shifts, start=1):
        for j in range(m):
            moved, image = X_aug[:, k * m + j].reshape(h, w), X[:, j].reshape(h, w)
            for r in range(h):
                for c in range(w):
                    inside = 0 <= r - down < h and 0 <= c - right < w
                    assert moved[r, c] == (image[r - down, c - right] if inside else 0.0)
        assert_array_equal(Y_aug[:, k * m:(k + 1) * m], Y)


@given(images())
def test_a_shift_and_its_opposite_give_back_the_pixels_that_stayed_inside(drawn) -> None:
    X, Y, shifts, shape = drawn
    m = X.shape[1]
    for down, right in shifts:
        there, _ = augment_shift(X, Y, [(down, right)], shape)
        back, _ = augment_shift(there[:, m:], Y, [(-down, -right)], shape)
        kept = back[:, m:] != 0
        assert_array_equal(back[:, m:][kept], X[kept])
