"""Hypothesis strategies for the course's inputs, shared by the checks and the project's tests.

Arrays are float64 with finite, bounded elements and small shapes (column-major: one
example per column; ``m = 1`` and square shapes included). Bounds are keyword-only with
small defaults. Every array is drawn densely (``fill=nothing()``) so that no entry repeats
by construction: a transposed or mis-summed result cannot hide behind equal entries.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

Shape = tuple[int, ...]

#: The largest side of a drawn matrix and the largest number of units in a layer.
MAX_SIDE = 4


def named(strategies: Mapping[str, st.SearchStrategy]) -> st.SearchStrategy[dict[str, object]]:
    """Dicts of one draw from each strategy, keys in the given order (``fixed_dictionaries`` may reorder them)."""
    names = list(strategies)
    return st.fixed_dictionaries(dict(strategies)).map(lambda drawn: {name: drawn[name] for name in names})


def floats(*, min_value: float = -5.0, max_value: float = 5.0, places: int = 3) -> st.SearchStrategy[float]:
    """Finite float64 numbers in [min_value, max_value], rounded to ``places`` decimals (readable feedback)."""
    numbers = st.floats(min_value=min_value, max_value=max_value, allow_nan=False, allow_infinity=False)
    return numbers.map(lambda x: min(max(round(x, places), min_value), max_value) + 0.0)  # + 0.0: no -0.0


def matrix_shapes(*, min_side: int = 1, max_side: int = MAX_SIDE) -> st.SearchStrategy[Shape]:
    """(n, m) shapes, square and non-square, m = 1 included."""
    side = st.integers(min_side, max_side)
    return st.tuples(side, side)


def matrices(shape: Shape | st.SearchStrategy[Shape] | None = None, *,
             elements: st.SearchStrategy[float] | None = None) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays of ``shape`` (default: any matrix_shapes()) with ``elements`` (default: floats())."""
    return arrays(np.float64, matrix_shapes() if shape is None else shape,
                  elements=floats() if elements is None else elements, fill=st.nothing())


def off_kink(*, gap: float = 0.1, bound: float = 5.0) -> st.SearchStrategy[float]:
    """Numbers with |z| in [gap, bound]: ReLU inputs where a central difference is exact."""
    return st.one_of(floats(min_value=gap, max_value=bound), floats(min_value=-bound, max_value=-gap))


def with_zeros(*, bound: float = 5.0) -> st.SearchStrategy[float]:
    """Numbers in [-bound, bound] where exact zeros are frequent (ReLU's kink, where dZ must be 0)."""
    return st.one_of(st.just(0.0), floats(min_value=-bound, max_value=bound))


def probabilities(*, low: float = 0.01, high: float = 0.99) -> st.SearchStrategy[float]:
    """Activations of a sigmoid output, AL in [low, high]."""
    return floats(min_value=low, max_value=high)


def labels(shape: Shape) -> st.SearchStrategy[np.ndarray]:
    """Binary labels 0.0 / 1.0 of ``shape``."""
    return arrays(np.float64, shape, elements=st.sampled_from([0.0, 1.0]), fill=st.nothing())


def logits(shape: Shape | st.SearchStrategy[Shape] | None = None, *, bound: float = 1000.0) -> st.SearchStrategy[np.ndarray]:
    """Softmax inputs up to ±bound, so that a softmax without the max shift overflows."""
    return matrices(shape, elements=floats(min_value=-bound, max_value=bound))


@st.composite
def near_constant_rows(draw: st.DrawFn, shape: Shape | None = None, *, spread: float = 1e-3) -> np.ndarray:
    """Rows ``c_i + spread * u_ij`` (u in [-1, 1], at least two distinct values per row when m > 1)."""
    n, m = draw(matrix_shapes(min_side=2)) if shape is None else shape
    centres = draw(matrices((n, 1)))
    noise = draw(matrices((n, m), elements=floats(min_value=-1.0, max_value=1.0)))
    noise[:, 0], noise[:, -1] = -1.0, 1.0
    return centres + spread * noise


def layer_dims(*, min_layers: int = 1, max_layers: int = 4, max_units: int = MAX_SIDE) -> st.SearchStrategy[list[int]]:
    """[n_x, n_1, ..., n_L] with L in [min_layers, max_layers] and 1..max_units units per layer."""
    return st.lists(st.integers(1, max_units), min_size=min_layers + 1, max_size=max_layers + 1)


@st.composite
def parameters(draw: st.DrawFn, dims: list[int], *, bound: float = 1.0) -> dict[str, np.ndarray]:
    """{"W1": (n1, n0), "b1": (n1, 1), ...} for ``dims``, entries in [-bound, bound]."""
    entries = floats(min_value=-bound, max_value=bound)
    params = {}
    for l in range(1, len(dims)):
        params[f"W{l}"] = draw(matrices((dims[l], dims[l - 1]), elements=entries))
        params[f"b{l}"] = draw(matrices((dims[l], 1), elements=entries))
    return params


@st.composite
def networks(draw: st.DrawFn, *, min_layers: int = 1, max_layers: int = 4, output_units: int = 1,
             min_m: int = 1, max_m: int = MAX_SIDE) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray]:
    """(X, parameters, Y) of an L-layer binary classifier: X (n_x, m), Y labels (output_units, m)."""
    dims = draw(layer_dims(min_layers=min_layers, max_layers=max_layers))
    dims[-1] = output_units
    m = draw(st.integers(min_m, max_m))
    X = draw(matrices((dims[0], m), elements=floats(min_value=-2.0, max_value=2.0)))
    return X, draw(parameters(dims)), draw(labels((output_units, m)))


def linear_inputs(key: str, *, max_side: int = MAX_SIDE) -> dict[str, st.SearchStrategy[np.ndarray]]:
    """{"A_prev": (n_prev, m), "W": (n, n_prev), "b": (n, 1)}: one layer's inputs, sides shared under ``key``."""
    n_prev, n, m = (st.shared(st.integers(1, max_side), key=f"{key}/{side}") for side in ("n_prev", "n", "m"))
    return {"A_prev": matrices(st.tuples(n_prev, m)), "W": matrices(st.tuples(n, n_prev)),
            "b": matrices(st.tuples(n, st.just(1)))}


ACTIVATIONS = ("sigmoid", "relu", "tanh", "softmax")


@st.composite
def linear_activation_caches(draw: st.DrawFn, *, activations: tuple[str, ...] = ACTIVATIONS[:3],
                             gap: float = 0.0) -> dict[str, object]:
    """{"dA", "cache": ((A_prev, W, b), Z = W @ A_prev + b), "activation"}; |Z| >= gap everywhere."""
    inputs = draw(st.fixed_dictionaries(linear_inputs("cache")))
    A_prev, W, b = inputs["A_prev"], inputs["W"], inputs["b"]
    Z = W @ A_prev + b
    if gap:
        Z = draw(st.just(Z).filter(lambda Z: bool(np.abs(Z).min() >= gap)))
    dA = draw(matrices(Z.shape))
    return {"dA": dA, "cache": ((A_prev, W, b), Z), "activation": draw(st.sampled_from(activations))}
