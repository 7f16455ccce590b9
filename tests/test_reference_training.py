"""The training loop and the network it trains: gradients, equivalence with the core
L-model, accuracy on the course's data, optimizers, early stopping, regularization.

Accuracies and step counts were measured once (numbers in each docstring); the thresholds
sit a little below, and every run is deterministic (fixed seeds).
"""

import copy

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from threadpoolctl import threadpool_limits

from reference.data import (
    load_digits_binary,
    load_digits_multiclass,
    make_circle,
    make_gaussians,
    make_spiral,
    make_xor,
    one_hot,
)
from reference.gradcheck import dictionary_to_vector, vector_to_dictionary
from reference.layers import L_model_forward
from reference.network import (
    initialize_bn_params,
    initialize_network,
    network_backward,
    network_cost,
    network_forward,
)
from reference.optimizers import update_lr
from reference.regularization import L_model_backward_with_regularization
from reference.training import (
    accuracy,
    evaluate_cost,
    learning_rate_schedule,
    predict,
    train_model,
)

STEP = 1e-6


@pytest.fixture(autouse=True, scope="module")
def one_blas_thread():
    """These matrices are small: BLAS threads only spin against the other jobs on the machine."""
    with threadpool_limits(limits=1):
        yield


def central_differences(cost, parameters):
    """dJ/dtheta_i = (J(theta + STEP e_i) - J(theta - STEP e_i)) / (2 STEP), as a dict "dW1", ..."""
    keys = list(parameters)
    theta = dictionary_to_vector(parameters, keys)
    grad = np.empty_like(theta)
    for i in range(theta.size):
        step = np.zeros_like(theta)
        step[i] = STEP
        grad[i] = (cost(vector_to_dictionary(theta + step, parameters, keys))
                   - cost(vector_to_dictionary(theta - step, parameters, keys))) / (2 * STEP)
    return {f"d{key}": value for key, value in vector_to_dictionary(grad, parameters, keys).items()}


def small_problem(output):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((4, 9))
    if output == "softmax":
        return X, one_hot(rng.integers(0, 3, 9), 3)
    return X, (rng.random((1, 9)) < 0.5).astype(np.float64)


@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
@pytest.mark.parametrize("batch_norm", [False, True])
@pytest.mark.parametrize("keep_prob", [1.0, 0.6])
def test_network_gradients_match_central_differences(output, batch_norm, keep_prob):
    """With the dropout masks fixed (the same generator seed in every pass) and biases away
    from 0 (a dropped-out column would put Z = b = 0 on the ReLU kink)."""
    X, Y = small_problem(output)
    parameters = initialize_network([4, 5, 3, Y.shape[0]], batch_norm=batch_norm, seed=2)
    rng = np.random.default_rng(7)
    parameters = {k: v + 0.1 * rng.standard_normal(v.shape) for k, v in parameters.items()}

    def forward(params):
        return network_forward(X, params, bn_params=initialize_bn_params(params), keep_prob=keep_prob,
                               rng=np.random.default_rng(5), output_activation=output)

    def cost(params):
        return network_cost(forward(params)[0], Y, params, lambd=0.3, output_activation=output)

    AL, caches = forward(parameters)
    grads = network_backward(AL, Y, caches, lambd=0.3)
    numeric = central_differences(cost, parameters)
    for key, value in numeric.items():
        assert_allclose(grads[key], value, rtol=1e-5, atol=1e-8, err_msg=key)
    if keep_prob < 1.0:
        assert any(not cache.D.all() for cache in caches[:-1])


def test_plain_network_is_the_core_L_model():
    X, Y = small_problem("sigmoid")
    parameters = initialize_network([4, 5, 3, 1], seed=2)
    AL, caches = network_forward(X, parameters)
    core_AL, core_caches = L_model_forward(X, parameters)
    assert_array_equal(AL, core_AL)
    grads = network_backward(AL, Y, caches, lambd=0.7)
    core = L_model_backward_with_regularization(core_AL, Y, core_caches, 0.7)
    assert sorted(grads) == sorted(core)
    for key in core:
        assert_allclose(grads[key], core[key], rtol=1e-12, atol=1e-15, err_msg=key)


