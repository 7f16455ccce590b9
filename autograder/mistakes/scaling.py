"""Wrong versions of input normalization (per feature, with the training set's statistics)."""

import numpy as np

from autograder.mistakes._catalog import Catalog
from reference._types import Array

catalog = Catalog()
mistake = catalog.mistake
Pair = tuple[Array, Array]


def _standardize(X: Array, mu: Array, sigma: Array) -> Array:
    return (X - mu) / sigma


def _stats(X: Array, axis: int | None = 1, ddof: int = 0) -> Pair:
    return X.mean(axis=axis, keepdims=True), X.std(axis=axis, keepdims=True, ddof=ddof)


@mistake("normalize_inputs", message="your X_test is normalized with its own mean and standard deviation: "
                                     "use the training set's statistics for both sets")
def test_with_own_statistics(X_train: Array, X_test: Array) -> Pair:
    return _standardize(X_train, *_stats(X_train)), _standardize(X_test, *_stats(X_test))


@mistake("normalize_inputs", message="both your sets are normalized with the test set's statistics: "
                                     "use the training set's mean and standard deviation")
def both_with_test_statistics(X_train: Array, X_test: Array) -> Pair:
    mu, sigma = _stats(X_test)
    return _standardize(X_train, mu, sigma), _standardize(X_test, mu, sigma)


@mistake("normalize_inputs", message="your standard deviation is the unbiased one (ddof=1): "
                                     "use the population standard deviation, np.std's default ddof=0")
def unbiased_std(X_train: Array, X_test: Array) -> Pair:
    mu, sigma = _stats(X_train, ddof=1)
    return _standardize(X_train, mu, sigma), _standardize(X_test, mu, sigma)


@mistake("normalize_inputs", message="you normalize each example (column, axis=0): normalize each feature, "
                                     "a row, over the examples (axis=1)")
def per_column(X_train: Array, X_test: Array) -> Pair:
    return _standardize(X_train, *_stats(X_train, axis=0)), _standardize(X_test, *_stats(X_test, axis=0))


@mistake("normalize_inputs", message="your statistics come from the training and test sets together: "
                                     "the test set must not influence them, use X_train only")
def statistics_of_both_sets(X_train: Array, X_test: Array) -> Pair:
    mu, sigma = _stats(np.hstack([X_train, X_test]))
    return _standardize(X_train, mu, sigma), _standardize(X_test, mu, sigma)


@mistake("normalize_inputs", message="you divide by the variance: divide by the standard deviation, its square root")
def divided_by_variance(X_train: Array, X_test: Array) -> Pair:
    mu, sigma = _stats(X_train)
    return _standardize(X_train, mu, sigma ** 2), _standardize(X_test, mu, sigma ** 2)


@mistake("normalize_inputs", message="your inputs are only centered: divide by the standard deviation too")
def only_centered(X_train: Array, X_test: Array) -> Pair:
    mu, _ = _stats(X_train)
    return X_train - mu, X_test - mu


@mistake("normalize_inputs", message="your inputs are only divided by the standard deviation: subtract the mean too")
def only_scaled(X_train: Array, X_test: Array) -> Pair:
    _, sigma = _stats(X_train)
    return X_train / sigma, X_test / sigma


@mistake("normalize_inputs", message="you use one mean and one standard deviation for all features (axis=None): "
                                     "compute them per feature, over axis 1 with keepdims=True")
def global_statistics(X_train: Array, X_test: Array) -> Pair:
    mu, sigma = _stats(X_train, axis=None)
    return _standardize(X_train, mu, sigma), _standardize(X_test, mu, sigma)


# Correct alternatives: written differently from the reference, as a student's notebook cell holds them
# (untyped, the notebook's names: np, math, copy and the other graded functions).
alternative = catalog.alternative


@alternative("normalize_inputs")
def normalize_with_sums(X_train, X_test):
    m = X_train.shape[1]
    mu = np.sum(X_train, axis=1, keepdims=True) / m
    sigma = np.sqrt(np.sum((X_train - mu) ** 2, axis=1, keepdims=True) / m)
    return np.divide(X_train - mu, sigma), np.divide(X_test - mu, sigma)
