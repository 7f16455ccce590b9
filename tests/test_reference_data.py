"""The reference datasets: shapes, balance, determinism, noise, digit splits, augmentation."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits

from reference.data import (
    augment_shift,
    load_digits_binary,
    load_digits_multiclass,
    make_circle,
    make_gaussians,
    make_spiral,
    make_xor,
    one_hot,
    split_columns,
)

PLAYGROUND = [make_circle, make_xor, make_gaussians, make_spiral]
#: The rule each clean set was drawn from (the spiral has none this simple).
CLEAN_RULES = {
    make_circle: lambda X: np.hypot(X[0], X[1]) < 0.6,
    make_xor: lambda X: X[0] * X[1] > 0,
    make_gaussians: lambda X: X[0] + X[1] > 0,
}


@pytest.mark.parametrize("make", PLAYGROUND)
@pytest.mark.parametrize("m", [1, 2, 301])
def test_playground_shapes_and_balance(make, m):
    X, Y = make(m, seed=4)
    assert X.shape == (2, m) and Y.shape == (1, m)
    assert np.all(np.isfinite(X))
    assert set(np.unique(Y)) <= {0.0, 1.0}
    assert Y.sum() == m // 2


@pytest.mark.parametrize("make", PLAYGROUND)
def test_playground_points_lie_near_the_unit_square(make):
    X, _ = make(2000, noise=0.0, seed=0)
    assert np.abs(X).max() < 2.0
    assert X.std(axis=1).min() > 0.3


@pytest.mark.parametrize("make", PLAYGROUND)
def test_playground_is_deterministic_per_seed(make):
    X1, Y1 = make(100, seed=7)
    X2, Y2 = make(100, seed=7)
    X3, _ = make(100, seed=8)
    assert_array_equal(X1, X2)
    assert_array_equal(Y1, Y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("make", PLAYGROUND)
def test_noise_is_gaussian_jitter_of_that_size(make):
    X0, Y0 = make(4000, noise=0.0, seed=3)
    X1, Y1 = make(4000, noise=0.2, seed=3)
    assert_array_equal(Y0, Y1)
    jitter = X1 - X0
    np.testing.assert_allclose(jitter.std(axis=1), [0.2, 0.2], rtol=0.05)
    np.testing.assert_allclose(jitter.mean(axis=1), [0.0, 0.0], atol=0.02)


@pytest.mark.parametrize("make", list(CLEAN_RULES))
def test_noise_blurs_the_class_boundary(make):
    rule = CLEAN_RULES[make]
    accuracy = {}
    for noise in (0.0, 0.3):
        X, Y = make(2000, noise=noise, seed=1)
        accuracy[noise] = np.mean(rule(X) == Y[0].astype(bool))
    assert accuracy[0.0] > 0.99
    assert accuracy[0.3] < accuracy[0.0] - 0.02


def test_negative_noise_is_refused():
    with pytest.raises(ValueError):
        make_circle(10, noise=-0.1)


def test_one_hot():
    assert_array_equal(one_hot(np.array([2, 0, 1, 2]), 3),
                       [[0, 1, 0, 0], [0, 0, 1, 0], [1, 0, 0, 1]])


def test_split_columns_keeps_pairs_and_fractions():
    X = np.arange(20.0).reshape(2, 10)
    Y = X[:1] * 10
    parts = split_columns(X, Y, dev_fraction=0.2, test_fraction=0.3, seed=1)
    assert [p.shape[1] for p in parts] == [5, 5, 2, 2, 3, 3]
    for X_part, Y_part in zip(parts[::2], parts[1::2]):
        assert_array_equal(Y_part, X_part[:1] * 10)
        assert_array_equal(X_part[1], X_part[0] + 10)
    assert sorted(np.concatenate(parts[::2], axis=1)[0]) == list(range(10))


def test_split_columns_refuses_an_empty_train_set():
    with pytest.raises(ValueError):
        split_columns(np.zeros((1, 4)), np.zeros((1, 4)), dev_fraction=0.5, test_fraction=0.5)


@pytest.mark.parametrize("load, n_y", [(load_digits_binary, 1), (load_digits_multiclass, 10)])
def test_digits_splits_are_disjoint_deterministic_and_scaled(load, n_y):
    split = load(seed=5)
    assert [p.shape for p in split[::2]] == [(64, 1079), (64, 359), (64, 359)]
    assert [p.shape[0] for p in split[1::2]] == [n_y] * 3
    assert all(p.min() >= 0.0 and p.max() <= 1.0 for p in split[::2])
    assert all(np.array_equal(a, b) for a, b in zip(split, load(seed=5)))
    assert not np.array_equal(split.X_train, load(seed=6).X_train)


def test_digits_splits_partition_the_data():
    """Every image of the data set lands in exactly one part, with its own label."""
    split = load_digits_multiclass(seed=0)
    parts = np.concatenate([np.vstack([X, Y]) for X, Y in zip(split[::2], split[1::2])], axis=1)
    digits = load_digits()
    original = np.vstack([digits.data.T / 16.0, one_hot(digits.target, 10)])
    for ours, theirs in zip(np.unique(parts, axis=1, return_counts=True),
                            np.unique(original, axis=1, return_counts=True)):
        assert_array_equal(ours, theirs)


def test_binary_digits_are_five_and_above():
    binary, multi = load_digits_binary(seed=2), load_digits_multiclass(seed=2)
    assert_array_equal(binary.X_test, multi.X_test)
    assert_array_equal(binary.Y_test[0], multi.Y_test.argmax(axis=0) >= 5)
    assert 0.45 < binary.Y_train.mean() < 0.55


def test_augment_shift_hand_case():
    image = np.zeros((8, 8))
    image[0, 0], image[3, 4], image[7, 7] = 1.0, 2.0, 3.0
    X, Y = image.reshape(64, 1), np.array([[1.0]])
    X_aug, Y_aug = augment_shift(X, Y, ((0, 1), (1, 0), (-1, -1)), (8, 8))
    right, down, up_left = (X_aug[:, k].reshape(8, 8) for k in (1, 2, 3))
    assert_array_equal(X_aug[:, 0], X[:, 0])
    assert (right[0, 1], right[3, 5], right.sum()) == (1.0, 2.0, 3.0)
    assert (down[1, 0], down[4, 4], down.sum()) == (1.0, 2.0, 3.0)
    assert (up_left[2, 3], up_left[6, 6], up_left.sum()) == (2.0, 3.0, 5.0)
    assert_array_equal(Y_aug, np.ones((1, 4)))


def test_augment_shift_keeps_labels_in_blocks():
    split = load_digits_multiclass(seed=0)
    X, Y = split.X_dev[:, :7], split.Y_dev[:, :7]
    X_aug, Y_aug = augment_shift(X, Y, ((0, 1), (0, -1), (1, 0), (-1, 0)), (8, 8))
    assert X_aug.shape == (64, 35) and Y_aug.shape == (10, 35)
    for k in range(5):
        assert_array_equal(Y_aug[:, 7 * k:7 * (k + 1)], Y)
    left = X_aug[:, 14:21].T.reshape(7, 8, 8)
    assert_array_equal(left[:, :, :7], X.T.reshape(7, 8, 8)[:, :, 1:])
    assert_array_equal(left[:, :, 7], 0.0)


def test_split_and_augment_leave_their_arguments_unchanged():
    X, Y = np.arange(128.0).reshape(64, 2), np.array([[0.0, 1.0]])
    X_copy, Y_copy = X.copy(), Y.copy()
    augment_shift(X, Y, ((1, 1),), (8, 8))
    split_columns(X, Y, dev_fraction=0.0, test_fraction=0.5)
    assert_array_equal(X, X_copy)
    assert_array_equal(Y, Y_copy)


def test_augment_shift_checks_shapes():
    with pytest.raises(ValueError):
        augment_shift(np.zeros((63, 2)), np.zeros((1, 2)), ((1, 0),), (8, 8))
