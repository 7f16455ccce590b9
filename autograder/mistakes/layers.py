"""Wrong versions of the linear layers and of the L-layer forward and backward passes (plain and weighted)."""

import numpy as np

from autograder.mistakes._catalog import Catalog
from reference._types import Array, Params
from reference.activations import BACKWARD, FORWARD
from reference.layers import (
    LinearActivationCache,
    LinearCache,
    linear_activation_backward,
    linear_activation_forward,
    linear_backward,
    linear_forward,
    num_layers,
)

catalog = Catalog()
mistake = catalog.mistake
Grads = tuple[Array, Array, Array]
Caches = list[LinearActivationCache]


@mistake("linear_forward", message="your Z is W @ A_prev without + b")
def linear_forward_without_b(A_prev: Array, W: Array, b: Array) -> tuple[Array, LinearCache]:
    return W @ A_prev, LinearCache(A_prev, W, b)


@mistake("linear_forward", message="your Z is W @ A_prev - b: the bias is added")
def linear_forward_minus_b(A_prev: Array, W: Array, b: Array) -> tuple[Array, LinearCache]:
    return W @ A_prev - b, LinearCache(A_prev, W, b)


@mistake("linear_forward", message="your cache is (W, A_prev, b): the linear cache is (A_prev, W, b), in that order")
def linear_forward_cache_order(A_prev: Array, W: Array, b: Array) -> tuple[Array, tuple]:
    return W @ A_prev + b, (W, A_prev, b)


@mistake("linear_forward", message="your cache is (A_prev, W) without b: the linear cache is (A_prev, W, b)")
def linear_forward_cache_without_b(A_prev: Array, W: Array, b: Array) -> tuple[Array, tuple]:
    return W @ A_prev + b, (A_prev, W)


@mistake("linear_forward", message="your cache holds Z: the linear cache is the inputs (A_prev, W, b)")
def linear_forward_cache_is_Z(A_prev: Array, W: Array, b: Array) -> tuple[Array, Array]:
    Z = W @ A_prev + b
    return Z, Z.copy()


@mistake("linear_activation_forward", message="your function applies sigmoid when asked for relu and relu when asked "
                                              "for sigmoid: the activation names are swapped")
def activation_swapped(A_prev: Array, W: Array, b: Array, activation: str) -> tuple[Array, LinearActivationCache]:
    swap = {"sigmoid": "relu", "relu": "sigmoid"}
    return linear_activation_forward(A_prev, W, b, swap.get(activation, activation))


@mistake("linear_activation_forward", message="your cache is (activation_cache, linear_cache): "
                                              "it should be (linear_cache, activation_cache)")
def activation_cache_order(A_prev: Array, W: Array, b: Array, activation: str) -> tuple[Array, tuple]:
    A, (linear_cache, Z) = linear_activation_forward(A_prev, W, b, activation)
    return A, (Z, linear_cache)


@mistake("linear_activation_forward", message="your activation cache holds A: the activation cache is Z")
def activation_cache_holds_A(A_prev: Array, W: Array, b: Array, activation: str) -> tuple[Array, tuple]:
    A, (linear_cache, _) = linear_activation_forward(A_prev, W, b, activation)
    return A, (linear_cache, A.copy())


@mistake("linear_activation_forward", message="your function returns Z, the linear part, without the activation")
def activation_not_applied(A_prev: Array, W: Array, b: Array, activation: str) -> tuple[Array, tuple]:
    Z, linear_cache = linear_forward(A_prev, W, b)
    return Z, (linear_cache, Z.copy())


@mistake("linear_activation_forward", message="your function applies the activation to A_prev before the linear step: "
                                              "A = g(W @ A_prev + b)")
def activation_before_linear(A_prev: Array, W: Array, b: Array, activation: str) -> tuple[Array, tuple]:
    G, _ = FORWARD[activation](A_prev)
    Z, linear_cache = linear_forward(G, W, b)
    return Z, (linear_cache, Z.copy())


def _forward(X: Array, parameters: Params, activation_of: dict[str, str]) -> tuple[Array, Caches]:
    """L_model_forward with activation_of["hidden"] in layers 1..L-1 and activation_of["output"] in layer L."""
    L = num_layers(parameters)
    A, caches = X, []
    for l in range(1, L + 1):
        kind = "output" if l == L else "hidden"
        A, cache = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], activation_of[kind])
        caches.append(cache)
    return A, caches


