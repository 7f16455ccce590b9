"""The contract's student functions as the checks see them: their points and whom they call.

``POINTS[f] = (visible, hidden)``: a function's total is their sum; a grade cell's points are
the sum over the functions its test cell names. ``CALLS[f]`` lists the contract functions
that ``f`` may call (transitively): the hidden check of ``f`` can bind correct versions of
them, so that a mistake costs its own points once.
"""

from __future__ import annotations

from typing import NamedTuple


class Points(NamedTuple):
    visible: float
    hidden: float


POINTS: dict[str, Points] = {
    # Part A: a deep network, step by step
    "sigmoid": Points(1, 2), "relu": Points(1, 2), "tanh": Points(1, 2), "softmax": Points(1, 2),
    "sigmoid_backward": Points(1, 2), "relu_backward": Points(1, 2), "tanh_backward": Points(1, 2),
    "initialize_parameters_deep": Points(1, 2),
    "linear_forward": Points(1, 2), "linear_activation_forward": Points(1, 2), "L_model_forward": Points(2, 3),
    "compute_cost": Points(1, 2),
    "linear_backward": Points(1, 3), "linear_activation_backward": Points(1, 3), "L_model_backward": Points(2, 4),
    "update_parameters": Points(1, 2), "gradient_check_n": Points(1, 2),
    # Part B: initialization, scaling and regularization
    "initialize_parameters_zeros": Points(1, 1), "initialize_parameters_random": Points(1, 1),
    "initialize_parameters_he": Points(1, 2), "initialize_parameters_xavier": Points(1, 2),
    "normalize_inputs": Points(1, 2), "compute_cost_with_regularization": Points(1, 2),
    "L_model_backward_with_regularization": Points(1, 3),
    "dropout_forward": Points(1, 2), "dropout_backward": Points(1, 2),
    # Part C: optimization
    "update_parameters_with_gd": Points(1, 1), "random_mini_batches": Points(1, 3),
    "initialize_velocity": Points(1, 1), "update_parameters_with_momentum": Points(1, 2),
    "initialize_rmsprop": Points(1, 1), "update_parameters_with_rmsprop": Points(1, 2),
    "initialize_adam": Points(1, 1), "update_parameters_with_adam": Points(2, 3),
    "update_lr": Points(1, 1), "schedule_lr_decay": Points(1, 1), "exponential_lr_decay": Points(1, 1),
    # Part D: batch normalization
    "batchnorm_forward": Points(2, 4), "batchnorm_backward": Points(2, 4),
}

_ACTIVATIONS = ("sigmoid", "relu", "tanh", "softmax")
_ACTIVATION_BACKWARDS = ("sigmoid_backward", "relu_backward", "tanh_backward")
_LAYER_FORWARD = ("linear_activation_forward", "linear_forward", *_ACTIVATIONS)
_LAYER_BACKWARD = ("linear_activation_backward", "linear_backward", *_ACTIVATION_BACKWARDS)

CALLS: dict[str, tuple[str, ...]] = {
    "linear_activation_forward": _LAYER_FORWARD[1:],
    "L_model_forward": _LAYER_FORWARD,
    "linear_activation_backward": _LAYER_BACKWARD[1:],
    "L_model_backward": _LAYER_BACKWARD,
    "gradient_check_n": ("L_model_forward", "compute_cost", *_LAYER_FORWARD),
    "compute_cost_with_regularization": ("compute_cost",),
    "L_model_backward_with_regularization": ("L_model_backward", *_LAYER_BACKWARD),
    "initialize_adam": ("initialize_velocity", "initialize_rmsprop"),
}


def points_of(function: str) -> Points:
    """(visible, hidden) points of a contract function; KeyError names an unknown one."""
    try:
        return POINTS[function]
    except KeyError:
        raise KeyError(f"{function!r} is not a student function of the contract") from None
