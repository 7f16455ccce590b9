"""Writes the visible checks' expected values (``dnn_checks/expected/*.json``) from the reference.

``python -m autograder.expected`` rewrites the files; ``tests/test_checks_framework.py``
proves that the stored values are what the reference computes today. Inputs come from a
generator seeded by the function's name, so a rebuild changes nothing unless the
reference or the cases change.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import reference
from dnn_checks import expected
from dnn_checks.values import to_base

Inputs = dict[str, Any]
Cases = Callable[[np.random.Generator], list[Inputs]]
FILE = Path(expected.__file__).with_name("part_a.json")


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


def main() -> None:
    FILE.write_text(dumps(build(PART_A)), encoding="utf-8")
    print(f"wrote {FILE}")


if __name__ == "__main__":
    main()
