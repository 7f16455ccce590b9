"""The visible checks, one module per part of the contract; importing this package registers them."""

from dnn_checks.checks import activations

__all__ = ["activations"]
