"""The visible checks, one module per part of the contract; importing this package registers them."""

from dnn_checks.checks import activations, layers, network

__all__ = ["activations", "layers", "network"]