@mistake("L_model_forward", message="your network applies relu in the output layer too: the last layer uses sigmoid")
def forward_relu_at_output(X: Array, parameters: Params) -> tuple[Array, Caches]:
    return _forward(X, parameters, {"hidden": "relu", "output": "relu"})


@mistake("L_model_forward", message="your network applies sigmoid in every layer: layers 1..L-1 use relu")
def forward_sigmoid_everywhere(X: Array, parameters: Params) -> tuple[Array, Caches]:
    return _forward(X, parameters, {"hidden": "sigmoid", "output": "sigmoid"})


@mistake("L_model_forward", message="your network uses tanh in the hidden layers: layers 1..L-1 use relu")
def forward_tanh_hidden(X: Array, parameters: Params) -> tuple[Array, Caches]:
    return _forward(X, parameters, {"hidden": "tanh", "output": "sigmoid"})


@mistake("L_model_forward", message="your caches are in reverse order: caches[0] must be layer 1's cache")
def forward_caches_reversed(X: Array, parameters: Params) -> tuple[Array, Caches]:
    AL, caches = _forward(X, parameters, {"hidden": "relu", "output": "sigmoid"})
    return AL, caches[::-1]


@mistake("L_model_forward", message="your caches miss the output layer's cache: there must be one cache per "
                                    "layer, L in all")
def forward_last_cache_missing(X: Array, parameters: Params) -> tuple[Array, Caches]:
    AL, caches = _forward(X, parameters, {"hidden": "relu", "output": "sigmoid"})
    return AL, caches[:-1]


def _linear_cache(cache: LinearCache) -> tuple[Array, Array, int]:
    A_prev, W, _ = cache
    return A_prev, W, A_prev.shape[1]


@mistake("linear_backward", message="your dW is what you get when you forget to divide by m")
def dW_without_1_over_m(dZ: Array, cache: LinearCache) -> Grads:
    A_prev, W, m = _linear_cache(cache)
    return W.T @ dZ, dZ @ A_prev.T, np.sum(dZ, axis=1, keepdims=True) / m


@mistake("linear_backward", message="your db is what you get when you forget to divide by m")
def db_without_1_over_m(dZ: Array, cache: LinearCache) -> Grads:
    A_prev, W, m = _linear_cache(cache)
    return W.T @ dZ, dZ @ A_prev.T / m, np.sum(dZ, axis=1, keepdims=True)


@mistake("linear_backward", message="your dW and db are what you get when you forget to divide by m")
def dW_and_db_without_1_over_m(dZ: Array, cache: LinearCache) -> Grads:
    A_prev, W, _ = _linear_cache(cache)
    return W.T @ dZ, dZ @ A_prev.T, np.sum(dZ, axis=1, keepdims=True)


@mistake("linear_backward", message="your db has shape (n,): sum with keepdims=True so that it is (n, 1)")
def db_without_keepdims(dZ: Array, cache: LinearCache) -> Grads:
    A_prev, W, m = _linear_cache(cache)
    return W.T @ dZ, dZ @ A_prev.T / m, np.sum(dZ, axis=1) / m


@mistake("linear_backward", message="your db sums over axis 0 (the units): sum over axis 1, the examples")
def db_summed_over_axis_0(dZ: Array, cache: LinearCache) -> Grads:
    A_prev, W, m = _linear_cache(cache)
    return W.T @ dZ, dZ @ A_prev.T / m, np.sum(dZ, axis=0, keepdims=True) / m


@mistake("linear_backward", message="your db is the sum of all the entries of dZ: sum over axis 1 with keepdims=True")
def db_summed_over_everything(dZ: Array, cache: LinearCache) -> Grads:
    A_prev, W, m = _linear_cache(cache)
    return W.T @ dZ, dZ @ A_prev.T / m, np.sum(dZ) / m


@mistake("linear_backward", message="your dW is transposed: dW = dZ @ A_prev.T / m has the shape of W")
def dW_transposed(dZ: Array, cache: LinearCache) -> Grads:
    A_prev, W, m = _linear_cache(cache)
    return W.T @ dZ, A_prev @ dZ.T / m, np.sum(dZ, axis=1, keepdims=True) / m


@mistake("linear_backward", message="your dA_prev is divided by m: in the course's convention dA_prev = W.T @ dZ, "
                                    "the 1/m enters only dW and db")
