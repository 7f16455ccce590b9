"""Datasets for the course, column-major: X (n_x, m), Y (1, m) binary or (C, m) one-hot.

Four 2-D "playground" sets in the spirit of TensorFlow Playground (circle, xor, two
gaussians, spiral), each ``make_<name>(m, *, noise, seed)``: the points lie in about
[-1, 1]^2, the two classes are exactly balanced (m // 2 and m - m // 2 examples, in random
order), the label comes from the clean point and ``noise`` is the standard deviation of
Gaussian jitter added to both coordinates afterwards (so more noise, more overlap).

And scikit-learn's 8x8 handwritten digits (1797 images shipped inside the package, no
network): pixels scaled to [0, 1] (divided by 16), split into train/dev/test by a seeded
permutation. The binary task is "digit >= 5" (0-4 -> 0, 5-9 -> 1: 901 vs 896 images,
balanced, and harder than one digit against the rest); the multiclass task has one-hot
labels (10, m).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from reference._types import Array

class Split(NamedTuple):
    """Train/dev/test sets, each X (n_x, m_part) and Y (n_y, m_part)."""

    X_train: Array
    Y_train: Array
    X_dev: Array
    Y_dev: Array
    X_test: Array
    Y_test: Array


def _balanced_labels(m: int, rng: np.random.Generator) -> NDArray[np.int64]:
    """m labels, m - m // 2 zeros and m // 2 ones, in random order: (m,)."""
    return rng.permutation(np.arange(m) % 2)


def _finish(points: Array, labels: NDArray[np.int64], noise: float,
            rng: np.random.Generator) -> tuple[Array, Array]:
    """Add N(0, noise^2) jitter to points (2, m); return (X (2, m), Y (1, m) float)."""
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    X = points + noise * rng.standard_normal(points.shape)
    return X, labels.astype(np.float64).reshape(1, -1)


def make_circle(m: int, *, noise: float = 0.05, seed: int = 0) -> tuple[Array, Array]:
    """Class 1 in the disc r < 0.5, class 0 in the ring 0.7 < r < 1.   -> X (2, m), Y (1, m)"""
    rng = np.random.default_rng(seed)
    labels = _balanced_labels(m, rng)
    radius = np.where(labels == 1, rng.uniform(0.0, 0.5, m), rng.uniform(0.7, 1.0, m))
    angle = rng.uniform(0.0, 2 * np.pi, m)
    points = radius * np.stack([np.cos(angle), np.sin(angle)])
    return _finish(points, labels, noise, rng)


def make_xor(m: int, *, noise: float = 0.05, seed: int = 0) -> tuple[Array, Array]:
    """Uniform in [-1, 1]^2 kept 0.05 off the axes; y = 1 where x1 * x2 > 0.   -> (2, m), (1, m)"""
    rng = np.random.default_rng(seed)
    labels = _balanced_labels(m, rng)
    magnitude = rng.uniform(0.05, 1.0, (2, m))
    sign_1 = rng.choice([-1.0, 1.0], m)
    sign_2 = np.where(labels == 1, sign_1, -sign_1)
    points = magnitude * np.stack([sign_1, sign_2])
    return _finish(points, labels, noise, rng)


def make_gaussians(m: int, *, noise: float = 0.05, seed: int = 0) -> tuple[Array, Array]:
    """Class 1 ~ N((0.5, 0.5), 0.25^2 I), class 0 ~ N((-0.5, -0.5), 0.25^2 I).   -> (2, m), (1, m)"""
    rng = np.random.default_rng(seed)
    labels = _balanced_labels(m, rng)
    centers = np.where(labels == 1, 0.5, -0.5)
    points = centers + 0.25 * rng.standard_normal((2, m))
    return _finish(points, labels, noise, rng)


def make_spiral(m: int, *, noise: float = 0.05, seed: int = 0) -> tuple[Array, Array]:
    """Two interleaved arms r = t, angle = 3.5 pi t + pi y, t ~ U(0.05, 1).   -> (2, m), (1, m)"""
    rng = np.random.default_rng(seed)
    labels = _balanced_labels(m, rng)
    t = rng.uniform(0.05, 1.0, m)
    angle = 3.5 * np.pi * t + np.pi * labels
    points = t * np.stack([np.cos(angle), np.sin(angle)])
    return _finish(points, labels, noise, rng)


