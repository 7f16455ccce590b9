"""Writes the visible checks' expected values (``dnn_checks/expected/*.json``) from the reference.

``python -m autograder.build.expected`` rewrites the files; the tests prove that the stored
values are what the reference computes today. Inputs come from a generator seeded by the
function's name, so a rebuild changes nothing unless the reference or the cases change.
Batch norm stores what its checks compare: ``batchnorm_forward`` -> ``(out, bn_param after
the call)``, ``batchnorm_backward`` (inputs ``Z, gamma, beta, dout``, the forward in train
mode) -> ``(dZ, dgamma, dbeta)``. Composing networks stores what its checks compare, the caches
being the implementer's own: a forward -> its output alone, a backward (the forward's inputs
and ``dA``) -> its gradients from the forward's cache.
"""

from __future__ import annotations

import copy
import json
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from dnn_checks import expected
from dnn_checks.values import to_base

import reference

Inputs = dict[str, Any]
Cases = Callable[[np.random.Generator], list[Inputs]]
FILE = Path(expected.__file__).with_name("part_a.json")
FILE_BCD = Path(expected.__file__).with_name("part_bcd.json")
FILE_COMPOSITION = Path(expected.__file__).with_name("composition.json")


def _activation(rng: np.random.Generator) -> list[Inputs]:
    return [{"Z": rng.standard_normal((3, 4)) * 3}, {"Z": np.array([[0.0, -1.5, 2.0]])}]


def _softmax(rng: np.random.Generator) -> list[Inputs]:
    return [{"Z": rng.standard_normal((4, 3)) * 3}, {"Z": np.array([[800.0, -3.0], [799.0, 2.0], [-800.0, 1.0]])}]


def _activation_backward(rng: np.random.Generator) -> list[Inputs]:
    Z = rng.standard_normal((4, 3)) * 2
    Z[0, 0] = 0.0
    return [{"dA": rng.standard_normal((4, 3)), "cache": Z}]


def _layer(rng: np.random.Generator, n_prev: int, n: int, m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return rng.standard_normal((n_prev, m)), rng.standard_normal((n, n_prev)), rng.standard_normal((n, 1))


def _linear_forward(rng: np.random.Generator) -> list[Inputs]:
    return [dict(zip(("A_prev", "W", "b"), _layer(rng, *dims))) for dims in [(3, 4, 2), (2, 2, 1)]]


def _linear_activation_forward(rng: np.random.Generator) -> list[Inputs]:
    return [{**dict(zip(("A_prev", "W", "b"), _layer(rng, 3, 4, 2))), "activation": activation}
            for activation in ("sigmoid", "relu", "tanh", "softmax")]


def _network(rng: np.random.Generator, dims: list[int], m: int) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray]:
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1])) / np.sqrt(dims[l - 1])
        parameters[f"b{l}"] = rng.standard_normal((dims[l], 1)) * 0.1
    return rng.standard_normal((dims[0], m)), parameters, (rng.random((1, m)) < 0.5).astype(float)


def _L_model_forward(rng: np.random.Generator) -> list[Inputs]:
    return [{"X": X, "parameters": parameters} for X, parameters, _ in
            (_network(rng, [4, 3, 2, 1], 3), _network(rng, [2, 1], 1))]


def _compute_cost(rng: np.random.Generator) -> list[Inputs]:
    return [{"AL": rng.uniform(0.01, 0.99, (1, 5)), "Y": np.array([[1.0, 0.0, 1.0, 1.0, 0.0]])},
            {"AL": np.array([[0.8]]), "Y": np.array([[1.0]])}]


def _linear_backward(rng: np.random.Generator) -> list[Inputs]:
    A_prev, W, b = _layer(rng, 5, 4, 3)
    return [{"dZ": rng.standard_normal((4, 3)), "linear_cache": (A_prev, W, b)}]


def _linear_activation_backward(rng: np.random.Generator) -> list[Inputs]:
    cases = []
    for activation in ("sigmoid", "relu", "tanh"):
        A_prev, W, b = _layer(rng, 3, 4, 2)
        cache = ((A_prev, W, b), W @ A_prev + b)
        cases.append({"dA": rng.standard_normal((4, 2)), "cache": cache, "activation": activation})
    return cases


def _L_model_backward(rng: np.random.Generator) -> list[Inputs]:
    cases = []
    for dims, m in [([4, 3, 2, 1], 3), ([3, 1], 2)]:
        X, parameters, Y = _network(rng, dims, m)
        AL, caches = reference.L_model_forward(X, parameters)
        cases.append({"AL": AL, "Y": Y, "caches": to_base(caches)})
    return cases


