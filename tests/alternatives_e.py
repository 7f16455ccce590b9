"""Correct implementations of Part E's functions in assignments 2 and 3, written differently from the
reference (other numpy calls, loops, recursion, other generators' methods, other formulas)."""

from __future__ import annotations

import math

import numpy as np


def compute_cost_with_regularization(AL, Y, parameters, lambd, p=2):
    m = Y.shape[1]
    cross_entropy = -np.einsum("ij,ij->", Y, np.log(AL)) - np.einsum("ij,ij->", 1 - Y, np.log(1 - AL))
    penalty = 0.0
    for key in sorted(parameters):
        if key.startswith("W"):
            penalty += (np.abs(parameters[key]) ** p).sum()
    return (cross_entropy + lambd * penalty / p) / m


def compute_cost_with_regularization_fsum(AL, Y, parameters, lambd, p=2):
    m = Y.shape[1]
    losses = [-(y * math.log(a) + (1 - y) * math.log(1 - a)) for a, y in zip(AL.ravel(), Y.ravel())]
    penalty = math.fsum(abs(w) ** p for key, W in parameters.items() if key.startswith("W") for w in W.ravel())
    return math.fsum(losses) / m + lambd * penalty / (p * m)


def compute_cost_with_regularization_power(AL, Y, parameters, lambd, p=2):
    cost = compute_cost(AL, Y)  # noqa: F821 - the namespace's (a helper module's) compute_cost
    weights = [value for key, value in parameters.items() if key[0] == "W"]
    return cost + lambd / p / Y.shape[1] * np.sum([np.power(np.abs(W), p).sum() for W in weights])


def L_model_backward_with_regularization(AL, Y, caches, lambd, p=2):
    grads = L_model_backward(AL, Y, caches)  # noqa: F821 - the namespace's (a helper module's) L_model_backward
    m = AL.shape[1]
    for l in range(len(caches), 0, -1):
        W = caches[l - 1][0][1]
        slope = np.where(W == 0, 0.0, np.copysign(np.abs(W) ** (p - 1), W))
        grads["dW" + str(l)] = grads["dW" + str(l)] + lambd / m * slope
    return grads


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


def L_model_backward_with_regularization_l1_case(AL, Y, caches, lambd, p=2):
    grads = L_model_backward(AL, Y, caches)  # noqa: F821 - the namespace's L_model_backward
    for l, ((_, W, _), _) in enumerate(caches, start=1):
        if p == 1:
            slope = (W > 0).astype(float) - (W < 0).astype(float)
        else:
            slope = np.sign(W) * np.abs(W) ** (p - 1)
        grads[f"dW{l}"] = grads[f"dW{l}"] + slope * lambd / Y.shape[1]
    return grads


def compute_cost_weighted(AL, Y, sample_weight):
    m = Y.shape[1]
    cost = -(np.dot(sample_weight * Y, np.log(AL).T) + np.dot(sample_weight * (1 - Y), np.log(1 - AL).T)) / m
    return float(np.squeeze(cost))


def compute_cost_weighted_mean(AL, Y, sample_weight):
    losses = -np.where(Y == 1, np.log(AL), np.log(1 - AL))
    return np.mean(sample_weight * losses)


def compute_cost_weighted_loop(AL, Y, sample_weight):
    total = 0.0
    for a, y, w in zip(AL[0], Y[0], sample_weight[0]):
        total += w * (y * math.log(a) + (1 - y) * math.log(1 - a))
    return -total / len(Y[0])


def L_model_backward_weighted(AL, Y, caches, sample_weight):
    grads, L = {}, len(caches)
    dA = -sample_weight * (Y / AL - (1 - Y) / (1 - AL))
    for l in range(L, 0, -1):
        dA, grads["dW" + str(l)], grads["db" + str(l)] = linear_activation_backward(  # noqa: F821
            dA, caches[l - 1], "sigmoid" if l == L else "relu")
        grads["dA" + str(l - 1)] = dA
    return grads


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


def L_model_backward_weighted_recursive(AL, Y, caches, sample_weight):
    def back(dA, l):
        if l == 0:
            return {}
        dA_prev, dW, db = linear_activation_backward(dA, caches[l - 1], "sigmoid" if l == len(caches) else "relu")  # noqa: F821
        return {f"dA{l - 1}": dA_prev, f"dW{l}": dW, f"db{l}": db, **back(dA_prev, l - 1)}
    return back(sample_weight * ((1 - Y) / (1 - AL) - Y / AL), len(caches))


def early_stopping(dev_costs, patience):
    best, best_cost, wait = 0, dev_costs[0], 0
    for epoch, cost in enumerate(dev_costs):
        if cost < best_cost:
            best, best_cost, wait = epoch, cost, 0
        elif epoch > 0:
            wait += 1
        if wait >= patience:
            return best, epoch
    return best, None


def early_stopping_numpy(dev_costs, patience):
    costs = np.asarray(dev_costs, dtype=float)
    lowest = np.minimum.accumulate(costs)
    best_so_far = np.array([np.flatnonzero(costs[:e + 1] == lowest[e])[0] for e in range(len(costs))])
    out = np.flatnonzero(np.arange(len(costs)) - best_so_far >= patience)
    if out.size == 0:
        return int(best_so_far[-1]), None
    return int(best_so_far[out[0]]), int(out[0])


