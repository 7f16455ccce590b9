"""Wrong versions of L2-regularized backpropagation and of inverted dropout."""

from typing import Any

import numpy as np

from autograder.mistakes._catalog import Catalog, ints
from reference._types import Array, Params
from reference.layers import L_model_backward, LinearActivationCache

Caches = list[LinearActivationCache]


def dropout_fingerprint(args: tuple, kwargs: dict, output: Any) -> dict[str, Any]:
    """What inverted dropout fixes in (A_drop, D): the mask's shape and values, the kept
    fraction (about keep_prob), the scale of the kept entries (1 / keep_prob), zeros where dropped."""
    A = np.asarray(kwargs["A"] if "A" in kwargs else args[0], dtype=float)
    A_drop, D = (np.asarray(x, dtype=float) for x in output)
    kept = np.broadcast_to(D != 0, A.shape)
    ratio = A_drop[kept & (np.abs(A) > 1e-12)] / A[kept & (np.abs(A) > 1e-12)]
    return {"D_shape": ints(D.shape), "D_binary": bool(np.isin(D, (0.0, 1.0)).all()),
            "kept": float(np.mean(kept)), "scale": float(np.median(ratio)) if ratio.size else 0.0,
            "zero_where_dropped": bool(np.all(A_drop[~kept] == 0))}


catalog = Catalog(fingerprints={"dropout_forward": dropout_fingerprint})
mistake = catalog.mistake


def _with_l2(AL: Array, Y: Array, caches: Caches, penalty: dict[str, float], layers: str = "all") -> Params:
    """L_model_backward, then d{P}_l += penalty[P] * P_l for P in penalty ("W", "b") and the chosen layers."""
    grads = L_model_backward(AL, Y, caches)
    chosen = {"all": range(1, len(caches) + 1), "first": [1], "last": [len(caches)]}[layers]
    for l in chosen:
        (_, W, b), _ = caches[l - 1]
        for name, value in {"W": W, "b": b}.items():
            grads[f"d{name}{l}"] = grads[f"d{name}{l}"] + penalty.get(name, 0.0) * value
    return grads


@mistake("L_model_backward_with_regularization", message="your dW is what you get when you add lambd * W without "
                                                         "dividing by m: the L2 gradient is lambd / m * W")
def l2_grad_without_m(AL: Array, Y: Array, caches: Caches, lambd: float) -> Params:
    return _with_l2(AL, Y, caches, {"W": lambd})


@mistake("L_model_backward_with_regularization", message="your dW adds 2 * lambd / m * W: the 1/2 in the cost's "
                                                         "lambd / (2m) cancels the 2, so the gradient is lambd / m * W")
def l2_grad_twice(AL: Array, Y: Array, caches: Caches, lambd: float) -> Params:
    return _with_l2(AL, Y, caches, {"W": 2 * lambd / Y.shape[1]})


@mistake("L_model_backward_with_regularization", message="your dW adds lambd / (2m) * W: the gradient of "
                                                         "lambd / (2m) * ||W||^2 is lambd / m * W")
def l2_grad_halved(AL: Array, Y: Array, caches: Caches, lambd: float) -> Params:
    return _with_l2(AL, Y, caches, {"W": lambd / (2 * Y.shape[1])})


@mistake("L_model_backward_with_regularization", message="your db has an L2 term too: only dW gets lambd / m * W")
def l2_grad_on_biases(AL: Array, Y: Array, caches: Caches, lambd: float) -> Params:
    m = Y.shape[1]
    return _with_l2(AL, Y, caches, {"W": lambd / m, "b": lambd / m})


@mistake("L_model_backward_with_regularization", message="your dW subtracts lambd / m * W: the L2 gradient is added")
def l2_grad_subtracted(AL: Array, Y: Array, caches: Caches, lambd: float) -> Params:
    return _with_l2(AL, Y, caches, {"W": -lambd / Y.shape[1]})


@mistake("L_model_backward_with_regularization", message="only your last layer's dW has the L2 term: add "
                                                         "lambd / m * W_l "
                                                         "to every layer's dW_l")
def l2_grad_last_layer_only(AL: Array, Y: Array, caches: Caches, lambd: float) -> Params:
    return _with_l2(AL, Y, caches, {"W": lambd / Y.shape[1]}, layers="last")


@mistake("L_model_backward_with_regularization", message="only your first layer's dW has the L2 term: add "
                                                         "lambd / m * W_l "
                                                         "to every layer's dW_l")
def l2_grad_first_layer_only(AL: Array, Y: Array, caches: Caches, lambd: float) -> Params:
    return _with_l2(AL, Y, caches, {"W": lambd / Y.shape[1]}, layers="first")


@mistake("L_model_backward_with_regularization", message="your gradients have no L2 term: add lambd / m * W_l to dW_l")
def l2_grad_missing(AL: Array, Y: Array, caches: Caches, lambd: float) -> Params:
    return L_model_backward(AL, Y, caches)


@mistake("dropout_forward", message="your A_drop is what you get without dividing by keep_prob: inverted dropout "
                                    "scales the kept values by 1 / keep_prob so that the expected value is unchanged")