def test_saturated_sigmoid_still_gives_finite_gradients():
    X, Y = np.array([[1.0, -1.0]]), np.array([[1.0, 0.0]])
    parameters = {"W1": np.array([[100.0]]), "b1": np.zeros((1, 1))}
    AL, caches = network_forward(X, parameters)
    assert AL[0, 0] == 1.0
    grads = network_backward(AL, Y, caches)
    assert np.all(np.isfinite(grads["dW1"])) and abs(grads["dW1"][0, 0]) < 1e-40


def test_batch_norm_updates_running_statistics_only_in_training():
    X, _ = small_problem("sigmoid")
    parameters = initialize_network([4, 5, 1], batch_norm=True, seed=0)
    bn_params = initialize_bn_params(parameters)
    network_forward(X, parameters, bn_params=bn_params)
    assert set(bn_params[0]) == {"running_mean", "running_var"}
    assert_allclose(bn_params[0]["running_mean"], 0.1 * (parameters["W1"] @ X).mean(axis=1, keepdims=True))
    frozen = copy.deepcopy(bn_params)
    evaluate_cost(X, np.ones((1, 9)), parameters, bn_params)
    predict(X, parameters, bn_params=bn_params)
    assert set(bn_params[0]) == set(frozen[0])
    assert all(np.array_equal(bn_params[0][k], v) for k, v in frozen[0].items())


def test_functions_leave_their_arguments_unchanged():
    X, Y = small_problem("softmax")
    parameters = initialize_network([4, 5, 3], batch_norm=True, seed=0)
    bn_params = initialize_bn_params(parameters)
    AL, caches = network_forward(X, parameters, bn_params=bn_params, keep_prob=0.5,
                                 rng=np.random.default_rng(0), output_activation="softmax")
    calls = {
        "network_backward": (lambda: network_backward(AL, Y, caches, lambd=0.1), (AL, Y, caches)),
        "network_cost": (lambda: network_cost(AL, Y, parameters, lambd=0.1, output_activation="softmax"),
                         (AL, Y, parameters)),
        "predict": (lambda: predict(X, parameters, bn_params=bn_params, output="softmax"),
                    (X, parameters, bn_params)),
        "accuracy": (lambda: accuracy(X, Y, parameters, bn_params=bn_params, output="softmax"),
                     (X, Y, parameters, bn_params)),
        "train_model": (lambda: train_model(X, Y, [4, 3], num_epochs=2, output="softmax", X_dev=X,
                                            Y_dev=Y, patience=1), (X, Y)),
    }
    for name, (call, args) in calls.items():
        before = copy.deepcopy(args)
        call()
        assert_nested_equal(before, args, name)


def assert_nested_equal(old, new, where):
    if isinstance(old, dict):
        assert set(old) == set(new), where
        for key in old:
            assert_nested_equal(old[key], new[key], where)
    elif isinstance(old, (list, tuple)):
        for a, b in zip(old, new, strict=True):
            assert_nested_equal(a, b, where)
    elif isinstance(old, np.ndarray):
        assert_array_equal(old, new, err_msg=where)


def test_predict_and_accuracy_by_hand():
    parameters = {"W1": np.array([[1.0], [-1.0], [0.0]]), "b1": np.zeros((3, 1))}
    X = np.array([[2.0, -3.0, 0.5]])
    assert_array_equal(predict(X, parameters, output="softmax"), [[1, 0, 1], [0, 1, 0], [0, 0, 0]])
    Y = one_hot(np.array([0, 1, 2]), 3)
    assert accuracy(X, Y, parameters, output="softmax") == pytest.approx(2 / 3)
    binary = {"W1": np.array([[1.0]]), "b1": np.zeros((1, 1))}
    assert_array_equal(predict(X, binary), [[1.0, 0.0, 1.0]])
    assert accuracy(X, np.array([[1.0, 1.0, 1.0]]), binary) == pytest.approx(2 / 3)


