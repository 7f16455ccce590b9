"""Test-only compositions of the shared course strategies (``dnn_checks.strategies``)."""

import numpy as np
from dnn_checks.strategies import MAX_SIDE, floats, layer_dims, matrices, off_kink, parameters
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

sides = st.integers(min_value=1, max_value=MAX_SIDE)
examples = st.integers(min_value=1, max_value=6)
"""m, the number of examples (columns); 1 included."""


def bounded(shape: tuple[int, ...], *, bound: float = 2.0) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays of ``shape`` with elements in [-bound, bound]."""
    return matrices(shape, elements=floats(min_value=-bound, max_value=bound))


def any_floats(shape: tuple[int, ...], *, finite: bool = True) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays of ``shape`` with any elements, 0.0, -0.0, subnormals and the extremes included,
    and nan and inf unless ``finite`` (for bit-for-bit identities)."""
    return arrays(np.float64, shape, elements=st.floats(allow_nan=not finite, allow_infinity=not finite))


def away_from_zero(shape: tuple[int, ...], *, low: float, high: float) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays with low <= |element| <= high (ReLU inputs far from the kink)."""
    return matrices(shape, elements=off_kink(gap=low, bound=high))


@st.composite
def one_hot(draw: st.DrawFn, C: int, m: int) -> np.ndarray:
    """One-hot labels (C, m): one 1.0 per column."""
    classes = draw(st.lists(st.integers(0, C - 1), min_size=m, max_size=m))
    return np.eye(C)[:, classes]


@st.composite
def networks(draw: st.DrawFn, *, max_depth: int = 4, n_out: int = 1) -> dict[str, np.ndarray]:
    """``{"W1", "b1", ..., "WL", "bL"}``, 1 <= L <= max_depth, widths <= MAX_SIDE, entries in [-1, 1]."""
    dims = draw(layer_dims(max_layers=max_depth))
    dims[-1] = n_out
    return draw(parameters(dims))
