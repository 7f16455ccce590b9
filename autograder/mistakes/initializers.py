"""Wrong versions of the parameter initializers, diagnosed by the statistics of what they draw."""

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograder.mistakes._catalog import Catalog, ints
from reference._types import Params


def initializer_fingerprint(args: tuple, kwargs: dict, output: Any) -> dict[str, Any]:
    """Per parameter: its shape and its root mean square (sqrt(2 / n_prev) for He's W, 0 for b)."""
    return {key: {"shape": ints(np.shape(value)), "rms": float(np.sqrt(np.mean(np.square(value))))}
            for key, value in output.items()}


RANDOM = ("initialize_parameters_random", "initialize_parameters_he", "initialize_parameters_xavier",
          "initialize_parameters_deep")
catalog = Catalog(fingerprints=dict.fromkeys(RANDOM, initializer_fingerprint))
mistake = catalog.mistake
HE = ("initialize_parameters_he", "initialize_parameters_deep")
Scale = Callable[[int, int], float]


def _init(layer_dims: Sequence[int], seed: int = 3, *, scale: Scale, draw: str = "randn", transposed: bool = False,
          bias: str = "zeros", layers: int = 0) -> Params:
    """W_l = draw(n_l, n_prev) * scale(n_prev, n_l) (transposed: (n_prev, n_l)); b_l: "zeros", "flat" (n_l,) or
    "randn"; ``layers`` (<= 0) leaves out that many last layers."""
    rng = np.random.RandomState(seed)
    parameters: Params = {}
    for l in range(1, len(layer_dims) + layers):
        n, n_prev = layer_dims[l], layer_dims[l - 1]
        shape = (n_prev, n) if transposed else (n, n_prev)
        parameters[f"W{l}"] = getattr(rng, draw)(*shape) * scale(n_prev, n)
        parameters[f"b{l}"] = {"zeros": np.zeros((n, 1)), "flat": np.zeros(n), "randn": rng.randn(n, 1)}[bias]
    return parameters


def _he(n_prev: int, n: int) -> float:
    return np.sqrt(2 / n_prev)


@mistake(*HE, message="your W has the scale sqrt(1 / n_prev) (Xavier's): He initialization uses sqrt(2 / n_prev)")
def he_with_sqrt_1_over_n(layer_dims: Sequence[int], seed: int = 3) -> Params:
    return _init(layer_dims, seed, scale=lambda n_prev, n: np.sqrt(1 / n_prev))


@mistake(*HE, message="your W is scaled by 2 / n_prev: He initialization uses the square root, sqrt(2 / n_prev)")
def he_without_sqrt(layer_dims: Sequence[int], seed: int = 3) -> Params:
    return _init(layer_dims, seed, scale=lambda n_prev, n: 2 / n_prev)


@mistake(*HE, message="your W is scaled with the size of its own layer: He uses sqrt(2 / n_prev), "
                      "n_prev = layer_dims[l - 1]")
def he_with_current_layer_size(layer_dims: Sequence[int], seed: int = 3) -> Params:
    return _init(layer_dims, seed, scale=lambda n_prev, n: np.sqrt(2 / n))


@mistake(*HE, message="your W is not scaled: multiply np.random.randn(...) by sqrt(2 / n_prev)")
def he_without_scale(layer_dims: Sequence[int], seed: int = 3) -> Params:
    return _init(layer_dims, seed, scale=lambda n_prev, n: 1.0)


@mistake(*HE, message="your W is scaled by 0.01: He initialization uses sqrt(2 / n_prev)")
def he_times_0_01(layer_dims: Sequence[int], seed: int = 3) -> Params:
    return _init(layer_dims, seed, scale=lambda n_prev, n: 0.01)


@mistake(*HE, message="your W is drawn uniformly in [0, 1) (np.random.rand): draw from a standard normal, "
                      "np.random.randn")
def he_uniform(layer_dims: Sequence[int], seed: int = 3) -> Params:
    return _init(layer_dims, seed, scale=_he, draw="rand")


@mistake(*HE, message="your biases are random: all biases start at zero")
def he_random_biases(layer_dims: Sequence[int], seed: int = 3) -> Params:
    return _init(layer_dims, seed, scale=_he, bias="randn")


@mistake("initialize_parameters_zeros", message="your W is all ones: this initializer sets every weight to zero")
def zeros_with_ones(layer_dims: Sequence[int]) -> Params:
    return {key: np.ones_like(value) if key.startswith("W") else value
            for key, value in _init(layer_dims, 0, scale=lambda n_prev, n: 0.0).items()}


@mistake("initialize_parameters_random", message="your W is not multiplied by 10: this initializer uses "
                                                 "np.random.randn(...) * 10")
def random_without_10(layer_dims: Sequence[int], seed: int = 3) -> Params:
    return _init(layer_dims, seed, scale=lambda n_prev, n: 1.0)


@mistake("initialize_parameters_random", message="your W is scaled by 0.01: this initializer uses "
                                                 "np.random.randn(...) * 10, large on purpose")
def random_times_0_01(layer_dims: Sequence[int], seed: int = 3) -> Params:
    return _init(layer_dims, seed, scale=lambda n_prev, n: 0.01)


@mistake("initialize_parameters_random", message="your W is drawn uniformly (np.random.rand): "
                                                 "use a standard normal, np.random.randn(...) * 10")
def random_uniform(layer_dims: Sequence[int], seed: int = 3) -> Params:
    return _init(layer_dims, seed, scale=lambda n_prev, n: 10.0, draw="rand")


