"""The sizes a call's own inputs imply, and so what may cross the wire for that call.

A check calls a student function on inputs of its own making. Their *side* is the longest
axis of their arrays (or the largest integer in a list of them: ``layer_dims``), their
*ndim* the most axes of an array (at least 2), their *elements* the number of array
elements and other values they hold. For that call:

- what the worker sends back (the result, the states of changed arguments, the arguments
  of each callback) holds at most ``budget = FACTOR * (elements + side**2) + FLOOR`` array
  elements in all (and never more than ``dnn_checks.values.MAX_ELEMENTS``), in a frame of at most ``HEADER_BYTES + 16 * budget`` bytes: a larger
  frame is refused before it is read, a larger array before it is made;
- a callback's arrays (the arguments of a trusted function the student's code calls) have
  at most ``ndim`` axes, none longer than ``side``: whatever the trusted function computes
  from them holds at most ``side ** ndim`` elements an array, where a (16384, 1) times a
  (1, 16384) array would take 2 GB.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

import numpy as np
from dnn_checks.values import MAX_ELEMENTS

from autograder.sandbox.wire import WireLimits

#: How many times the inputs' elements (and side squared) a result may hold, and how many more elements in any case.
FACTOR, FLOOR = 16, 1 << 16
#: Bytes a frame may spend beyond its arrays' elements (the JSON header, the .npy headers).
HEADER_BYTES = 1 << 20


class Sizes(NamedTuple):
    """The side, ndim and elements of a call's inputs (see the module docstring)."""

    side: int
    ndim: int
    elements: int

    @classmethod
    def of(cls, inputs: Any) -> Sizes:
        """The sizes of ``inputs``, base values (nested lists, tuples, dicts of arrays and scalars)."""
        leaves = list(_leaves(inputs))
        arrays = [leaf for leaf in leaves if isinstance(leaf, np.ndarray)]
        side = max([n for array in arrays for n in array.shape] + list(_listed_integers(inputs)), default=1)
        return cls(side=max(side, 1), ndim=max([2] + [array.ndim for array in arrays]),
                   elements=sum(leaf.size if isinstance(leaf, np.ndarray) else 1 for leaf in leaves))

    @property
    def budget(self) -> int:
        """The most array elements a reply or a callback of the call may hold (never above the wire's own limit)."""
        return min(FACTOR * (self.elements + self.side ** 2) + FLOOR, MAX_ELEMENTS)

    def wire_limits(self) -> WireLimits:
        """The limits to decode the worker's messages of the call with."""
        return WireLimits(message_bytes=HEADER_BYTES + 16 * self.budget, header_bytes=HEADER_BYTES,
                          array_elements=self.budget, total_elements=self.budget)

    def refusal(self, arguments: Any) -> str | None:
        """Why a callback's ``arguments`` are out of bounds for the call, in the student's terms; None if they are not."""
        for leaf in _leaves(arguments):
            if isinstance(leaf, np.ndarray) and (leaf.ndim > self.ndim or max(leaf.shape, default=0) > self.side):
                return (f"an array of shape {leaf.shape}, larger than its own inputs imply "
                        f"(at most {self.ndim} axes, none longer than {self.side})")
        return None


def _leaves(value: Any) -> Iterator[Any]:
    """The values inside nested lists, tuples and dicts."""
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from _leaves(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    else:
        yield value


def _listed_integers(value: Any) -> Iterator[int]:
    """The integers that are items of a list (layer sizes), wherever the list lies."""
    if isinstance(value, (list, tuple, dict)):
        items = list(value.values() if isinstance(value, dict) else value)
        if type(value) is list:
            yield from (item for item in items if type(item) is int)
        for item in items:
            yield from _listed_integers(item)
