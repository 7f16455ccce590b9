"""The hidden registry, the same mechanism as ``dnn_checks.registry.VISIBLE``, and its commonest property."""

from collections.abc import Sequence
from typing import Any

from dnn_checks.properties import matches
from dnn_checks.registry import Observe, Registry
from dnn_checks.runner import Given

import reference

HIDDEN = Registry("hidden")


def matches_reference(function: str, given: Given, *, weight: float = 2, observe: Observe | None = None,
                      names: Sequence[str] | None = None, name: str = "matches the reference", **options: Any) -> None:
    """A value property, ``name``: ``function``'s output on ``given`` against ``reference.<function>``
    (``dnn_checks.properties.matches``)."""
    matches(HIDDEN, function, name, given, getattr(reference, function), weight=weight,
            max_examples=options.pop("max_examples", 10), observe=observe, names=names, **options)
