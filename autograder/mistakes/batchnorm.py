"""Wrong versions of batch normalization, forward (train and test) and backward (train)."""

from typing import Any, NamedTuple

import numpy as np

from autograder.mistakes._catalog import Catalog
from reference._types import Array
from reference.batchnorm import BatchNormCache

catalog = Catalog()
mistake = catalog.mistake
Grads = tuple[Array, Array, Array]


class Deviation(NamedTuple):
    """How a wrong batchnorm_forward departs from the contract (the defaults are the contract)."""

    ddof: int = 0
    axis: int = 1
    normalize: str = "sqrt(var + eps)"
    test_stats: str = "running"
    running: str = "momentum * running + (1 - momentum) * batch"
    eps: float = 1e-5
    momentum: float = 0.9
    out: str = "gamma * Z_hat + beta"


NORMALIZE = {"sqrt(var + eps)": lambda var, eps: np.sqrt(var + eps),
             "sqrt(var) + eps": lambda var, eps: np.sqrt(var) + eps,
             "var + eps": lambda var, eps: var + eps, "sqrt(var)": lambda var, eps: np.sqrt(var)}
RUNNING = {"momentum * running + (1 - momentum) * batch": lambda r, x, mom: mom * r + (1 - mom) * x,
           "(1 - momentum) * running + momentum * batch": lambda r, x, mom: (1 - mom) * r + mom * x}
OUT = {"gamma * Z_hat + beta": lambda g, zh, b: g * zh + b, "gamma * Z_hat": lambda g, zh, b: g * zh,
       "beta * Z_hat + gamma": lambda g, zh, b: b * zh + g}


def _forward(Z: Array, gamma: Array, beta: Array, bn_param: dict[str, Any],
             how: Deviation) -> tuple[Array, BatchNormCache]:
    eps, momentum = bn_param.get("eps", how.eps), bn_param.get("momentum", how.momentum)
    zeros = np.zeros((Z.shape[0], 1))
    running_mean, running_var = bn_param.get("running_mean", zeros), bn_param.get("running_var", zeros)
    train = bn_param["mode"] == "train"
    if train or how.test_stats.startswith("batch"):
        mean, var = Z.mean(axis=how.axis, keepdims=True), Z.var(axis=how.axis, keepdims=True, ddof=how.ddof)
        update = RUNNING.get(how.running, RUNNING["momentum * running + (1 - momentum) * batch"])
        stored = np.sqrt(var) if how.running == "std" else var
        if train and how.running != "not stored" or how.test_stats == "batch, stored":
            bn_param["running_mean"] = update(running_mean, mean, momentum)
            bn_param["running_var"] = update(running_var, stored, momentum)
    else:
        mean, var = running_mean, running_var
    normalize = "sqrt(var)" if how.normalize == "test: sqrt(var)" and not train else how.normalize
    Z_hat = (Z - mean) / NORMALIZE.get(normalize, NORMALIZE["sqrt(var + eps)"])(var, eps)
    return OUT[how.out](gamma, Z_hat, beta), BatchNormCache(Z_hat, gamma, 1 / np.sqrt(var + eps), train)


def _forward_mistake(variant: str, message: str, **deviation: Any) -> None:
    def wrong(Z: Array, gamma: Array, beta: Array, bn_param: dict[str, Any]) -> tuple[Array, BatchNormCache]:
        return _forward(Z, gamma, beta, bn_param, Deviation(**deviation))
    catalog.add("batchnorm_forward", variant, message, wrong)


_forward_mistake("unbiased_variance", "your variance is the unbiased one (ddof=1): batch norm uses the biased batch "
                 "variance, np.var(Z, axis=1, keepdims=True)", ddof=1)
_forward_mistake("eps_outside_sqrt", "your epsilon is outside the square root: Z_hat = (Z - mean) / sqrt(var + eps)",
                 normalize="sqrt(var) + eps")
_forward_mistake("divides_by_variance", "you divide by var + eps: divide by its square root, sqrt(var + eps)",
                 normalize="var + eps")
_forward_mistake("test_with_batch_statistics", 'your test mode normalizes with the batch\'s own mean and variance: '
                 'in "test" mode use bn_param["running_mean"] and bn_param["running_var"]', test_stats="batch")
_forward_mistake("test_updates_running_statistics", 'your test mode uses and stores the batch statistics: in "test" '
                 "mode use the running statistics and leave bn_param unchanged", test_stats="batch, stored")
_forward_mistake("running_momentum_swapped", "your running averages weigh the batch by momentum: "
                 "running_mean = momentum * running_mean + (1 - momentum) * mean",
                 running="(1 - momentum) * running + momentum * batch")