def test_learning_rate_schedules():
    assert learning_rate_schedule(None)(0.1, 50) == 0.1
    assert learning_rate_schedule(("inverse", 0.5))(0.1, 4) == update_lr(0.1, 4, 0.5)
    assert learning_rate_schedule(("scheduled", 1.0, 10))(0.1, 25) == pytest.approx(0.1 / 3)
    assert learning_rate_schedule(("exponential", 0.5))(0.1, 2) == pytest.approx(0.025)
    assert learning_rate_schedule(lambda lr, epoch: lr / 2)(0.1, 3) == 0.05


def test_training_counts_steps_and_is_deterministic():
    X, Y = make_circle(130, seed=0)
    first = train_model(X, Y, [2, 4, 1], num_epochs=3, mini_batch_size=32, seed=1)
    again = train_model(X, Y, [2, 4, 1], num_epochs=3, mini_batch_size=32, seed=1)
    assert first.steps == 3 * 5 and len(first.costs) == 3 and first.dev_costs == []
    assert first.costs == again.costs
    assert (first.best_epoch, first.stopped_early) == (2, False)


def test_decay_slows_learning():
    X, Y = make_gaussians(200, seed=0)
    plain = train_model(X, Y, [2, 4, 1], learning_rate=0.05, num_epochs=20, mini_batch_size=None)
    decayed = train_model(X, Y, [2, 4, 1], learning_rate=0.05, num_epochs=20, mini_batch_size=None,
                          decay=("inverse", 5.0))
    assert decayed.costs[0] == plain.costs[0]
    assert decayed.costs[-1] > plain.costs[-1]


def test_bad_arguments_are_refused():
    X, Y = make_circle(10, seed=0)
    with pytest.raises(ValueError, match="optimizer"):
        train_model(X, Y, [2, 1], optimizer="sgd")
    with pytest.raises(ValueError, match="dev set"):
        train_model(X, Y, [2, 1], patience=3)
    with pytest.raises(ValueError, match="output"):
        train_model(X, Y, [2, 1], output="tanh")


@pytest.mark.slow
@pytest.mark.parametrize("make, threshold", [(make_circle, 0.97), (make_xor, 0.96),
                                             (make_gaussians, 0.97), (make_spiral, 0.89)])
def test_playground_sets_are_learned(make, threshold):
    """400 examples (noise 0.05), [2, 16, 16, 1], Adam 0.01, batches of 64, 100 epochs.
    Measured dev accuracies (400 fresh points): circle 0.998, xor 0.998, gaussians 0.998,
    spiral 0.920 (0.92-0.97 over three seeds)."""
    X, Y = make(400, seed=0)
    X_dev, Y_dev = make(400, seed=10)
    result = train_model(X, Y, [2, 16, 16, 1], optimizer="adam", learning_rate=0.01, num_epochs=100)
    assert accuracy(X_dev, Y_dev, result.parameters) >= threshold


@pytest.mark.slow
def test_binary_digits_are_learned():
    """[64, 32, 1], Adam 0.003, batches of 64, 40 epochs. Measured: train 0.992, test 0.978."""
    split = load_digits_binary(seed=0)
    result = train_model(split.X_train, split.Y_train, [64, 32, 1], optimizer="adam",
                         learning_rate=0.003, num_epochs=40)
    assert accuracy(split.X_test, split.Y_test, result.parameters) >= 0.95


