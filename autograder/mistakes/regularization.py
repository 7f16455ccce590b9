"""Wrong versions of L_p-regularized backpropagation, of inverted dropout and of early stopping.

The L2 mistakes (``l2_*``) take the contract's ``p`` and ignore it: they are Part B's, made with p = 2.
"""

import operator
from collections.abc import Callable, Sequence
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
def l2_grad_without_m(AL: Array, Y: Array, caches: Caches, lambd: float, p: float = 2) -> Params:
    return _with_l2(AL, Y, caches, {"W": lambd})


@mistake("L_model_backward_with_regularization", message="your dW adds 2 * lambd / m * W: the 1/2 in the cost's "
                                                         "lambd / (2m) cancels the 2, so the gradient is lambd / m * W")
def l2_grad_twice(AL: Array, Y: Array, caches: Caches, lambd: float, p: float = 2) -> Params:
    return _with_l2(AL, Y, caches, {"W": 2 * lambd / Y.shape[1]})


@mistake("L_model_backward_with_regularization", message="your dW adds lambd / (2m) * W: the gradient of "
                                                         "lambd / (2m) * ||W||^2 is lambd / m * W")
def l2_grad_halved(AL: Array, Y: Array, caches: Caches, lambd: float, p: float = 2) -> Params:
    return _with_l2(AL, Y, caches, {"W": lambd / (2 * Y.shape[1])})


@mistake("L_model_backward_with_regularization", message="your db has an L2 term too: only dW gets lambd / m * W")
def l2_grad_on_biases(AL: Array, Y: Array, caches: Caches, lambd: float, p: float = 2) -> Params:
    m = Y.shape[1]
    return _with_l2(AL, Y, caches, {"W": lambd / m, "b": lambd / m})


@mistake("L_model_backward_with_regularization", message="your dW subtracts lambd / m * W: the L2 gradient is added")
def l2_grad_subtracted(AL: Array, Y: Array, caches: Caches, lambd: float, p: float = 2) -> Params:
    return _with_l2(AL, Y, caches, {"W": -lambd / Y.shape[1]})


@mistake("L_model_backward_with_regularization", message="only your last layer's dW has the L2 term: add "
                                                         "lambd / m * W_l "
                                                         "to every layer's dW_l")
def l2_grad_last_layer_only(AL: Array, Y: Array, caches: Caches, lambd: float, p: float = 2) -> Params:
    return _with_l2(AL, Y, caches, {"W": lambd / Y.shape[1]}, layers="last")


@mistake("L_model_backward_with_regularization", message="only your first layer's dW has the L2 term: add "
                                                         "lambd / m * W_l "
                                                         "to every layer's dW_l")
def l2_grad_first_layer_only(AL: Array, Y: Array, caches: Caches, lambd: float, p: float = 2) -> Params:
    return _with_l2(AL, Y, caches, {"W": lambd / Y.shape[1]}, layers="first")


@mistake("L_model_backward_with_regularization", message="your gradients have no L2 term: add lambd / m * W_l to dW_l")
def l2_grad_missing(AL: Array, Y: Array, caches: Caches, lambd: float, p: float = 2) -> Params:
    return L_model_backward(AL, Y, caches)


def _with_slope(AL: Array, Y: Array, caches: Caches, slope: Callable[[Array], Array]) -> Params:
    """L_model_backward, then dW_l += lambd / m * slope(W_l) (``slope`` holds lambd / m)."""
    grads = L_model_backward(AL, Y, caches)
    for l, ((_, W, _), _) in enumerate(caches, start=1):
        grads[f"dW{l}"] = grads[f"dW{l}"] + slope(W)
    return grads


@mistake("L_model_backward_with_regularization", message="your gradient ignores p: it adds lambd / m * W for every p, "
                                                         "not lambd / m * sign(W) * |W|^(p - 1)")
def lp_grad_ignores_p(AL: Array, Y: Array, caches: Caches, lambd: float, p: float = 2) -> Params:
    return _with_slope(AL, Y, caches, lambda W: lambd / Y.shape[1] * W)


@mistake("L_model_backward_with_regularization", message="your L_p gradient lacks sign(W): the slope of |W|^p is "
                                                         "negative for negative weights, lambd / m * sign(W) * |W|^(p - 1)")