def dA_prev_divided_by_m(dZ: Array, cache: LinearCache) -> Grads:
    A_prev, W, m = _linear_cache(cache)
    return W.T @ dZ / m, dZ @ A_prev.T / m, np.sum(dZ, axis=1, keepdims=True) / m


@mistake("linear_backward", message="your m is the number of rows of A_prev: m is the number of examples, "
                                    "A_prev.shape[1]")
def m_from_rows(dZ: Array, cache: LinearCache) -> Grads:
    A_prev, W, _ = _linear_cache(cache)
    m = A_prev.shape[0]
    return W.T @ dZ, dZ @ A_prev.T / m, np.sum(dZ, axis=1, keepdims=True) / m


@mistake("linear_backward", message="your db is the mean over the units (axis 0) instead of the examples")
def db_mean_over_units(dZ: Array, cache: LinearCache) -> Grads:
    A_prev, W, _ = _linear_cache(cache)
    m = A_prev.shape[1]
    return W.T @ dZ, dZ @ A_prev.T / m, np.mean(dZ, axis=0, keepdims=True)


@mistake("linear_backward", message="your dA_prev is transposed (dZ.T @ W): dA_prev = W.T @ dZ has the shape of A_prev")
def dA_prev_transposed(dZ: Array, cache: LinearCache) -> Grads:
    A_prev, W, m = _linear_cache(cache)
    return dZ.T @ W, dZ @ A_prev.T / m, np.sum(dZ, axis=1, keepdims=True) / m


def _backward_with(activation_backward: dict[str, str]):
    """linear_activation_backward that runs the backward of ``activation_backward[activation]``."""
    def backward(dA: Array, cache: LinearActivationCache, activation: str) -> Grads:
        linear_cache, Z = cache
        return linear_backward(BACKWARD[activation_backward.get(activation, activation)](dA, Z), linear_cache)
    return backward


@mistake("linear_activation_backward", message="your function runs sigmoid_backward for relu and relu_backward for "
                                               "sigmoid: the activation names are swapped")
def backward_activation_swapped(dA: Array, cache: LinearActivationCache, activation: str) -> Grads:
    return _backward_with({"sigmoid": "relu", "relu": "sigmoid"})(dA, cache, activation)


@mistake("linear_activation_backward", message="your function passes dA straight to linear_backward: "
                                               "compute dZ with the activation's backward first")
def backward_skips_activation(dA: Array, cache: LinearActivationCache, activation: str) -> Grads:
    linear_cache, _ = cache
    return linear_backward(dA, linear_cache)


@mistake("linear_activation_backward", message="your function always runs relu_backward, whatever the activation")
def backward_always_relu(dA: Array, cache: LinearActivationCache, activation: str) -> Grads:
    return _backward_with({"sigmoid": "relu", "tanh": "relu"})(dA, cache, activation)


@mistake("linear_activation_backward", message="your function applies the activation's backward to dA_prev after "
                                               "linear_backward: dZ = g'(Z) * dA comes first")
def backward_activation_after_linear(dA: Array, cache: LinearActivationCache, activation: str) -> Grads:
    linear_cache, Z = cache
    dA_prev, dW, db = linear_backward(dA, linear_cache)
    A_prev = linear_cache[0]
    return BACKWARD[activation](dA_prev, A_prev), dW, db


def _dAL(AL: Array, Y: Array) -> Array:
    return -(Y / AL - (1 - Y) / (1 - AL))


def _model_backward(dAL: Array, caches: Caches, output: str = "sigmoid", hidden: str = "relu",
                    shift: int = 0) -> Params:
    """L_model_backward from ``dAL``; the gradient of A{l-1} is stored under f"dA{l - 1 + shift}"."""
    grads: Params = {}
    dA, L = dAL, len(caches)
    for l in range(L, 0, -1):
        activation = output if l == L else hidden
        dA, grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(dA, caches[l - 1], activation)
        grads[f"dA{l - 1 + shift}"] = dA
    return grads


@mistake("L_model_backward", message="your dAL has the wrong sign: dAL = -(Y / AL - (1 - Y) / (1 - AL))")
def dAL_wrong_sign(AL: Array, Y: Array, caches: Caches) -> Params:
    return _model_backward(-_dAL(AL, Y), caches)


@mistake("L_model_backward", message="your dAL is -(Y / AL + (1 - Y) / (1 - AL)): the second term is subtracted, "
                                     "dAL = -(Y / AL - (1 - Y) / (1 - AL))")
