"""Correct implementations of composing networks written differently from the reference (other numpy
calls, loops, other cache layouts: the contract leaves a cache's layout to its implementer, so each
backward here reads the cache of the forward of the same suffix)."""

from __future__ import annotations

import numpy as np


def concat_forward_vstack(A1, A2):
    return np.vstack((A1, A2)), (A1, A2)


def concat_backward_vstack(dA, cache):
    A1, _ = cache
    return dA[:A1.shape[0]], dA[A1.shape[0]:]


def concat_forward_rows(A1, A2):
    """Row by row into a new array; the cache is n1 alone."""
    A = np.empty((A1.shape[0] + A2.shape[0], A1.shape[1]))
    for i, row in enumerate(list(A1) + list(A2)):
        A[i] = row
    return A, A1.shape[0]


def concat_backward_rows(dA, cache):
    dA1, dA2 = np.split(dA, [cache])
    return dA1, dA2


def concat_forward_r(A1, A2):
    return np.r_[A1, A2], {"shapes": (A1.shape, A2.shape)}


def concat_backward_r(dA, cache):
    (n1, _), (n2, _) = cache["shapes"]
    return np.vsplit(dA, [n1])[0].copy(), dA[-n2:].copy()


def scale_forward_multiply(A, alpha):
    return np.multiply(A, alpha), alpha


def scale_backward_multiply(dA, cache):
    return np.multiply(dA, cache)


def scale_forward_dict(A, alpha):
    return float(alpha) * A, {"alpha": alpha, "A": A}


def scale_backward_dict(dA, cache):
    return dA * cache["alpha"]


def scale_forward_loop(A, alpha):
    out = np.zeros(A.shape)
    for index in np.ndindex(A.shape):
        out[index] = alpha * A[index]
    return out, [alpha]


def scale_backward_loop(dA, cache):
    (alpha,) = cache
    return np.array([[alpha * x for x in row] for row in dA], dtype=float).reshape(dA.shape)


#: Alternative name -> the contract function it implements ("<function>/<suffix>").
ALTERNATIVES = {
    "concat_forward/vstack": concat_forward_vstack,
    "concat_backward/vstack": concat_backward_vstack,
    "concat_forward/rows": concat_forward_rows,
    "concat_backward/rows": concat_backward_rows,
    "concat_forward/r": concat_forward_r,
    "concat_backward/r": concat_backward_r,
    "scale_forward/multiply": scale_forward_multiply,
    "scale_backward/multiply": scale_backward_multiply,
    "scale_forward/dict": scale_forward_dict,
    "scale_backward/dict": scale_backward_dict,
    "scale_forward/loop": scale_forward_loop,
    "scale_backward/loop": scale_backward_loop,
}