_forward_mistake("running_var_with_std", "your running_var averages the standard deviation: it averages the batch "
                 "variance", running="std")
_forward_mistake("running_statistics_not_stored", 'your bn_param is not updated: in "train" mode store the new '
                 'running statistics in bn_param itself, bn_param["running_mean"] = ...', running="not stored")
_forward_mistake("statistics_over_axis_0", "your statistics run over axis 0 (the features of each example): "
                 "features are rows, so the mean and variance run over axis 1, the batch", axis=0)
_forward_mistake("default_eps", 'your default eps is not 1e-5: when bn_param has no "eps", use 1e-5', eps=1e-8)
_forward_mistake("default_momentum", 'your default momentum is not 0.9: when bn_param has no "momentum", use 0.9',
                 momentum=0.99)
_forward_mistake("without_beta", "your output is gamma * Z_hat: add the shift, out = gamma * Z_hat + beta",
                 out="gamma * Z_hat")
_forward_mistake("gamma_beta_swapped", "your gamma and beta are swapped: out = gamma * Z_hat + beta",
                 out="beta * Z_hat + gamma")
_forward_mistake("test_without_eps", 'your test mode divides by sqrt(running_var) without eps: use '
                 "sqrt(running_var + eps) as in training", normalize="test: sqrt(var)")


def _parts(dout: Array, cache: BatchNormCache) -> tuple[Array, Array, Array, int]:
    """dZ_hat = gamma * dout, Z_hat, 1 / sqrt(var + eps), m."""
    Z_hat, gamma, inv_std, _ = cache
    return gamma * dout, Z_hat, inv_std, dout.shape[1]


def _sums(dout: Array, Z_hat: Array) -> tuple[Array, Array]:
    return np.sum(dout * Z_hat, axis=1, keepdims=True), np.sum(dout, axis=1, keepdims=True)


def _full(dZ_hat: Array, Z_hat: Array, inv_std: Array) -> Array:
    mean = np.mean(dZ_hat, axis=1, keepdims=True)
    return inv_std * (dZ_hat - mean - Z_hat * np.mean(dZ_hat * Z_hat, axis=1, keepdims=True))


@mistake("batchnorm_backward", message="your dZ forgets the path through the variance: dZ = inv_std * (dZ_hat - "
                                       "mean(dZ_hat) - Z_hat * mean(dZ_hat * Z_hat)), with dZ_hat = gamma * dout")
def forgets_variance_path(dout: Array, cache: BatchNormCache) -> Grads:
    dZ_hat, Z_hat, inv_std, _ = _parts(dout, cache)
    return inv_std * (dZ_hat - np.mean(dZ_hat, axis=1, keepdims=True)), *_sums(dout, Z_hat)


@mistake("batchnorm_backward", message="your dZ forgets the path through the mean: dZ = inv_std * (dZ_hat - "
                                       "mean(dZ_hat) - Z_hat * mean(dZ_hat * Z_hat)), with dZ_hat = gamma * dout")
def forgets_mean_path(dout: Array, cache: BatchNormCache) -> Grads:
    dZ_hat, Z_hat, inv_std, _ = _parts(dout, cache)
    return inv_std * (dZ_hat - Z_hat * np.mean(dZ_hat * Z_hat, axis=1, keepdims=True)), *_sums(dout, Z_hat)


@mistake("batchnorm_backward", message="your dZ treats the batch mean and variance as constants (dZ = gamma * dout / "
                                       "sqrt(var + eps)): in training they depend on Z, which adds two terms")
def treats_statistics_as_constants(dout: Array, cache: BatchNormCache) -> Grads:
    dZ_hat, Z_hat, inv_std, _ = _parts(dout, cache)
    return inv_std * dZ_hat, *_sums(dout, Z_hat)


@mistake("batchnorm_backward", message="your dgamma is the sum of dout: dgamma = sum over the batch of dout * Z_hat")
def dgamma_without_Z_hat(dout: Array, cache: BatchNormCache) -> Grads:
    dZ_hat, Z_hat, inv_std, _ = _parts(dout, cache)
    _, dbeta = _sums(dout, Z_hat)
    return _full(dZ_hat, Z_hat, inv_std), dbeta, dbeta


@mistake("batchnorm_backward", message="your dgamma and dbeta are averaged over the batch: they are sums "
                                       "(no 1/m), dgamma = sum(dout * Z_hat), dbeta = sum(dout)")
