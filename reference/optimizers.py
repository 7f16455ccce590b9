"""Parameter updates, mini-batches and learning-rate decay.

Updates build new dicts (the arguments are left as they were) and return them. Gradient and
state keys are ``"d" + name`` for every parameter ``name`` (``"dW1"``, ``"db1"``, ...).
"""

import math

import numpy as np

from reference._types import Array, Params


def update_parameters(parameters: Params, grads: Params, learning_rate: float) -> Params:
    """W = W - learning_rate * dW for every parameter (assignment 1 teaches it; it is the primary,
    so that later helper modules holding its source do not hold ``update_parameters_with_gd``)."""
    return {name: p - learning_rate * grads[f"d{name}"] for name, p in parameters.items()}


def update_parameters_with_gd(parameters: Params, grads: Params, learning_rate: float) -> Params:
    """Gradient descent step (``update_parameters``)."""
    return update_parameters(parameters, grads, learning_rate)


def random_mini_batches(
    X: Array, Y: Array, mini_batch_size: int = 64, seed: int = 0
) -> list[tuple[Array, Array]]:
    """Shuffle the columns of X and Y with one permutation, then cut consecutive batches.

    The permutation is ``np.random.RandomState(seed).permutation(m)`` (the course's numbers,
    numpy's global generator untouched). X: (n_x, m), Y: (n_y, m) -> [(n_x, <=size), (n_y, <=size)]
    """
    m = X.shape[1]
    permutation = np.random.RandomState(seed).permutation(m)
    X_shuffled, Y_shuffled = X[:, permutation], Y[:, permutation]
    return [
        (X_shuffled[:, k : k + mini_batch_size], Y_shuffled[:, k : k + mini_batch_size])
        for k in range(0, m, mini_batch_size)
    ]


def _zeros_like(parameters: Params) -> Params:
    """{"d" + name: zeros_like(p)}."""
    return {f"d{name}": np.zeros_like(p) for name, p in parameters.items()}


def initialize_velocity(parameters: Params) -> Params:
    """v = zeros for every parameter, keys "dW1", "db1", ..."""
    return _zeros_like(parameters)


def update_parameters_with_momentum(
    parameters: Params, grads: Params, v: Params, beta: float, learning_rate: float
) -> tuple[Params, Params]:
    """v = beta * v + (1 - beta) * dW, W = W - learning_rate * v."""
    v = {key: beta * v[key] + (1 - beta) * grads[key] for key in v}
    parameters = {name: p - learning_rate * v[f"d{name}"] for name, p in parameters.items()}
    return parameters, v


def initialize_rmsprop(parameters: Params) -> Params:
    """s = zeros for every parameter, keys "dW1", "db1", ..."""
    return _zeros_like(parameters)


def update_parameters_with_rmsprop(
    parameters: Params, grads: Params, s: Params, beta: float, learning_rate: float, epsilon: float = 1e-8
) -> tuple[Params, Params]:
    """s = beta * s + (1 - beta) * dW**2, W = W - learning_rate * dW / (sqrt(s) + epsilon)."""
    s = {key: beta * s[key] + (1 - beta) * np.square(grads[key]) for key in s}
    parameters = {
        name: p - learning_rate * grads[f"d{name}"] / (np.sqrt(s[f"d{name}"]) + epsilon)
        for name, p in parameters.items()
    }
    return parameters, s


def initialize_adam(parameters: Params) -> tuple[Params, Params]:
    """v, s = zeros for every parameter, keys "dW1", "db1", ..."""
    return _zeros_like(parameters), _zeros_like(parameters)


def update_parameters_with_adam(
    parameters: Params,
    grads: Params,
    v: Params,
    s: Params,
    t: int,
    learning_rate: float = 0.01,
    beta1: float = 0.9,
    beta2: float = 0.999,
    epsilon: float = 1e-8,
) -> tuple[Params, Params, Params, Params, Params]:
    """Adam step t (from 1): v = beta1 v + (1 - beta1) dW, s = beta2 s + (1 - beta2) dW**2,
    v_c = v / (1 - beta1**t), s_c = s / (1 - beta2**t), W = W - learning_rate * v_c / (sqrt(s_c) + epsilon).

    Returns (parameters, v, s, v_corrected, s_corrected).
    """
    v = {key: beta1 * v[key] + (1 - beta1) * grads[key] for key in v}
    s = {key: beta2 * s[key] + (1 - beta2) * np.square(grads[key]) for key in s}
    v_corrected = {key: v[key] / (1 - beta1**t) for key in v}
    s_corrected = {key: s[key] / (1 - beta2**t) for key in s}
    parameters = {
        name: p - learning_rate * v_corrected[f"d{name}"] / (np.sqrt(s_corrected[f"d{name}"]) + epsilon)
        for name, p in parameters.items()
    }
    return parameters, v, s, v_corrected, s_corrected


def update_lr(learning_rate0: float, epoch_num: float, decay_rate: float) -> float:
    """learning_rate0 / (1 + decay_rate * epoch_num)."""
    return learning_rate0 / (1 + decay_rate * epoch_num)


def schedule_lr_decay(
    learning_rate0: float, epoch_num: float, decay_rate: float, time_interval: float = 1000
) -> float:
    """learning_rate0 / (1 + decay_rate * floor(epoch_num / time_interval))."""
    return learning_rate0 / (1 + decay_rate * math.floor(epoch_num / time_interval))


def exponential_lr_decay(learning_rate0: float, epoch_num: float, k: float) -> float:
    """k ** epoch_num * learning_rate0."""
    return k**epoch_num * learning_rate0
