"""One call of a function, as a record: its arguments, what it returned, what it changed in place.

A check keeps its own inputs: the student function gets deep copies of them, locally
(:func:`observe`) or in the grader's worker, so nothing it does can change what the check
computes its expectations from. What it did to its copies is *observed*, never applied:
``changed`` holds, by position (or keyword), the state after the call of every argument it
modified. The same record serves the diagnosis, which runs a catalogued mistake on the call's
arguments (``call(implementation)``), and the tests.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dnn_checks.graded import FUNCTIONS
from dnn_checks.values import holds_handle, resolve

Key = int | str


@dataclass(frozen=True)
class Call:
    """``function(*args, **kwargs)``: the arguments as the caller gave them (never handed to the function
    itself), its ``output``, and ``changed``: the state after the call of each argument it modified."""

    function: str
    args: tuple
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    output: Any = None
    changed: Mapping[Key, Any] = field(default_factory=dict)

    def __call__(self, implementation: Callable[..., Any]) -> Any:
        """What ``implementation`` returns on fresh deep copies of the arguments."""
        args, kwargs = copy.deepcopy((self.args, dict(self.kwargs)))
        return implementation(*args, **kwargs)

    def replay(self, implementation: Callable[..., Any]) -> Call:
        """The record of ``implementation`` called on these arguments as a student's function is (:func:`observe`)."""
        return observe(self.function, implementation, self.args, self.kwargs)

    def after(self, argument: str) -> Any:
        """The named argument after the call: the state the call changed it to, or as it was given."""
        key = argument if argument in self.kwargs else FUNCTIONS[self.function].arguments.index(argument)
        if key in self.changed:
            return self.changed[key]
        return self.kwargs[key] if isinstance(key, str) else self.args[key]

    def argument(self, key: Key) -> str:
        """The name of an argument by its position (the contract's name) or keyword."""
        if isinstance(key, str):
            return key
        names = FUNCTIONS[self.function].arguments if self.function in FUNCTIONS else ()
        return names[key] if key < len(names) else f"argument {key + 1}"


def observe(function: str, implementation: Callable[..., Any], args: tuple, kwargs: Mapping[str, Any] | None = None,
            handles: Sequence[Any] = ()) -> Call:
    """Call ``implementation`` on deep copies of ``args`` and ``kwargs`` and record what it did.

    A :class:`~dnn_checks.values.Handle` in the arguments stands for ``handles[id]``, passed as it is
    (an opaque value of the implementer's own, such as a batch-norm cache): it is neither copied
    nor watched. The output is returned as it is (the caller converts it).
    """
    kwargs = dict(kwargs or {})
    private_args, private_kwargs = (resolve(value, handles) for value in copy.deepcopy((args, kwargs)))
    output = implementation(*private_args, **private_kwargs)
    return Call(function, args, kwargs, output, {**changes(args, private_args), **changes(kwargs, private_kwargs)})


def changes(before: Sequence[Any] | Mapping[str, Any], after: Sequence[Any] | Mapping[str, Any]) -> dict[Key, Any]:
    """The items of ``after`` that differ from ``before`` (positions or keys), those holding a Handle aside."""
    keys = before.keys() if isinstance(before, Mapping) else range(len(before))
    return {key: after[key] for key in keys if not holds_handle(before[key]) and not identical(before[key], after[key])}


def identical(a: Any, b: Any) -> bool:
    """Deep equality that tells arrays apart by shape, dtype and bytes (so NaN equals NaN), generators by state."""
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()
    if isinstance(a, np.random.Generator):
        return identical(a.bit_generator.state, b.bit_generator.state)
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(identical(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(identical(x, y) for x, y in zip(a, b))
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - an odd object in an argument counts as changed
        return False
