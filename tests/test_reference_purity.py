"""No reference function changes its arguments (the update functions build new dicts too);
batchnorm_forward only rebinds bn_param's running statistics."""

import copy

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import reference as r

RNG = np.random.default_rng(0)
X, Y = RNG.standard_normal((3, 5)), np.array([[1.0, 0.0, 1.0, 1.0, 0.0]])
P = r.initialize_parameters_he([3, 4, 1], seed=1)
AL, CACHES = r.L_model_forward(X, P)
G = r.L_model_backward(AL, Y, CACHES)
Z, DZ = RNG.standard_normal((4, 5)), RNG.standard_normal((4, 5))
LIN = r.LinearCache(X, P["W1"], P["b1"])
LAC = r.LinearActivationCache(LIN, Z)
BN_CACHE = r.batchnorm_forward(Z, np.ones((4, 1)), np.zeros((4, 1)), {"mode": "train"})[1]
V, S = r.initialize_adam(P)
V1 = {k: v + 0.1 for k, v in V.items()}

CALLS = {
    "sigmoid": (r.sigmoid, Z), "relu": (r.relu, Z), "tanh": (r.tanh, Z), "softmax": (r.softmax, Z),
    "sigmoid_backward": (r.sigmoid_backward, DZ, Z), "relu_backward": (r.relu_backward, DZ, Z),
    "tanh_backward": (r.tanh_backward, DZ, Z), "softmax_cross_entropy_backward": (r.softmax_cross_entropy_backward, Z, DZ),
    "linear_forward": (r.linear_forward, X, P["W1"], P["b1"]),
    "linear_activation_forward": (r.linear_activation_forward, X, P["W1"], P["b1"], "relu"),
    "L_model_forward": (r.L_model_forward, X, P),
    "linear_backward": (r.linear_backward, DZ, LIN),
    "linear_activation_backward": (r.linear_activation_backward, DZ, LAC, "tanh"),
    "L_model_backward": (r.L_model_backward, AL, Y, CACHES),
    "L_model_backward_with_regularization": (r.L_model_backward_with_regularization, AL, Y, CACHES, 0.7),
    "compute_cost": (r.compute_cost, AL, Y),
    "compute_cost_with_regularization": (r.compute_cost_with_regularization, AL, Y, P, 0.7),
    "compute_softmax_cost": (r.compute_softmax_cost, r.softmax(Z)[0], np.eye(4)[:, [0, 1, 2, 3, 0]]),
    "normalize_inputs": (r.normalize_inputs, X, X[:, :2]),
    "dropout_forward": (r.dropout_forward, Z, 0.5, np.random.default_rng(1)),
    "dropout_backward": (r.dropout_backward, DZ, Z > 0, 0.5),
    "update_parameters": (r.update_parameters, P, G, 0.1),
    "update_parameters_with_gd": (r.update_parameters_with_gd, P, G, 0.1),
    "update_parameters_with_momentum": (r.update_parameters_with_momentum, P, G, V1, 0.9, 0.1),
    "update_parameters_with_rmsprop": (r.update_parameters_with_rmsprop, P, G, V1, 0.9, 0.1),
    "update_parameters_with_adam": (r.update_parameters_with_adam, P, G, V1, V1, 2),
    "random_mini_batches": (r.random_mini_batches, X, Y, 2, 0),
    "batchnorm_backward": (r.batchnorm_backward, DZ, BN_CACHE),
    "gradient_check_n": (r.gradient_check_n, P, G, X, Y),
    "output_backward": (r.output_backward, AL, Y, CACHES[-1], "sigmoid"),
    "l2_penalty": (r.l2_penalty, P, 0.7, 5),
    "num_layers": (r.num_layers, P),
    "parameter_keys": (r.parameter_keys, P),
    "dictionary_to_vector": (r.dictionary_to_vector, P, ["W1", "b1"]),
    "vector_to_dictionary": (r.vector_to_dictionary, np.arange(12.0), P, ["W1"]),
    "initialize_velocity": (r.initialize_velocity, P),
    "initialize_rmsprop": (r.initialize_rmsprop, P),
    "initialize_adam": (r.initialize_adam, P),
    "compute_cost_weighted": (r.compute_cost_weighted, AL, Y, np.array([[0.5, 2.0, 1.0, 0.0, 3.0]])),
    "L_model_backward_weighted": (r.L_model_backward_weighted, AL, Y, CACHES, np.array([[0.5, 2.0, 1.0, 0.0, 3.0]])),
    "lp_penalty": (r.lp_penalty, P, 0.7, 5, 1),
    "early_stopping": (r.early_stopping, [0.5, 0.4, 0.45, 0.3, 0.35, 0.36], 2),
    "sample_hyperparameters": (r.sample_hyperparameters, {"rate": ("log", 1e-3, 1.0), "units": ("int", 2, 9),
                                                          "act": ("choice", ["relu", "tanh"])}, 4,
                               np.random.default_rng(2)),
    **{name: (getattr(r, name), [3, 4, 1]) for name in r.__all__ if name.startswith("initialize_parameters")},
}
CORE_MODULES = {f"reference.{m}" for m in ("activations", "batchnorm", "costs", "gradcheck", "hyperparameters",
                                             "initializers", "layers", "optimizers", "regularization", "scaling")}
IMMUTABLE_ARGUMENTS = {"update_lr", "schedule_lr_decay", "exponential_lr_decay"}


def assert_same(before, after, where: str) -> None:
    """Equal structure and values; arrays compared element by element."""
    if isinstance(before, np.ndarray):
        assert_array_equal(after, before, err_msg=where)
    elif isinstance(before, dict):
        assert set(after) == set(before), where
        for key in before:
            assert_same(before[key], after[key], f"{where}[{key!r}]")
    elif isinstance(before, (list, tuple)):
        assert len(after) == len(before), where
        for i, (b, a) in enumerate(zip(before, after)):
            assert_same(b, a, f"{where}[{i}]")


@pytest.mark.parametrize("name", sorted(CALLS))
def test_arguments_are_left_unchanged(name) -> None:
    function, *args = CALLS[name]
    before = copy.deepcopy(args)
    function(*args)
    for i, (b, a) in enumerate(zip(before, args)):
        if not isinstance(b, np.random.Generator):
            assert_same(b, a, f"{name} argument {i}")


def test_every_public_function_taking_arrays_or_containers_is_in_the_table() -> None:
    """The core modules' functions; data, network, training and diagnosis are tested by their own files."""
    functions = {
        n for n in r.__all__
        if callable(getattr(r, n)) and not isinstance(getattr(r, n), type) and getattr(r, n).__module__ in CORE_MODULES
    }
    assert functions - IMMUTABLE_ARGUMENTS - {"batchnorm_forward"} == set(CALLS)


def test_batchnorm_forward_only_rebinds_the_running_statistics() -> None:
    mean, var = np.zeros((4, 1)), np.ones((4, 1))
    bn_param = {"mode": "train", "running_mean": mean, "running_var": var, "eps": 1e-3}
    gamma, beta = np.ones((4, 1)), np.zeros((4, 1))
    args = copy.deepcopy((Z, gamma, beta))
    r.batchnorm_forward(Z, gamma, beta, bn_param)
    assert_same(args, (Z, gamma, beta), "Z, gamma, beta")
    assert set(bn_param) == {"mode", "running_mean", "running_var", "eps"} and bn_param["eps"] == 1e-3
    assert_array_equal(mean, 0.0)
    assert_array_equal(var, 1.0)
    assert not np.array_equal(bn_param["running_mean"], mean)
