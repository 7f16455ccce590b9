"""The gradient-check primitive: central differences against analytical gradients.

For a forward function ``f(**inputs) -> out`` and an upstream gradient ``dout``, the
numerical gradient of ``L = sum(dout * f(**inputs))`` with respect to input ``x`` is, entry
by entry, ``(L(x + eps e_i) - L(x - eps e_i)) / (2 eps)``, computed on a private float64
copy of the inputs (never on the caller's arrays). Like ``torch.autograd.gradcheck``, the
result names which gradient, which element, numerical against analytical; nothing is printed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

Forward = Callable[..., Any]


@dataclass(frozen=True)
class GradMismatch:
    """One entry where the analytical gradient disagrees with the central difference."""

    gradient: str
    index: tuple[int, ...]
    numerical: float
    analytical: float

    def __str__(self) -> str:
        return (f"{self.gradient}{list(self.index)}: numerical {self.numerical!r}, "
                f"analytical {self.analytical!r}")


@dataclass(frozen=True)
class GradcheckResult:
    """The largest absolute error over all gradients and every mismatching entry, in order."""

    max_error: float
    mismatches: tuple[GradMismatch, ...]

    @property
    def ok(self) -> bool:
        return not self.mismatches


def _private(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """float64 copies of the array inputs; other inputs (an activation's name) as they are."""
    return {key: np.array(value, dtype=np.float64) if isinstance(value, np.ndarray) else value
            for key, value in inputs.items()}


def _loss(f: Forward, inputs: Mapping[str, Any], dout: np.ndarray) -> float:
    return float(np.sum(dout * np.asarray(f(**inputs), dtype=np.float64)))


def numerical_gradient(f: Forward, inputs: Mapping[str, Any], name: str, dout: np.ndarray, *,
                       eps: float = 1e-6) -> np.ndarray:
    """d sum(dout * f(**inputs)) / d inputs[name], entry by entry, by central differences; inputs[name]'s shape."""
    private = _private(inputs)
    x = private[name]
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + eps
        plus = _loss(f, private, dout)
        x[index] = saved - eps
        minus = _loss(f, private, dout)
        x[index] = saved
        grad[index] = (plus - minus) / (2 * eps)
    return grad


def directional_derivative(f: Forward, inputs: Mapping[str, Any], name: str, dout: np.ndarray,
                           direction: np.ndarray, *, eps: float = 1e-6) -> float:
    """d/dt sum(dout * f(**inputs, name = x + t * direction)) at t = 0, by one central difference."""
    private = _private(inputs)
    x = private[name]
    private[name] = x + eps * direction
    plus = _loss(f, private, dout)
    private[name] = x - eps * direction
    return (plus - _loss(f, private, dout)) / (2 * eps)


def gradcheck(f: Forward, inputs: Mapping[str, Any], analytical: Mapping[str, Any], dout: np.ndarray | float, *,
              eps: float = 1e-6, rtol: float = 1e-4, atol: float = 1e-6, scale: Mapping[str, float] | None = None,
              fast: bool = True) -> GradcheckResult:
    """Compare ``analytical["d" + name]`` with ``scale["d" + name]`` (default 1) times the numerical gradient.

    An entry mismatches when ``|numerical - analytical| > atol + rtol * |numerical|``; a
    gradient of the wrong shape mismatches at its first entry. ``scale`` serves the course's
    convention (``dW`` is ``1/m`` times the gradient of ``sum(dZ * Z)``). ``fast`` first
    compares one directional derivative (a fixed random direction, two calls of ``f``, like
    torch's fast mode) and goes entry by entry only when that disagrees.
    """
    mismatches: list[GradMismatch] = []
    max_error = 0.0
    dout = np.asarray(dout, dtype=np.float64)
    for gradient, given in analytical.items():
        name, factor = gradient.removeprefix("d"), (scale or {}).get(gradient, 1.0)
        given = np.asarray(given, dtype=np.float64)
        if fast and _agrees_along(f, inputs, name, dout, given, factor, eps=eps, rtol=rtol, atol=atol):
            continue
        numerical = numerical_gradient(f, inputs, name, dout, eps=eps) * factor
        error, found = _compare(gradient, numerical, given, rtol=rtol, atol=atol)
        max_error, mismatches = max(max_error, error), mismatches + found
    return GradcheckResult(max_error, tuple(mismatches))


def _compare(gradient: str, numerical: np.ndarray, given: np.ndarray, *, rtol: float,
             atol: float) -> tuple[float, list[GradMismatch]]:
    """The largest absolute error and the mismatching entries (the first entry for a wrong shape)."""
    if given.shape != numerical.shape:
        index = (0,) * numerical.ndim
        return float("inf"), [GradMismatch(gradient, index, float(numerical[index]), float("nan"))]
    error = np.abs(numerical - given)
    bad = ~(error <= atol + rtol * np.abs(numerical))
    return float(np.nan_to_num(error, nan=np.inf).max(initial=0.0)), [
        GradMismatch(gradient, tuple(int(i) for i in index), float(numerical[index]), float(given[index]))
        for index in map(tuple, np.argwhere(bad))]


def _agrees_along(f: Forward, inputs: Mapping[str, Any], name: str, dout: np.ndarray, given: np.ndarray,
                  factor: float, *, eps: float, rtol: float, atol: float) -> bool:
    """Whether <given, v> matches the directional derivative along a fixed random v (tolerances summed over v)."""
    shape = np.shape(inputs[name])
    if given.shape != shape or not np.isfinite(given).all():
        return False
    direction = np.random.default_rng(0).standard_normal(shape)
    numerical = factor * directional_derivative(f, inputs, name, dout, direction, eps=eps)
    analytical = float(np.sum(given * direction))
    return abs(numerical - analytical) <= np.sum(np.abs(direction)) * atol + rtol * float(
        np.sum(np.abs(given * direction)))
