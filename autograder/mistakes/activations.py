"""Wrong versions of the activations and their backward functions (the cache is ``Z``)."""

import numpy as np

from autograder.mistakes._catalog import Catalog
from reference._types import Array
from reference.activations import sigmoid as _sigmoid

catalog = Catalog()
mistake = catalog.mistake


def _s(Z: Array) -> Array:
    return _sigmoid(Z)[0]


@mistake("sigmoid", message="your sigmoid is 1 / (1 + exp(+Z)): the sign in the exponent should be minus")
def sigmoid_wrong_sign(Z: Array) -> tuple[Array, Array]:
    return _s(-Z), Z


@mistake("sigmoid", message="your sigmoid returns A as its cache: the activation cache is Z")
def sigmoid_cache_is_A(Z: Array) -> tuple[Array, Array]:
    return _s(Z), _s(Z)


@mistake("sigmoid", message="your sigmoid computes 1 / 1 + exp(-Z), which Python reads as 1 + exp(-Z): "
                           "put the denominator in parentheses")
def sigmoid_missing_parentheses(Z: Array) -> tuple[Array, Array]:
    with np.errstate(over="ignore"):
        return 1 / 1 + np.exp(-Z), Z


@mistake("relu", message="your relu takes np.max(Z, 0), the largest value of each column: use np.maximum(Z, 0)")
def relu_np_max(Z: Array) -> tuple[Array, Array]:
    return np.max(Z, 0), Z


@mistake("relu", message="your relu returns |Z|: negative values must become 0, not change sign")
def relu_abs(Z: Array) -> tuple[Array, Array]:
    return np.abs(Z), Z


@mistake("relu", message="your relu is a leaky ReLU (0.01 * Z for negative Z): the course's ReLU gives 0 there")
def relu_leaky(Z: Array) -> tuple[Array, Array]:
    return np.where(Z > 0, Z, 0.01 * Z), Z


@mistake("relu", message="your relu returns A as its cache: the activation cache is Z")
def relu_cache_is_A(Z: Array) -> tuple[Array, Array]:
    A = np.maximum(Z, 0)
    return A, A.copy()


@mistake("relu", message="your relu keeps the negative values and zeroes the positive ones (np.minimum "
                         "instead of np.maximum)")
def relu_minimum(Z: Array) -> tuple[Array, Array]:
    return np.minimum(Z, 0), Z


@mistake("tanh", message="your tanh is 2 * sigmoid(Z) - 1, which is tanh(Z / 2): tanh(Z) = 2 * sigmoid(2Z) - 1")
def tanh_via_sigmoid_of_Z(Z: Array) -> tuple[Array, Array]:
    return 2 * _s(Z) - 1, Z


@mistake("tanh", message="your tanh returns A as its cache: the activation cache is Z")
def tanh_cache_is_A(Z: Array) -> tuple[Array, Array]:
    return np.tanh(Z), np.tanh(Z)


@mistake("tanh", message="your tanh returns sigmoid(Z): use np.tanh")
def tanh_is_sigmoid(Z: Array) -> tuple[Array, Array]:
    return _s(Z), Z


@mistake("softmax", message="your softmax normalizes each row (axis=1): it must normalize each column "
                            "(axis=0), one example per column")
def softmax_rows(Z: Array) -> tuple[Array, Array]:
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True), Z


@mistake("softmax", message="your softmax divides by the sum over the whole matrix: sum over each column "
                            "(axis=0, keepdims=True)")
def softmax_global_sum(Z: Array) -> tuple[Array, Array]:
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(), Z


@mistake("softmax", message="your softmax returns exp(Z) without dividing by the column sums")
def softmax_not_normalized(Z: Array) -> tuple[Array, Array]:
    with np.errstate(over="ignore"):
        return np.exp(Z), Z


@mistake("softmax", message="your softmax subtracts the max of the whole matrix but sums each row")
def softmax_rows_global_max(Z: Array) -> tuple[Array, Array]:
    e = np.exp(Z - Z.max())
    return e / e.sum(axis=1, keepdims=True), Z


@mistake("softmax", message="your softmax returns A as its cache: the activation cache is Z")
def softmax_cache_is_A(Z: Array) -> tuple[Array, Array]:
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    A = e / e.sum(axis=0, keepdims=True)
    return A, A.copy()


@mistake("sigmoid_backward", message="your dZ is dA * s: you forgot the factor (1 - s) of the sigmoid's "
                                     "derivative s * (1 - s)")
def sigmoid_backward_missing_one_minus_s(dA: Array, cache: Array) -> Array:
    return dA * _s(cache)


@mistake("sigmoid_backward", message="your dZ is dA * (1 - s): you forgot the factor s of the sigmoid's "
                                     "derivative s * (1 - s)")
def sigmoid_backward_missing_s(dA: Array, cache: Array) -> Array:
    return dA * (1 - _s(cache))


