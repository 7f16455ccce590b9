"""Plotting helpers for the notebooks, released inside each assignment's ``dnn_helpers.py``.

Every function draws on ``ax`` (a new figure when it is ``None``) and returns the axes, so a
notebook can draw more on top (an optimizer's path on a contour plot, a second curve).
Data is column-major as everywhere in the course: X (n_x, m), Y (1, m).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from reference._types import Array


def _axes(ax: Axes | None) -> Axes:
    """``ax``, or the axes of a new figure."""
    return plt.subplots(figsize=(5, 4))[1] if ax is None else ax


def plot_decision_boundary(predict: Callable[[Array], Array], X: Array, Y: Array, *,
                           ax: Axes | None = None, title: str = "", resolution: int = 200) -> Axes:
    """Shade where ``predict`` (2, k) -> (1, k) probabilities is above 0.5; scatter X (2, m) by Y (1, m)."""
    ax = _axes(ax)
    pad = 0.25
    x1 = np.linspace(X[0].min() - pad, X[0].max() + pad, resolution)
    x2 = np.linspace(X[1].min() - pad, X[1].max() + pad, resolution)
    grid_1, grid_2 = np.meshgrid(x1, x2)
    probabilities = predict(np.stack([grid_1.ravel(), grid_2.ravel()])).reshape(grid_1.shape)
    ax.contourf(grid_1, grid_2, probabilities > 0.5, levels=[-0.5, 0.5, 1.5], cmap="RdBu", alpha=0.35)
    ax.scatter(X[0], X[1], c=Y.ravel(), cmap="RdBu", edgecolors="k", linewidths=0.3, s=14)
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title=title)
    return ax


def plot_curves(curves: Mapping[str, Sequence[float]], *, xlabel: str = "iteration", ylabel: str = "cost",
                title: str = "", log_scale: bool = False, every: int = 1, start: int = 0,
                ax: Axes | None = None) -> Axes:
    """One line per named curve; point k of each curve is drawn at x = start + k * every."""
    ax = _axes(ax)
    for label, values in curves.items():
        ax.plot(start + np.arange(len(values)) * every, values, label=label)
    if log_scale:
        ax.set_yscale("log")
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.legend()
    return ax


def plot_contours(f: Callable[[float, float], float], u_range: tuple[float, float],
                  v_range: tuple[float, float], *, ax: Axes | None = None, title: str = "",
                  levels: int | Sequence[float] = 25, resolution: int = 60) -> Axes:
    """Contour lines of f(u, v) over the rectangle u_range x v_range (f takes two floats); levels: a count or the values."""
    ax = _axes(ax)
    u = np.linspace(*u_range, resolution)
    v = np.linspace(*v_range, resolution)
    values = np.array([[f(a, b) for a in u] for b in v])
    ax.contour(u, v, values, levels=levels, cmap="viridis")
    ax.set(xlabel="$w_1$", ylabel="$w_2$", title=title, aspect="equal")
    return ax


def show_digits(X: Array, Y: Array, *, count: int = 10, image_shape: tuple[int, int] = (8, 8),
                title: str = "") -> np.ndarray:
    """The first ``count`` images of X (h * w, m), each titled with its label from Y (n_y, m)."""
    fig, axes = plt.subplots(1, count, figsize=(1.1 * count, 1.5))
    labels = Y.argmax(axis=0) if Y.shape[0] > 1 else Y[0]
    for i, ax in enumerate(axes):
        ax.imshow(X[:, i].reshape(image_shape), cmap="gray_r", vmin=0.0, vmax=1.0)
        ax.set_title(f"{labels[i]:g}", fontsize=9)
        ax.axis("off")
    fig.suptitle(title)
    return axes
