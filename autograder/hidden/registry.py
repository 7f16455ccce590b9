"""The hidden registry: the same mechanism as ``dnn_checks.registry.VISIBLE``."""

from dnn_checks.registry import Registry

HIDDEN = Registry("hidden")