def dAL_plus_inside(AL: Array, Y: Array, caches: Caches) -> Params:
    return _model_backward(-(Y / AL + (1 - Y) / (1 - AL)), caches)


@mistake("L_model_backward", message="your backward pass starts from dAL = AL - Y and then applies sigmoid_backward: "
                                     "AL - Y is already dZL, the starting dAL is -(Y / AL - (1 - Y) / (1 - AL))")
def dAL_is_AL_minus_Y(AL: Array, Y: Array, caches: Caches) -> Params:
    return _model_backward(AL - Y, caches)


@mistake("L_model_backward", message="your dAL is divided by m: in the course's convention dAL = -(Y / AL - "
                                     "(1 - Y) / (1 - AL)), "
                                     "the 1/m enters only dW and db")
def dAL_divided_by_m(AL: Array, Y: Array, caches: Caches) -> Params:
    return _model_backward(_dAL(AL, Y) / Y.shape[1], caches)


@mistake("L_model_backward", message="your output layer goes through relu_backward: layer L is a sigmoid layer")
def backward_relu_at_output(AL: Array, Y: Array, caches: Caches) -> Params:
    return _model_backward(_dAL(AL, Y), caches, output="relu")


@mistake("L_model_backward", message="your hidden layers go through sigmoid_backward: layers 1..L-1 are relu layers")
def backward_sigmoid_everywhere(AL: Array, Y: Array, caches: Caches) -> Params:
    return _model_backward(_dAL(AL, Y), caches, hidden="sigmoid")


@mistake("L_model_backward", message="your dA keys are shifted by one: the gradient of A{l-1}, computed in layer l, "
                                     "is grads['dA' + str(l - 1)] (dA0 ... dA{L-1})")
def dA_keys_shifted(AL: Array, Y: Array, caches: Caches) -> Params:
    return _model_backward(_dAL(AL, Y), caches, shift=1)


@mistake("L_model_backward", message="your grads have no dA0: the gradient of A0 = X is part of the result too")
def without_dA0(AL: Array, Y: Array, caches: Caches) -> Params:
    grads = _model_backward(_dAL(AL, Y), caches)
    del grads["dA0"]
    return grads


@mistake("L_model_backward_weighted", message="your gradients ignore sample_weight: start from "
                                              "dAL = -w * (Y / AL - (1 - Y) / (1 - AL))")
def weights_ignored(AL: Array, Y: Array, caches: Caches, sample_weight: Array) -> Params:
    return _model_backward(_dAL(AL, Y), caches)


@mistake("L_model_backward_weighted", message="your gradients are scaled by the mean weight: weight each example's "
                                              "column of dAL by its own w_i")
def gradients_times_mean_weight(AL: Array, Y: Array, caches: Caches, sample_weight: Array) -> Params:
    return {key: value * np.mean(sample_weight) for key, value in _model_backward(_dAL(AL, Y), caches).items()}


@mistake("L_model_backward_weighted", message="your dAL is divided by the mean weight (the gradient of a cost "
                                              "divided by the sum of the weights): dAL = -w * (Y / AL - ...)")
def normalized_by_mean_weight(AL: Array, Y: Array, caches: Caches, sample_weight: Array) -> Params:
    return _model_backward(sample_weight / np.mean(sample_weight) * _dAL(AL, Y), caches)


@mistake("L_model_backward_weighted", message="your dAL weights only Y / AL: the weight multiplies the whole "
                                              "derivative, dAL = -w * (Y / AL - (1 - Y) / (1 - AL))")
def weight_on_first_term_only(AL: Array, Y: Array, caches: Caches, sample_weight: Array) -> Params:
    return _model_backward(-(sample_weight * Y / AL - (1 - Y) / (1 - AL)), caches)


@mistake("L_model_backward_weighted", message="your weights reach only the last layer: pass the weighted "
                                              "dA{L-1} on to the hidden layers too")
def weights_last_layer_only(AL: Array, Y: Array, caches: Caches, sample_weight: Array) -> Params:
    grads = _model_backward(_dAL(AL, Y), caches)
    L = len(caches)
    _, grads[f"dW{L}"], grads[f"db{L}"] = linear_activation_backward(sample_weight * _dAL(AL, Y), caches[-1], "sigmoid")
    return grads