def one_hot(labels: NDArray[np.integer], num_classes: int) -> Array:
    """Y[c, i] = 1 where labels[i] == c.   labels: (m,) ints in [0, C) -> Y: (C, m)"""
    return (np.arange(num_classes)[:, None] == np.asarray(labels)[None, :]).astype(np.float64)


def split_columns(X: Array, Y: Array, *, dev_fraction: float = 0.2,
                  test_fraction: float = 0.2, seed: int = 0) -> Split:
    """Shuffle the columns of X (n_x, m) and Y (n_y, m) alike, cut train | dev | test."""
    m = X.shape[1]
    n_dev, n_test = round(dev_fraction * m), round(test_fraction * m)
    if Y.shape[1] != m or n_dev + n_test >= m:
        raise ValueError("X and Y need the same m, and the train set must not be empty")
    order = np.random.default_rng(seed).permutation(m)
    train, dev, test = np.split(order, [m - n_dev - n_test, m - n_test])
    return Split(X[:, train], Y[:, train], X[:, dev], Y[:, dev], X[:, test], Y[:, test])


def _digits() -> tuple[Array, NDArray[np.int64]]:
    """All 1797 digits: X (64, 1797) in [0, 1] (pixels / 16, row-major 8x8), labels (1797,)."""
    from sklearn.datasets import load_digits  # here, not at the top: it takes seconds to import

    bunch = load_digits()
    return bunch.data.T / 16.0, bunch.target.astype(np.int64)


def load_digits_binary(*, dev_fraction: float = 0.2, test_fraction: float = 0.2,
                       seed: int = 0) -> Split:
    """Digits 0-4 -> 0, 5-9 -> 1.   X (64, m_part), Y (1, m_part) of 0.0/1.0"""
    X, digit = _digits()
    Y = (digit >= 5).astype(np.float64).reshape(1, -1)
    return split_columns(X, Y, dev_fraction=dev_fraction, test_fraction=test_fraction, seed=seed)


def load_digits_multiclass(*, dev_fraction: float = 0.2, test_fraction: float = 0.2,
                           seed: int = 0) -> Split:
    """The ten digits, one-hot.   X (64, m_part), Y (10, m_part)"""
    X, digit = _digits()
    return split_columns(X, one_hot(digit, 10), dev_fraction=dev_fraction,
                         test_fraction=test_fraction, seed=seed)


def _shift_images(images: Array, down: int, right: int) -> Array:
    """out[:, r, c] = images[:, r - down, c - right], zero where that falls outside.   (m, h, w)"""
    h, w = images.shape[1:]
    down, right = int(np.clip(down, -h, h)), int(np.clip(right, -w, w))
    padded = np.pad(images, ((0, 0), (h, h), (w, w)))
    return padded[:, h - down:2 * h - down, w - right:2 * w - right]


def augment_shift(X: Array, Y: Array, shifts: Sequence[tuple[int, int]],
                  image_shape: tuple[int, int]) -> tuple[Array, Array]:
    """The images, then for each (down, right) of ``shifts`` in order every image moved by it, vacated pixels 0.

    X: (h * w, m) images flattened row by row, Y: (n_y, m) -> X_aug: (h * w, m * (1 + len(shifts))),
    Y_aug: (n_y, m * (1 + len(shifts))), Y repeated; column block k + 1 holds the k-th shift of every image.
    """
    h, w = image_shape
    if X.shape[0] != h * w or Y.shape[1] != X.shape[1]:
        raise ValueError(f"X must be ({h * w}, m) and Y (n_y, m)")
    images = X.T.reshape(-1, h, w)
    moved = [images] + [_shift_images(images, down, right) for down, right in shifts]
    X_aug = np.concatenate([block.reshape(X.shape[1], h * w).T for block in moved], axis=1)
    return X_aug, np.tile(Y, (1, len(moved)))