def _update_parameters(rng: np.random.Generator) -> list[Inputs]:
    _, parameters, _ = _network(rng, [3, 2, 1], 1)
    grads = {f"d{key}": rng.standard_normal(value.shape) for key, value in parameters.items()}
    return [{"parameters": parameters, "grads": {**grads, "dA0": np.ones((3, 1))}, "learning_rate": 0.1}]


def _gradient_check_n(rng: np.random.Generator) -> list[Inputs]:
    """Correct gradients at large epsilons (truncation shows), and wrong ones at the default epsilon."""
    X, parameters, Y = _network(rng, [3, 2, 1], 3)
    AL, caches = reference.L_model_forward(X, parameters)
    gradients = reference.L_model_backward(AL, Y, caches)
    wrong = {**gradients, "dW1": gradients["dW1"] * 1.5}
    return [{"parameters": parameters, "gradients": gradients, "X": X, "Y": Y, "epsilon": epsilon}
            for epsilon in (1e-1, 1e-2)] + [{"parameters": parameters, "gradients": wrong, "X": X, "Y": Y,
                                             "epsilon": 1e-7}]


PART_A: dict[str, Cases] = {
    "relu": _activation, "sigmoid": _activation, "tanh": _activation, "softmax": _softmax,
    "relu_backward": _activation_backward, "sigmoid_backward": _activation_backward,
    "tanh_backward": _activation_backward,
    "linear_forward": _linear_forward, "linear_activation_forward": _linear_activation_forward,
    "L_model_forward": _L_model_forward, "compute_cost": _compute_cost,
    "linear_backward": _linear_backward, "linear_activation_backward": _linear_activation_backward,
    "L_model_backward": _L_model_backward, "update_parameters": _update_parameters,
    "gradient_check_n": _gradient_check_n,
}


def build(table: dict[str, Cases]) -> dict[str, list[dict[str, Any]]]:
    """{function: [{"inputs": ..., "expected": ...}]}, encoded for JSON."""
    stored = {}
    for function, make in table.items():
        cases = make(np.random.default_rng(zlib.crc32(function.encode())))
        stored[function] = [{"inputs": expected.encode(inputs),
                             "expected": expected.encode(to_base(getattr(reference, function)(*inputs.values())))}
                            for inputs in cases]
    return stored


def dumps(stored: dict[str, list[dict[str, Any]]]) -> str:
    """JSON with one line per case, so that a change shows as a small diff."""
    blocks = [f"{json.dumps(function)}: [\n" + ",\n".join(json.dumps(case) for case in cases) + "\n]"
              for function, cases in stored.items()]
    return "{\n" + ",\n".join(blocks) + "\n}\n"




def _cost(rng: np.random.Generator) -> list[Inputs]:
    """Without p (Part B), then L1 and p = 3."""
    X, parameters, Y = _network(rng, [4, 3, 2, 1], 5)
    case = {"AL": reference.L_model_forward(X, parameters)[0], "Y": Y, "parameters": parameters, "lambd": 0.7}
    return [case, {**case, "p": 1}, {**case, "lambd": 0.3, "p": 3}]


def _backward(rng: np.random.Generator) -> list[Inputs]:
    """Without p (Part B), then L1 with some weights exactly 0 (their gradient gets no L1 term), and p = 3."""
    X, parameters, Y = _network(rng, [4, 3, 2, 1], 5)
    AL, caches = reference.L_model_forward(X, parameters)
    sparse = {**parameters, "W1": np.where(np.arange(12).reshape(3, 4) % 3 == 0, 0.0, parameters["W1"])}
    AL_sparse, sparse_caches = reference.L_model_forward(X, sparse)
    return [{"AL": AL, "Y": Y, "caches": to_base(caches), "lambd": 0.7},
            {"AL": AL_sparse, "Y": Y, "caches": to_base(sparse_caches), "lambd": 0.7, "p": 1},
            {"AL": AL, "Y": Y, "caches": to_base(caches), "lambd": 0.3, "p": 3}]


def _weighted_cost(rng: np.random.Generator) -> list[Inputs]:
    return [{"AL": rng.uniform(0.01, 0.99, (1, 6)), "Y": np.array([[1.0, 0.0, 1.0, 1.0, 0.0, 0.0]]),
             "sample_weight": np.array([[0.5, 2.0, 1.0, 0.0, 3.0, 1.0]])}]


