"""Correct implementations of Parts B-D written differently from the reference (other numpy
calls, loops, in-place updates, other generators and seedings, other cache layouts)."""

from __future__ import annotations

import copy
import math

import numpy as np


def initialize_parameters_zeros(layer_dims):
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.zeros((layer_dims[l], layer_dims[l - 1]))
        parameters["b" + str(l)] = np.zeros(shape=(layer_dims[l], 1), dtype=float)
    return parameters


def initialize_parameters_random(layer_dims, seed=3):
    rng = np.random.RandomState(seed)
    return {key: value for l in range(1, len(layer_dims)) for key, value in (
        (f"W{l}", rng.normal(0.0, 10.0, (layer_dims[l], layer_dims[l - 1]))), (f"b{l}", np.zeros((layer_dims[l], 1))))}


def initialize_parameters_he(layer_dims, seed=3):
    rng = np.random.default_rng(seed)
    parameters = {}
    for l, (n_prev, n) in enumerate(zip(layer_dims[:-1], layer_dims[1:]), start=1):
        parameters[f"W{l}"] = rng.standard_normal((n, n_prev)) * math.sqrt(2 / n_prev)
        parameters[f"b{l}"] = np.zeros((n, 1))
    return parameters


def initialize_parameters_xavier(layer_dims, seed=3):
    np.random.seed(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W%d" % l] = np.random.randn(layer_dims[l], layer_dims[l - 1]) / np.sqrt(layer_dims[l - 1])
        parameters["b%d" % l] = np.zeros((layer_dims[l], 1))
    return parameters


def normalize_inputs(X_train, X_test):
    m = X_train.shape[1]
    mu = np.sum(X_train, axis=1, keepdims=True) / m
    sigma = np.sqrt(np.sum((X_train - mu) ** 2, axis=1, keepdims=True) / m)
    return np.divide(X_train - mu, sigma), np.divide(X_test - mu, sigma)


def compute_cost_with_regularization(AL, Y, parameters, lambd, p=2):
    m = Y.shape[1]
    cross_entropy = -(np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T)) / m
    L = len(parameters) // 2
    penalty = sum(np.linalg.norm(parameters["W" + str(l)].ravel(), ord=p) ** p for l in range(1, L + 1))
    return float(np.squeeze(cross_entropy)) + lambd / (p * m) * penalty


def L_model_backward_with_regularization(AL, Y, caches, lambd, p=2):
    grads = L_model_backward(AL, Y, caches)  # noqa: F821 - the namespace's (a helper module's) L_model_backward
    m = AL.shape[1]
    for l in range(len(caches), 0, -1):
        linear_cache, _ = caches[l - 1]
        W = linear_cache[1]
        grads["dW" + str(l)] = grads["dW" + str(l)] + (lambd / m) * np.sign(W) * np.abs(W) ** (p - 1)
    return grads


def dropout_forward(A, keep_prob, rng):
    D = (rng.uniform(size=A.shape) < keep_prob).astype(float)
    return np.multiply(A, D) / keep_prob, D


def dropout_forward_binomial(A, keep_prob, rng):
    D = rng.binomial(1, keep_prob, size=A.shape)
    return A * D / keep_prob, D


def dropout_backward(dA, D, keep_prob):
    return np.where(D.astype(bool), dA / keep_prob, 0.0)


def update_parameters_with_gd(parameters, grads, learning_rate):
    for l in range(1, len(parameters) // 2 + 1):
        parameters["W" + str(l)] -= learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] -= learning_rate * grads["db" + str(l)]
    return parameters


def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    permutation = np.random.default_rng(seed).permutation(m)
    shuffled_X, shuffled_Y = X[:, permutation], Y[:, permutation]
    return [(shuffled_X[:, k * mini_batch_size:min((k + 1) * mini_batch_size, m)],
             shuffled_Y[:, k * mini_batch_size:min((k + 1) * mini_batch_size, m)])
            for k in range(math.ceil(m / mini_batch_size))]


def random_mini_batches_course(X, Y, mini_batch_size=64, seed=0):
    np.random.seed(seed)
    m = X.shape[1]
    permutation = list(np.random.permutation(m))
    shuffled_X, shuffled_Y = X[:, permutation], Y[:, permutation].reshape((Y.shape[0], m))
    mini_batches = []
    num_complete = math.floor(m / mini_batch_size)
    for k in range(num_complete):
        mini_batches.append((shuffled_X[:, k * mini_batch_size:(k + 1) * mini_batch_size],
                             shuffled_Y[:, k * mini_batch_size:(k + 1) * mini_batch_size]))
    if m % mini_batch_size != 0:
        mini_batches.append((shuffled_X[:, num_complete * mini_batch_size:],
                             shuffled_Y[:, num_complete * mini_batch_size:]))
    return mini_batches


