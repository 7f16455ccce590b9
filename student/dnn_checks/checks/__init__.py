"""The visible checks, one module per concept of the table (``dnn_checks.graded``); importing this package registers them."""

from dnn_checks.checks import (
    activations,
    batchnorm,
    composition,
    costs,
    data,
    gradcheck,
    hyperparameters,
    initializers,
    layers,
    optimizers,
    regularization,
    scaling,
)

__all__ = ["activations", "batchnorm", "composition", "costs", "data", "gradcheck", "hyperparameters", "initializers",
           "layers", "optimizers", "regularization", "scaling"]