def _weighted_backward(rng: np.random.Generator) -> list[Inputs]:
    cases = []
    for dims, m in [([4, 3, 2, 1], 5), ([3, 1], 3)]:
        X, parameters, Y = _network(rng, dims, m)
        AL, caches = reference.L_model_forward(X, parameters)
        cases.append({"AL": AL, "Y": Y, "caches": to_base(caches), "sample_weight": rng.uniform(0.0, 3.0, (1, m))})
    return cases


EARLY_STOPPING = [
    {"dev_costs": [1.0, 0.8, 0.6, 0.65, 0.7, 0.75, 0.9], "patience": 3},
    {"dev_costs": [0.5, 0.5, 0.5, 0.5], "patience": 2},
    {"dev_costs": [0.5, 0.4, 0.3, 0.2], "patience": 1},
    {"dev_costs": [0.6, 0.5, 0.7, 0.4, 0.8, 0.9, 0.1], "patience": 2},
]


def _augment(rng: np.random.Generator) -> list[Inputs]:
    return [{"X": rng.uniform(0.1, 1.0, (12, 2)), "Y": np.array([[0.0, 1.0]]),
             "shifts": [(1, 0), (0, -1), (-2, 1), (0, 5)], "image_shape": (3, 4)},
            {"X": rng.uniform(0.1, 1.0, (64, 3)), "Y": np.eye(3), "shifts": [(0, 1), (0, -1), (1, 0), (-1, 0)],
             "image_shape": (8, 8)}]


def _dropout_backward(rng: np.random.Generator) -> list[Inputs]:
    return [{"dA": rng.standard_normal((3, 4)), "D": rng.random((3, 4)) < 0.7, "keep_prob": 0.7}]


def _normalize(rng: np.random.Generator) -> list[Inputs]:
    return [{"X_train": rng.normal(2.0, 3.0, (3, 6)), "X_test": rng.normal(2.0, 3.0, (3, 4))}]


def _states(rng: np.random.Generator, count: int) -> list[dict[str, np.ndarray]]:
    _, parameters, _ = _network(rng, [3, 2, 1], 1)
    grads = {f"d{key}": rng.standard_normal(value.shape) for key, value in parameters.items()}
    states = [{key: np.abs(rng.standard_normal(g.shape)) * 0.1 for key, g in grads.items()} for _ in range(count)]
    return [parameters, {**grads, "dA0": np.ones((3, 1))}, *states]


def _gd(rng: np.random.Generator) -> list[Inputs]:
    parameters, grads = _states(rng, 0)
    return [{"parameters": parameters, "grads": grads, "learning_rate": 0.05}]


def _momentum(rng: np.random.Generator) -> list[Inputs]:
    parameters, grads, v = _states(rng, 1)
    return [{"parameters": parameters, "grads": grads, "v": v, "beta": 0.8, "learning_rate": 0.05}]


def _rmsprop(rng: np.random.Generator) -> list[Inputs]:
    parameters, grads, s = _states(rng, 1)
    return [{"parameters": parameters, "grads": grads, "s": s, "beta": 0.9, "learning_rate": 0.01,
             "epsilon": epsilon} for epsilon in (1e-8, 0.1)]


def _adam(rng: np.random.Generator) -> list[Inputs]:
    parameters, grads, v, s = _states(rng, 2)
    return [{"parameters": parameters, "grads": grads, "v": v, "s": s, "t": t, "learning_rate": 0.01,
             "beta1": 0.9, "beta2": 0.999, "epsilon": epsilon} for t, epsilon in ((1, 1e-8), (3, 0.1))]


def _init(rng: np.random.Generator) -> list[Inputs]:
    _, parameters, _ = _network(rng, [3, 2, 1], 1)
    return [{"parameters": parameters}]


LR_CASES = {
    "update_lr": [{"learning_rate0": 0.5, "epoch_num": 7, "decay_rate": 0.3}],
    "schedule_lr_decay": [{"learning_rate0": 0.5, "epoch_num": 2600, "decay_rate": 0.3, "time_interval": 1000},
                          {"learning_rate0": 0.1, "epoch_num": 15, "decay_rate": 1.0, "time_interval": 10}],
    "exponential_lr_decay": [{"learning_rate0": 0.5, "epoch_num": 7, "k": 0.9}],
}

