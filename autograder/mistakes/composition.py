"""Wrong versions of concatenating two branches and weighting one, forward and backward.

The wrong forwards return the reference's cache, so that a correct backward still works
after them; the wrong backwards unpack the cache as a tuple (``ConcatCache``, a pair of row
counts; ``ScaleCache``, ``(alpha,)``), as the diagnosis replays them on the documented contents.
"""

import numpy as np

from autograder.mistakes._catalog import Catalog
from reference._types import Array
from reference.composition import ConcatCache, ScaleCache

catalog = Catalog()
mistake = catalog.mistake
Pair = tuple[Array, Array]


def _sizes(A1: Array, A2: Array) -> ConcatCache:
    return ConcatCache(A1.shape[0], A2.shape[0])


@mistake("concat_forward", message="you join the examples (columns, axis=1): concatenation stacks the features, "
                                   "the rows, np.concatenate([A1, A2], axis=0)")
def joins_examples(A1: Array, A2: Array) -> tuple[Array, ConcatCache]:
    return np.concatenate([A1, A2], axis=1), _sizes(A1, A2)


@mistake("concat_forward", message="your A puts A2's rows on top: A1's rows come first, then A2's")
def second_branch_first(A1: Array, A2: Array) -> tuple[Array, ConcatCache]:
    return np.concatenate([A2, A1], axis=0), _sizes(A1, A2)


@mistake("concat_forward", message="you add the two branches: concatenation keeps both, A1's rows then A2's, "
                                   "in an A of shape (n1 + n2, m)")
def adds_branches(A1: Array, A2: Array) -> tuple[Array, ConcatCache]:
    return A1 + A2, _sizes(A1, A2)


@mistake("concat_forward", message="you np.stack the branches, which adds a new axis: np.concatenate joins their "
                                   "rows into one (n1 + n2, m) array")
def stacks_on_new_axis(A1: Array, A2: Array) -> tuple[Array, ConcatCache]:
    return np.stack([A1, A2]), _sizes(A1, A2)


@mistake("concat_backward", message="your dA1 and dA2 are swapped: dA1 is the first n1 rows of dA, "
                                    "since A1's rows come first in A")
def swapped_gradients(dA: Array, cache: ConcatCache) -> Pair:
    n1, _ = cache
    return dA[n1:], dA[:n1]


@mistake("concat_backward", message="you split dA after A2's number of rows: dA1 is the first n1 rows of dA, "
                                    "as many as A1 has")
def split_at_second_size(dA: Array, cache: ConcatCache) -> Pair:
    _, n2 = cache
    return dA[:n2], dA[n2:]


@mistake("concat_backward", message="you split dA's columns (the examples): split its rows, the features, "
                                    "dA1 = dA[:n1] and dA2 = dA[n1:]")
def splits_columns(dA: Array, cache: ConcatCache) -> Pair:
    n1, _ = cache
    return dA[:, :n1], dA[:, n1:]


@mistake("concat_backward", message="you send the whole dA to both branches: each branch gets only the rows of "
                                    "its own features")
def whole_gradient_to_both(dA: Array, cache: ConcatCache) -> Pair:
    return dA, dA


@mistake("concat_backward", message="you halve the gradient between the branches: each branch gets its rows of dA "
                                    "unchanged (concatenation copies, it does not average)")
def halved_gradients(dA: Array, cache: ConcatCache) -> Pair:
    n1, _ = cache
    return dA[:n1] / 2, dA[n1:] / 2


@mistake("scale_forward", message="you add alpha to A: weighting a branch multiplies it, A_scaled = alpha * A")
def adds_weight(A: Array, alpha: float) -> tuple[Array, ScaleCache]:
    return A + alpha, ScaleCache(alpha)


@mistake("scale_forward", message="you divide A by alpha: weighting a branch multiplies it, A_scaled = alpha * A")
def divides_by_weight(A: Array, alpha: float) -> tuple[Array, ScaleCache]:
    return A / alpha, ScaleCache(alpha)


@mistake("scale_forward", message="you weight the branch by 1 - alpha: its weight is alpha itself, "
                                  "A_scaled = alpha * A")
