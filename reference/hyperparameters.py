"""Random search: hyper-parameter settings drawn from a search space."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

#: How a space names one hyper-parameter: ("log", low, high), ("uniform", low, high), ("int", low, high)
#: or ("choice", options).
Spec = tuple[Any, ...]


def draw_values(spec: Spec, n: int, rng: np.random.Generator) -> list[Any]:
    """n values of one hyper-parameter: 10 ** U(log10 low, log10 high), U(low, high), integers in
    [low, high] or options each with probability 1 / len(options)."""
    kind, *bounds = spec
    if kind == "log":
        return (10.0 ** rng.uniform(np.log10(bounds[0]), np.log10(bounds[1]), n)).tolist()
    if kind == "uniform":
        return rng.uniform(bounds[0], bounds[1], n).tolist()
    if kind == "int":
        return rng.integers(bounds[0], bounds[1], n, endpoint=True).tolist()
    if kind == "choice":
        return [bounds[0][k] for k in rng.integers(len(bounds[0]), size=n)]
    raise ValueError(f'unknown kind {kind!r}: use "log", "uniform", "int" or "choice"')


def sample_hyperparameters(space: Mapping[str, Spec], n: int, rng: np.random.Generator) -> list[dict[str, Any]]:
    """n settings {name: value}, each hyper-parameter drawn independently from its ``space`` entry.

    space: {name: ("log" | "uniform" | "int", low, high) or ("choice", options)} -> list of n dicts
    """
    columns = [(name, draw_values(spec, n, rng)) for name, spec in space.items()]
    return [{name: values[i] for name, values in columns} for i in range(n)]