def lp_grad_without_sign(AL: Array, Y: Array, caches: Caches, lambd: float, p: float = 2) -> Params:
    return _with_slope(AL, Y, caches, lambda W: lambd / Y.shape[1] * np.abs(W) ** (p - 1))


@mistake("L_model_backward_with_regularization", message="your L_p gradient is divided by p: the p of the derivative "
                                                         "of |W|^p cancels the 1/p of the cost, lambd / m * sign(W) * "
                                                         "|W|^(p - 1)")
def lp_grad_divided_by_p(AL: Array, Y: Array, caches: Caches, lambd: float, p: float = 2) -> Params:
    return _with_slope(AL, Y, caches, lambda W: lambd / (p * Y.shape[1]) * np.sign(W) * np.abs(W) ** (p - 1))


@mistake("L_model_backward_with_regularization", message="your L_p gradient uses |W|^p, the penalty itself: its "
                                                         "derivative has the power p - 1")
def lp_grad_power_p(AL: Array, Y: Array, caches: Caches, lambd: float, p: float = 2) -> Params:
    return _with_slope(AL, Y, caches, lambda W: lambd / Y.shape[1] * np.sign(W) * np.abs(W) ** p)


@mistake("L_model_backward_with_regularization", message="your L1 gradient is +lambd / m where W = 0: sign(0) is 0, "
                                                         "so a weight that is exactly 0 gets no L1 term (np.sign)")
def l1_grad_one_at_zero(AL: Array, Y: Array, caches: Caches, lambd: float, p: float = 2) -> Params:
    return _with_slope(AL, Y, caches, lambda W: lambd / Y.shape[1] * np.where(W >= 0, 1.0, -1.0) * np.abs(W) ** (p - 1))


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


def _stopping(dev_costs: Sequence[float], patience: int, *, replaces: Callable[[float, float], bool] = operator.lt,
              out_of_patience: Callable[[int, int], bool] = operator.ge) -> tuple[int, int | None]:
    """early_stopping with its two decisions made by ``replaces(cost, best_cost)`` and
    ``out_of_patience(epoch - best, patience)``."""
    best = 0
    for epoch, cost in enumerate(dev_costs):
        if replaces(cost, dev_costs[best]):
            best = epoch
        if out_of_patience(epoch - best, patience):
            return best, epoch
    return best, None


@mistake("early_stopping", message="your best epoch moves to a later epoch with the same cost: only a strictly lower "
                                   "cost replaces the best (cost < best cost, not <=)")
def later_tie_replaces(dev_costs: Sequence[float], patience: int) -> tuple[int, int | None]:
    return _stopping(dev_costs, patience, replaces=operator.le)


@mistake("early_stopping", message="you stop one epoch late: stop at the first epoch with epoch - best >= patience, "
                                   "not > patience")
def stops_one_late(dev_costs: Sequence[float], patience: int) -> tuple[int, int | None]:
    return _stopping(dev_costs, patience, out_of_patience=operator.gt)


@mistake("early_stopping", message="you count the epochs since the cost last went down, not since the best epoch: "
                                   "patience runs from the epoch of the lowest cost so far")
def counts_since_last_decrease(dev_costs: Sequence[float], patience: int) -> tuple[int, int | None]:
    best, since = 0, 0
    for epoch, cost in enumerate(dev_costs):
        best = epoch if cost < dev_costs[best] else best
        since = 0 if epoch == 0 or cost < dev_costs[epoch - 1] else since + 1
        if since >= patience:
            return best, epoch
    return best, None


@mistake("early_stopping", message="your best epoch is the lowest cost of the whole list: when training stops it has "
                                   "not seen the epochs after the stop, so best is the lowest cost up to it")
def best_of_the_whole_list(dev_costs: Sequence[float], patience: int) -> tuple[int, int | None]:
    _, stop = _stopping(dev_costs, patience)
    return int(np.argmin(dev_costs)), stop


@mistake("early_stopping", message="when patience never runs out you return the last epoch as the stop: return None "
                                   "then (training was not stopped)")
def last_epoch_instead_of_none(dev_costs: Sequence[float], patience: int) -> tuple[int, int | None]:
    best, stop = _stopping(dev_costs, patience)
    return best, len(dev_costs) - 1 if stop is None else stop