PART_BCD: dict[str, Cases] = {
    "normalize_inputs": _normalize, "compute_cost_with_regularization": _cost,
    "L_model_backward_with_regularization": _backward, "dropout_backward": _dropout_backward,
    "update_parameters_with_gd": _gd, "initialize_velocity": _init, "initialize_rmsprop": _init,
    "initialize_adam": _init, "update_parameters_with_momentum": _momentum,
    "update_parameters_with_rmsprop": _rmsprop, "update_parameters_with_adam": _adam,
    **{name: (lambda cases: lambda rng: cases)(cases) for name, cases in LR_CASES.items()},
    "compute_cost_weighted": _weighted_cost, "L_model_backward_weighted": _weighted_backward,
    "early_stopping": lambda rng: EARLY_STOPPING, "augment_shift": _augment,
}


def _batchnorm_cases(rng: np.random.Generator) -> list[Inputs]:
    Z = rng.normal(1.0, 2.0, (3, 5))
    gamma, beta = rng.normal(1.0, 0.3, (3, 1)), rng.normal(0.0, 0.5, (3, 1))
    running = {"running_mean": rng.normal(0.0, 1.0, (3, 1)), "running_var": rng.uniform(0.5, 2.0, (3, 1))}
    params = [{"mode": "train"}, {"mode": "train", "eps": 0.1, "momentum": 0.7, **running},
              {"mode": "test", **running}, {"mode": "test", "eps": 0.1, **running}]
    return [{"Z": Z, "gamma": gamma, "beta": beta, "bn_param": bn_param} for bn_param in params]


def _batchnorm_forward(inputs: Inputs) -> Any:
    bn_param = copy.deepcopy(inputs["bn_param"])
    return reference.batchnorm_forward(inputs["Z"], inputs["gamma"], inputs["beta"], bn_param)[0], bn_param


def _batchnorm_backward(inputs: Inputs) -> Any:
    _, cache = reference.batchnorm_forward(inputs["Z"], inputs["gamma"], inputs["beta"], {"mode": "train"})
    return reference.batchnorm_backward(inputs["dout"], cache)


def build_bcd() -> dict[str, list[dict[str, Any]]]:
    """{function: [{"inputs", "expected"}]} for Parts B-D, encoded for JSON."""
    forward = _batchnorm_cases(np.random.default_rng(zlib.crc32(b"batchnorm")))
    backward = [{"Z": c["Z"], "gamma": c["gamma"], "beta": c["beta"],
                 "dout": np.random.default_rng(0).normal(size=c["Z"].shape)} for c in forward[:1]]
    return {**build(PART_BCD),
            "batchnorm_forward": [_case(c, _batchnorm_forward(c)) for c in forward],
            "batchnorm_backward": [_case(c, _batchnorm_backward(c)) for c in backward]}


def _case(inputs: Inputs, output: Any) -> dict[str, Any]:
    return {"inputs": expected.encode(inputs), "expected": expected.encode(to_base(output))}


#: The forward inputs of each composing layer (``<layer>_forward``, ``<layer>_backward``).
COMPOSITION: dict[str, Cases] = {
    "concat": lambda rng: [{"A1": rng.standard_normal((3, 4)), "A2": rng.standard_normal((2, 4))},
                           {"A1": rng.standard_normal((1, 2)), "A2": rng.standard_normal((3, 2))}],
    "scale": lambda rng: [{"A": rng.standard_normal((3, 4)), "alpha": alpha} for alpha in (0.3, -2.0)],
}


def build_composition() -> dict[str, list[dict[str, Any]]]:
    """{function: [{"inputs", "expected"}]} for concat and scale: forwards' outputs without their caches,
    backwards' gradients (inputs: the forward's and ``dA``) from the reference forward's cache."""
    stored: dict[str, list[dict[str, Any]]] = {}
    for layer, make in COMPOSITION.items():
        forward, backward = getattr(reference, f"{layer}_forward"), getattr(reference, f"{layer}_backward")
        rng = np.random.default_rng(zlib.crc32(layer.encode()))
        outputs = [(inputs, *forward(*inputs.values())) for inputs in make(rng)]
        stored[f"{layer}_forward"] = [_case(inputs, out) for inputs, out, _ in outputs]
        stored[f"{layer}_backward"] = [_case({**inputs, "dA": dA}, backward(dA, cache)) for inputs, out, cache in outputs
                                       for dA in [rng.standard_normal(out.shape)]]
    return stored


def main() -> None:
    FILE.write_text(dumps(build(PART_A)), encoding="utf-8")
    FILE_BCD.write_text(dumps(build_bcd()), encoding="utf-8")
    FILE_COMPOSITION.write_text(dumps(build_composition()), encoding="utf-8")
    print(f"wrote {FILE}, {FILE_BCD} and {FILE_COMPOSITION}")


if __name__ == "__main__":
    main()