def early_stopping_while(dev_costs, patience):
    epoch, best = 0, 0
    while epoch < len(dev_costs):
        if dev_costs[epoch] < dev_costs[best]:
            best = epoch
        if epoch - best == patience:
            return (best, epoch)
        epoch += 1
    return (best, None)


def augment_shift(X, Y, shifts, image_shape):
    h, w = image_shape
    m = X.shape[1]
    blocks = [X]
    for down, right in shifts:
        shifted = np.zeros_like(X)
        for r in range(h):
            for c in range(w):
                if 0 <= r - down < h and 0 <= c - right < w:
                    shifted[r * w + c] = X[(r - down) * w + (c - right)]
        blocks.append(shifted)
    return np.hstack(blocks), np.hstack([Y] * len(blocks)).reshape(Y.shape[0], m * len(blocks))


def augment_shift_roll(X, Y, shifts, image_shape):
    h, w = image_shape
    images = X.T.reshape(-1, h, w)
    out = [X]
    for down, right in shifts:
        moved = np.roll(images, (down, right), axis=(1, 2))
        rows, cols = np.arange(h), np.arange(w)
        moved[:, (rows < down) | (rows >= h + down), :] = 0
        moved[:, :, (cols < right) | (cols >= w + right)] = 0
        out.append(moved.reshape(len(images), h * w).T)
    return np.concatenate(out, axis=1), np.tile(Y, len(out))


def augment_shift_slices(X, Y, shifts, image_shape):
    h, w = image_shape
    images = X.T.reshape(X.shape[1], h, w)
    X_aug, Y_aug = [X], [Y]
    for dy, dx in shifts:
        out = np.zeros_like(images)
        if abs(dy) < h and abs(dx) < w:
            out[:, max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
                images[:, max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
        X_aug.append(out.reshape(X.shape[1], -1).T)
        Y_aug.append(Y.copy())
    return np.concatenate(X_aug, axis=1), np.concatenate(Y_aug, axis=1)


def sample_hyperparameters(space, n, rng):
    settings = []
    for _ in range(n):
        setting = {}
        for name, spec in space.items():
            if spec[0] == "log":
                setting[name] = 10 ** rng.uniform(np.log10(spec[1]), np.log10(spec[2]))
            elif spec[0] == "uniform":
                setting[name] = rng.uniform(spec[1], spec[2])
            elif spec[0] == "int":
                setting[name] = int(rng.integers(spec[1], spec[2] + 1))
            else:
                setting[name] = spec[1][rng.integers(len(spec[1]))]
        settings.append(setting)
    return settings


def sample_hyperparameters_natural_log(space, n, rng):
    def draw(kind, *bounds):
        if kind == "log":
            return float(np.exp(rng.uniform(math.log(bounds[0]), math.log(bounds[1]))))
        if kind == "uniform":
            return bounds[0] + (bounds[1] - bounds[0]) * rng.random()
        if kind == "int":
            return int(rng.integers(bounds[0], bounds[1], endpoint=True))
        return bounds[0][int(rng.choice(len(bounds[0])))]
    return [{name: draw(*spec) for name, spec in space.items()} for _ in range(n)]


def sample_hyperparameters_by_name(space, n, rng):
    columns = {}
    for name, (kind, *bounds) in space.items():
        if kind == "log":
            columns[name] = np.power(10.0, rng.uniform(np.log10(bounds[0]), np.log10(bounds[1]), size=n))
        elif kind == "uniform":
            columns[name] = rng.uniform(*bounds, size=n)
        elif kind == "int":
            columns[name] = rng.integers(bounds[0], bounds[1] + 1, size=n)
        else:
            columns[name] = [bounds[0][i] for i in rng.integers(0, len(bounds[0]), size=n)]
    return [{name: values[i] for name, values in columns.items()} for i in range(n)]


#: Alternative name -> the contract function it implements.
ALTERNATIVES = {
    "compute_cost_with_regularization/lp": compute_cost_with_regularization,
    "compute_cost_with_regularization/fsum": compute_cost_with_regularization_fsum,
    "compute_cost_with_regularization/power": compute_cost_with_regularization_power,
    "L_model_backward_with_regularization/lp": L_model_backward_with_regularization,
    "L_model_backward_with_regularization/loop": L_model_backward_with_regularization_loop,
    "L_model_backward_with_regularization/l1_case": L_model_backward_with_regularization_l1_case,
    "compute_cost_weighted": compute_cost_weighted,
    "compute_cost_weighted/mean": compute_cost_weighted_mean,
    "compute_cost_weighted/loop": compute_cost_weighted_loop,
    "L_model_backward_weighted": L_model_backward_weighted,
    "L_model_backward_weighted/dZ": L_model_backward_weighted_dZ,
    "L_model_backward_weighted/recursive": L_model_backward_weighted_recursive,
    "early_stopping": early_stopping,
    "early_stopping/numpy": early_stopping_numpy,
    "early_stopping/while": early_stopping_while,
    "augment_shift": augment_shift,
    "augment_shift/roll": augment_shift_roll,
    "augment_shift/slices": augment_shift_slices,
    "sample_hyperparameters": sample_hyperparameters,
    "sample_hyperparameters/natural_log": sample_hyperparameters_natural_log,
    "sample_hyperparameters/by_name": sample_hyperparameters_by_name,
}
