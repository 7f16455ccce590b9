"""Hypothesis strategies for Parts B-D: networks with their caches, optimizer states,
mini-batch data, dropout and batch-norm inputs. Small shapes, except where a statistic needs
a large sample (``LARGE_LAYER_DIMS``, ``large_activations``).
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
def networks_with_caches(draw: st.DrawFn, *, max_layers: int = 3, gap: float = 0.0) -> dict[str, Any]:
    """{"AL", "Y", "caches"} of an L-layer binary classifier, AL in (0.001, 0.999);
    |Z| >= gap in the ReLU layers (central differences stay off the kink)."""
    X, parameters, Y = draw(strategies.networks(max_layers=max_layers))
    AL, caches = forward_caches(X, parameters)
    ok = np.all((AL > 1e-3) & (AL < 1 - 1e-3)) and all(np.abs(Z).min() >= gap for _, Z in caches[:-1])
    assume(bool(ok))
    return {"AL": AL, "Y": Y, "caches": caches}


def network_of(caches: list) -> tuple[np.ndarray, Params]:
    """(X, parameters) back from the caches of ``forward_caches``."""
    parameters = {}
    for l, ((_, W, b), _) in enumerate(caches, start=1):
        parameters[f"W{l}"], parameters[f"b{l}"] = W, b
    return caches[0][0][0], parameters


@st.composite
def updates(draw: st.DrawFn, *, states: tuple[str, ...] = (), positive: tuple[str, ...] = ()) -> dict[str, Any]:
    """{"parameters", "grads" (with a "dA0" key, as from a backward pass), then the named optimizer
    ``states`` keyed "dW1", "db1", ..., non-zero; those in ``positive`` are > 0}."""
    dims = draw(strategies.layer_dims())
    parameters = draw(strategies.parameters(dims))
    grads = {f"d{k}": v for k, v in draw(strategies.parameters(dims)).items()}
    grads["dA0"] = draw(strategies.matrices((dims[0], 1)))
    drawn = {"parameters": parameters, "grads": grads}
    for name in states:
        state = draw(strategies.parameters(dims, bound=0.5))
        drawn[name] = {f"d{k}": np.abs(v) + 0.01 if name in positive else v for k, v in state.items()}
    return drawn


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
    keep_prob = draw(st.sampled_from([0.5, 0.6, 0.8, 0.9]))
    return {"A": A, "keep_prob": keep_prob, "rng": np.random.default_rng(seed + 2)}


def train_and_test() -> dict[str, st.SearchStrategy[np.ndarray]]:
    """{"X_train": (n, m_train >= 2), "X_test": (n, m_test)}: every training row spread out (std >= 0.05)."""
    n = st.shared(st.integers(1, strategies.MAX_SIDE), key="train_and_test/n")
    return {"X_train": n.flatmap(lambda n: spread_rows(n)), "X_test": strategies.matrices(
        st.tuples(n, st.integers(1, strategies.MAX_SIDE)))}


@st.composite
def spread_rows(draw: st.DrawFn, n: int) -> np.ndarray:
    """(n, m >= 2) rows c_i + s_i * u_ij with s_i in [0.1, 5] and u spanning [-1, 1]."""
    m = draw(st.integers(2, strategies.MAX_SIDE + 2))
    noise = draw(strategies.matrices((n, m), elements=strategies.floats(min_value=-1.0, max_value=1.0)))
    noise[:, 0], noise[:, -1] = -1.0, 1.0
    spread = draw(strategies.matrices((n, 1), elements=strategies.floats(min_value=0.1, max_value=5.0)))
    return draw(strategies.matrices((n, 1))) + spread * noise


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
