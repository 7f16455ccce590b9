"""Trusted inputs of the checks: networks with their caches (computed here, never by a student's
functions), optimizer states, mini-batch data, dropout and batch-norm inputs, as hypothesis
strategies and as the seeded draws of the stored-values recipes. Small shapes, except where a
statistic needs a large sample (``LARGE_LAYER_DIMS``, ``large_activations``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from dnn_checks import strategies

Params = dict[str, np.ndarray]

#: Layer sizes where every W_l has at least 1000 entries (statistics), with n_l != n_{l-1}.
LARGE_LAYER_DIMS = ([200, 10, 100, 20], [1000, 3, 500], [64, 50, 40, 30], [1500, 1])


def forward_caches(X: np.ndarray, parameters: Params) -> tuple[np.ndarray, list]:
    """ReLU layers then a sigmoid output; caches ``((A_prev, W, b), Z)`` in layer order."""
    L = len(parameters) // 2
    A, caches = X, []
    for l in range(1, L + 1):
        W, b = parameters[f"W{l}"], parameters[f"b{l}"]
        Z = W @ A + b
        caches.append(((A, W, b), Z))
        A = 1.0 / (1.0 + np.exp(-Z)) if l == L else np.maximum(Z, 0.0)
    return A, caches


@st.composite
def networks(draw: st.DrawFn, *, min_layers: int = 1, max_layers: int = 4) -> tuple[np.ndarray, Params, np.ndarray]:
    """(X (n0, m), parameters, Y (1, m) labels) of a binary classifier with ``min_layers`` to ``max_layers`` layers.

    Hypothesis draws the sizes and a seed, numpy the entries (shrinking makes the network small)."""
    dims = draw(strategies.layer_dims(min_layers=min_layers, max_layers=max_layers))
    dims[-1] = 1
    m = draw(st.integers(1, strategies.MAX_SIDE))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    parameters = {key: rng.uniform(-1.0, 1.0, shape) for key, shape in parameter_shapes(dims).items()}
    return rng.uniform(-2.0, 2.0, (dims[0], m)), parameters, (rng.random((1, m)) < 0.5).astype(np.float64)


@st.composite
def networks_with_caches(draw: st.DrawFn, *, min_layers: int = 1, max_layers: int = 3,
                         gap: float = 0.0) -> dict[str, Any]:
    """{"AL", "Y", "caches"} of an L-layer binary classifier, AL in (0.001, 0.999);
    |Z| >= gap in the ReLU layers (central differences stay off the kink)."""
    X, parameters, Y = draw(networks(min_layers=min_layers, max_layers=max_layers))
    AL, caches = forward_caches(X, parameters)
    assume(bool(np.all((AL > 1e-3) & (AL < 1 - 1e-3))) and all(np.abs(Z).min() >= gap for _, Z in caches[:-1]))
    return {"AL": AL, "Y": Y, "caches": caches}


def network_gradients(X: np.ndarray, parameters: Params, Y: np.ndarray) -> Params:
    """The cross-entropy's gradients of ``forward_caches``'s network, as a backward pass returns them:
    dZ_L = AL - Y, then dW_l = dZ_l A_{l-1}.T / m, db_l = mean of dZ_l, dA_{l-1} = W_l.T dZ_l, dZ = dA * (Z > 0)."""
    AL, caches = forward_caches(X, parameters)
    grads, dZ, m = {}, AL - Y, X.shape[1]
    for l in range(len(caches), 0, -1):
        (A_prev, W, _), _ = caches[l - 1]
        grads[f"dW{l}"], grads[f"db{l}"] = dZ @ A_prev.T / m, dZ.mean(axis=1, keepdims=True)
        grads[f"dA{l - 1}"] = W.T @ dZ
        dZ = grads[f"dA{l - 1}"] * (caches[l - 2][1] > 0) if l > 1 else dZ
    return grads


def network_of(caches: list) -> tuple[np.ndarray, Params]:
    """(X, parameters) back from the caches of ``forward_caches``."""
    parameters = {}
    for l, ((_, W, b), _) in enumerate(caches, start=1):
        parameters[f"W{l}"], parameters[f"b{l}"] = W, b
    return caches[0][0][0], parameters


def gradient_shapes(caches: list) -> dict[str, tuple[int, ...]]:
    """The shapes of dA0..dA{L-1}, dW1..dWL, db1..dbL for these caches."""
    shapes: dict[str, tuple[int, ...]] = {}
    for l, ((A_prev, W, b), _) in enumerate(caches, start=1):
        shapes.update({f"dA{l - 1}": A_prev.shape, f"dW{l}": W.shape, f"db{l}": b.shape})
    return shapes


def random_layer(rng: np.random.Generator, n_prev: int, n: int, m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(A_prev (n_prev, m), W (n, n_prev), b (n, 1)), standard normal entries (a stored-values recipe's layer)."""
    return rng.standard_normal((n_prev, m)), rng.standard_normal((n, n_prev)), rng.standard_normal((n, 1))


