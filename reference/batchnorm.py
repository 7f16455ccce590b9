"""Batch normalization over the examples (axis 1; features are rows)."""

from typing import Any, NamedTuple

import numpy as np

from reference._types import Array


class BatchNormCache(NamedTuple):
    Z_hat: Array
    gamma: Array
    inv_std: Array
    train: bool


def batchnorm_forward(Z: Array, gamma: Array, beta: Array, bn_param: dict[str, Any]) -> tuple[Array, BatchNormCache]:
    """out = gamma * Z_hat + beta, Z_hat = (Z - mean) / sqrt(var + eps).

    "train": batch mean and biased variance; ``bn_param["running_mean"]``/``["running_var"]``
    become ``momentum * running + (1 - momentum) * batch`` (new arrays, zeros when absent).
    "test": the running statistics; ``bn_param`` unchanged. eps 1e-5, momentum 0.9 by default.
    Z: (n, m), gamma, beta: (n, 1) -> out: (n, m)
    """
    n = Z.shape[0]
    eps, momentum = bn_param.get("eps", 1e-5), bn_param.get("momentum", 0.9)
    running_mean = bn_param.get("running_mean", np.zeros((n, 1)))
    running_var = bn_param.get("running_var", np.zeros((n, 1)))
    if bn_param["mode"] == "train":
        mean, var = Z.mean(axis=1, keepdims=True), Z.var(axis=1, keepdims=True)
        bn_param["running_mean"] = momentum * running_mean + (1 - momentum) * mean
        bn_param["running_var"] = momentum * running_var + (1 - momentum) * var
    elif bn_param["mode"] == "test":
        mean, var = running_mean, running_var
    else:
        raise ValueError(f'bn_param["mode"] must be "train" or "test", not {bn_param["mode"]!r}')
    inv_std = 1.0 / np.sqrt(var + eps)
    Z_hat = (Z - mean) * inv_std
    return gamma * Z_hat + beta, BatchNormCache(Z_hat, gamma, inv_std, bn_param["mode"] == "train")


def batchnorm_backward(dout: Array, cache: BatchNormCache) -> tuple[Array, Array, Array]:
    """Gradients of sum(dout * out).   dout: (n, m) -> dZ: (n, m), dgamma, dbeta: (n, 1)

    dgamma = sum_j dout * Z_hat, dbeta = sum_j dout;
    train: dZ = gamma * inv_std / m * (m * dout - dbeta - Z_hat * dgamma); test: dZ = gamma * inv_std * dout.
    """
    Z_hat, gamma, inv_std, train = cache
    dgamma = np.sum(dout * Z_hat, axis=1, keepdims=True)
    dbeta = np.sum(dout, axis=1, keepdims=True)
    if not train:
        return gamma * inv_std * dout, dgamma, dbeta
    m = dout.shape[1]
    return gamma * inv_std / m * (m * dout - dbeta - Z_hat * dgamma), dgamma, dbeta
