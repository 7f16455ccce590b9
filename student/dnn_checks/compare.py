"""Comparing a student's (base-value) output with what is expected, in plain words.

Every check states what it expects through these helpers; each raises :class:`Failed`
with a message that says what differs and where (the returned value by its name, ``dW`` or
``v["dW1"]``, the first differing index and both values), so messages are written in one
place. The structure (types, lengths, keys, shapes, dtypes) of an output is validated before
any of its values is looked at, so a wrong shape is said as one ("dW has shape (3, 4),
expected (4, 3)"). Floats are compared with a relative tolerance plus an absolute one scaled
to the magnitude of the values involved (never an absolute tolerance alone), so any correct
order of operations passes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from dnn_checks.graded import graded
from dnn_checks.values import describe

#: Relative tolerance for float64 results.
RTOL = 1e-7
#: Absolute tolerance, as a fraction of the ``scale`` of the values involved.
ATOL_FRACTION = 1e-9


class Failed(AssertionError):
    """A property does not hold; ``str(self)`` is the feedback for the student."""


def returned(function: str, output: Any, names: Sequence[str] | None = None) -> Any:
    """``output`` as a tuple of the values ``names`` (default: what the table says ``function`` returns), its
    length checked; a single value as it is."""
    names = tuple(names or graded(function).returns)
    if len(names) == 1:
        return output
    if not isinstance(output, (tuple, list)) or len(output) != len(names):
        raise Failed(f"{function} should return a tuple of {len(names)} values ({', '.join(names)}), "
                     f"got {describe(output)}")
    return tuple(output)


def check_result(function: str, expected: Any, got: Any, *, rtol: float = RTOL, scale: float | None = None,
                 names: Sequence[str] | None = None) -> None:
    """Raise Failed unless ``function``'s output ``got`` matches ``expected``, its parts named by ``names``
    (default: what the table says ``function`` returns)."""
    _check(function, expected, got, names, (rtol, scale))


def check_result_like(function: str, expected: Any, got: Any, *, names: Sequence[str] | None = None) -> None:
    """Raise Failed unless ``function``'s output ``got`` has the structure of ``expected``: tuple lengths, dict
    keys, array shapes and float dtypes (the values aside)."""
    _check(function, expected, got, names, None)


def _check(function: str, expected: Any, got: Any, names: Sequence[str] | None,
           tolerance: tuple[float, float | None] | None) -> None:
    names = tuple(names or graded(function).returns)
    if len(names) > 1:
        got, where = returned(function, got, names), f"the result of {function}"
    else:
        names, where = None, names[0]
    problem = _mismatch(expected, got, where, names, None) or (
        tolerance and _mismatch(expected, got, where, names, tolerance))
    if problem:
        raise Failed(problem)


def check_close(expected: Any, got: Any, *, where: str, rtol: float = RTOL, scale: float | None = None,
                names: Sequence[str] | None = None) -> None:
    """Raise Failed unless ``got`` matches ``expected``: same structure, shapes, dtype kind, close floats.

    ``expected`` is a base value (arrays, floats, tuples, lists, dicts); ``names`` name the items
    of a tuple (else ``where[i]``); ``scale`` is the magnitude the absolute tolerance is relative
    to (default: the largest |expected|, at least 1).
    """
    problem = mismatch(expected, got, where=where, rtol=rtol, scale=scale, names=names)
    if problem:
        raise Failed(problem)


def mismatch(expected: Any, got: Any, *, where: str, rtol: float = RTOL, scale: float | None = None,
             names: Sequence[str] | None = None) -> str | None:
    """The first way ``got`` differs from ``expected``, in plain words (its structure first), or None."""
    return (_mismatch(expected, got, where, names, None) or
            _mismatch(expected, got, where, names, (rtol, scale)))


def _mismatch(expected: Any, got: Any, where: str, names: Sequence[str] | None,
              tolerance: tuple[float, float | None] | None) -> str | None:
    """The structure's first difference (``tolerance`` None), or the values' first one."""
    if isinstance(expected, Mapping):
        return _dict_mismatch(expected, got, where, tolerance)
    if isinstance(expected, (tuple, list)):
        return _sequence_mismatch(expected, got, where, names, tolerance)
    if isinstance(expected, np.ndarray):
        return _array_mismatch(expected, got, where, tolerance)
    if isinstance(expected, (bool, str)) or expected is None:
        return None if got == expected and type(got) is type(expected) else (
            f"{where} should be {expected!r}, got {describe(got)}")
    return _scalar_mismatch(float(expected), got, where, tolerance)


def _dict_mismatch(expected: Mapping, got: Any, where: str, tolerance: tuple | None) -> str | None:
    if not isinstance(got, dict):
        return f"{where} should be a dict, got {describe(got)}"
    if set(got) != set(expected):
        missing, extra = sorted(set(expected) - set(got)), sorted(set(got) - set(expected))
        return f"{where} should have exactly the keys {sorted(expected)}; missing {missing}, unexpected {extra}"
    for key in expected:
        problem = _mismatch(expected[key], got[key], f'{where}["{key}"]', None, tolerance)
        if problem:
            return problem
    return None


def _sequence_mismatch(expected: Sequence, got: Any, where: str, names: Sequence[str] | None,
                       tolerance: tuple | None) -> str | None:
    kind = "tuple" if isinstance(expected, tuple) else "list"
    if not isinstance(got, (tuple, list)):
        return f"{where} should be a {kind} of length {len(expected)}, got {describe(got)}"
    if len(got) != len(expected):
        return f"{where} should have length {len(expected)}, got length {len(got)}"
    for i, (e, g) in enumerate(zip(expected, got)):
        problem = _mismatch(e, g, names[i] if names else f"{where}[{i}]", None, tolerance)
        if problem:
            return problem
    return None


def _array_mismatch(expected: np.ndarray, got: Any, where: str, tolerance: tuple | None) -> str | None:
    if tolerance is None:
        if not isinstance(got, np.ndarray):
            return f"{where} should be a numpy array of shape {expected.shape}, got {describe(got)}"
        if got.shape != expected.shape:
            return f"{where} has shape {got.shape}, expected {expected.shape}"
        if expected.dtype.kind == "f" and got.dtype.kind != "f":
            return f"{where} should have a float dtype, got {got.dtype}"
        return None
    if expected.dtype.kind == "b":
        bad = got.astype(bool) != expected
    else:
        bad = ~_close(expected, got, *tolerance)
    if not bad.any():
        return None
    index = tuple(int(i) for i in np.argwhere(bad)[0])
    return (f"{where} differs at index {index}: expected {expected[index].item()!r}, got {got[index].item()!r} "
            f"({int(bad.sum())} of {bad.size} entries differ)")


def _scalar_mismatch(expected: float, got: Any, where: str, tolerance: tuple | None) -> str | None:
    if isinstance(got, np.ndarray) and got.shape == ():
        got = got.item()
    if type(got) not in (int, float):
        return f"{where} should be a float, got {describe(got)}"
    if tolerance is None or _close(np.float64(expected), np.float64(got), *tolerance):
        return None
    return f"{where} should be {expected!r}, got {float(got)!r}"


def _close(expected: np.ndarray, got: np.ndarray, rtol: float, scale: float | None) -> np.ndarray:
    """|got - expected| <= rtol |expected| + ATOL_FRACTION * scale, NaN never close."""
    if scale is None:
        finite = np.abs(expected[np.isfinite(expected)]) if np.ndim(expected) else np.abs([expected])
        scale = max(1.0, float(finite.max(initial=0.0)))
    got = np.asarray(got, dtype=np.float64)
    with np.errstate(all="ignore"):
        close = np.abs(got - expected) <= rtol * np.abs(expected) + ATOL_FRACTION * scale
    return close | ((got == expected) & np.isfinite(got))


def check_shape(value: Any, shape: tuple[int, ...], *, where: str) -> np.ndarray:
    """Raise Failed unless ``value`` is a finite float array of exactly ``shape``; return it."""
    if not isinstance(value, np.ndarray):
        raise Failed(f"{where} should be a numpy array of shape {shape}, got {describe(value)}")
    if value.shape != shape:
        raise Failed(f"{where} has shape {value.shape}, expected {shape}")
    if value.dtype.kind != "f":
        raise Failed(f"{where} should have a float dtype, got {value.dtype}")
    if not np.isfinite(value).all():
        raise Failed(f"{where} has non-finite entries (NaN or inf) at index "
                     f"{tuple(int(i) for i in np.argwhere(~np.isfinite(value))[0])}")
    return value


def check_tuple(value: Any, length: int, *, where: str) -> tuple:
    """Raise Failed unless ``value`` is a tuple (or list) of ``length`` items; return it as a tuple."""
    if not isinstance(value, (tuple, list)) or len(value) != length:
        raise Failed(f"{where} should be a tuple of {length} values, got {describe(value)}")
    return tuple(value)


def check_float(value: Any, *, where: str) -> float:
    """Raise Failed unless ``value`` is a finite Python float (or int, or 0-d float array); return it."""
    if isinstance(value, np.ndarray) and value.shape == () and value.dtype.kind == "f":
        value = value.item()
    if type(value) not in (int, float):
        raise Failed(f"{where} should be a float (or a 0-d array), got {describe(value)}")
    if not np.isfinite(value):
        raise Failed(f"{where} should be finite, got {value!r}")
    return float(value)


def check_equal(expected: Any, got: Any, *, where: str, names: Sequence[str] | None = None) -> None:
    """Raise Failed unless ``got`` equals ``expected`` exactly (structure, shapes and values)."""
    problem = mismatch(expected, got, where=where, rtol=0.0, scale=0.0, names=names)
    if problem:
        raise Failed(problem)


def check_parameters(value: Any, shapes: Mapping[str, tuple[int, ...]], *, where: str) -> dict[str, np.ndarray]:
    """Raise Failed unless ``value`` is a dict with exactly the keys of ``shapes``, float arrays of those shapes."""
    if not isinstance(value, dict):
        raise Failed(f"{where} should be a dict, got {describe(value)}")
    if set(value) != set(shapes):
        missing, extra = sorted(set(shapes) - set(value)), sorted(set(value) - set(shapes))
        raise Failed(f"{where} should have exactly the keys {sorted(shapes)}; missing {missing}, unexpected {extra}")
    return {key: check_shape(value[key], shape, where=f'{where}["{key}"]') for key, shape in shapes.items()}