@mistake("L_model_backward_weighted", message="your weighted dAL has the wrong sign: "
                                              "dAL = -w * (Y / AL - (1 - Y) / (1 - AL))")
def weighted_dAL_wrong_sign(AL: Array, Y: Array, caches: Caches, sample_weight: Array) -> Params:
    return _model_backward(-sample_weight * _dAL(AL, Y), caches)


# Correct alternatives: written differently from the reference, as a student's notebook cell holds them
# (untyped, the notebook's names: np, math, copy and the other graded functions).
alternative = catalog.alternative


@alternative("linear_forward")
def linear_forward_with_einsum(A_prev, W, b):
    return np.einsum("ij,jk->ik", W, A_prev) + b, (A_prev, W, b)


@alternative("linear_activation_forward")
def linear_activation_forward_by_table(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)  # noqa: F821 - the notebook's functions
    g = {"sigmoid": sigmoid, "relu": relu, "tanh": tanh, "softmax": softmax}[activation]  # noqa: F821
    A, activation_cache = g(Z)
    return A, (linear_cache, activation_cache)


@alternative("L_model_forward")
def L_model_forward_with_a_while_loop(X, parameters):
    caches, A, L = [], X, len(parameters) // 2
    l = 1
    while l < L:
        A, cache = linear_activation_forward(A, parameters["W%d" % l], parameters["b%d" % l], "relu")  # noqa: F821
        caches.append(cache)
        l += 1
    AL, cache = linear_activation_forward(A, parameters["W%d" % L], parameters["b%d" % L], "sigmoid")  # noqa: F821
    return AL, caches + [cache]


@alternative("linear_backward")
def linear_backward_with_einsum(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    return np.dot(W.T, dZ), np.einsum("ik,jk->ij", dZ, A_prev) / m, np.mean(dZ, axis=1, keepdims=True)


@alternative("linear_activation_backward")
def linear_activation_backward_by_cases(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)  # noqa: F821
    elif activation == "sigmoid":
        dZ = sigmoid_backward(dA, activation_cache)  # noqa: F821
    else:
        dZ = tanh_backward(dA, activation_cache)  # noqa: F821
    return linear_backward(dZ, linear_cache)  # noqa: F821


@alternative("L_model_backward")
def L_model_backward_with_reversed(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dA = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    for l in reversed(range(L)):
        dA, grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = linear_activation_backward(  # noqa: F821
            dA, caches[l], "sigmoid" if l == L - 1 else "relu")
        grads["dA" + str(l)] = dA
    return grads


@alternative("L_model_backward_weighted")
def weighted_backward_from_dAL(AL, Y, caches, sample_weight):
    grads, L = {}, len(caches)
    dA = -sample_weight * (Y / AL - (1 - Y) / (1 - AL))
    for l in range(L, 0, -1):
        dA, grads["dW" + str(l)], grads["db" + str(l)] = linear_activation_backward(  # noqa: F821
            dA, caches[l - 1], "sigmoid" if l == L else "relu")
        grads["dA" + str(l - 1)] = dA
    return grads


@alternative("L_model_backward_weighted")
def L_model_backward_weighted_dZ(AL, Y, caches, sample_weight):
    """The output layer from dZL = w * (AL - Y) (sigmoid and cross-entropy together)."""
    L = len(caches)
    grads = {}
    dA, grads[f"dW{L}"], grads[f"db{L}"] = linear_backward(sample_weight * (AL - Y), caches[-1][0])  # noqa: F821
    grads[f"dA{L - 1}"] = dA
    for l in range(L - 1, 0, -1):
        linear_cache, Z = caches[l - 1]
        dA, grads[f"dW{l}"], grads[f"db{l}"] = linear_backward(dA * (Z > 0), linear_cache)  # noqa: F821
        grads[f"dA{l - 1}"] = dA
    return grads


@alternative("L_model_backward_weighted")
def L_model_backward_weighted_recursive(AL, Y, caches, sample_weight):
    def back(dA, l):
        if l == 0:
            return {}
        dA_prev, dW, db = linear_activation_backward(dA, caches[l - 1], "sigmoid" if l == len(caches) else "relu")  # noqa: F821
        return {f"dA{l - 1}": dA_prev, f"dW{l}": dW, f"db{l}": db, **back(dA_prev, l - 1)}
    return back(sample_weight * ((1 - Y) / (1 - AL) - Y / AL), len(caches))