def initialize_velocity(parameters):
    L = len(parameters) // 2
    v = {}
    for l in range(L):
        v["dW" + str(l + 1)] = np.zeros(parameters["W" + str(l + 1)].shape)
        v["db" + str(l + 1)] = np.zeros(parameters["b" + str(l + 1)].shape)
    return v


def initialize_rmsprop(parameters):
    return {"d" + key: np.zeros_like(value, dtype=float) for key, value in parameters.items()}


def initialize_adam(parameters):
    v = initialize_rmsprop(parameters)
    return v, copy.deepcopy(v)


def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
    for l in range(1, len(parameters) // 2 + 1):
        for p in ("W", "b"):
            v[f"d{p}{l}"] = beta * v[f"d{p}{l}"] + (1 - beta) * grads[f"d{p}{l}"]
            parameters[f"{p}{l}"] = parameters[f"{p}{l}"] - learning_rate * v[f"d{p}{l}"]
    return parameters, v


def update_parameters_with_rmsprop(parameters, grads, s, beta, learning_rate, epsilon=1e-8):
    for key in list(s):
        s[key] *= beta
        s[key] += (1 - beta) * np.square(grads[key])
        parameters[key[1:]] -= learning_rate * grads[key] / (np.sqrt(s[key]) + epsilon)
    return parameters, s


def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999,
                                epsilon=1e-8):
    v_corrected, s_corrected = {}, {}
    new_v, new_s, new_parameters = {}, {}, {}
    for key in v:
        new_v[key] = beta1 * v[key] + (1 - beta1) * grads[key]
        new_s[key] = beta2 * s[key] + (1 - beta2) * np.power(grads[key], 2)
        v_corrected[key] = new_v[key] / (1 - np.power(beta1, t))
        s_corrected[key] = new_s[key] / (1 - np.power(beta2, t))
        new_parameters[key[1:]] = parameters[key[1:]] - learning_rate * v_corrected[key] / (
            np.sqrt(s_corrected[key]) + epsilon)
    return new_parameters, new_v, new_s, v_corrected, s_corrected


def update_lr(learning_rate0, epoch_num, decay_rate):
    return float(learning_rate0 * (1.0 / (1.0 + decay_rate * epoch_num)))


def schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (1 + decay_rate * (epoch_num // time_interval))


def exponential_lr_decay(learning_rate0, epoch_num, k):
    return learning_rate0 * np.power(k, epoch_num)


def batchnorm_forward(Z, gamma, beta, bn_param):
    """The long form: cache (Z, mean, var, gamma, eps, mode) in a dict."""
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


def batchnorm_backward(dout, cache):
    """The chain rule step by step, through var and mean."""
    Z, mean, var, gamma, eps = (cache[key] for key in ("Z", "mean", "var", "gamma", "eps"))
    m = Z.shape[1]
    std = np.sqrt(var + eps)
    Z_hat = (Z - mean) / std
    dZ_hat = dout * gamma
    dvar = np.sum(dZ_hat * (Z - mean), axis=1, keepdims=True) * -0.5 * std ** -3
    dmean = np.sum(-dZ_hat / std, axis=1, keepdims=True) + dvar * np.mean(-2 * (Z - mean), axis=1, keepdims=True)
    dZ = dZ_hat / std + dvar * 2 * (Z - mean) / m + dmean / m
    return dZ, np.sum(dout * Z_hat, axis=1, keepdims=True), np.sum(dout, axis=1, keepdims=True)


#: Alternative name -> the contract function it implements.
ALTERNATIVES = {
    "initialize_parameters_zeros": initialize_parameters_zeros,
    "initialize_parameters_random": initialize_parameters_random,
    "initialize_parameters_he": initialize_parameters_he,
    "initialize_parameters_xavier": initialize_parameters_xavier,
    "normalize_inputs": normalize_inputs,
    "compute_cost_with_regularization": compute_cost_with_regularization,
    "L_model_backward_with_regularization": L_model_backward_with_regularization,
    "dropout_forward": dropout_forward,
    "dropout_forward/binomial": dropout_forward_binomial,
    "dropout_backward": dropout_backward,
    "update_parameters_with_gd": update_parameters_with_gd,
    "random_mini_batches": random_mini_batches,
    "random_mini_batches/course": random_mini_batches_course,
    "initialize_velocity": initialize_velocity,
    "initialize_rmsprop": initialize_rmsprop,
    "initialize_adam": initialize_adam,
    "update_parameters_with_momentum": update_parameters_with_momentum,
    "update_parameters_with_rmsprop": update_parameters_with_rmsprop,
    "update_parameters_with_adam": update_parameters_with_adam,
    "update_lr": update_lr,
    "schedule_lr_decay": schedule_lr_decay,
    "exponential_lr_decay": exponential_lr_decay,
    "batchnorm_forward": batchnorm_forward,
    "batchnorm_backward": batchnorm_backward,
}
