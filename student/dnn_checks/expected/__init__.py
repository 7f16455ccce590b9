"""Expected values stored as data, for the visible checks where ``reference`` is not installed.

``part_a.json`` maps a function name to its cases: ``{"inputs": {name: value}, "expected":
output}``, written by ``python -m autograder.build.expected`` from the reference. Values are
encoded as plain JSON: arrays as ``{"ndarray": nested lists, "dtype", "shape"}``, tuples
as ``{"tuple": [...]}``, dicts as ``{"dict": {...}}``; floats round-trip exactly.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

import numpy as np

FILES = ("part_a.json", "part_bcd.json", "composition.json")


def encode(value: Any) -> Any:
    """A JSON-ready form of a base value (arrays, numbers, strings, None, tuples, lists, dicts)."""
    if isinstance(value, np.ndarray):
        return {"ndarray": value.tolist(), "dtype": str(value.dtype), "shape": list(value.shape)}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple):
        return {"tuple": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {"dict": {str(k): encode(v) for k, v in value.items()}}
    return value


def decode(data: Any) -> Any:
    """The base value ``encode`` was given."""
    if isinstance(data, list):
        return [decode(v) for v in data]
    if not isinstance(data, dict):
        return data
    if "ndarray" in data:
        return np.array(data["ndarray"], dtype=data["dtype"]).reshape(data["shape"])
    if "tuple" in data:
        return tuple(decode(v) for v in data["tuple"])
    return {k: decode(v) for k, v in data["dict"].items()}


@functools.cache
def _stored() -> dict[str, list[dict[str, Any]]]:
    table: dict[str, list[dict[str, Any]]] = {}
    for name in FILES:
        table.update(json.loads(resources.files(__name__).joinpath(name).read_text(encoding="utf-8")))
    return table


def functions() -> list[str]:
    """The functions that have stored cases."""
    return list(_stored())


def cases(function: str) -> list[dict[str, Any]]:
    """The stored cases of ``function`` as runner cases: its named inputs plus ``expected``."""
    return [{**decode(case["inputs"]), "expected": decode(case["expected"])} for case in _stored()[function]]
