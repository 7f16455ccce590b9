"""The only values that cross from student code to the checks.

Whatever a student function returns is turned into *base values* before any check looks
at it: plain ``numpy.ndarray`` of boolean, integer or float dtype (never a subclass, never
``object``), Python ``bool``/``int``/``float``/``str``/``None``, and ``list``, ``tuple`` and
``dict`` (string keys) of base values, plus :class:`Handle`, an opaque reference to a value
whose layout is the student's own (a batch-norm cache). Anything else is refused with
:class:`UnsupportedValue`, so an object whose ``__eq__`` always returns True never reaches
a comparison. The same rules govern the grader's wire format between processes.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

#: numpy dtype kinds a checked array may have: boolean, signed, unsigned, float.
ARRAY_KINDS = frozenset("biuf")
#: Largest array (in elements) and deepest nesting a student value may have.
MAX_ELEMENTS = 50_000_000
MAX_DEPTH = 32


class UnsupportedValue(TypeError):
    """A student value is not a base value (its ``str`` says what and where)."""


@dataclass(frozen=True)
class Handle:
    """An opaque reference to a student-side value, passed back to student functions as is."""

    id: int


def holds_handle(value: Any) -> bool:
    """Whether ``value`` is a Handle or a list, tuple or dict holding one."""
    if type(value) is Handle:
        return True
    if isinstance(value, (list, tuple)):
        return any(holds_handle(v) for v in value)
    return isinstance(value, dict) and any(holds_handle(v) for v in value.values())


def resolve(value: Any, handles: Sequence[Any] | Mapping[int, Any]) -> Any:
    """``value`` with every Handle replaced by the object ``handles[id]`` it stands for (the rest as it is)."""
    if type(value) is Handle:
        return handles[value.id]
    if not holds_handle(value):
        return value
    if isinstance(value, dict):
        return {k: resolve(v, handles) for k, v in value.items()}
    return type(value)(resolve(v, handles) for v in value) if type(value) in (list, tuple) else tuple(
        resolve(v, handles) for v in value)


def to_base(value: Any, *, where: str = "the result", _depth: int = 0) -> Any:
    """A copy of ``value`` made only of base values; raise UnsupportedValue otherwise.

    numpy scalars become Python numbers (numpy strings Python strings), ndarray subclasses plain
    arrays, named tuples plain tuples. ``where`` names the value in the error message ("the result[1]['dW1']").
    """
    if _depth > MAX_DEPTH:
        raise UnsupportedValue(f"{where} is nested more than {MAX_DEPTH} levels deep")
    if value is None or type(value) in (bool, int, float, str, Handle):
        return value
    if isinstance(value, np.generic) and value.dtype.kind in ARRAY_KINDS:
        return value.item()
    if isinstance(value, np.str_):  # what rng.choice(["relu", "tanh"]) draws
        return str(value)
    if isinstance(value, np.ndarray):
        return _array(value, where)
    if isinstance(value, tuple):  # named tuples included: they unpack like tuples
        return tuple(to_base(v, where=f"{where}[{i}]", _depth=_depth + 1) for i, v in enumerate(value))
    if type(value) is list:
        return [to_base(v, where=f"{where}[{i}]", _depth=_depth + 1) for i, v in enumerate(value)]
    if isinstance(value, dict):
        out = {}
        for key, v in value.items():
            if type(key) is not str:
                raise UnsupportedValue(f"{where} has a key {type(key).__name__!s} (keys must be strings)")
            out[key] = to_base(v, where=f"{where}[{key!r}]", _depth=_depth + 1)
        return out
    raise UnsupportedValue(f"{where} is a {type(value).__module__}.{type(value).__qualname__}, "
                           "not a numpy array, number, string, list, tuple or dict")


def after_call(value: Any, *, where: str) -> Any:
    """The state of an argument a call changed, frozen: a copy of a ``numpy.random.Generator``, or base values."""
    if isinstance(value, np.random.Generator):
        return copy.deepcopy(value)
    return to_base(value, where=where)


def _array(value: np.ndarray, where: str) -> np.ndarray:
    if value.dtype.kind not in ARRAY_KINDS:
        raise UnsupportedValue(f"{where} is an array of dtype {value.dtype}, not a numeric one")
    if value.size > MAX_ELEMENTS:
        raise UnsupportedValue(f"{where} has {value.size} elements, more than {MAX_ELEMENTS}")
    return np.array(value, copy=True, subok=False, order="C")


def describe(value: Any) -> str:
    """A short description for feedback: 'array of shape (3, 1) and dtype float64', 'float 0.5'."""
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (list, tuple, dict)):
        return f"{type(value).__name__} of length {len(value)}"
    return f"{type(value).__name__} {value!r}"
