"""Submissions that do no real work, for every graded function: what a student who writes no code could hand in.

Each maker returns a function with the graded function's signature. ``shaped(function, body)``
answers in the structure and shapes of the right answer (the reference's, computed on a copy)
filled with ``body``: zeros, ones, a constant, noise, or what ``np.empty`` hands back
(arbitrary bytes: here random ones, so that a test is repeatable), integers and strings too
(an epoch, a sampled option), a returned cache kept right; ``argument(function, i)`` returns its i-th argument unchanged; ``stub`` is the released
stub, ``nothing`` a body of ``pass``; ``lookup`` answers the stored expected values where its
input is a stored one (zeros elsewhere); ``zeroing(function, i)`` zeroes its i-th argument in
place and returns the right answer for the zeroed inputs, ``shifting(function, i)`` adds 1 to
it instead (zeroing a state that is already zero changes nothing). This module is also a file of
a worker's session (``import trivial``), so it needs only numpy, ``reference`` and ``dnn_checks``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np
from dnn_checks import expected
from dnn_checks.calls import identical
from dnn_checks.graded import graded

import reference

BODIES = ("zeros", "ones", "constant", "noise", "empty")
STUB_MESSAGE = "not implemented yet: replace this line with your code"


def shaped(function: str, body: str) -> Callable[..., Any]:
    """Answers shaped like the right answer, filled with ``body`` (a cache, the student's own, kept right)."""
    right = getattr(reference, function)
    names = graded(function).returns

    def answer(*args: Any) -> Any:
        out = right(*copy.deepcopy(args))
        if len(names) == 1:
            return _filled(out, body)
        return tuple(item if "cache" in name else _filled(item, body) for name, item in zip(names, out))
    return answer


def _filled(value: Any, body: str) -> Any:
    if isinstance(value, np.ndarray):
        return {"zeros": np.zeros_like, "ones": np.ones_like, "constant": lambda x: np.full_like(x, 0.5),
                "noise": lambda x: np.random.default_rng(0).standard_normal(x.shape).astype(x.dtype),
                "empty": _arbitrary}[body](value)
    if isinstance(value, (float, np.floating)):
        return float(_filled(np.array(value), body))
    if isinstance(value, int) and not isinstance(value, bool):
        return {"zeros": 0, "ones": 1, "constant": 2, "noise": 7, "empty": -1}[body]
    if isinstance(value, str):
        return ""
    if isinstance(value, dict):
        return {key: _filled(item, body) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_filled(item, body) for item in value) if type(value) in (list, tuple) else tuple(
            _filled(item, body) for item in value)
    return value


def _arbitrary(value: np.ndarray) -> np.ndarray:
    """What np.empty_like may hand back: any bytes (NaN, inf and denormals included)."""
    data = np.random.default_rng(1).bytes(value.size * value.itemsize)
    return np.frombuffer(data, dtype=value.dtype).reshape(value.shape).copy()


def argument(function: str, index: int) -> Callable[..., Any]:
    """Returns its ``index``-th argument unchanged."""
    def answer(*args: Any) -> Any:
        return args[index]
    return answer


def stub(function: str) -> Callable[..., Any]:
    """The released stub."""
    def answer(*args: Any) -> Any:
        raise NotImplementedError(STUB_MESSAGE)
    return answer


def nothing(function: str) -> Callable[..., Any]:
    """A body of ``pass``."""
    def answer(*args: Any) -> None:
        return None
    return answer


def lookup(function: str) -> Callable[..., Any]:
    """The stored expected output where the input is a stored one (a table copied from the student package),
    zeros in the right answer's shapes elsewhere."""
    table = [(tuple(v for k, v in case.items() if k != expected.EXPECTED), case[expected.EXPECTED])
             for case in expected.cases(function)]
    otherwise = shaped(function, "zeros")

    def answer(*args: Any) -> Any:
        for inputs, output in table:
            if identical(tuple(inputs), tuple(args[:len(inputs)])):
                return output
        return otherwise(*args)
    return answer


def zeroing(function: str, index: int) -> Callable[..., Any]:
    """Zeroes its ``index``-th argument in place (arrays, and the arrays in dicts, lists and tuples), then
    returns the right answer for the inputs as they now are: the law's value at zero."""
    return _changing(function, index, lambda x: 0 * x)


def shifting(function: str, index: int) -> Callable[..., Any]:
    """Adds 1 to its ``index``-th argument in place, then returns the right answer for the inputs as they now are."""
    return _changing(function, index, lambda x: x + 1)


def _changing(function: str, index: int, change: Callable[[Any], Any]) -> Callable[..., Any]:
    right = getattr(reference, function)

    def answer(*args: Any) -> Any:
        _change(args[index], change)
        return right(*args)
    return answer


def _change(value: Any, change: Callable[[Any], Any]) -> None:
    if isinstance(value, np.ndarray):
        value[...] = change(value)
    elif isinstance(value, dict):
        for item in value.values():
            _change(item, change)
    elif isinstance(value, list) and all(isinstance(item, (int, float)) for item in value):
        value[:] = [change(item) for item in value]
    elif isinstance(value, (list, tuple)):
        for item in value:
            _change(item, change)


def changeable(value: Any) -> bool:
    """Whether ``value`` holds something :func:`zeroing` and :func:`shifting` change in place."""
    if isinstance(value, np.ndarray):
        return True
    if isinstance(value, dict):
        return any(changeable(item) for item in value.values())
    return isinstance(value, (list, tuple)) and len(value) > 0 and (
        isinstance(value, list) and all(isinstance(item, (int, float)) for item in value)
        or any(changeable(item) for item in value))


def labels_become_predictions(AL: np.ndarray, Y: np.ndarray, caches: list) -> dict[str, np.ndarray]:
    """L_model_backward that sets ``Y[...] = AL`` in place: the true gradient of the changed labels is zero."""
    Y[...] = AL
    return reference.L_model_backward(AL, Y, caches)