def complementary_weight(A: Array, alpha: float) -> tuple[Array, ScaleCache]:
    return (1 - alpha) * A, ScaleCache(alpha)


@mistake("scale_forward", message="your A_scaled ignores alpha: multiply A by it, A_scaled = alpha * A")
def ignores_weight(A: Array, alpha: float) -> tuple[Array, ScaleCache]:
    return A.copy(), ScaleCache(alpha)


@mistake("scale_backward", message="your dA_prev ignores alpha: the derivative of alpha * A is alpha, "
                                   "so dA_prev = alpha * dA")
def gradient_unweighted(dA: Array, cache: ScaleCache) -> Array:
    return dA.copy()


@mistake("scale_backward", message="you divide dA by alpha: the derivative of alpha * A is alpha, "
                                   "so dA_prev = alpha * dA")
def gradient_divided(dA: Array, cache: ScaleCache) -> Array:
    (alpha,) = cache
    return dA / alpha


@mistake("scale_backward", message="you multiply dA by alpha twice (alpha ** 2): the chain rule multiplies by the "
                                   "derivative of alpha * A once, dA_prev = alpha * dA")
def gradient_weighted_twice(dA: Array, cache: ScaleCache) -> Array:
    (alpha,) = cache
    return alpha ** 2 * dA


@mistake("scale_backward", message="you weight the gradient by 1 - alpha: dA_prev = alpha * dA, "
                                   "with the weight of the forward pass")
def gradient_complementary_weight(dA: Array, cache: ScaleCache) -> Array:
    (alpha,) = cache
    return (1 - alpha) * dA


# Correct alternatives: written differently from the reference, as a student's notebook cell holds them
# (untyped, the notebook's names: np, math, copy and the other graded functions).
alternative = catalog.alternative


@alternative("concat_forward")
def concat_forward_vstack(A1, A2):
    return np.vstack((A1, A2)), (A1, A2)


@alternative("concat_backward", needs=(concat_forward_vstack,))
def concat_backward_vstack(dA, cache):
    A1, _ = cache
    return dA[:A1.shape[0]], dA[A1.shape[0]:]


@alternative("concat_forward")
def concat_forward_rows(A1, A2):
    """Row by row into a new array; the cache is n1 alone."""
    A = np.empty((A1.shape[0] + A2.shape[0], A1.shape[1]))
    for i, row in enumerate(list(A1) + list(A2)):
        A[i] = row
    return A, A1.shape[0]


@alternative("concat_backward", needs=(concat_forward_rows,))
def concat_backward_rows(dA, cache):
    dA1, dA2 = np.split(dA, [cache])
    return dA1, dA2


@alternative("concat_forward")
def concat_forward_r(A1, A2):
    return np.r_[A1, A2], {"shapes": (A1.shape, A2.shape)}


@alternative("concat_backward", needs=(concat_forward_r,))
def concat_backward_r(dA, cache):
    (n1, _), (n2, _) = cache["shapes"]
    return np.vsplit(dA, [n1])[0].copy(), dA[-n2:].copy()


@alternative("scale_forward")
def scale_forward_multiply(A, alpha):
    return np.multiply(A, alpha), alpha


@alternative("scale_backward", needs=(scale_forward_multiply,))
def scale_backward_multiply(dA, cache):
    return np.multiply(dA, cache)


@alternative("scale_forward")
def scale_forward_dict(A, alpha):
    return float(alpha) * A, {"alpha": alpha, "A": A}


@alternative("scale_backward", needs=(scale_forward_dict,))
def scale_backward_dict(dA, cache):
    return dA * cache["alpha"]


@alternative("scale_forward")
def scale_forward_loop(A, alpha):
    out = np.zeros(A.shape)
    for index in np.ndindex(A.shape):
        out[index] = alpha * A[index]
    return out, [alpha]


@alternative("scale_backward", needs=(scale_forward_loop,))
def scale_backward_loop(dA, cache):
    (alpha,) = cache
    return np.array([[alpha * x for x in row] for row in dA], dtype=float).reshape(dA.shape)
