"""Expected values stored as data, for the visible checks where ``reference`` is not installed.

``<concept>.json`` (one per concept of ``dnn_checks.graded``) maps a function name to its cases:
``{"inputs": {name: value}, "expected": output, "mistakes": {message: output}}`` (what the catalogued
mistakes give there, where it differs: the visible checks name them with it), written by ``python -m autograder.build.expected``
from the recipes of the visible checks (``stored_values``) and the reference. Values are
encoded as plain JSON: arrays as ``{"ndarray": nested lists, "dtype", "shape"}``, tuples
as ``{"tuple": [...]}``, dicts as ``{"dict": {...}}``; floats round-trip exactly.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

import numpy as np

from dnn_checks.graded import FUNCTIONS, concepts

#: The name of a stored case's answer among its inputs.
EXPECTED = "expected"


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


def file_name(concept: str) -> str:
    """The data file of a concept's stored values."""
    return f"{concept}.json"


@functools.cache
def _stored(concept: str) -> dict[str, list[dict[str, Any]]]:
    path = resources.files(__name__).joinpath(file_name(concept))
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def functions() -> list[str]:
    """The functions that have stored cases."""
    return [function for concept in concepts() for function in _stored(concept)]


def cases(function: str) -> list[dict[str, Any]]:
    """The stored cases of ``function``: its named inputs plus ``expected`` (none when it has no stored values)."""
    stored = _stored(FUNCTIONS[function].concept).get(function, [])
    return [{**decode(case["inputs"]), EXPECTED: decode(case["expected"])} for case in stored]


def mistakes(function: str) -> list[dict[str, Any]]:
    """For each stored case of ``function``, in order: what known mistakes give there, by their plain-words message
    (only where that differs from the expected output)."""
    stored = _stored(FUNCTIONS[function].concept).get(function, [])
    return [decode(case["mistakes"]) if "mistakes" in case else {} for case in stored]