@mistake("initialize_parameters_random", message="your biases are random: all biases start at zero")
def random_random_biases(layer_dims: Sequence[int], seed: int = 3) -> Params:
    return _init(layer_dims, seed, scale=lambda n_prev, n: 10.0, bias="randn")


@mistake("initialize_parameters_random", message="your W has He's scale sqrt(2 / n_prev): this initializer "
                                                 "uses np.random.randn(...) * 10")
def random_with_he_scale(layer_dims: Sequence[int], seed: int = 3) -> Params:
    return _init(layer_dims, seed, scale=_he)


@mistake("initialize_parameters_xavier", message="your W has He's scale sqrt(2 / n_prev): Xavier uses sqrt(1 / n_prev)")
def xavier_with_sqrt_2_over_n(layer_dims: Sequence[int], seed: int = 3) -> Params:
    return _init(layer_dims, seed, scale=_he)


@mistake("initialize_parameters_xavier", message="your W is scaled by 1 / n_prev: Xavier uses the square root, "
                                                 "sqrt(1 / n_prev)")
def xavier_without_sqrt(layer_dims: Sequence[int], seed: int = 3) -> Params:
    return _init(layer_dims, seed, scale=lambda n_prev, n: 1 / n_prev)


@mistake("initialize_parameters_xavier", message="your W is scaled with the size of its own layer: Xavier uses "
                                                 "sqrt(1 / n_prev), n_prev = layer_dims[l - 1]")
def xavier_with_current_layer_size(layer_dims: Sequence[int], seed: int = 3) -> Params:
    return _init(layer_dims, seed, scale=lambda n_prev, n: np.sqrt(1 / n))


@mistake("initialize_parameters_xavier", message="your W uses Glorot's sqrt(2 / (n_prev + n_l)): "
                                                 "the lecture's Xavier initialization is sqrt(1 / n_prev)")
def xavier_glorot_average(layer_dims: Sequence[int], seed: int = 3) -> Params:
    return _init(layer_dims, seed, scale=lambda n_prev, n: np.sqrt(2 / (n_prev + n)))


@mistake("initialize_parameters_xavier", message="your biases are random: all biases start at zero")
def xavier_random_biases(layer_dims: Sequence[int], seed: int = 3) -> Params:
    return _init(layer_dims, seed, scale=lambda n_prev, n: np.sqrt(1 / n_prev), bias="randn")


SCALES: dict[str, Scale] = {
    "initialize_parameters_zeros": lambda n_prev, n: 0.0,
    "initialize_parameters_random": lambda n_prev, n: 10.0,
    "initialize_parameters_he": _he,
    "initialize_parameters_deep": _he,
    "initialize_parameters_xavier": lambda n_prev, n: np.sqrt(1 / n_prev),
}
STRUCTURE = {
    "W_transposed": ({"transposed": True}, "your W has the shape (n_prev, n_l): W_l has shape "
                                           "(layer_dims[l], layer_dims[l - 1])"),
    "b_flat": ({"bias": "flat"}, "your biases have shape (n_l,): make them column vectors, np.zeros((n_l, 1))"),
    "last_layer_missing": ({"layers": -1}, "your loop stops one layer early: layer_dims = [n0, ..., nL] gives "
                                           "L layers, for l in range(1, len(layer_dims))"),
}
for _function, _scale in SCALES.items():
    for _variant, (_options, _message) in STRUCTURE.items():
        catalog.add(_function, _variant, _message, functools.partial(_init, scale=_scale, **_options))


# Correct alternatives: written differently from the reference, as a student's notebook cell holds them
# (untyped, the notebook's names: np, math, copy and the other graded functions).
alternative = catalog.alternative


@alternative("initialize_parameters_deep")
def deep_with_a_generator(layer_dims, seed=3):
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):
        n, n_prev = layer_dims[l], layer_dims[l - 1]
        parameters["W" + str(l)] = rng.standard_normal((n, n_prev)) * np.sqrt(2 / n_prev)
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


@alternative("initialize_parameters_deep")
def deep_with_the_global_seed(layer_dims, seed=3):
    np.random.seed(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * (2 / layer_dims[l - 1]) ** 0.5
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


@alternative("initialize_parameters_zeros")
def zeros_in_a_loop(layer_dims):
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.zeros((layer_dims[l], layer_dims[l - 1]))
        parameters["b" + str(l)] = np.zeros(shape=(layer_dims[l], 1), dtype=float)
    return parameters


@alternative("initialize_parameters_random")
def random_with_random_state(layer_dims, seed=3):
    rng = np.random.RandomState(seed)
    return {key: value for l in range(1, len(layer_dims)) for key, value in (
        (f"W{l}", rng.normal(0.0, 10.0, (layer_dims[l], layer_dims[l - 1]))), (f"b{l}", np.zeros((layer_dims[l], 1))))}


@alternative("initialize_parameters_he")
def he_with_pairs_of_sizes(layer_dims, seed=3):
    rng = np.random.default_rng(seed)
    parameters = {}
    for l, (n_prev, n) in enumerate(zip(layer_dims[:-1], layer_dims[1:]), start=1):
        parameters[f"W{l}"] = rng.standard_normal((n, n_prev)) * math.sqrt(2 / n_prev)
        parameters[f"b{l}"] = np.zeros((n, 1))
    return parameters


@alternative("initialize_parameters_xavier")
def xavier_with_the_global_seed(layer_dims, seed=3):
    np.random.seed(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W%d" % l] = np.random.randn(layer_dims[l], layer_dims[l - 1]) / np.sqrt(layer_dims[l - 1])
        parameters["b%d" % l] = np.zeros((layer_dims[l], 1))
    return parameters
