"""Composing networks: join the features of two branches, weight a branch; forward and backward.

The contract fixes no cache layout for these: the reference keeps the sizes and the weight
in named tuples. Gradients follow the course's convention (``dA`` is the gradient of the
summed loss), which these linear maps pass through unchanged in scale.
"""

from typing import NamedTuple

import numpy as np

from reference._types import Array


class ConcatCache(NamedTuple):
    rows1: int
    rows2: int


class ScaleCache(NamedTuple):
    alpha: float


def concat_forward(A1: Array, A2: Array) -> tuple[Array, ConcatCache]:
    """A = [A1; A2], A1's features (rows) then A2's.   A1: (n1, m), A2: (n2, m) -> A: (n1 + n2, m)"""
    if A1.shape[1] != A2.shape[1]:
        raise ValueError(f"the branches need the same m examples (columns), got {A1.shape} and {A2.shape}")
    return np.concatenate([A1, A2], axis=0), ConcatCache(A1.shape[0], A2.shape[0])


def concat_backward(dA: Array, cache: ConcatCache) -> tuple[Array, Array]:
    """dA1 = dA[:n1], dA2 = dA[n1:]: each branch gets the rows of its features.   dA: (n1 + n2, m)"""
    dA1, dA2 = np.split(dA, [cache.rows1])
    return dA1.copy(), dA2.copy()


def scale_forward(A: Array, alpha: float) -> tuple[Array, ScaleCache]:
    """A_scaled = alpha * A, a branch weighted by alpha.   A: (n, m) -> A_scaled: (n, m)"""
    return alpha * A, ScaleCache(alpha)


def scale_backward(dA: Array, cache: ScaleCache) -> Array:
    """dA_prev = alpha * dA (the derivative of alpha * A).   dA: (n, m) -> dA_prev: (n, m)"""
    return cache.alpha * dA
