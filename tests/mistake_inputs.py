"""Generic inputs for every graded function: where each catalogued mistake shows.

``CASES[function]`` is a list of ``Call`` records without an output (the arguments of one call);
a catalogued mistake must differ from the reference on at least one of them. Shapes are
non-square, entries distinct, Z has exact zeros, optimizer states are non-zero, t > 1, epsilons
large and small.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from dnn_checks.calls import Call

import reference


def _rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def _network(dims: list[int], m: int, seed: int = 1) -> tuple[np.ndarray, dict, np.ndarray]:
    rng = _rng(seed)
    params = {}
    for l in range(1, len(dims)):
        params[f"W{l}"] = rng.normal(0, 0.8, (dims[l], dims[l - 1]))
        params[f"b{l}"] = rng.normal(0, 0.3, (dims[l], 1))
    X = rng.normal(0, 1, (dims[0], m))
    Y = (rng.random((dims[-1], m)) < 0.5).astype(float)
    Y[0, :2] = [0.0, 1.0]
    return X, params, Y


def _Z(shape: tuple[int, int] = (4, 6)) -> np.ndarray:
    Z = _rng(2).normal(0, 2, shape)
    Z[0, :2] = 0.0
    return Z


def _state(params: dict, seed: int, square: bool = False) -> dict:
    rng = _rng(seed)
    return {f"d{k}": (rng.random(v.shape) + 0.1 if square else rng.normal(0, 0.5, v.shape)) for k, v in params.items()}


def _batchnorm_forward(Z: np.ndarray, bn_param: dict) -> tuple:
    return Z, _rng(5).normal(1, 0.5, (Z.shape[0], 1)), _rng(6).normal(0, 0.5, (Z.shape[0], 1)), bn_param


def _batchnorm_backward() -> tuple:
    Z = _Z((3, 7))
    _, cache = reference.batchnorm_forward(Z, _rng(5).normal(1, 0.5, (3, 1)), np.zeros((3, 1)), {"mode": "train"})
    return _rng(7).normal(0, 1, Z.shape), cache


def _arguments() -> dict[str, list[tuple[Any, ...]]]:
    """Each function's argument tuples."""
    X, params, Y = _network([5, 4, 3, 1], 6)
    AL, caches = reference.L_model_forward(X, params)
    grads = reference.L_model_backward(AL, Y, caches)
    Xs, small, Ys = _network([3, 2, 1], 4, seed=3)
    small_grads = reference.L_model_backward(*reference.L_model_forward(Xs, small)[:1], Ys,
                                             reference.L_model_forward(Xs, small)[1])
    wrong_grads = {k: v * 1.3 + 0.01 for k, v in small_grads.items()}
    dZ, A_prev = _rng(4).normal(0, 1, (4, 7)), _rng(5).normal(0, 1, (5, 7))
    W, b = _rng(6).normal(0, 1, (4, 5)), _rng(8).normal(0, 1, (4, 1))
    dims = [300, 50, 40, 20]
    linear_cache = reference.LinearCache(A_prev, W, b)
    v, s = _state(params, 10), _state(params, 11, square=True)
    A = _rng(9).normal(0, 1, (200, 300))
    weights = np.array([[0.5, 2.0, 1.0, 0.0, 3.0, 1.5]])
    sparse_params = {**params, "W1": np.where(np.arange(20).reshape(4, 5) % 3 == 0, 0.0, params["W1"])}
    sparse = (*reference.L_model_forward(X, sparse_params)[:1], Y, reference.L_model_forward(X, sparse_params)[1])
    running = {"running_mean": _rng(12).normal(0, 1, (4, 1)), "running_var": _rng(13).random((4, 1)) + 0.5}
    return {
        **{f: [(_Z(),)] for f in ("sigmoid", "relu", "tanh", "softmax")},
        **{f: [(_rng(3).normal(0, 1, (4, 6)), _Z())]
           for f in ("sigmoid_backward", "relu_backward", "tanh_backward")},
        **{f: [(dims, 3)] for f in ("initialize_parameters_he", "initialize_parameters_deep",
                                        "initialize_parameters_random", "initialize_parameters_xavier")},
        "initialize_parameters_zeros": [(dims,)],
        "linear_forward": [(A_prev, W, b)],
        "linear_activation_forward": [(A_prev, W, b, a) for a in ("relu", "sigmoid", "tanh")],
        "L_model_forward": [(X, params)],
        "compute_cost": [(AL, Y), (_rng(1).uniform(0.01, 0.99, (1, 5)), np.array([[0.0, 1.0, 1.0, 0.0, 1.0]]))],
        "linear_backward": [(dZ, linear_cache)],
        "linear_activation_backward": [(dZ, (linear_cache, _Z((4, 7))), a) for a in ("relu", "sigmoid", "tanh")],
        "L_model_backward": [(AL, Y, caches)],
        **{f: [(params, grads, 0.1)] for f in ("update_parameters", "update_parameters_with_gd")},
        "gradient_check_n": [(small, small_grads, Xs, Ys, 1e-2), (small, wrong_grads, Xs, Ys, 1e-4)],
        "normalize_inputs": [(_rng(14).normal(3, 2, (3, 10)) * [[1], [5], [0.2]], _rng(15).normal(0, 3, (3, 6)))],
        "compute_cost_with_regularization": [(AL, Y, params, 0.7), *((AL, Y, params, 0.7, p) for p in (1, 3))],
        "L_model_backward_with_regularization": [(AL, Y, caches, 0.7), (AL, Y, caches, 0.7, 3),
                                                 (*sparse, 0.7, 1)],
        "compute_cost_weighted": [(AL, Y, weights)],
        "L_model_backward_weighted": [(AL, Y, caches, weights)],
        "early_stopping": [([0.6, 0.5, 0.5, 0.7, 0.4, 0.45, 0.5, 0.3], 2), ([0.5, 0.4, 0.3], 2),
                           ([0.3, 0.5, 0.4, 0.45, 0.42, 0.5], 3)],
        "augment_shift": [(_rng(21).random((12, 3)) + 0.1, np.array([[0.0, 1.0, 1.0]]), [(1, 0), (0, -2), (-1, 1)],
                               (3, 4))],
        "sample_hyperparameters": [({"rate": ("log", 1e-4, 1e-1), "keep": ("uniform", 0.5, 1.0),
                                         "units": ("int", 8, 11), "optimizer": ("choice", ["gd", "adam", "rmsprop"])},
                                        3000, _rng(22))],
        "dropout_forward": [(A, 0.8, _rng(16))],
        "dropout_backward": [(_rng(17).normal(0, 1, (4, 6)), _rng(18).random((4, 6)) < 0.7, 0.7)],
        "random_mini_batches": [(_rng(19).normal(0, 1, (3, 150)), _rng(20).normal(0, 1, (2, 150)), 64, 0)],
        **{f: [(params,)] for f in ("initialize_velocity", "initialize_rmsprop", "initialize_adam")},
        "update_parameters_with_momentum": [(params, grads, v, 0.9, 0.1)],
        "update_parameters_with_rmsprop": [(params, grads, s, 0.9, 0.01, e) for e in (1e-8, 0.1)],
        "update_parameters_with_adam": [(params, grads, v, s, 3, 0.01, 0.9, 0.999, e) for e in (1e-8, 0.1)],
        "update_lr": [(0.5, 7, 0.3)],
        "schedule_lr_decay": [(0.5, 2600, 0.3, 1000)],
        "exponential_lr_decay": [(0.5, 7, 0.9)],
        "batchnorm_forward": [
            _batchnorm_forward(_Z(), {"mode": "train", "eps": 0.1, "momentum": 0.8, **running}),
            _batchnorm_forward(_Z(), {"mode": "train"}),
            _batchnorm_forward(_Z(), {"mode": "test", "eps": 0.1, **running}),
            _batchnorm_forward(_Z(), {"mode": "test", **running}),
        ],
        "batchnorm_backward": [_batchnorm_backward()],
    }


def _composition_arguments() -> dict[str, list[tuple[Any, ...]]]:
    """Branches of different and of equal sizes; the forward's of equal sizes (where adding or joining columns runs)."""
    rng = _rng(21)
    pairs = [(rng.normal(0, 1, (4, 5)), rng.normal(0, 1, (2, 5))), (rng.normal(0, 1, (3, 5)), rng.normal(0, 1, (3, 5)))]
    A, alphas = rng.normal(0, 1, (3, 4)), (0.3, -2.0)
    return {
        "concat_forward": [pairs[1]],
        "concat_backward": [(rng.normal(0, 1, (len(A1) + len(A2), 5)), reference.concat_forward(A1, A2)[1])
                            for A1, A2 in pairs],
        "scale_forward": [(A, alpha) for alpha in alphas],
        "scale_backward": [(rng.normal(0, 1, A.shape), reference.scale_forward(A, alpha)[1]) for alpha in alphas],
    }


CASES: dict[str, list[Call]] = {function: [Call(function, args) for args in arguments]
                                for function, arguments in {**_arguments(), **_composition_arguments()}.items()}