def random_network(rng: np.random.Generator, dims: list[int], m: int) -> tuple[np.ndarray, Params, np.ndarray]:
    """(X (n0, m), parameters, Y (1, m) labels) with W_l ~ N(0, 1 / n_{l-1}) and small biases (a recipe's network)."""
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1])) / np.sqrt(dims[l - 1])
        parameters[f"b{l}"] = rng.standard_normal((dims[l], 1)) * 0.1
    return rng.standard_normal((dims[0], m)), parameters, (rng.random((1, m)) < 0.5).astype(float)


@st.composite
def updates(draw: st.DrawFn, *, states: tuple[str, ...] = (), positive: tuple[str, ...] = ()) -> dict[str, Any]:
    """{"parameters", "grads" (with a "dA0" key, as from a backward pass), then the named optimizer
    ``states`` keyed "dW1", "db1", ..., non-zero; those in ``positive`` are > 0}.

    Hypothesis draws the layer sizes and a seed, numpy the entries: shrinking makes the network
    small, never its values zero (where a wrong update would hide)."""
    dims = draw(strategies.layer_dims())
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))

    def arrays(scale: float) -> Params:
        return {key: rng.uniform(-scale, scale, shape) for key, shape in parameter_shapes(dims).items()}
    drawn = {"parameters": arrays(1.0), "grads": {f"d{k}": v for k, v in arrays(1.0).items()}}
    drawn["grads"]["dA0"] = rng.uniform(-1.0, 1.0, (dims[0], 1))
    for name in states:
        drawn[name] = {f"d{k}": np.abs(v) + 0.01 if name in positive else v for k, v in arrays(0.5).items()}
    return drawn


def parameter_shapes(dims: list[int]) -> dict[str, tuple[int, int]]:
    """{"W1": (n1, n0), "b1": (n1, 1), ...}."""
    return {key: shape for l in range(1, len(dims))
            for key, shape in ((f"W{l}", (dims[l], dims[l - 1])), (f"b{l}", (dims[l], 1)))}


@st.composite
def batch_data(draw: st.DrawFn) -> dict[str, Any]:
    """{"X", "Y", "mini_batch_size", "seed"}: columns all distinct, Y's columns tied to X's."""
    size = draw(st.sampled_from([1, 2, 3, 16, 32, 64, 100]))
    m = draw(st.one_of(st.integers(1, 300), st.integers(1, 4).map(lambda k: k * size)))
    n_x, n_y = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    columns = np.arange(m, dtype=np.float64)
    X = columns + 0.25 * np.arange(n_x)[:, None]
    Y = 1000.0 + columns + 0.5 * np.arange(n_y)[:, None]
    return {"X": X, "Y": Y, "mini_batch_size": size, "seed": draw(st.integers(0, 2**31 - 1))}


