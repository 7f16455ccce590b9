"""Pictures of networks drawn by code, so that they ship with the notebooks and render offline: a fully
connected network's units and connections, a block diagram of composed layers, and the weights of a
layer's units seen as images. Released inside the helper modules, like ``reference.plots``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Circle

from reference._types import Array
from reference.plots import _axes

#: Unit colours: inputs, hidden units, outputs.
COLOURS = ("#9ecae1", "#c7e9c0", "#fdae6b")


def _heights(n: int, max_units: int) -> list[float]:
    """Heights of the units drawn for a layer of n, centred on 0: all of them, or the first max_units - 1,
    an empty slot (the units not drawn) and the last."""
    slots = list(range(n)) if n <= max_units else [*range(max_units - 1), max_units]
    return [slot - slots[-1] / 2 for slot in slots]


def draw_network(layer_dims: Sequence[int], *, ax: Axes | None = None, title: str = "", max_units: int = 6) -> Axes:
    """Layer l's units in column l (the inputs at 0, the output layer at L), each joined to every unit of
    layer l + 1; a layer of more than ``max_units`` units shows its first ones and its last, a gap between."""
    ax = _axes(ax)
    columns, L = [_heights(n, max_units) for n in layer_dims], len(layer_dims) - 1
    bottom = min(min(heights) for heights in columns)
    for l, (left, right) in enumerate(zip(columns, columns[1:])):
        for y0 in left:
            ax.plot([[2 * l] * len(right), [2 * l + 2] * len(right)], [[y0] * len(right), right], color="0.6", lw=0.6)
    for l, (n, heights) in enumerate(zip(layer_dims, columns)):
        for y in heights:
            ax.add_patch(Circle((2 * l, y), 0.3, facecolor=COLOURS[(l > 0) + (l == L)], edgecolor="k", zorder=2))
        if n > max_units:
            ax.text(2 * l, heights[-1] - 1, "⋮", ha="center", va="center", fontsize=14)
        name = "input" if l == 0 else "output" if l == L else f"hidden {l}"
        ax.text(2 * l, bottom - 0.7, f"{name}\n$n^{{[{l}]}} = {n}$", ha="center", va="top", fontsize=9)
    ax.set(xlim=(-0.8, 2 * L + 0.8), ylim=(bottom - 2.2, -bottom + 0.6), aspect="equal", title=title)
    ax.axis("off")
    return ax


def draw_blocks(blocks: Mapping[str, tuple[float, float]], arrows: Sequence[tuple[str, str]], *,
                ax: Axes | None = None, title: str = "") -> Axes:
    """A box for each label of ``blocks`` centred at its (x, y); an arrow from the right side of box
    ``start`` to the left side of box ``end`` for each (start, end) of ``arrows`` (the data flows left to right)."""
    ax = _axes(ax)
    boxes = {label: ax.text(x, y, label, ha="center", va="center", fontsize=9,
                            bbox={"boxstyle": "round,pad=0.4", "facecolor": "#f0f0f0", "edgecolor": "k"})
             for label, (x, y) in blocks.items()}
    for start, end in arrows:
        ax.annotate("", xy=(0, 0.5), xycoords=boxes[end], xytext=(1, 0.5), textcoords=boxes[start],
                    arrowprops={"arrowstyle": "->", "shrinkA": 2, "shrinkB": 2})
    xs, ys = zip(*blocks.values())
    ax.set(xlim=(min(xs) - 0.8, max(xs) + 0.8), ylim=(min(ys) - 0.8, max(ys) + 0.8), title=title)
    ax.axis("off")
    return ax


def show_weights(W: Array, *, image_shape: tuple[int, int] = (8, 8), count: int = 16, columns: int = 8,
                 title: str = "") -> np.ndarray:
    """The first ``count`` rows of W (n, h * w) as h x w images: what each unit of the layer weighs each
    pixel by (blue positive, red negative, white 0), each unit on its own scale."""
    count = min(count, W.shape[0])
    rows = -(-count // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(1.1 * columns, 1.1 * rows + 0.4), squeeze=False)
    for unit, ax in enumerate(axes.flat):
        if unit < count:
            bound = float(np.abs(W[unit]).max()) or 1.0
            ax.imshow(W[unit].reshape(image_shape), cmap="RdBu", vmin=-bound, vmax=bound)
        ax.axis("off")
    fig.suptitle(title)
    return axes