def dgamma_dbeta_averaged(dout: Array, cache: BatchNormCache) -> Grads:
    dZ_hat, Z_hat, inv_std, m = _parts(dout, cache)
    dgamma, dbeta = _sums(dout, Z_hat)
    return _full(dZ_hat, Z_hat, inv_std), dgamma / m, dbeta / m


@mistake("batchnorm_backward", message="your dZ leaves out gamma: the gradient reaching Z_hat is dZ_hat = gamma * dout")
def dZ_without_gamma(dout: Array, cache: BatchNormCache) -> Grads:
    _, Z_hat, inv_std, _ = _parts(dout, cache)
    return _full(dout, Z_hat, inv_std), *_sums(dout, Z_hat)


@mistake("batchnorm_backward", message="your dgamma and dbeta sum over axis 0 (the features): sum over axis 1, "
                                       "the batch, with keepdims=True")
def sums_over_axis_0(dout: Array, cache: BatchNormCache) -> Grads:
    dZ_hat, Z_hat, inv_std, _ = _parts(dout, cache)
    return (_full(dZ_hat, Z_hat, inv_std), np.sum(dout * Z_hat, axis=0, keepdims=True),
            np.sum(dout, axis=0, keepdims=True))


@mistake("batchnorm_backward", message="your dgamma and dbeta have shape (n,): sum with keepdims=True, shape (n, 1)")
def sums_without_keepdims(dout: Array, cache: BatchNormCache) -> Grads:
    dZ_hat, Z_hat, inv_std, _ = _parts(dout, cache)
    return _full(dZ_hat, Z_hat, inv_std), np.sum(dout * Z_hat, axis=1), np.sum(dout, axis=1)


@mistake("batchnorm_backward", message="your dZ is multiplied by sqrt(var + eps): it is divided by it")
def dZ_times_std(dout: Array, cache: BatchNormCache) -> Grads:
    dZ_hat, Z_hat, inv_std, _ = _parts(dout, cache)
    return _full(dZ_hat, Z_hat, 1 / inv_std), *_sums(dout, Z_hat)


@mistake("batchnorm_backward", message="your dZ has the mean term with the wrong sign: "
                                       "dZ = inv_std * (dZ_hat - mean(dZ_hat) - Z_hat * mean(dZ_hat * Z_hat))")
def mean_term_sign(dout: Array, cache: BatchNormCache) -> Grads:
    dZ_hat, Z_hat, inv_std, _ = _parts(dout, cache)
    dZ = _full(dZ_hat, Z_hat, inv_std) + 2 * inv_std * np.mean(dZ_hat, axis=1, keepdims=True)
    return dZ, *_sums(dout, Z_hat)


# Correct alternatives: written differently from the reference, as a student's notebook cell holds them
# (untyped, the notebook's names: np, math, copy and the other graded functions).
alternative = catalog.alternative


@alternative("batchnorm_forward")
def batchnorm_forward_with_a_dict_cache(Z, gamma, beta, bn_param):
    eps, momentum = bn_param.get("eps", 1e-5), bn_param.get("momentum", 0.9)
    zeros = np.zeros((Z.shape[0], 1))
    running_mean, running_var = bn_param.get("running_mean", zeros), bn_param.get("running_var", zeros)
    if bn_param["mode"] == "train":
        mean = np.mean(Z, axis=1, keepdims=True)
        var = np.mean((Z - mean) ** 2, axis=1, keepdims=True)
        bn_param["running_mean"] = momentum * running_mean + (1 - momentum) * mean
        bn_param["running_var"] = momentum * running_var + (1 - momentum) * var
    else:
        mean, var = running_mean, running_var
    out = gamma * (Z - mean) / np.sqrt(var + eps) + beta
    return out, {"Z": Z, "mean": mean, "var": var, "gamma": gamma, "eps": eps}


@alternative("batchnorm_backward", needs=(batchnorm_forward_with_a_dict_cache,))
def batchnorm_backward_step_by_step(dout, cache):
    Z, mean, var, gamma, eps = (cache[key] for key in ("Z", "mean", "var", "gamma", "eps"))
    m = Z.shape[1]
    std = np.sqrt(var + eps)
    Z_hat = (Z - mean) / std
    dZ_hat = dout * gamma
    dvar = np.sum(dZ_hat * (Z - mean), axis=1, keepdims=True) * -0.5 * std ** -3
    dmean = np.sum(-dZ_hat / std, axis=1, keepdims=True) + dvar * np.mean(-2 * (Z - mean), axis=1, keepdims=True)
    dZ = dZ_hat / std + dvar * 2 * (Z - mean) / m + dmean / m
    return dZ, np.sum(dout * Z_hat, axis=1, keepdims=True), np.sum(dout, axis=1, keepdims=True)
