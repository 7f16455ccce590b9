"""Reference NumPy implementations of the course's functions (staff only, never released)."""

from reference.activations import (
    relu,
    relu_backward,
    sigmoid,
    sigmoid_backward,
    softmax,
    softmax_cross_entropy_backward,
    tanh,
    tanh_backward,
)
from reference.batchnorm import BatchNormCache, batchnorm_backward, batchnorm_forward
from reference.costs import compute_cost, compute_cost_with_regularization, compute_softmax_cost, l2_penalty
from reference.gradcheck import dictionary_to_vector, gradient_check_n, parameter_keys, vector_to_dictionary
from reference.initializers import (
    initialize_parameters_deep,
    initialize_parameters_he,
    initialize_parameters_random,
    initialize_parameters_xavier,
    initialize_parameters_zeros,
)
from reference.layers import (
    L_model_backward,
    L_model_forward,
    LinearActivationCache,
    LinearCache,
    linear_activation_backward,
    linear_activation_forward,
    linear_backward,
    linear_forward,
    num_layers,
    output_backward,
)
from reference.optimizers import (
    exponential_lr_decay,
    initialize_adam,
    initialize_rmsprop,
    initialize_velocity,
    random_mini_batches,
    schedule_lr_decay,
    update_lr,
    update_parameters,
    update_parameters_with_adam,
    update_parameters_with_gd,
    update_parameters_with_momentum,
    update_parameters_with_rmsprop,
)
from reference.regularization import (
    L_model_backward_with_regularization,
    dropout_backward,
    dropout_forward,
)
from reference.scaling import normalize_inputs

__all__ = [
    "BatchNormCache",
    "LinearActivationCache",
    "LinearCache",
    "L_model_backward",
    "L_model_backward_with_regularization",
    "L_model_forward",
    "batchnorm_backward",
    "batchnorm_forward",
    "compute_cost",
    "compute_cost_with_regularization",
    "compute_softmax_cost",
    "dictionary_to_vector",
    "dropout_backward",
    "dropout_forward",
    "exponential_lr_decay",
    "gradient_check_n",
    "initialize_adam",
    "initialize_parameters_deep",
    "initialize_parameters_he",
    "initialize_parameters_random",
    "initialize_parameters_xavier",
    "initialize_parameters_zeros",
    "initialize_rmsprop",
    "initialize_velocity",
    "l2_penalty",
    "linear_activation_backward",
    "linear_activation_forward",
    "linear_backward",
    "linear_forward",
    "normalize_inputs",
    "num_layers",
    "output_backward",
    "parameter_keys",
    "random_mini_batches",
    "relu",
    "relu_backward",
    "schedule_lr_decay",
    "sigmoid",
    "sigmoid_backward",
    "softmax",
    "softmax_cross_entropy_backward",
    "tanh",
    "tanh_backward",
    "update_lr",
    "update_parameters",
    "update_parameters_with_adam",
    "update_parameters_with_gd",
    "update_parameters_with_momentum",
    "update_parameters_with_rmsprop",
    "vector_to_dictionary",
]

# --- data, training, diagnosis: exports added by their engineer below this line ---