@st.composite
def large_activations(draw: st.DrawFn) -> dict[str, Any]:
    """{"A" (200, 250), "keep_prob", "rng"}: A's entries non-zero, a Generator in a drawn state."""
    seed = draw(st.integers(0, 2**32 - 1))
    generator = np.random.default_rng(seed)
    A = generator.uniform(0.5, 2.0, (200, 250)) * generator.choice([-1.0, 1.0], (200, 250))
    keep_prob = draw(st.sampled_from([0.6, 0.7, 0.8, 0.9]))  # not 0.5, where an inverted mask keeps as many
    return {"A": A, "keep_prob": keep_prob, "rng": np.random.default_rng(seed + 2)}


def train_and_test() -> st.SearchStrategy[dict[str, np.ndarray]]:
    """{"X_train": (n, m_train >= 2), "X_test": (n, m_test)}: every training row spread out (std >= 0.05)."""
    return st.tuples(st.integers(1, strategies.MAX_SIDE), st.integers(2, strategies.MAX_SIDE + 2),
                     st.integers(1, strategies.MAX_SIDE), st.integers(0, 2**32 - 1)).map(lambda d: _train_and_test(*d))


def _train_and_test(n: int, m_train: int, m_test: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {"X_train": spread_rows(rng, n, m_train), "X_test": rng.uniform(-5.0, 5.0, (n, m_test))}


def spread_rows(rng: np.random.Generator, n: int, m: int) -> np.ndarray:
    """(n, m >= 2) rows c_i + s_i * u_ij with s_i in [0.1, 5] and u spanning [-1, 1]."""
    noise = rng.uniform(-1.0, 1.0, (n, m))
    noise[:, 0], noise[:, -1] = -1.0, 1.0
    return rng.uniform(-5.0, 5.0, (n, 1)) + rng.uniform(0.1, 5.0, (n, 1)) * noise


def dropout_gradients() -> st.SearchStrategy[dict[str, Any]]:
    """{"dA", "D" (boolean or 0/1 floats), "keep_prob"} of one shape."""
    return st.tuples(strategies.matrix_shapes(), st.sampled_from([np.bool_, np.float64]),
                     st.sampled_from([0.5, 0.7, 0.8, 1.0]), st.integers(0, 2**32 - 1)).map(lambda d: _dropout_gradients(*d))


def _dropout_gradients(shape: tuple[int, int], dtype: type, keep_prob: float, seed: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    return {"dA": rng.uniform(-5.0, 5.0, shape), "D": (rng.random(shape) < 0.6).astype(dtype), "keep_prob": keep_prob}


def rows(*, near_constant: bool) -> st.SearchStrategy[np.ndarray]:
    """Batch-norm inputs Z (n, m >= 2): ordinary, or near-constant rows (variance about 1e-7)."""
    if near_constant:
        return strategies.near_constant_rows()
    return strategies.matrices(strategies.matrix_shapes(min_side=2))


@st.composite
def batchnorm_inputs(draw: st.DrawFn, *, mode: str) -> dict[str, Any]:
    """{"Z", "gamma", "beta", "bn_param"}: eps and momentum given or absent, running statistics
    given (non-zero) or absent (train mode only)."""
    Z = draw(st.booleans().flatmap(lambda near: rows(near_constant=near)))
    n = Z.shape[0]
    column = strategies.matrices((n, 1))
    gamma = draw(strategies.matrices((n, 1), elements=strategies.floats(min_value=0.5, max_value=2.0)))
    bn_param: dict[str, Any] = {"mode": mode}
    for key, values in (("eps", [1e-5, 1e-3, 0.5]), ("momentum", [0.9, 0.5, 0.99])):
        if draw(st.booleans()):
            bn_param[key] = draw(st.sampled_from(values))
    if mode == "test" or draw(st.booleans()):
        bn_param["running_mean"] = draw(column)
        positive = strategies.floats(min_value=0.1, max_value=3.0)
        bn_param["running_var"] = draw(strategies.matrices((n, 1), elements=positive))
    return {"Z": Z, "gamma": gamma, "beta": draw(column), "bn_param": bn_param}
