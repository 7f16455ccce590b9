"""Writes the stored expected values of Parts B-D (``dnn_checks/expected/part_bcd.json``) from the reference.

``python -m autograder.expected_bcd`` rewrites the file; ``tests/test_checks_part_bcd.py``
proves it is what the reference computes today. Batch norm stores what its checks compare:
``batchnorm_forward`` -> ``(out, bn_param after the call)``, ``batchnorm_backward`` (inputs
``Z, gamma, beta, dout``, the forward in train mode) -> ``(dZ, dgamma, dbeta)``.
"""

from __future__ import annotations

import copy
import zlib
from pathlib import Path
from typing import Any

import numpy as np

import reference
from autograder.expected import Cases, Inputs, _network, build, dumps
from dnn_checks import expected
from dnn_checks.values import to_base

FILE = Path(expected.__file__).with_name("part_bcd.json")


def _cost(rng: np.random.Generator) -> list[Inputs]:
    X, parameters, Y = _network(rng, [4, 3, 2, 1], 5)
    return [{"AL": reference.L_model_forward(X, parameters)[0], "Y": Y, "parameters": parameters, "lambd": 0.7}]


def _backward(rng: np.random.Generator) -> list[Inputs]:
    X, parameters, Y = _network(rng, [4, 3, 2, 1], 5)
    AL, caches = reference.L_model_forward(X, parameters)
    return [{"AL": AL, "Y": Y, "caches": to_base(caches), "lambd": 0.7}]


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


def main() -> None:
    FILE.write_text(dumps(build_bcd()), encoding="utf-8")
    print(f"wrote {FILE}")


if __name__ == "__main__":
    main()
