"""What a catalogued mistake is, and how an output is compared with a wrong variant's."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Relative tolerance under which two outputs count as the same: far above float64 round-off,
#: far below the effect of a small epsilon misplaced (1e-8 next to sqrt(s) ~ 0.1).
RTOL = 1e-10
#: Looser tolerances where correct results carry more round-off (finite differences of a cost).
RTOL_OF = {"gradient_check_n": 1e-5}
#: Relative tolerance for the floats of two fingerprints (statistics of random outputs).
FINGERPRINT_RTOL = 0.1

Fingerprint = Callable[[tuple, dict, Any], Any]
"""``fingerprint(args, kwargs, output)``: the statistics of a random output that a mistake changes."""


@dataclass(frozen=True)
class Mistake:
    """A known-wrong version of the contract function ``function``.

    ``wrong`` has the contract's signature; ``message`` says in plain words what the student's
    output looks like; ``fingerprint`` (random functions only) maps an input and an output to
    the statistics compared instead of the raw values.
    """

    id: str
    function: str
    message: str
    wrong: Callable[..., Any] = field(repr=False)
    fingerprint: Fingerprint | None = field(default=None, repr=False)


class Catalog:
    """The mistakes of one module, collected with the ``@catalog.mistake(function, message)`` decorator."""

    def __init__(self, *, fingerprints: Mapping[str, Fingerprint] | None = None) -> None:
        self.mistakes: list[Mistake] = []
        self._fingerprints = dict(fingerprints or {})

    def mistake(self, *functions: str, message: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register the decorated wrong variant for each named contract function; id = 'function.variant'."""
        def register(wrong: Callable[..., Any]) -> Callable[..., Any]:
            for function in functions:
                self.add(function, wrong.__name__, message, wrong)
            return wrong
        return register

    def add(self, function: str, variant: str, message: str, wrong: Callable[..., Any]) -> None:
        """Register ``wrong`` as the mistake 'function.variant'."""
        fingerprint = self._fingerprints.get(function)
        self.mistakes.append(Mistake(f"{function}.{variant}", function, message, wrong, fingerprint))


class Call:
    """The input of a failed property: ``call(f)`` runs ``f`` on a fresh deep copy of it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args, self.kwargs = args, kwargs

    def __call__(self, function: Callable[..., Any]) -> Any:
        return function(*copy.deepcopy(self.args), **copy.deepcopy(self.kwargs))


def same(a: Any, b: Any, *, rtol: float = RTOL) -> bool:
    """Whether two base values are equal: same structure, keys, shapes; floats within ``rtol``.

    Python ints, bools and strings compare exactly; numbers and arrays as arrays, with an
    absolute tolerance scaled to their finite entries; NaN matches NaN (a wrong variant reproduces them).
    """
    if isinstance(a, Mapping) or isinstance(b, Mapping):
        return (isinstance(a, Mapping) and isinstance(b, Mapping) and a.keys() == b.keys()
                and all(same(a[k], b[k], rtol=rtol) for k in a))
    if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
        return (isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)) and len(a) == len(b)
                and all(same(x, y, rtol=rtol) for x, y in zip(a, b)))
    if _exact(a) or _exact(b):
        return type(a) is type(b) and a == b
    return _same_array(a, b, rtol)


def _exact(value: Any) -> bool:
    return value is None or type(value) in (bool, int, str)


def _same_array(a: Any, b: Any, rtol: float) -> bool:
    try:
        x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    if x.shape != y.shape:
        return False
    if x.size == 0:
        return True
    finite = np.abs(np.concatenate([x.ravel(), y.ravel()]))
    scale = max(float(finite[np.isfinite(finite)].max(initial=0.0)), 1e-300)
    return bool(np.allclose(x, y, rtol=rtol, atol=1e-3 * rtol * scale, equal_nan=True))


def ints(values: Sequence[Any]) -> tuple[int, ...]:
    """Plain Python ints (for exact comparison in fingerprints)."""
    return tuple(int(v) for v in values)
