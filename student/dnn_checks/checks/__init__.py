"""The visible checks, one module per part of the contract; importing this package registers them."""

from dnn_checks.checks import activations, batchnorm, initialization, layers, network, optimization, regularization

__all__ = ["activations", "batchnorm", "initialization", "layers", "network", "optimization", "regularization"]
