"""Hypothesis strategies for the course's inputs: small shapes, bounded finite float64 arrays."""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

dims = st.integers(min_value=1, max_value=5)
examples = st.integers(min_value=1, max_value=6)
"""m, the number of examples (columns); 1 included."""


def floats(*, bound: float = 2.0) -> st.SearchStrategy[float]:
    """Finite float64 in [-bound, bound], no subnormals."""
    return st.floats(-bound, bound, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def arrays(shape: tuple[int, ...], *, bound: float = 2.0) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays of ``shape``, every element drawn on its own from [-bound, bound]."""
    return hnp.arrays(np.float64, shape, elements=floats(bound=bound), fill=st.nothing())


def away_from_zero(shape: tuple[int, ...], *, low: float, high: float) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays with low <= |element| <= high (ReLU inputs far from the kink)."""
    magnitude = st.floats(low, high)
    elements = st.one_of(magnitude, magnitude.map(lambda x: -x))
    return hnp.arrays(np.float64, shape, elements=elements, fill=st.nothing())


def labels(shape: tuple[int, ...]) -> st.SearchStrategy[np.ndarray]:
    """Binary labels 0.0 / 1.0 of ``shape``."""
    return hnp.arrays(np.float64, shape, elements=st.sampled_from([0.0, 1.0]), fill=st.nothing())


@st.composite
def one_hot(draw: st.DrawFn, C: int, m: int) -> np.ndarray:
    """One-hot labels (C, m): one 1.0 per column."""
    classes = draw(hnp.arrays(np.int64, (m,), elements=st.integers(0, C - 1), fill=st.nothing()))
    return np.eye(C)[:, classes]


@st.composite
def matrix_shapes(draw: st.DrawFn) -> tuple[int, int]:
    """(n, k) shapes, square ones drawn as often as the others."""
    n = draw(dims)
    return (n, n) if draw(st.booleans()) else (n, draw(dims))


@st.composite
def layer_dims(draw: st.DrawFn, *, max_depth: int = 4, max_width: int = 4, n_out: int = 1) -> list[int]:
    """[n0, n1, ..., nL] with 1 <= L <= max_depth and the last layer of width n_out."""
    depth = draw(st.integers(1, max_depth))
    hidden = draw(st.lists(st.integers(1, max_width), min_size=depth, max_size=depth))
    return hidden + [n_out]


@st.composite
def networks(
    draw: st.DrawFn, *, max_depth: int = 4, max_width: int = 4, n_out: int = 1, bound: float = 1.0
) -> dict[str, np.ndarray]:
    """``{"W1", "b1", ..., "WL", "bL"}`` for drawn ``layer_dims``, elements in [-bound, bound]."""
    sizes = draw(layer_dims(max_depth=max_depth, max_width=max_width, n_out=n_out))
    parameters = {}
    for l in range(1, len(sizes)):
        parameters[f"W{l}"] = draw(arrays((sizes[l], sizes[l - 1]), bound=bound))
        parameters[f"b{l}"] = draw(arrays((sizes[l], 1), bound=bound))
    return parameters