@pytest.mark.slow
@pytest.mark.parametrize("batch_norm, keep_prob, threshold", [(False, 1.0, 0.94), (True, 0.8, 0.95)])
def test_ten_digits_are_learned(batch_norm, keep_prob, threshold):
    """Softmax, Adam 0.003, batches of 64, 40 epochs. Measured test accuracy: [64, 32, 10]
    plain 0.961; [64, 64, 10] with batch norm and dropout 0.8: 0.981."""
    split = load_digits_multiclass(seed=0)
    width = 64 if batch_norm else 32
    result = train_model(split.X_train, split.Y_train, [64, width, 10], optimizer="adam",
                         learning_rate=0.003, num_epochs=40, output="softmax",
                         batch_norm=batch_norm, keep_prob=keep_prob)
    assert accuracy(split.X_test, split.Y_test, result.parameters, bn_params=result.bn_params,
                    output="softmax") >= threshold


def steps_to_reach(costs, target):
    """Full-batch steps (one per epoch) until the cost first drops to target."""
    return next((epoch + 1 for epoch, cost in enumerate(costs) if cost <= target), None)


@pytest.mark.slow
def test_adam_reaches_a_cost_in_fewer_steps_than_gradient_descent():
    """Binary digits, [64, 32, 1], full batch, 300 steps, target cost 0.1. Measured steps:
    Adam (0.01) 59; gradient descent at learning rates 0.1 / 0.3 / 1.0: never / never / 129."""
    split = load_digits_binary(seed=0)
    steps = {}
    for optimizer, rate in [("adam", 0.01), ("gd", 0.1), ("gd", 0.3), ("gd", 1.0)]:
        result = train_model(split.X_train, split.Y_train, [64, 32, 1], optimizer=optimizer,
                             learning_rate=rate, num_epochs=300, mini_batch_size=None)
        steps[optimizer, rate] = steps_to_reach(result.costs, 0.1) or np.inf
    best_gd = min(value for (optimizer, _), value in steps.items() if optimizer == "gd")
    assert steps["adam", 0.01] < 0.6 * best_gd


@pytest.mark.slow
def test_early_stopping_keeps_the_best_dev_parameters():
    """150 training digits, [64, 128, 128, 10]: the dev cost bottoms out early (epoch ~20)."""
    split = load_digits_multiclass(seed=0)
    X, Y = split.X_train[:, :150], split.Y_train[:, :150]
    result = train_model(X, Y, [64, 128, 128, 10], optimizer="adam", learning_rate=0.003,
                         num_epochs=300, mini_batch_size=50, output="softmax",
                         X_dev=split.X_dev, Y_dev=split.Y_dev, patience=10)
    assert result.stopped_early
    assert result.best_epoch == int(np.argmin(result.dev_costs))
    assert len(result.costs) == len(result.dev_costs) == result.best_epoch + 11
    assert min(result.dev_costs) < result.dev_costs[-1]
    kept = evaluate_cost(split.X_dev, split.Y_dev, result.parameters, result.bn_params, "softmax")
    assert kept == pytest.approx(min(result.dev_costs), rel=1e-12)


@pytest.mark.slow
def test_l2_and_dropout_shrink_the_train_dev_gap():
    """80 noisy XOR points (noise 0.25), [2, 64, 64, 1], Adam 0.01, 400 full-batch steps.
    Measured accuracy gap (train - dev on 1000 fresh points): plain 0.272, L2 0.3 0.115,
    dropout 0.5 0.133 (over five data seeds: plain 0.16-0.27, regularized 0.06-0.13)."""
    X, Y = make_xor(80, noise=0.25, seed=0)
    X_dev, Y_dev = make_xor(1000, noise=0.25, seed=100)
    gap = {}
    for name, options in [("plain", {}), ("l2", {"lambd": 0.3}), ("dropout", {"keep_prob": 0.5})]:
        result = train_model(X, Y, [2, 64, 64, 1], optimizer="adam", learning_rate=0.01,
                             num_epochs=400, mini_batch_size=None, **options)
        gap[name] = accuracy(X, Y, result.parameters) - accuracy(X_dev, Y_dev, result.parameters)
    assert gap["plain"] > 0.15
    assert gap["l2"] < 0.6 * gap["plain"] and gap["dropout"] < 0.6 * gap["plain"]