@mistake("sigmoid_backward", message="your dZ is s * (1 - s) without the upstream gradient dA")
def sigmoid_backward_without_dA(dA: Array, cache: Array) -> Array:
    s = _s(cache)
    return s * (1 - s)


@mistake("sigmoid_backward", message="your dZ is dA * Z * (1 - Z): the cache is Z, not A, so compute s = "
                                     "sigmoid(Z) first")
def sigmoid_backward_cache_as_A(dA: Array, cache: Array) -> Array:
    return dA * cache * (1 - cache)


@mistake("sigmoid_backward", message="your dZ is dA * s * (1 + s): the derivative of the sigmoid is s * (1 - s)")
def sigmoid_backward_one_plus_s(dA: Array, cache: Array) -> Array:
    s = _s(cache)
    return dA * s * (1 + s)


@mistake("relu_backward", message="your dZ is dA where Z = 0: the gradient is 0 wherever Z <= 0 (you masked "
                                  "only Z < 0)")
def relu_backward_mask_only_negative(dA: Array, cache: Array) -> Array:
    return np.where(cache < 0, 0.0, dA)


@mistake("relu_backward", message="your dZ is dA unchanged: it must be 0 wherever Z <= 0")
def relu_backward_no_mask(dA: Array, cache: Array) -> Array:
    return dA.copy()


@mistake("relu_backward", message="your dZ is the mask (Z > 0) alone: multiply it by dA")
def relu_backward_mask_without_dA(dA: Array, cache: Array) -> Array:
    return (cache > 0).astype(float)


@mistake("relu_backward", message="your dZ is dA * Z: the derivative of ReLU is 1 for Z > 0, not Z")
def relu_backward_times_Z(dA: Array, cache: Array) -> Array:
    return dA * np.maximum(cache, 0)


@mistake("relu_backward", message="your dZ masks where dA <= 0: the mask comes from Z (the cache), not from dA")
def relu_backward_mask_on_dA(dA: Array, cache: Array) -> Array:
    return np.where(dA > 0, dA, 0.0)


@mistake("relu_backward", message="your dZ is 0 where Z > 0 and dA elsewhere: the mask is inverted")
def relu_backward_inverted_mask(dA: Array, cache: Array) -> Array:
    return np.where(cache > 0, 0.0, dA)


@mistake("tanh_backward", message="your dZ is dA * (1 - tanh(Z)): the derivative of tanh is 1 - tanh(Z)**2")
def tanh_backward_not_squared(dA: Array, cache: Array) -> Array:
    return dA * (1 - np.tanh(cache))


@mistake("tanh_backward", message="your dZ is dA * (1 - Z**2): the cache is Z, not A, so compute tanh(Z) first")
def tanh_backward_cache_as_A(dA: Array, cache: Array) -> Array:
    return dA * (1 - cache ** 2)


@mistake("tanh_backward", message="your dZ is 1 - tanh(Z)**2 without the upstream gradient dA")
def tanh_backward_without_dA(dA: Array, cache: Array) -> Array:
    return 1 - np.tanh(cache) ** 2


@mistake("tanh_backward", message="your dZ is dA * (1 + tanh(Z)**2): the derivative of tanh is 1 - tanh(Z)**2")
def tanh_backward_plus(dA: Array, cache: Array) -> Array:
    return dA * (1 + np.tanh(cache) ** 2)


@mistake("tanh_backward", message="your dZ is dA * tanh(Z)**2: the derivative of tanh is 1 - tanh(Z)**2")
def tanh_backward_missing_one(dA: Array, cache: Array) -> Array:
    return dA * np.tanh(cache) ** 2


# Correct alternatives: written differently from the reference, as a student's notebook cell holds them
# (untyped, the notebook's names: np, math, copy and the other graded functions).
alternative = catalog.alternative


@alternative("sigmoid")
def sigmoid_through_tanh(Z):
    return 0.5 * (1 + np.tanh(Z / 2)), Z


@alternative("relu")
def relu_by_mask(Z):
    return Z * (Z > 0), Z


@alternative("tanh")
def tanh_from_exponentials(Z):
    e = np.exp(-2 * np.abs(Z))
    return np.sign(Z) * (1 - e) / (1 + e), Z


@alternative("softmax")
def softmax_by_log_sum_exp(Z):
    shifted = Z - np.max(Z, axis=0, keepdims=True)
    return np.exp(shifted - np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))), Z


@alternative("relu_backward")
def relu_backward_on_a_copy(dA, cache):
    dZ = np.array(dA, copy=True)
    dZ[cache <= 0] = 0
    return dZ


@alternative("sigmoid_backward")
def sigmoid_backward_through_sigmoid(dA, cache):
    s = sigmoid(cache)[0]  # noqa: F821 - the notebook's sigmoid
    return dA * s * (1 - s)


@alternative("tanh_backward")
def tanh_backward_through_cosh(dA, cache):
    return dA / np.cosh(cache) ** 2