def dropout_without_rescaling(A: Array, keep_prob: float, rng: np.random.Generator) -> tuple[Array, Array]:
    D = rng.random(A.shape) < keep_prob
    return A * D, D


@mistake("dropout_forward", message="your mask keeps about 1 - keep_prob of the units: keep a unit when "
                                    "rng.random(...) < keep_prob, not >")
def dropout_inverted_mask(A: Array, keep_prob: float, rng: np.random.Generator) -> tuple[Array, Array]:
    D = rng.random(A.shape) > keep_prob
    return A * D / keep_prob, D


@mistake("dropout_forward", message="your A_drop divides by 1 - keep_prob: inverted dropout divides by keep_prob")
def dropout_divides_by_drop_prob(A: Array, keep_prob: float, rng: np.random.Generator) -> tuple[Array, Array]:
    D = rng.random(A.shape) < keep_prob
    return A * D / (1 - keep_prob), D


@mistake("dropout_forward", message="your A_drop multiplies by keep_prob: inverted dropout divides by keep_prob")
def dropout_multiplies_by_keep_prob(A: Array, keep_prob: float, rng: np.random.Generator) -> tuple[Array, Array]:
    D = rng.random(A.shape) < keep_prob
    return A * D * keep_prob, D


@mistake("dropout_forward", message="your D holds the random numbers themselves: D is the keep-mask, "
                                    "rng.random(A.shape) < keep_prob")
def dropout_mask_not_thresholded(A: Array, keep_prob: float, rng: np.random.Generator) -> tuple[Array, Array]:
    D = rng.random(A.shape)
    return A * (D < keep_prob) / keep_prob, D


@mistake("dropout_forward", message="your mask has one value per unit (shape (n, 1)): draw one per unit and "
                                    "example, with A.shape")
def dropout_mask_per_unit(A: Array, keep_prob: float, rng: np.random.Generator) -> tuple[Array, Array]:
    D = rng.random((A.shape[0], 1)) < keep_prob
    return A * D / keep_prob, D


@mistake("dropout_forward", message="your A_drop is A / keep_prob everywhere: multiply A by the mask D as well")
def dropout_mask_not_applied(A: Array, keep_prob: float, rng: np.random.Generator) -> tuple[Array, Array]:
    D = rng.random(A.shape) < keep_prob
    return A / keep_prob, D


@mistake("dropout_backward", message="your dA_prev is what you get without dividing by keep_prob: the backward pass "
                                     "scales by 1 / keep_prob like the forward pass")
def dropout_backward_without_rescaling(dA: Array, D: Array, keep_prob: float) -> Array:
    return dA * D


@mistake("dropout_backward", message="your dA_prev divides by 1 - keep_prob: divide by keep_prob")
def dropout_backward_divides_by_drop_prob(dA: Array, D: Array, keep_prob: float) -> Array:
    return dA * D / (1 - keep_prob)


@mistake("dropout_backward", message="your dA_prev multiplies by keep_prob: divide by keep_prob")
def dropout_backward_multiplies_by_keep_prob(dA: Array, D: Array, keep_prob: float) -> Array:
    return dA * D * keep_prob


@mistake("dropout_backward", message="your dA_prev ignores the mask: units dropped in the forward pass get "
                                     "no gradient, "
                                     "multiply by D")
def dropout_backward_without_mask(dA: Array, D: Array, keep_prob: float) -> Array:
    return dA / keep_prob


@mistake("dropout_backward", message="your dA_prev uses the inverted mask (1 - D): the gradient flows through "
                                     "the units that were kept, D")
def dropout_backward_inverted_mask(dA: Array, D: Array, keep_prob: float) -> Array:
    return dA * (1 - np.asarray(D, dtype=float)) / keep_prob


# Correct alternatives: written differently from the reference, as a student's notebook cell holds them
# (untyped, the notebook's names: np, math, copy and the other graded functions).
alternative = catalog.alternative


@alternative("L_model_backward_with_regularization")
def regularized_backward_over_L_model_backward(AL, Y, caches, lambd):  # noqa: N802
    grads = L_model_backward(AL, Y, caches)  # the notebook's (a helper module's) L_model_backward
    m = AL.shape[1]
    for l in range(len(caches), 0, -1):
        linear_cache, _ = caches[l - 1]
        grads["dW" + str(l)] = grads["dW" + str(l)] + (lambd / m) * linear_cache[1]
    return grads


@alternative("dropout_forward")
def dropout_with_uniform(A, keep_prob, rng):
    D = (rng.uniform(size=A.shape) < keep_prob).astype(float)
    return np.multiply(A, D) / keep_prob, D


@alternative("dropout_forward")
def dropout_with_binomial(A, keep_prob, rng):
    D = rng.binomial(1, keep_prob, size=A.shape)
    return A * D / keep_prob, D


@alternative("dropout_backward")
def dropout_backward_with_where(dA, D, keep_prob):
    return np.where(D.astype(bool), dA / keep_prob, 0.0)
