"""Wrong versions of data augmentation by shifts."""

from collections.abc import Sequence

import numpy as np

from autograder.mistakes._catalog import Catalog
from reference._types import Array
from reference.data import augment_shift

catalog = Catalog()
mistake = catalog.mistake
Shifts = Sequence[tuple[int, int]]


@mistake("augment_shift", message="your images move right when asked to move down (and down when asked right): "
                                  "a shift is (down, right), rows first")
def shifts_transposed(X: Array, Y: Array, shifts: Shifts, image_shape: tuple[int, int]) -> tuple[Array, Array]:
    return augment_shift(X, Y, [(right, down) for down, right in shifts], image_shape)


@mistake("augment_shift", message="your images move the opposite way: down moves an image towards the bottom "
                                  "(row r goes to row r + down), right towards the right")
def opposite_direction(X: Array, Y: Array, shifts: Shifts, image_shape: tuple[int, int]) -> tuple[Array, Array]:
    return augment_shift(X, Y, [(-down, -right) for down, right in shifts], image_shape)


@mistake("augment_shift", message="your shifted images wrap around (np.roll): the pixels that leave on one side come "
                                  "back on the other; vacated pixels must be 0")
def wraps_around(X: Array, Y: Array, shifts: Shifts, image_shape: tuple[int, int]) -> tuple[Array, Array]:
    images = X.T.reshape(-1, *image_shape)
    moved = [images] + [np.roll(images, (down, right), axis=(1, 2)) for down, right in shifts]
    return np.concatenate([block.reshape(X.shape[1], -1).T for block in moved], axis=1), np.tile(Y, (1, len(moved)))


@mistake("augment_shift", message="your X_aug lacks the original images: they come first, then the shifted copies")
def without_originals(X: Array, Y: Array, shifts: Shifts, image_shape: tuple[int, int]) -> tuple[Array, Array]:
    X_aug, Y_aug = augment_shift(X, Y, shifts, image_shape)
    return X_aug[:, X.shape[1]:], Y_aug[:, X.shape[1]:]


@mistake("augment_shift", message="your Y_aug has one label per original image: repeat Y's columns for every copy")
def labels_not_repeated(X: Array, Y: Array, shifts: Shifts, image_shape: tuple[int, int]) -> tuple[Array, Array]:
    return augment_shift(X, Y, shifts, image_shape)[0], Y


@mistake("augment_shift", message="your X_aug puts each image's copies next to it: the columns are the originals, then "
                                  "every image moved by the first shift, then by the second, ...")
def copies_next_to_each_image(X: Array, Y: Array, shifts: Shifts, image_shape: tuple[int, int]) -> tuple[Array, Array]:
    X_aug, Y_aug = augment_shift(X, Y, shifts, image_shape)
    order = np.arange(X_aug.shape[1]).reshape(1 + len(shifts), X.shape[1]).T.ravel()
    return X_aug[:, order], Y_aug[:, order]


# Correct alternatives: written differently from the reference, as a student's notebook cell holds them
# (untyped, the notebook's names: np, math, copy and the other graded functions).
alternative = catalog.alternative


@alternative("augment_shift")
def augment_shift_pixel_loop(X, Y, shifts, image_shape):
    h, w = image_shape
    m = X.shape[1]
    blocks = [X]
    for down, right in shifts:
        shifted = np.zeros_like(X)
        for r in range(h):
            for c in range(w):
                if 0 <= r - down < h and 0 <= c - right < w:
                    shifted[r * w + c] = X[(r - down) * w + (c - right)]
        blocks.append(shifted)
    return np.hstack(blocks), np.hstack([Y] * len(blocks)).reshape(Y.shape[0], m * len(blocks))


@alternative("augment_shift")
def augment_shift_roll(X, Y, shifts, image_shape):
    h, w = image_shape
    images = X.T.reshape(-1, h, w)
    out = [X]
    for down, right in shifts:
        moved = np.roll(images, (down, right), axis=(1, 2))
        rows, cols = np.arange(h), np.arange(w)
        moved[:, (rows < down) | (rows >= h + down), :] = 0
        moved[:, :, (cols < right) | (cols >= w + right)] = 0
        out.append(moved.reshape(len(images), h * w).T)
    return np.concatenate(out, axis=1), np.tile(Y, len(out))


@alternative("augment_shift")
def augment_shift_slices(X, Y, shifts, image_shape):
    h, w = image_shape
    images = X.T.reshape(X.shape[1], h, w)
    X_aug, Y_aug = [X], [Y]
    for dy, dx in shifts:
        out = np.zeros_like(images)
        if abs(dy) < h and abs(dx) < w:
            out[:, max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
                images[:, max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
        X_aug.append(out.reshape(X.shape[1], -1).T)
        Y_aug.append(Y.copy())
    return np.concatenate(X_aug, axis=1), np.concatenate(Y_aug, axis=1)