@mistake("early_stopping", message="your epochs count from 1: an epoch is its 0-based position in dev_costs")
def epochs_from_1(dev_costs: Sequence[float], patience: int) -> tuple[int, int | None]:
    best, stop = _stopping(dev_costs, patience)
    return best + 1, None if stop is None else stop + 1


# Correct alternatives: written differently from the reference, as a student's notebook cell holds them
# (untyped, the notebook's names: np, math, copy and the other graded functions).
alternative = catalog.alternative


@alternative("L_model_backward_with_regularization")
def regularized_backward_over_L_model_backward(AL, Y, caches, lambd, p=2):  # noqa: N802
    grads = L_model_backward(AL, Y, caches)  # the notebook's (a helper module's) L_model_backward
    m = AL.shape[1]
    for l in range(len(caches), 0, -1):
        W = caches[l - 1][0][1]
        grads["dW" + str(l)] = grads["dW" + str(l)] + (lambd / m) * np.sign(W) * np.abs(W) ** (p - 1)
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


@alternative("L_model_backward_with_regularization")
def lp_backward_with_copysign(AL, Y, caches, lambd, p=2):
    grads = L_model_backward(AL, Y, caches)  # noqa: F821 - the namespace's (a helper module's) L_model_backward
    m = AL.shape[1]
    for l in range(len(caches), 0, -1):
        W = caches[l - 1][0][1]
        slope = np.where(W == 0, 0.0, np.copysign(np.abs(W) ** (p - 1), W))
        grads["dW" + str(l)] = grads["dW" + str(l)] + lambd / m * slope
    return grads


@alternative("L_model_backward_with_regularization")
def L_model_backward_with_regularization_loop(AL, Y, caches, lambd, p=2):
    grads, L, m = {}, len(caches), AL.shape[1]
    dA = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    for l in reversed(range(1, L + 1)):
        linear_cache, _ = caches[l - 1]
        dA_prev, dW, db = linear_activation_backward(dA, caches[l - 1], "sigmoid" if l == L else "relu")  # noqa: F821
        W = linear_cache[1]
        penalty = W if p == 2 else np.sign(W) * np.power(np.abs(W), p - 1)
        grads[f"dA{l - 1}"], grads[f"dW{l}"], grads[f"db{l}"] = dA_prev, dW + (lambd / m) * penalty, db
        dA = dA_prev
    return grads


@alternative("L_model_backward_with_regularization")
def L_model_backward_with_regularization_l1_case(AL, Y, caches, lambd, p=2):
    grads = L_model_backward(AL, Y, caches)  # noqa: F821 - the namespace's L_model_backward
    for l, ((_, W, _), _) in enumerate(caches, start=1):
        if p == 1:
            slope = (W > 0).astype(float) - (W < 0).astype(float)
        else:
            slope = np.sign(W) * np.abs(W) ** (p - 1)
        grads[f"dW{l}"] = grads[f"dW{l}"] + slope * lambd / Y.shape[1]
    return grads


@alternative("early_stopping")
def early_stopping_with_wait_counter(dev_costs, patience):
    best, best_cost, wait = 0, dev_costs[0], 0
    for epoch, cost in enumerate(dev_costs):
        if cost < best_cost:
            best, best_cost, wait = epoch, cost, 0
        elif epoch > 0:
            wait += 1
        if wait >= patience:
            return best, epoch
    return best, None


@alternative("early_stopping")
def early_stopping_numpy(dev_costs, patience):
    costs = np.asarray(dev_costs, dtype=float)
    lowest = np.minimum.accumulate(costs)
    best_so_far = np.array([np.flatnonzero(costs[:e + 1] == lowest[e])[0] for e in range(len(costs))])
    out = np.flatnonzero(np.arange(len(costs)) - best_so_far >= patience)
    if out.size == 0:
        return int(best_so_far[-1]), None
    return int(best_so_far[out[0]]), int(out[0])


@alternative("early_stopping")
def early_stopping_while(dev_costs, patience):
    epoch, best = 0, 0
    while epoch < len(dev_costs):
        if dev_costs[epoch] < dev_costs[best]:
            best = epoch
        if epoch - best == patience:
            return (best, epoch)
        epoch += 1
    return (best, None)
