"""The pictures of networks: one circle per drawn unit, one line per drawn weight, a box per block, an image per unit."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.patches import Circle

from reference.diagrams import draw_blocks, draw_network, show_weights


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize(("layer_dims", "drawn"), [([3, 4, 1], [3, 4, 1]), ([3, 4, 4, 1], [3, 4, 4, 1]),
                                                   ([64, 32, 16, 1], [6, 6, 6, 1])])
def test_a_network_shows_its_units_and_every_weight_between_drawn_units(layer_dims, drawn) -> None:
    ax = draw_network(layer_dims)
    assert sum(isinstance(patch, Circle) for patch in ax.patches) == sum(drawn)
    assert len(ax.lines) == sum(a * b for a, b in zip(drawn, drawn[1:]))
    labels = [text.get_text() for text in ax.texts]
    assert sum(label == "⋮" for label in labels) == sum(n > 6 for n in layer_dims)
    assert [label.split("\n")[0] for label in labels if "\n" in label] == [
        "input", *(f"hidden {l}" for l in range(1, len(layer_dims) - 1)), "output"]


def test_blocks_get_a_box_each_and_an_arrow_per_pair() -> None:
    ax = draw_blocks({"x": (0, 0), "layer": (1, 0), "y": (2, 0)}, [("x", "layer"), ("layer", "y")])
    assert [text.get_text() for text in ax.texts if text.get_text()] == ["x", "layer", "y"]
    assert sum(text.arrow_patch is not None for text in ax.texts if hasattr(text, "arrow_patch")) == 2


def test_each_unit_is_an_image_on_its_own_scale() -> None:
    W = np.arange(3 * 64, dtype=float).reshape(3, 64) - 50
    axes = show_weights(W, count=5, columns=2)
    images = [ax.images[0] for ax in axes.flat if ax.images]
    assert len(images) == 3 and axes.shape == (2, 2)
    for unit, image in enumerate(images):
        assert image.get_array().shape == (8, 8)
        assert image.get_clim() == (-np.abs(W[unit]).max(), np.abs(W[unit]).max())
